#!/usr/bin/env bash
# Startup time: process start to the first GET /health/ready = 200, polled every 5 ms, with and without
# the AOT cache, on SQLite and PostgreSQL, with config/jvm.options (the defaults). Every start is a restart
# on an already migrated database (one start before them migrates it); the table gives the median of RUNS
# starts, their range, and the median CPU time (user + system) the process used until ready, which moves
# less than wall time when the machine is busy. The startup phases (DEBUG line) of the median start are kept.
#
#   bench/startup.sh                  RUNS=5 by default; needs target/taskloop.jar and target/taskloop.aot
#                                     (./taskloop build)
#
# Env: RUNS, BENCH_DB (taskloop_startup, dropped and recreated), BENCH_PORT (8093), PGPORT, PGUSER, JAVA_OPTS.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
RUNS="${RUNS:-5}"; DB="${BENCH_DB:-taskloop_startup}"; PORT="${BENCH_PORT:-8093}"
source "$ROOT/bench/lib.sh"
export PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
JDK=$(./taskloop --jdk-home)
[ -f target/taskloop.aot ] && [ target/taskloop.aot -nt target/taskloop.jar ] || die "no current target/taskloop.aot: run ./taskloop build"
OUT="bench/results/startup-$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$OUT"
take_bench_lock "${BENCH_LOCK:-/tmp/bench.lock}" 1800

start_once() { # url cache(yes|no) logfile -> "wall_ms cpu_ms"
  local url=$1 cache=$2 log=$3 aot=() t0 pid code=000 ticks
  [ "$cache" = yes ] && aot=("-XX:AOTCache=target/taskloop.aot")
  t0=$(date +%s%N)
  # shellcheck disable=SC2086  # JAVA_OPTS is a list of flags
  env DATABASE_URL="$url" HOST=127.0.0.1 PORT="$PORT" LOG_LEVEL=DEBUG \
    "$JDK/bin/java" @"$JVM_OPTIONS" "${aot[@]}" ${JAVA_OPTS:-} -jar target/taskloop.jar > "$log" 2>&1 9>&- &
  pid=$!
  until [ "$code" = 200 ]; do
    kill -0 "$pid" 2>/dev/null || die "the service exited; see $log"
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/health/ready" || true)
    [ "$code" = 200 ] || sleep 0.005
  done
  ticks=$(cpu_ticks "$pid")
  echo "$(( ($(date +%s%N) - t0) / 1000000 )) $(( ticks * 1000 / $(getconf CLK_TCK) ))"
  kill -TERM "$pid"; wait "$pid" || die "the service did not exit 0 after SIGTERM; see $log"
}

median() { sort -n | awk '{v[NR]=$1} END{ print (NR % 2) ? v[(NR+1)/2] : int((v[NR/2]+v[NR/2+1])/2) }'; }

{
  echo "| database | AOT cache | median ms to ready | range ms | median CPU ms | phases of the median start |"
  echo "|---|---|---|---|---|---|"
} > "$OUT/summary.md"
for kind in sqlite postgresql; do
  if [ "$kind" = sqlite ]; then url="sqlite:$OUT/startup.db"; else recreate_db "$DB"; url="postgresql://$PGUSER@127.0.0.1:$PGPORT/$DB"; fi
  start_once "$url" yes "$OUT/$kind-migrate.log" > /dev/null
  for cache in yes no; do
    : > "$OUT/$kind-$cache.txt"
    for ((i = 1; i <= RUNS; i++)); do
      read -r wall cpu <<<"$(start_once "$url" "$cache" "$OUT/$kind-$cache-$i.log")"
      echo "$wall $cpu $i" >> "$OUT/$kind-$cache.txt"
      log "$kind cache=$cache start $i: ${wall} ms (CPU ${cpu} ms)"
    done
    mid=$(cut -d' ' -f1 "$OUT/$kind-$cache.txt" | median)
    run=$(awk -v m="$mid" '$1 == m {print $3; exit}' "$OUT/$kind-$cache.txt")
    phases=$(grep -o 'startup phases: .*' "$OUT/$kind-$cache-${run:-1}.log" | sed 's/startup phases: //' || true)
    echo "| $kind | $cache | $mid | $(sort -n "$OUT/$kind-$cache.txt" | awk 'NR==1{a=$1} {b=$1} END{print a "-" b}') |" \
      "$(cut -d' ' -f2 "$OUT/$kind-$cache.txt" | median) | ${phases:-?} |" >> "$OUT/summary.md"
  done
done
[ -n "${DB:-}" ] && psqlq -d postgres -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null || true
echo >> "$OUT/summary.md"
echo "$RUNS restarts each; flags $(./taskloop --jvm-flags) ${JAVA_OPTS:-}; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg);" \
  "$(git rev-parse --short HEAD); $(date -u +%FT%TZ)." >> "$OUT/summary.md"
cat "$OUT/summary.md"
