#!/usr/bin/env bash
# Export benchmark: GET /tasks/export of ROWS tasks (default 1,000,000) on PostgreSQL and on SQLite,
# with the JVM limited to -Xmx128m. Records the time to the first byte, duration, rows/s, bytes,
# and the peak heap in use while streaming (sampled with jcmd every 200 ms), for NDJSON and CSV.
# 127.0.0.1 only; bounded by the export.
#
#   bench/export.sh                        # 1,000,000 rows, both databases
#   ROWS=100000 KINDS=sqlite bench/export.sh
#
# Env: ROWS, KINDS (postgresql sqlite), BENCH_DB (taskloop_export, dropped and recreated),
# BENCH_PORT (8091), PGPORT, PGUSER.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
ROWS="${ROWS:-1000000}"; DB="${BENCH_DB:-taskloop_export}"; PORT="${BENCH_PORT:-8091}"
source "$ROOT/bench/lib.sh"
simple_setup

seed() {
  echo "seeding $ROWS tasks on $KIND ..." >&2
  if [ "$KIND" = sqlite ]; then
    python3 - "$SQLITE_FILE" "$OWNER" "$ROWS" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
db.execute("""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
  INSERT INTO tasks (owner_id, title, description, is_completed, created_at, updated_at)
  SELECT ?, 'task ' || i, CASE WHEN i % 4 = 0 THEN NULL ELSE 'description of task ' || i END,
         i % 3 = 0, strftime('%Y-%m-%dT%H:%M:%f', 'now'), strftime('%Y-%m-%dT%H:%M:%f', 'now') FROM n""",
  (int(sys.argv[3]), sys.argv[2]))
db.commit()
PY
  else
    psql -d "$DB" -c "INSERT INTO tasks (owner_id, title, description, is_completed, created_at, updated_at)
      SELECT '$OWNER', 'task ' || i, CASE WHEN i % 4 = 0 THEN NULL ELSE 'description of task ' || i END,
             i % 3 = 0, now(), now() FROM generate_series(1, $ROWS) AS i" -c "ANALYZE tasks"
  fi
}

measure() { # format accept
  local format=$1 accept=$2 peak=0 used start end size first
  "$JDK/bin/jcmd" $PID GC.run > /dev/null 2>&1 || true
  start=$(date +%s.%N)
  curl -sf -H "Authorization: Bearer $KEY" -H "Accept: $accept" "http://127.0.0.1:$PORT/tasks/export" \
    -o "$OUT/export.$format" -w '%{time_starttransfer}' > "$OUT/first-byte.$format" &
  local curl_pid=$!
  while kill -0 $curl_pid 2>/dev/null; do
    used=$("$JDK/bin/jcmd" $PID GC.heap_info 2>/dev/null | awk '/garbage-first heap/ {for (i=1;i<=NF;i++) if ($i=="used") {gsub("K,?","",$(i+1)); print $(i+1); exit}}')
    [ -n "$used" ] && [ "$used" -gt "$peak" ] && peak=$used
    sleep 0.2
  done
  wait $curl_pid
  end=$(date +%s.%N)
  first=$(cat "$OUT/first-byte.$format")
  size=$(stat -c %s "$OUT/export.$format")
  local lines; lines=$(wc -l < "$OUT/export.$format")
  awk -v k="$KIND" -v f="$format" -v s="$start" -v e="$end" -v b="$size" -v l="$lines" -v r="$ROWS" -v p="$peak" -v t="$first" 'BEGIN {
    d = e - s; printf "| %s | %s | %d | %.2f | %.1f | %.0f | %.1f | %.1f |\n", k, f, l, t, d, r / d, b / 1048576, p / 1024 }'
  rm -f "$OUT/export.$format" "$OUT/first-byte.$format"
}

summary="$ROOT/bench/results/export-$(date -u +%Y%m%dT%H%M%SZ).md"
mkdir -p "$ROOT/bench/results"
{
  echo "| database | format | lines | first byte, s | seconds | rows/s | MiB | peak heap used, MiB (-Xmx128m) |"
  echo "|---|---|---|---|---|---|---|---|"
} > "$summary"
for KIND in ${KINDS:-postgresql sqlite}; do
  export KIND
  start_with_user "export-$KIND" -Xmx128m
  seed
  measure ndjson application/x-ndjson >> "$summary"
  measure csv text/csv >> "$summary"
  kill -TERM $PID; wait $PID || true
done
{
  echo
  echo "$ROWS tasks of one user; curl on 127.0.0.1; heap sampled with jcmd GC.heap_info every 0.2 s; $(date -u +%FT%TZ)."
} >> "$summary"
cat "$summary"
