#!/usr/bin/env bash
# taskloop's benchmark: PostgreSQL alone (pgbench) and then taskloop under wrk, on this machine, 127.0.0.1 only.
#
#   bench/bench.sh                                         # the full run, about 1.5 min with the defaults
#   DUR=3 WARM=2 bench/bench.sh                            # quick check that everything works
#   bench/bench.sh --header "Authorization: Bearer $TOKEN" # add a header to every request (repeatable)
#   DB_POOL_SIZE=20 bench/bench.sh                         # any service variable you set passes through
#
# Steps, all while holding flock $BENCH_LOCK (default /tmp/bench.lock, shared with other benchmark kits so
# two benchmarks never overlap): build target/taskloop.jar if missing or stale (./taskloop build); drop and
# recreate database $BENCH_DB; start the service on it (JDK 25, 127.0.0.1:$BENCH_PORT), wait for
# GET /health/ready = 200 (= startup seconds); seed exactly 10,000 tasks (ids 1..10000) and ANALYZE;
# pgbench the service's GET-one SELECT; warm up $WARM s with a mix of all requests; then
# wrk -t$THREADS -c$CONNS -d${DUR}s --timeout 5s --latency on GET /tasks/{id}, GET /tasks?skip=&limit=10,
# GET /tasks?after=&limit=10 and POST /tasks; record the server's RSS; stop it with SIGTERM (must exit 0).
# Prints a markdown table and writes it, with every raw wrk/pgbench/server output, to
# bench/results/<UTC time>/ (git-ignored).
#
# Env (defaults): DUR=15 WARM=10 (seconds), THREADS=2 CONNS=64, PGBENCH_CLIENTS=10 PGBENCH_JOBS=2,
#   BENCH_DB=taskloop_bench (DROPPED and recreated on every run), BENCH_PORT=8090, PGPORT=5432 PGUSER=postgres
#   (PGPASSWORD if not trust auth), START_TIMEOUT=60 STOP_TIMEOUT=60 LOCK_WAIT=1800 (seconds),
#   BENCH_LOCK=/tmp/bench.lock, JAVA_OPTS (extra JVM flags). Service variables (DB_POOL_SIZE,
#   DB_PIPELINING_LIMIT, LOG_LEVEL, ...) pass through; DATABASE_URL, HOST and PORT are set by this script.
# Exit status: 0 when the run completed with 0 errors and the server exited 0 (whatever the targets
# say: PASS/FAIL is in the table), 1 otherwise, 2 for bad usage.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; }
log() { echo "$*" >&2; }
die() { echo "bench.sh: $*" >&2; exit 1; }

# ---- settings ----------------------------------------------------------------------------------------------
DUR="${DUR:-15}"; DUR="${DUR%s}"
WARM="${WARM:-10}"; WARM="${WARM%s}"
THREADS="${THREADS:-2}"; CONNS="${CONNS:-64}"
PGBENCH_CLIENTS="${PGBENCH_CLIENTS:-10}"; PGBENCH_JOBS="${PGBENCH_JOBS:-2}"
BENCH_DB="${BENCH_DB:-taskloop_bench}"; BENCH_PORT="${BENCH_PORT:-8090}"
START_TIMEOUT="${START_TIMEOUT:-60}"; STOP_TIMEOUT="${STOP_TIMEOUT:-60}"; LOCK_WAIT="${LOCK_WAIT:-1800}"
LOCK="${BENCH_LOCK:-/tmp/bench.lock}"
PG_HOST=127.0.0.1   # never anything else: the load stays on this machine
export PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
unset PGHOST PGDATABASE   # every psql/pgbench call below names host and database explicitly
HOST=127.0.0.1
BASE="http://$HOST:$BENCH_PORT"

# Targets for GET one (see docs/benchmarks.md).
TARGET_RATIO=0.5   # GET-one req/s >= 0.5 x pgbench TPS of the same SELECT
TARGET_P99_MS=20   # GET-one p99 < 20 ms

HEADERS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --header|-H) [ $# -ge 2 ] || { log "bench.sh: $1 needs a value"; exit 2; }; HEADERS+=("$2"); shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) log "bench.sh: unknown argument $1"; usage >&2; exit 2 ;;
  esac
done
for v in DUR WARM THREADS CONNS PGBENCH_CLIENTS PGBENCH_JOBS BENCH_PORT START_TIMEOUT STOP_TIMEOUT LOCK_WAIT PGPORT; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]] || [ "${!v}" -le 0 ]; then log "bench.sh: $v must be a positive integer"; exit 2; fi
done
if [ "$DUR" -gt 3600 ] || [ "$WARM" -gt 3600 ]; then log "bench.sh: DUR and WARM are capped at 3600 s"; exit 2; fi
if [ "$BENCH_PORT" -gt 65535 ]; then log "bench.sh: BENCH_PORT must be a TCP port"; exit 2; fi
if ! [[ "$BENCH_DB" =~ ^[a-z_][a-z0-9_]*$ ]]; then log "bench.sh: BENCH_DB must be a plain lower-case identifier"; exit 2; fi
case "$BENCH_DB" in postgres|template0|template1) log "bench.sh: BENCH_DB=$BENCH_DB would be dropped; pick a scratch name"; exit 2 ;; esac
for h in "${HEADERS[@]}"; do
  [[ "$h" =~ ^[A-Za-z0-9-]+:\ ?.+$ ]] || { log "bench.sh: --header '$h' is not 'Name: value'"; exit 2; }
done
WRK_H=(); CURL_H=()
for h in "${HEADERS[@]}"; do WRK_H+=(-H "$h"); CURL_H+=(-H "$h"); done

# ---- tools -------------------------------------------------------------------------------------------------
missing=()
for t in wrk pgbench psql curl flock ps awk; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
if [ ${#missing[@]} -gt 0 ]; then
  die "missing ${missing[*]}; on Debian/Ubuntu: apt-get install -y wrk postgresql-contrib postgresql-client curl util-linux procps"
fi

java_major() { # prints the major version of the JDK at $1 (a JAVA_HOME), or nothing (same logic as ./taskloop)
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/{print $2; exit}'
}
find_jdk25() {
  local candidate
  if [ -n "${JAVA_HOME:-}" ] && [ "$(java_major "$JAVA_HOME")" = 25 ]; then echo "$JAVA_HOME"; return; fi
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    if [ "$(java_major "$candidate")" = 25 ]; then echo "$candidate"; return; fi
  fi
  for candidate in /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if [ -d "$candidate" ] && [ "$(java_major "$candidate")" = 25 ]; then echo "$candidate"; return; fi
  done
}
JDK=$(find_jdk25)
[ -n "$JDK" ] || die "JDK 25 not found (checked JAVA_HOME, PATH, /usr/lib/jvm, /opt/java, sdkman); set JAVA_HOME to one"
export JAVA_HOME="$JDK"
JAR=target/taskloop.jar

# ---- helpers -----------------------------------------------------------------------------------------------
psqlq() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h "$PG_HOST" "$@"; }

urlencode() { # percent-encodes $1 for the userinfo part of DATABASE_URL
  local s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in [A-Za-z0-9._~-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf '%s' "$out"
}

now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }

to_ms() { # wrk latency token (812.00us, 1.23ms, 1.05s, 1.00m) -> ms
  awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); printf "%.2f", v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.2f", v}
    else if (v ~ /m$/) {sub(/m$/,"",v); printf "%.2f", v*60000} else if (v ~ /s$/) {sub(/s$/,"",v); printf "%.2f", v*1000} else print "n/a" }'
}

parse_wrk() { # wrk --latency output -> "rps p50_ms p99_ms errors" (errors = non-2xx/3xx responses + socket errors)
  local f=$1 rps p50 p99 bad sock
  rps=$(awk '/^Requests\/sec:/{printf "%.0f", $2}' "$f"); rps=${rps:-0}
  p50=$(to_ms "$(awk '$1=="50%"{print $2}' "$f")")
  p99=$(to_ms "$(awk '$1=="99%"{print $2}' "$f")")
  bad=$(awk '/Non-2xx or 3xx responses:/{print $NF}' "$f"); bad=${bad:-0}
  sock=$(awk '/Socket errors:/{gsub(",",""); s=0; for(i=1;i<=NF;i++) if ($i ~ /^[0-9]+$/) s+=$i; print s}' "$f"); sock=${sock:-0}
  # a run that completed no request at all (wrong URL, server gone) is an error too
  if [ "$rps" = 0 ] && [ "$((bad + sock))" = 0 ]; then sock=1; fi
  echo "$rps $p50 $p99 $((bad + sock))"
}

status_of() { # METHOD path [body] -> HTTP status code (000 when no answer)
  local method=$1 path=$2 body=${3:-}
  if [ -n "$body" ]; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${CURL_H[@]}" -X "$method" -H 'Content-Type: application/json' --data "$body" "$BASE$path" || true
  else
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${CURL_H[@]}" -X "$method" "$BASE$path" || true
  fi
}

SERVER_PID=""
SERVER_EXIT=""
STOP_S=""
stop_server() { # SIGTERM, wait up to STOP_TIMEOUT s, then SIGKILL; sets SERVER_EXIT and STOP_S
  [ -n "$SERVER_PID" ] || return 0
  local pid=$SERVER_PID t0 i rc=0
  SERVER_PID=""
  t0=$(now)
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "   server did not stop within ${STOP_TIMEOUT}s of SIGTERM: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || rc=$?
  SERVER_EXIT=$rc
  STOP_S=$(secs_since "$t0")
}
OUT=""; RUN_JAR=""
cleanup() { # on every exit: stop the server, remove its jar copy, drop a results directory that stayed empty
  stop_server || true
  if [ -n "$RUN_JAR" ]; then rm -f "$RUN_JAR"; fi
  if [ -n "$OUT" ]; then rmdir "$OUT" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'log "bench.sh: interrupted"; exit 130' INT
trap 'log "bench.sh: terminated"; exit 143' TERM

# ---- the measuring part, under the shared lock -------------------------------------------------------------
if curl -s -o /dev/null --max-time 1 "$BASE/"; then die "port $BENCH_PORT on $HOST is already in use (set BENCH_PORT)"; fi

OUT="$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

if [ -e "$LOCK" ]; then exec 9<"$LOCK"; else exec 9>"$LOCK"; fi
log "waiting for $LOCK (up to ${LOCK_WAIT}s) ..."
flock -w "$LOCK_WAIT" 9 || die "another benchmark held $LOCK for more than ${LOCK_WAIT}s"

# build inside the lock too: a build would disturb another benchmark's numbers
if [ ! -f "$JAR" ] || [ -n "$(find src/main pom.xml -newer "$JAR" -print -quit)" ]; then
  log "== building $JAR (./taskloop build)"
  ./taskloop build 9>&- || die "build failed"
fi
[ -f "$JAR" ] || die "$JAR missing after the build"
# run a private copy: a rebuild during the run (the JVM loads classes lazily) cannot pull the jar from under it
RUN_JAR=$(mktemp /tmp/taskloop-bench.XXXXXX.jar)
cp "$JAR" "$RUN_JAR"
if ! "$JDK/bin/jar" tf "$RUN_JAR" 2>/dev/null | grep -x 'dev/taskloop/Main.class' >/dev/null; then
  die "$JAR is incomplete (being rebuilt right now?); run again in a minute"
fi

log "== database $BENCH_DB on $PGUSER@$PG_HOST:$PGPORT: drop and recreate"
psqlq -d postgres -c "DROP DATABASE IF EXISTS \"$BENCH_DB\" WITH (FORCE)" >/dev/null || die "cannot drop database $BENCH_DB"
psqlq -d postgres -c "CREATE DATABASE \"$BENCH_DB\"" >/dev/null || die "cannot create database $BENCH_DB"

USERINFO=$(urlencode "$PGUSER")
[ -n "${PGPASSWORD:-}" ] && USERINFO+=":$(urlencode "$PGPASSWORD")"

log "== taskloop on $BASE (JDK $JDK${DB_POOL_SIZE:+, DB_POOL_SIZE=$DB_POOL_SIZE})"
T0=$(now)
# shellcheck disable=SC2086  # JAVA_OPTS is a list of flags
DATABASE_URL="postgresql://$USERINFO@$PG_HOST:$PGPORT/$BENCH_DB" HOST="$HOST" PORT="$BENCH_PORT" \
  "$JDK/bin/java" ${JAVA_OPTS:-} -jar "$RUN_JAR" > "$OUT/server.log" 2>&1 9>&- &
SERVER_PID=$!
STARTUP_S=""
for ((i = 0; i < START_TIMEOUT * 20; i++)); do
  if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$BASE/health/ready" || true)" = 200 ]; then
    STARTUP_S=$(secs_since "$T0"); break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.05
done
if [ -z "$STARTUP_S" ]; then
  if kill -0 "$SERVER_PID" 2>/dev/null; then log "   not ready within ${START_TIMEOUT}s"; else log "   the server exited during startup"; fi
  tail -n 20 "$OUT/server.log" >&2 || true
  die "taskloop did not become ready (GET /health/ready != 200); log: $OUT/server.log"
fi
log "   ready after ${STARTUP_S}s (pid $SERVER_PID): $(grep -m1 'listening on' "$OUT/server.log" | sed 's/^.* - //' || true)"

log "== seeding 10,000 tasks"
psqlq -d "$BENCH_DB" > "$OUT/seed.txt" 2>&1 <<'SQL' || die "seeding failed, see $OUT/seed.txt"
TRUNCATE tasks RESTART IDENTITY;
INSERT INTO tasks (id, title, description, is_completed, created_at, updated_at)
SELECT i,
       'task ' || i,
       CASE WHEN i % 4 = 0 THEN NULL ELSE 'description of task ' || i || ', seeded for the benchmark' END,
       i % 3 = 0,
       now() - (10000 - i) * interval '1 minute',
       now() - (10000 - i) * interval '1 minute'
FROM generate_series(1, 10000) AS i;
-- the ids were given explicitly: move the identity past them so POST /tasks gets 10001, 10002, ...
SELECT setval(pg_get_serial_sequence('tasks', 'id'), 10000);
ANALYZE tasks;
SQL
psqlq -d "$BENCH_DB" -c "CHECKPOINT" >/dev/null 2>&1 || true   # superuser only; evens out the runs
N=$(psqlq -d "$BENCH_DB" -Atc "SELECT count(*) || ' ' || min(id) || ' ' || max(id) FROM tasks")
[ "$N" = "10000 1 10000" ] || die "seeding produced '$N' (count min max), expected '10000 1 10000'"

# every measured request must answer 2xx; wrk alone would not notice 3xx answers
for check in "GET /tasks/1 200" "GET /tasks/10000 200" "GET /tasks?skip=9990&limit=10 200" "GET /tasks?after=9990&limit=10 200"; do
  read -r m p want <<<"$check"
  got=$(status_of "$m" "$p")
  [ "$got" = "$want" ] || die "$m $p answered $got, expected $want (see $OUT/server.log)"
done
got=$(status_of POST /tasks '{"title":"bench check","description":"status check before the runs"}')
[ "$got" = 201 ] || die "POST /tasks answered $got, expected 201 (see $OUT/server.log)"

log "== pgbench: the GET-one SELECT, -M prepared -c$PGBENCH_CLIENTS -j$PGBENCH_JOBS -T$DUR"
cat > "$OUT/pgbench_select.sql" <<'SQL'
\set id random(1, 10000)
SELECT id, title, description, is_completed, created_at, updated_at FROM tasks WHERE id = :id;
SQL
pgbench -h "$PG_HOST" -n -f "$OUT/pgbench_select.sql" -M prepared -c"$PGBENCH_CLIENTS" -j"$PGBENCH_JOBS" -T"$DUR" \
  "$BENCH_DB" > "$OUT/pgbench.txt" 2>&1 9>&- || die "pgbench failed, see $OUT/pgbench.txt"
PGB_TPS=$(awk '/^tps =/{printf "%.0f", $3}' "$OUT/pgbench.txt")
PGB_LAT=$(awk '/^latency average/{print $4}' "$OUT/pgbench.txt")
PGB_FAILED=$(awk '/^number of failed transactions/{print $5}' "$OUT/pgbench.txt")
PGB_FAILED=${PGB_FAILED:-0}
[ -n "$PGB_TPS" ] && [ "$PGB_TPS" -gt 0 ] || die "no TPS in pgbench output, see $OUT/pgbench.txt"
log "   ${PGB_TPS} tps, average latency ${PGB_LAT:-n/a} ms"

log "== warm-up ${WARM}s (GET one / GET list / GET keyset / POST, rotating)"
wrk -t"$THREADS" -c"$CONNS" -d"${WARM}s" --timeout 5s "${WRK_H[@]}" -s bench/wrk/warmup.lua "$BASE" \
  > "$OUT/warmup.wrk.txt" 2>&1 9>&- || die "wrk warm-up failed, see $OUT/warmup.wrk.txt"
read -r _ _ _ WARM_ERR <<<"$(parse_wrk "$OUT/warmup.wrk.txt")"
[ "$WARM_ERR" = 0 ] || log "   warning: $WARM_ERR errors during the warm-up (see $OUT/warmup.wrk.txt)"

declare -A RPS P50 P99 ERR
for ep in get_one get_list get_keyset post; do
  log "== $ep: wrk -t$THREADS -c$CONNS -d${DUR}s --timeout 5s --latency"
  wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" --timeout 5s --latency "${WRK_H[@]}" -s "bench/wrk/$ep.lua" "$BASE" \
    > "$OUT/$ep.wrk.txt" 2>&1 9>&- || die "wrk failed, see $OUT/$ep.wrk.txt"
  read -r "RPS[$ep]" "P50[$ep]" "P99[$ep]" "ERR[$ep]" <<<"$(parse_wrk "$OUT/$ep.wrk.txt")"
  log "   ${RPS[$ep]} req/s, p50 ${P50[$ep]} ms, p99 ${P99[$ep]} ms, ${ERR[$ep]} errors"
done

RSS_MB=$(ps -o rss= -p "$SERVER_PID" 2>/dev/null | awk '{printf "%.0f", $1/1024}')
RSS_MB=${RSS_MB:-n/a}
log "== stopping the server (SIGTERM)"
stop_server
log "   exit code $SERVER_EXIT after ${STOP_S}s"
flock -u 9

# ---- table -------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }
RATIO=$(ratio "${RPS[get_one]}" "$PGB_TPS")
ONE_OK=$(awk -v r="$RATIO" -v p="${P99[get_one]}" -v e="${ERR[get_one]}" -v tr="$TARGET_RATIO" -v tp="$TARGET_P99_MS" \
  'BEGIN{ print (r != "n/a" && p != "n/a" && r+0 >= tr && p+0 < tp && e == 0) ? "PASS" : "FAIL" }')
ok_if_clean() { [ "$1" = 0 ] && echo PASS || echo FAIL; }
LABEL_get_one='GET /tasks/{id}'
LABEL_get_list='GET /tasks?skip=…&limit=10'
LABEL_get_keyset='GET /tasks?after=…&limit=10'
LABEL_post='POST /tasks'
TOTAL_ERR=$(( ${ERR[get_one]} + ${ERR[get_list]} + ${ERR[get_keyset]} + ${ERR[post]} ))
HEADER_NOTE=""; [ ${#HEADERS[@]} -gt 0 ] && HEADER_NOTE=" with ${#HEADERS[@]} extra header(s) on every request"
{
  echo "| row | req/s | p50 ms | p99 ms | errors | ÷ pgbench TPS | target | result |"
  echo "|---|---|---|---|---|---|---|---|"
  echo "| pgbench: same SELECT by id, -c$PGBENCH_CLIENTS | $PGB_TPS tps | | avg ${PGB_LAT:-n/a} | $PGB_FAILED | 1.00 | (reference) | |"
  for ep in get_one get_list get_keyset post; do
    label_var="LABEL_$ep"
    if [ "$ep" = get_one ]; then
      target="≥ $TARGET_RATIO × pgbench, p99 < $TARGET_P99_MS ms, 0 errors"; result=$ONE_OK
    else
      target="0 errors"; result=$(ok_if_clean "${ERR[$ep]}")
    fi
    echo "| ${!label_var} | ${RPS[$ep]} | ${P50[$ep]} | ${P99[$ep]} | ${ERR[$ep]} | $(ratio "${RPS[$ep]}" "$PGB_TPS") | $target | $result |"
  done
  echo
  echo "GET one / pgbench: **$RATIO** (target ≥ $TARGET_RATIO). Startup ${STARTUP_S} s to GET /health/ready = 200;" \
       "RSS at the end ${RSS_MB} MB; exit code after SIGTERM: **$SERVER_EXIT** (stopped in ${STOP_S} s)."
  echo
  echo "wrk -t$THREADS -c$CONNS -d${DUR}s --timeout 5s --latency after a ${WARM} s mixed warm-up${HEADER_NOTE};" \
       "pgbench -M prepared -c$PGBENCH_CLIENTS -j$PGBENCH_JOBS -T$DUR;" \
       "database $BENCH_DB, 10,000 seeded tasks; DB_POOL_SIZE=${DB_POOL_SIZE:-default}; JAVA_OPTS=${JAVA_OPTS:-none};" \
       "$(nproc) cores shared by wrk, the server and PostgreSQL; $("$JDK/bin/java" -version 2>&1 | head -n1);" \
       "$(date -u +%FT%TZ)."
} > "$OUT/summary.md"
cat "$OUT/summary.md"
log "raw output: $OUT"

if [ "$TOTAL_ERR" != 0 ] || [ "$WARM_ERR" != 0 ] || [ "$SERVER_EXIT" != 0 ]; then
  log "bench.sh: not a valid run (errors: $TOTAL_ERR in the measured runs, $WARM_ERR in the warm-up; server exit code $SERVER_EXIT)"
  exit 1
fi
