#!/usr/bin/env bash
# Deep-page benchmark: with ROWS tasks (default 1,000,000) of one user on PostgreSQL, compares the
# first page, a keyset page deep in the table (after=900000) and an offset page at the same depth
# (skip=900000), each with wrk -t2 -c64 -d${DUR}s. 127.0.0.1 only, bounded durations.
#
#   bench/paging.sh             DUR=10 by default
#
# Env: ROWS, DUR, BENCH_DB (taskloop_paging, dropped and recreated), BENCH_PORT (8092), PGPORT, PGUSER.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
ROWS="${ROWS:-1000000}"; DUR="${DUR:-10}"; DB="${BENCH_DB:-taskloop_paging}"; PORT="${BENCH_PORT:-8092}"
source "$ROOT/bench/lib.sh"
simple_setup
start_with_user paging
echo "seeding $ROWS tasks ..." >&2
psql -d "$DB" -c "INSERT INTO tasks (owner_id, title, is_completed, created_at, updated_at)
  SELECT '$OWNER', 'task ' || i, i % 3 = 0, now(), now() FROM generate_series(1, $ROWS) AS i" -c "ANALYZE tasks"
FIRST=$(psql -d "$DB" -Atc "SELECT min(id) FROM tasks")
DEEP=$((FIRST + ROWS * 9 / 10))
SKIP=$((ROWS * 9 / 10))
run() { # name path
  wrk -t2 -c64 -d"${DUR}s" --timeout 10s --latency -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT$2" \
    > "$OUT/$1.wrk.txt" 2>&1
  awk -v n="$1" -v p="$2" '/^Requests\/sec:/{r=$2} $1=="50%"{p50=$2} $1=="99%"{p99=$2} /Non-2xx/{e=$NF}
    END {printf "| %s | `%s` | %.0f | %s | %s | %s |\n", n, p, r, p50, p99, (e==""?0:e)}' "$OUT/$1.wrk.txt"
}
wrk -t2 -c64 -d5s -H "Authorization: Bearer $KEY" "http://127.0.0.1:$PORT/tasks?limit=10" > /dev/null 2>&1
{
  echo "| page | request | req/s | p50 | p99 | non-2xx |"
  echo "|---|---|---|---|---|---|"
  run first "/tasks?limit=10"
  run first-keyset "/tasks?after=0&limit=10"
  run keyset-deep "/tasks?after=$DEEP&limit=10"
  run offset-deep "/tasks?skip=$SKIP&limit=10"
  echo
  echo "$ROWS tasks of one user on PostgreSQL; wrk -t2 -c64 -d${DUR}s after a 5 s warm-up; $(date -u +%FT%TZ)."
} | tee "$OUT/summary.md"
kill -TERM $PID; wait $PID || true
