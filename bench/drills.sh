#!/usr/bin/env bash
# taskloop's reliability drills: real faults against the real jar, on this machine (127.0.0.1 only).
#
#   bench/drills.sh                                   # every drill, on each database it applies to (~5 min)
#   bench/drills.sh --db sqlite                       # only the SQLite runs
#   bench/drills.sh --db postgresql postgres-restart  # one drill on one database
#
# Drills (databases they run on):
#   postgres-restart    (postgresql) 16 writers on POST /tasks; `pg_ctl restart -m fast` of the private
#                       cluster in the middle; lost acknowledged writes, statuses, Retry-After, recovery
#   pool-exhaustion     (both) DB_POOL_SIZE=2, the pool held (1) by a lock from outside the service
#                       (LOCK TABLE on PostgreSQL, BEGIN IMMEDIATE on SQLite) and (2) by GET /tasks/export
#                       clients that stop reading; latency and statuses of GET/POST, /health/ready
#   sigterm-under-load  (both) 32 keep-alive connections on GET /tasks/{id} + POST /tasks, then SIGTERM:
#                       requests sent but never answered, exit code, time to exit
#   slow-clients        (both) 200 connections sending a request head at 1 byte/s, one sending a POST
#                       body at 1 byte/s; when the server closes them, and /health/live meanwhile
#   connection-flood    (both) 2,000 connections at once (half idle, half GET /health/live); an
#                       authenticated GET /tasks/{id} during it, 5xx, recovery afterwards
#
# PostgreSQL runs are on a PRIVATE cluster made for the run (initdb in a temp dir, run as the postgres OS
# user on 127.0.0.1:$DRILL_PG_PORT, trust auth, ssl off, removed at exit); the shared server on 5432 is
# never touched. Each drill starts the service on a fresh database (SQLite file or PostgreSQL database),
# signs up a user, runs, and stops it. Raw output (service logs, per-request lines, pg_ctl output) goes to
# bench/results/drills-<UTC time>/ (git-ignored), with figures.tsv and the final table in summary.md.
#
# Targets (PASS/FAIL): 0 acknowledged writes lost; 0 5xx other than 503; every 503 with Retry-After;
# recovery <= 2 s after the database accepts connections; /health/ready stays 200 under pool pressure;
# no request waits longer than DB_POOL_ACQUIRE_TIMEOUT_MS + DB_LOCK_TIMEOUT_MS + 1 s; on SIGTERM (exit 0) no request
# dropped on a reused keep-alive connection and no POST committed without an answer;
# slow clients closed within 15 s (request head) / 35 s (body); 0 ERROR stack traces caused by client input.
#
# Env (defaults): DRILL_PORT=18431 (the service), DRILL_PG_PORT=55432 (the private cluster),
#   PG_BIN=/usr/lib/postgresql/15/bin, LOCK_WAIT=600 (s to wait for $BENCH_LOCK, default /tmp/bench.lock,
#   shared with bench.sh so benchmarks and drills never overlap). Service variables are set per drill.
# Exit status: 0 when every drill ran to the end (PASS/FAIL is in the table: the script measures, it does
# not judge the run), 1 when a drill could not run, 2 for bad usage.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ next to the helpers in bench/drills/

usage() { sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; }
log() { echo "$*" >&2; }
die() { echo "drills.sh: $*" >&2; exit 1; }

ALL_DRILLS=(postgres-restart pool-exhaustion sigterm-under-load slow-clients connection-flood)
databases_of() { # drill -> the databases it runs on
  case "$1" in
    postgres-restart) echo postgresql ;;
    pool-exhaustion|sigterm-under-load) echo sqlite postgresql ;;
    slow-clients|connection-flood) echo sqlite postgresql ;;
  esac
}

DB_CHOICE=both; DRILLS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --db) [ $# -ge 2 ] || { log "drills.sh: --db needs sqlite, postgresql or both"; exit 2; }
      case "$2" in sqlite|postgresql|both) DB_CHOICE=$2 ;; *) log "drills.sh: --db $2: use sqlite, postgresql or both"; exit 2 ;; esac
      shift 2 ;;
    --db=*) set -- --db "${1#--db=}" "${@:2}" ;;
    -h|--help) usage; exit 0 ;;
    -*) log "drills.sh: unknown option $1"; usage >&2; exit 2 ;;
    *) [[ " ${ALL_DRILLS[*]} " == *" $1 "* ]] || { log "drills.sh: unknown drill $1 (drills: ${ALL_DRILLS[*]})"; exit 2; }
      DRILLS+=("$1"); shift ;;
  esac
done
[ ${#DRILLS[@]} -gt 0 ] || DRILLS=("${ALL_DRILLS[@]}")

# The (drill, database) runs, in order.
RUNS=()
for d in "${DRILLS[@]}"; do
  for db in $(databases_of "$d"); do
    if [ "$DB_CHOICE" = both ] || [ "$DB_CHOICE" = "$db" ]; then RUNS+=("$d:$db"); fi
  done
done
[ ${#RUNS[@]} -gt 0 ] || { log "drills.sh: nothing to run: ${DRILLS[*]} does not run on $DB_CHOICE"; exit 2; }
NEED_PG=false
for r in "${RUNS[@]}"; do [ "${r#*:}" = postgresql ] && NEED_PG=true; done

PORT="${DRILL_PORT:-18431}"; PG_PORT="${DRILL_PG_PORT:-55432}"
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"; LOCK_WAIT="${LOCK_WAIT:-600}"
LOCK="${BENCH_LOCK:-/tmp/bench.lock}"
for v in PORT PG_PORT LOCK_WAIT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] && [ "${!v}" -gt 0 ] || { log "drills.sh: $v must be a positive integer"; exit 2; }
done
[ "$PG_PORT" != 5432 ] || { log "drills.sh: DRILL_PG_PORT=5432 is the shared server; the drills restart theirs"; exit 2; }

# ---- tools ---------------------------------------------------------------------------------------------------
missing=()
for t in python3 curl psql flock runuser ss; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
if $NEED_PG; then
  for t in initdb pg_ctl pg_isready; do [ -x "$PG_BIN/$t" ] || missing+=("$PG_BIN/$t"); done
  id postgres >/dev/null 2>&1 || missing+=("the postgres OS user")
fi
[ ${#missing[@]} -eq 0 ] || die "missing ${missing[*]}"
JDK=$("$ROOT/taskloop" --jdk-home || true) # the lookup of ./taskloop; it says why when it fails
[ -n "$JDK" ] || die "JDK 25 not found (see ./taskloop)"
JAR="$ROOT/target/taskloop.jar"
# 2,000 flood connections plus the service's own: well within the default, but make sure.
[ "$(ulimit -n)" -ge 8192 ] || ulimit -n 8192 2>/dev/null || log "drills.sh: could not raise ulimit -n to 8192"

# ---- processes, all stopped on exit --------------------------------------------------------------------------
OUT=""; SVC_PID=""; SVC_EXIT=""; PGDATA=""; PG_TMP=""; DRILL_PY_PID=""
now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }

stop_service() { # [--signalled]: SIGTERM (unless sent already), up to 30 s, then SIGKILL; sets SVC_EXIT
  [ -n "$SVC_PID" ] || return 0
  local pid=$SVC_PID i rc=0
  SVC_PID=""
  [ "${1:-}" = --signalled ] || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then log "   service did not stop within 30 s of SIGTERM: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || rc=$?
  SVC_EXIT=$rc
}

as_pg() { runuser -u postgres -- "$@"; }
PG_OPTS="-p $PG_PORT -k /tmp -c listen_addresses=127.0.0.1"
stop_cluster() {
  [ -n "$PGDATA" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m immediate -w -t 20 stop >/dev/null 2>&1 || true
  # a postmaster that pg_ctl could not stop (still draining after a failed restart): by its pid
  local pm; pm=$(head -1 "$PGDATA/postmaster.pid" 2>/dev/null || true)
  if [ -n "$pm" ] && kill -0 "$pm" 2>/dev/null; then kill -QUIT "$pm" 2>/dev/null || true; sleep 1; fi
  if [ -n "$pm" ] && kill -0 "$pm" 2>/dev/null; then kill -KILL "$pm" 2>/dev/null || true; fi
  PGDATA=""
}

cleanup() {
  if [ -n "$DRILL_PY_PID" ]; then # timeout passes the signal on to the drill and its children
    kill -TERM "$DRILL_PY_PID" 2>/dev/null || true
    wait "$DRILL_PY_PID" 2>/dev/null || true
  fi
  stop_service || true
  stop_cluster || true
  if [ -n "$PG_TMP" ]; then
    [ -n "$OUT" ] && [ -f "$PG_TMP/postgresql.log" ] && cp "$PG_TMP/postgresql.log" "$OUT/postgresql.log" 2>/dev/null
    rm -rf "$PG_TMP"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- one lock with the benchmarks ----------------------------------------------------------------------------
exec 9>"$LOCK"
if ! flock -n 9; then
  log "drills.sh: waiting up to ${LOCK_WAIT}s for $LOCK (another benchmark or drill is running)"
  flock -w "$LOCK_WAIT" 9 || die "$LOCK still held after ${LOCK_WAIT}s"
fi

# ---- the jar -------------------------------------------------------------------------------------------------
if [ ! -f "$JAR" ] || [ -n "$(find src pom.xml -newer "$JAR" -print -quit)" ]; then
  log "drills.sh: building $JAR ..."
  "$ROOT/taskloop" build
fi

port_free() { ! ss -Htln "sport = :$1" | grep -q .; }
port_free "$PORT" || die "port $PORT is taken; set DRILL_PORT"

OUT="$ROOT/bench/results/drills-$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$OUT"
FIGURES="$OUT/figures.tsv"; : > "$FIGURES"
T_START=$(now); LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
log "drills.sh: ${#RUNS[@]} runs: ${RUNS[*]}; raw output in ${OUT#$ROOT/}"

# ---- the private PostgreSQL cluster --------------------------------------------------------------------------
if $NEED_PG; then
  port_free "$PG_PORT" || die "port $PG_PORT is taken (a cluster from an earlier run?); set DRILL_PG_PORT"
  PG_TMP=$(mktemp -d /tmp/drill-pg.XXXXXX); chown postgres "$PG_TMP"; chmod 700 "$PG_TMP"
  as_pg "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 > "$OUT/initdb.log" 2>&1 \
    || die "initdb failed: see $OUT/initdb.log"
  PGDATA="$PG_TMP/data"
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_TMP/postgresql.log" -w -t 30 -o "$PG_OPTS" start > /dev/null \
    || die "the private cluster did not start: see $PG_TMP/postgresql.log"
fi
pg_running() { [ -n "$PGDATA" ] && "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2; }
psqlq() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres "$@"; }

# ---- the service ---------------------------------------------------------------------------------------------
RUN=""; KEY=""; OWNER=""; DBARGS=()
start_service() { # drill db [VAR=value ...]: a fresh database, the service on it, a signed-up user
  local drill=$1 db=$2 url name i signup; shift 2
  RUN="$OUT/$drill-$db"; mkdir -p "$RUN"
  if [ "$db" = sqlite ]; then
    url="sqlite:$RUN/taskloop.db"; DBARGS=(--sqlite-path "$RUN/taskloop.db")
  else
    pg_running || die "the private cluster is not running"
    name="drill_${drill//-/_}"
    psqlq -d postgres -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name" > /dev/null
    url="postgresql://postgres@127.0.0.1:$PG_PORT/$name"; DBARGS=(--pg-port "$PG_PORT" --pg-db "$name")
  fi
  port_free "$PORT" || die "port $PORT is taken"
  env "$@" DATABASE_URL="$url" HOST=127.0.0.1 PORT="$PORT" "$JDK/bin/java" @"$ROOT/config/jvm.options" -jar "$JAR" > "$RUN/server.log" 2>&1 &
  SVC_PID=$!
  for ((i = 0; i < 120; i++)); do
    curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/health/ready" && break
    kill -0 "$SVC_PID" 2>/dev/null || die "the service exited at startup: see $RUN/server.log"
    sleep 0.25
  done
  [ "$i" -lt 120 ] || die "the service was not ready within 30 s: see $RUN/server.log"
  signup=$(curl -sf --max-time 10 -X POST "http://127.0.0.1:$PORT/users" -H 'content-type: application/json' \
    -d "{\"email\":\"$drill@example.com\",\"password\":\"$drill-password\"}") || die "sign-up failed"
  KEY=$(python3 -c 'import sys,json; print(json.load(sys.stdin)["api_key"]["key"])' <<< "$signup")
  OWNER=$(python3 -c 'import sys,json; print(json.load(sys.stdin)["user"]["id"])' <<< "$signup")
}

drill_py() { # module [args...]: one drill's Python side, bounded in time (in the background, so a signal
  # to this script is handled at once rather than after the drill)
  local module=$1 rc=0; shift
  timeout -k 5 "${DRILL_TIMEOUT:-150}" python3 "$ROOT/bench/drills/$module.py" --db "$DB" --port "$PORT" --key "$KEY" \
    --owner "$OWNER" --pid "$SVC_PID" --log "$RUN/server.log" --out "$RUN" --figures "$FIGURES" "${DBARGS[@]}" "$@" \
    2> "$RUN/drill.stderr" &
  DRILL_PY_PID=$!
  wait "$DRILL_PY_PID" || rc=$?
  DRILL_PY_PID=""
  if [ "$rc" -ne 0 ]; then log "   $module exited with $rc (see ${RUN#$ROOT/}/drill.stderr)"; FAILED_RUNS+=("$DRILL:$DB"); fi
}
undisturbed() { # after a drill: the service must still run, not stopped by a signal from elsewhere meanwhile
  if ! kill -0 "$SVC_PID" 2>/dev/null || grep -q ' - shutting down' "$RUN/server.log"; then
    figure "$DRILL" "$DB" "RUN DISTURBED" "the service stopped during the drill without being told to by it (a signal from another process?): this run's figures are not valid; run it again" FAIL
    FAILED_RUNS+=("$DRILL:$DB")
  fi
}
figure() { # drill db figure value [verdict]
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-info}" >> "$FIGURES"
  echo "  $3: $4${5:+  [$5]}"
}

# ---- the drills ----------------------------------------------------------------------------------------------
drill_postgres_restart() {
  start_service postgres-restart postgresql
  drill_py pg_restart --pgbin "$PG_BIN" --pgdata "$PGDATA" --pglog "$PG_TMP/postgresql.log" --pgopts "$PG_OPTS"
  undisturbed
  stop_service
  pg_running || as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PG_TMP/postgresql.log" -w -t 30 -o "$PG_OPTS" start > /dev/null 2>&1 || true
}

drill_pool_exhaustion() {
  start_service pool-exhaustion "$DB" DB_POOL_SIZE=2 DB_POOL_ACQUIRE_TIMEOUT_MS=3000 DB_LOCK_TIMEOUT_MS=1000
  drill_py pool --acquire-ms 3000 --lock-ms 1000
  undisturbed
  stop_service
}

drill_sigterm_under_load() {
  start_service sigterm-under-load "$DB"
  local failed=${#FAILED_RUNS[@]}
  drill_py sigterm
  if [ ${#FAILED_RUNS[@]} -eq "$failed" ]; then stop_service --signalled; else stop_service; fi
  figure sigterm-under-load "$DB" "exit code of the service" "$SVC_EXIT" "$([ "$SVC_EXIT" = 0 ] && echo PASS || echo FAIL)"
}

drill_slow_clients() {
  start_service slow-clients "$DB"
  drill_py slow
  undisturbed
  stop_service
}

drill_connection_flood() {
  start_service connection-flood "$DB"
  drill_py flood
  undisturbed
  stop_service
}

FAILED_RUNS=()
for r in "${RUNS[@]}"; do
  DRILL=${r%%:*}; DB=${r#*:}
  log "== $DRILL on $DB"
  t0=$(now)
  "drill_${DRILL//-/_}"
  log "   ($(secs_since "$t0") s)"
done

TOTAL_S=$(secs_since "$T_START")
python3 "$ROOT/bench/drills/report.py" "$FIGURES" "$TOTAL_S" "$(nproc) cores; load average at start $LOAD_START, at end $(cut -d' ' -f1-3 /proc/loadavg)" \
  | tee "$OUT/summary.md"
[ ${#FAILED_RUNS[@]} -eq 0 ] || { log "drills.sh: runs that did not complete: ${FAILED_RUNS[*]}"; exit 1; }
