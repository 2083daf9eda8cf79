#!/usr/bin/env bash
# Export benchmark: GET /tasks/export of ROWS tasks (default 1,000,000) on PostgreSQL, with the JVM
# limited to -Xmx128m. Records duration, rows/s, bytes, and the peak heap in use while streaming
# (sampled with jcmd every 200 ms), for NDJSON and CSV. 127.0.0.1 only; bounded by the export.
#
#   bench/export.sh                 # 1,000,000 rows
#   ROWS=100000 bench/export.sh     # quicker
#
# Env: ROWS, BENCH_DB (taskloop_export, dropped and recreated), BENCH_PORT (8091), PGPORT, PGUSER.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
ROWS="${ROWS:-1000000}"; DB="${BENCH_DB:-taskloop_export}"; PORT="${BENCH_PORT:-8091}"
source "$ROOT/bench/lib.sh"
start_with_user export -Xmx128m
echo "seeding $ROWS tasks ..." >&2
psql -d "$DB" -c "INSERT INTO tasks (owner_id, title, description, is_completed, created_at, updated_at)
  SELECT '$OWNER', 'task ' || i, CASE WHEN i % 4 = 0 THEN NULL ELSE 'description of task ' || i END,
         i % 3 = 0, now(), now() FROM generate_series(1, $ROWS) AS i" -c "ANALYZE tasks"

measure() { # format accept
  local format=$1 accept=$2 peak=0 used start end size
  "$JDK/bin/jcmd" $PID GC.run > /dev/null 2>&1 || true
  start=$(date +%s.%N)
  curl -sf -H "Authorization: Bearer $KEY" -H "Accept: $accept" "http://127.0.0.1:$PORT/tasks/export" \
    -o "$OUT/export.$format" &
  local curl_pid=$!
  while kill -0 $curl_pid 2>/dev/null; do
    used=$("$JDK/bin/jcmd" $PID GC.heap_info 2>/dev/null | awk '/garbage-first heap/ {for (i=1;i<=NF;i++) if ($i=="used") {gsub("K,?","",$(i+1)); print $(i+1); exit}}')
    [ -n "$used" ] && [ "$used" -gt "$peak" ] && peak=$used
    sleep 0.2
  done
  wait $curl_pid
  end=$(date +%s.%N)
  size=$(stat -c %s "$OUT/export.$format")
  local lines; lines=$(wc -l < "$OUT/export.$format")
  awk -v f="$format" -v s="$start" -v e="$end" -v b="$size" -v l="$lines" -v r="$ROWS" -v p="$peak" 'BEGIN {
    d = e - s; printf "| %s | %d | %.1f | %.0f | %.1f | %.1f |\n", f, l, d, r / d, b / 1048576, p / 1024 }'
  rm -f "$OUT/export.$format"
}
{
  echo "| format | lines | seconds | rows/s | MiB | peak heap used, MiB (-Xmx128m) |"
  echo "|---|---|---|---|---|---|"
  measure ndjson application/x-ndjson
  measure csv text/csv
  echo
  echo "$ROWS tasks of one user on PostgreSQL; curl on 127.0.0.1; heap sampled with jcmd GC.heap_info every 0.2 s; $(date -u +%FT%TZ)."
} | tee "$OUT/summary.md"
kill -TERM $PID; wait $PID || true
