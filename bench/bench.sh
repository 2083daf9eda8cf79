#!/usr/bin/env bash
# taskloop's benchmark: PostgreSQL alone (pgbench) and then taskloop under wrk, on this machine, 127.0.0.1 only;
# with --peers, taskloop on PostgreSQL and on SQLite next to the reference servers of the shared peers kit.
#
#   bench/bench.sh                                         # the full run, about 1.5 min with the defaults
#   bench/bench.sh --baseline main                         # also measure git revision main, same run (~4 min)
#   bench/bench.sh --peers                                 # the standing comparison with the peers (~7 min)
#   RUNS=3 bench/bench.sh --peers                          # the same 3 times: medians (min-max) (~20 min)
#   DUR=3 WARM=2 bench/bench.sh [--peers]                  # quick check that everything works
#   bench/bench.sh --header "X-Trace: bench"               # add a header to every request (repeatable)
#   DB_POOL_SIZE=20 bench/bench.sh                         # any service variable you set passes through
#
# Steps, all while holding flock $BENCH_LOCK (default /tmp/bench.lock, shared with other benchmark kits so
# two benchmarks never overlap): build target/taskloop.jar if missing or stale (./taskloop build), and with
# --baseline REV also the jar of REV (git worktree in /tmp, ./taskloop build, worktree removed on exit).
# Then, per server: drop and recreate database $BENCH_DB; start the service on it (JDK 25,
# 127.0.0.1:$BENCH_PORT), wait for GET /health/ready = 200 (= startup seconds); if its schema has
# tasks.owner_id (API keys), sign up a benchmark user (POST /users) and send its key as
# "Authorization: Bearer" on every request; seed exactly 10,000 tasks (ids 1..10000, owned by that user)
# and VACUUM ANALYZE (as autovacuum leaves it within a minute); warm up $WARM s with a mix of all requests; then wrk -t$THREADS -c$CONNS -d${DUR}s
# --timeout 5s --latency on GET /tasks/{id} (with a per-second trace), GET /tasks?skip=&limit=10,
# GET /tasks?after=&limit=10 and POST /tasks; record the server's RSS; stop it with SIGTERM (must exit 0).
# pgbench runs the current build's GET-one SELECT once per run, before any wrk load: on the current
# server's database, with the same seed (with --baseline, on a setup of the current build of its own).
# Prints a markdown table (with --baseline: both servers, and GET one's change = the auth cost) and writes
# it, with every raw wrk/pgbench/server output, to bench/results/<UTC time>/ (git-ignored).
# --peers (no pgbench): per run, one server after the other on 127.0.0.1:$BENCH_PORT, the same wrk runs:
# taskloop on PostgreSQL, vertx-raw, vertx-raw-nopipe, fastapi-seed-2w, taskloop on a fresh SQLite file,
# fastapi-seed-sqlite-2w (every even run in reverse order); the peers started by the kit's serve.sh on its
# schema.sql, with its wrk scripts (GET one: bench/wrk/get_one.lua, the same request). Prints the ratio
# table with PASS/FAIL per target (bench/tools/bench_report.py) and writes the charts
# (bench/tools/bench_charts.py); on a clean run also to $CHART_DIR, with their data (bench-peers.json).
#
# Env (defaults): DUR=15 WARM=10 (seconds), THREADS=2 CONNS=64, PGBENCH_CLIENTS=10 PGBENCH_JOBS=2,
#   BENCH_DB=taskloop_bench (DROPPED and recreated for every server), BENCH_PORT=8090, PGPORT=5432
#   PGUSER=postgres (PGPASSWORD if not trust auth), START_TIMEOUT=60 STOP_TIMEOUT=60 LOCK_WAIT=1800
#   (seconds), BENCH_LOCK=/tmp/bench.lock, JAVA_OPTS (extra JVM flags). Service variables (DB_POOL_SIZE,
#   DB_PIPELINING_LIMIT, AUTH_CACHE_TTL_S, LOG_LEVEL, ...) pass through; DATABASE_URL, HOST, PORT and
#   SIGNUP_ENABLED=true are set by this script. With --peers: RUNS=1 (at most 9), PEERS_KIT=../shared/peers,
#   PEERS_DB=${BENCH_DB}_peers (its table tasks is recreated for every peer), CHART_DIR=docs (empty: none).
# Exit status: 0 when the run completed with 0 errors (with --peers: in taskloop's rows; a peer's are marked) and every
# taskloop server exited 0 (whatever the targets say: PASS/FAIL is in the table), 1 otherwise, 2 for bad usage.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

usage() { sed -n '2,42p' "$0" | sed 's/^# \{0,1\}//'; }
log() { echo "$*" >&2; }
die() { echo "bench.sh: $*" >&2; exit 1; }
source "$ROOT/bench/lib.sh"   # the functions shared with bench/scale.sh

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

# The benchmark user, signed up on every server whose schema has tasks.owner_id (a fresh database each time).
BENCH_EMAIL=bench@example.com
BENCH_PASSWORD=bench-password

# Targets for GET one (see docs/benchmarks.md).
TARGET_RATIO=0.5        # GET-one req/s >= 0.5 x pgbench TPS of the same SELECT
TARGET_P99_MS=20        # GET-one p99 < 20 ms
TARGET_STALL_PCT=25     # GET one, every full second within ±25 % of the run's median second (bench/wrk/get_one.lua)
TARGET_AUTH_COST=15     # with --baseline: GET one (API key) at most 15 % below the baseline without auth

HEADERS=(); BASELINE_REV=""; PEERS_MODE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --peers) PEERS_MODE=1; shift ;;
    --header|-H) [ $# -ge 2 ] || { log "bench.sh: $1 needs a value"; exit 2; }; HEADERS+=("$2"); shift 2 ;;
    --baseline) [ $# -ge 2 ] || { log "bench.sh: $1 needs a git revision"; exit 2; }; BASELINE_REV=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) log "bench.sh: unknown argument $1"; usage >&2; exit 2 ;;
  esac
done
RUNS="${RUNS:-1}"
PEERS_KIT="${PEERS_KIT:-$ROOT/../shared/peers}"
PEERS_DB="${PEERS_DB:-${BENCH_DB}_peers}"
CHART_DIR="${CHART_DIR-docs}"
for v in DUR WARM THREADS CONNS PGBENCH_CLIENTS PGBENCH_JOBS BENCH_PORT START_TIMEOUT STOP_TIMEOUT LOCK_WAIT PGPORT RUNS; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]] || [ "${!v}" -le 0 ]; then log "bench.sh: $v must be a positive integer"; exit 2; fi
done
if [ "$DUR" -gt 3600 ] || [ "$WARM" -gt 3600 ]; then log "bench.sh: DUR and WARM are capped at 3600 s"; exit 2; fi
if [ "$BENCH_PORT" -gt 65535 ]; then log "bench.sh: BENCH_PORT must be a TCP port"; exit 2; fi
if ! [[ "$BENCH_DB" =~ ^[a-z_][a-z0-9_]*$ ]]; then log "bench.sh: BENCH_DB must be a plain lower-case identifier"; exit 2; fi
case "$BENCH_DB" in postgres|template0|template1) log "bench.sh: BENCH_DB=$BENCH_DB would be dropped; pick a scratch name"; exit 2 ;; esac
for h in "${HEADERS[@]}"; do
  [[ "$h" =~ ^[A-Za-z0-9-]+:\ ?.+$ ]] || { log "bench.sh: --header '$h' is not 'Name: value'"; exit 2; }
  # the database is new on every run, so no key from outside can be valid: the script brings its own
  case "${h%%:*}" in
    [Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Aa][Tt][Ii][Oo][Nn]|[Xx]-[Aa][Pp][Ii]-[Kk][Ee][Yy])
      log "bench.sh: --header '${h%%:*}: ...' is not needed: the script signs up its own benchmark user and sends its API key"; exit 2 ;;
  esac
done
if [ "$RUNS" -gt 9 ]; then log "bench.sh: RUNS is capped at 9"; exit 2; fi
if [ "$PEERS_MODE" = 1 ]; then
  [ -z "$BASELINE_REV" ] || { log "bench.sh: --peers and --baseline are separate runs; pick one"; exit 2; }
  if ! [ -x "$PEERS_KIT/vertx-raw/serve.sh" ] || ! [ -x "$PEERS_KIT/fastapi-seed/serve.sh" ] || ! [ -f "$PEERS_KIT/schema.sql" ]; then
    log "bench.sh: no peers kit at $PEERS_KIT (set PEERS_KIT)"; exit 2
  fi
  PEERS_KIT=$(cd "$PEERS_KIT" && pwd)
  if ! [[ "$PEERS_DB" =~ ^[a-z_][a-z0-9_]*$ ]] || [ "$PEERS_DB" = "$BENCH_DB" ]; then
    log "bench.sh: PEERS_DB must be a plain lower-case identifier other than BENCH_DB"; exit 2
  fi
  case "$PEERS_DB" in postgres|template0|template1) log "bench.sh: PEERS_DB=$PEERS_DB would be overwritten; pick a scratch name"; exit 2 ;; esac
elif [ "$RUNS" != 1 ]; then
  log "bench.sh: RUNS applies to --peers only"; exit 2
fi
if [ -n "$BASELINE_REV" ]; then
  BASELINE_SHA=$(git rev-parse --verify --quiet "$BASELINE_REV^{commit}") \
    || { log "bench.sh: --baseline $BASELINE_REV is not a git revision of this repository"; exit 2; }
  BASELINE_SHORT=$(git rev-parse --short "$BASELINE_SHA")
fi

# ---- tools -------------------------------------------------------------------------------------------------
missing=()
for t in wrk pgbench psql curl flock ps awk git python3; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
if [ ${#missing[@]} -gt 0 ]; then
  die "missing ${missing[*]}; on Debian/Ubuntu: apt-get install -y wrk postgresql-contrib postgresql-client curl util-linux procps git"
fi

JDK=$("$ROOT/taskloop" --jdk-home) || die "JDK 25 not found (see the line above)" # the lookup of ./taskloop
export JAVA_HOME="$JDK"
JAR=target/taskloop.jar

# ---- helpers (and those of bench/lib.sh: psqlq, urlencode, now, secs_since, to_ms, parse_wrk, ...) ---------
# Headers of the server being measured: the --header ones, plus the benchmark user's key when it has auth.
WRK_H=(); CURL_H=()
set_headers() { # [api key]
  WRK_H=(); CURL_H=()
  local h
  for h in "${HEADERS[@]}"; do WRK_H+=(-H "$h"); CURL_H+=(-H "$h"); done
  if [ -n "${1:-}" ]; then WRK_H+=(-H "Authorization: Bearer $1"); CURL_H+=(-H "Authorization: Bearer $1"); fi
}

status_of() { # METHOD path [body] -> HTTP status code (000 when no answer), with the current headers
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
  local pid=$SERVER_PID
  SERVER_PID=""
  stop_pid "$pid" "$STOP_TIMEOUT"
  SERVER_EXIT=$STOP_RC
}
OUT=""; RUN_JAR=""; BASE_JAR=""; WORKTREE=""
cleanup() { # on every exit: stop the server, remove the jar copies and the baseline worktree, drop an empty results dir
  stop_server || true
  if [ -n "$RUN_JAR" ]; then rm -f "$RUN_JAR"; fi
  if [ -n "$BASE_JAR" ]; then rm -f "$BASE_JAR"; fi
  if [ -n "$WORKTREE" ]; then
    git -C "$ROOT" worktree remove --force "$WORKTREE" >/dev/null 2>&1 || rm -rf "$WORKTREE"
    git -C "$ROOT" worktree prune >/dev/null 2>&1 || true
  fi
  if [ -n "$OUT" ]; then rmdir "$OUT" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'log "bench.sh: interrupted"; exit 130' INT
trap 'log "bench.sh: terminated"; exit 143' TERM

USERINFO=$(urlencode "$PGUSER")
[ -n "${PGPASSWORD:-}" ] && USERINFO+=":$(urlencode "$PGPASSWORD")"

# ---- one server: fresh database, start, sign-up (if it has API keys), seed, checks, then pgbench and/or wrk --
# Results per server tag (S_ = per server, R_ = per server and row, key "tag/row"). With --peers, every measured
# row also goes to $ROWS_TSV and every server to $SERVERS_TSV (run number $CUR_RUN), for bench/tools/bench_report.py.
declare -A S_LABEL S_AUTH S_STARTUP S_RSS S_EXIT S_STOP S_WARMERR R_RPS R_P50 R_P99 R_ERR
PGB_TPS=""; PGB_LAT=""; PGB_FAILED=0; PGB_OWNER=0
ROWS=(get_one get_list get_keyset post)
ROWS_TSV=""; SERVERS_TSV=""; CUR_RUN=1

# measure TAG LABEL DIR LUA_DIR ROW...: warm-up ($LUA_DIR/warmup.lua), then one wrk run per row. GET one always uses
# bench/wrk/get_one.lua (the same request on every server, plus the per-second trace); the other rows $LUA_DIR/ROW.lua.
measure() {
  local tag=$1 label=$2 dir=$3 lua=$4 ep script rps p50 p99 err
  shift 4
  log "== [$label] warm-up ${WARM}s (all measured requests, rotating)"
  wrk -t"$THREADS" -c"$CONNS" -d"${WARM}s" --timeout 5s "${WRK_H[@]}" -s "$lua/warmup.lua" "$BASE" \
    > "$dir/warmup.wrk.txt" 2>&1 9>&- || die "wrk warm-up failed, see $dir/warmup.wrk.txt"
  read -r _ _ _ err <<<"$(parse_wrk "$dir/warmup.wrk.txt")"
  S_WARMERR[$tag]=$err
  [ "$err" = 0 ] || log "   warning: $err errors during the warm-up (see $dir/warmup.wrk.txt)"
  for ep in "$@"; do
    script="$lua/$ep.lua"; [ "$ep" = get_one ] && script="$ROOT/bench/wrk/get_one.lua"
    log "== [$label] $ep: wrk -t$THREADS -c$CONNS -d${DUR}s --timeout 5s --latency"
    wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" --timeout 5s --latency "${WRK_H[@]}" -s "$script" "$BASE" \
      > "$dir/$ep.wrk.txt" 2>&1 9>&- || die "wrk failed, see $dir/$ep.wrk.txt"
    read -r rps p50 p99 err <<<"$(parse_wrk "$dir/$ep.wrk.txt")"
    R_RPS[$tag/$ep]=$rps; R_P50[$tag/$ep]=$p50; R_P99[$tag/$ep]=$p99; R_ERR[$tag/$ep]=$err
    log "   $rps req/s, p50 $p50 ms, p99 $p99 ms, $err errors"
    if [ -n "$ROWS_TSV" ]; then
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$CUR_RUN" "$tag" "$ep" "$rps" "$p50" "$p99" "$err" "$dir/$ep.wrk.txt" >> "$ROWS_TSV"
    fi
  done
}

record_server() { # TAG LABEL KIND(taskloop|peer) STARTUP: the server's line in $SERVERS_TSV (with --peers)
  [ -n "$SERVERS_TSV" ] || return 0
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$CUR_RUN" "$1" "$2" "$3" "$4" "${S_RSS[$1]}" "${S_EXIT[$1]}" "${S_WARMERR[$1]:-0}" >> "$SERVERS_TSV"
}

serve() { # TAG LABEL JAR DIR DO_PGBENCH(0|1) DO_WRK(0|1) [postgresql|sqlite]
  local tag=$1 label=$2 jar=$3 dir=$4 do_pgbench=$5 do_wrk=$6 kind=${7:-postgresql}
  local has_owner owner="" key="" got check m p want
  mkdir -p "$dir"

  local startup=""
  if [ "$kind" = sqlite ]; then
    rm -f "$dir/taskloop.db" "$dir/taskloop.db-wal" "$dir/taskloop.db-shm"
    log "== [$label] taskloop on $BASE, fresh SQLite file $dir/taskloop.db (JDK $JDK)"
    start_service_url "$jar" "$BENCH_PORT" "sqlite:$dir/taskloop.db" "$dir/server.log"
  else
    log "== [$label] database $BENCH_DB on $PGUSER@$PG_HOST:$PGPORT: drop and recreate"
    recreate_db "$BENCH_DB"
    log "== [$label] taskloop on $BASE (JDK $JDK${DB_POOL_SIZE:+, DB_POOL_SIZE=$DB_POOL_SIZE})"
    start_service "$jar" "$BENCH_PORT" "$BENCH_DB" "$dir/server.log"
  fi
  SERVER_PID=$SERVICE_PID
  if ! wait_ready "$SERVER_PID" "$BENCH_PORT" "$START_TIMEOUT"; then
    tail -n 20 "$dir/server.log" >&2 || true
    die "taskloop did not become ready (GET /health/ready != 200); log: $dir/server.log"
  fi
  startup=$READY_S
  log "   ready after ${startup}s (pid $SERVER_PID): $(grep -m1 'listening on' "$dir/server.log" | sed 's/^.* - //' || true)"

  # The schema decides: tasks.owner_id (issue 3 on) means API keys on every /tasks request.
  if [ "$kind" = sqlite ]; then
    has_owner=$(python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); print(sum(r[1] == "owner_id" for r in c.execute("PRAGMA table_info(tasks)")))' "$dir/taskloop.db")
  else
    has_owner=$(psqlq -d "$BENCH_DB" -Atc "SELECT count(*) FROM information_schema.columns
      WHERE table_schema = ANY (current_schemas(false)) AND table_name = 'tasks' AND column_name = 'owner_id'")
  fi
  if [ "$has_owner" = 1 ]; then
    log "== [$label] tasks.owner_id exists: signing up $BENCH_EMAIL (POST /users) for an API key"
    signup_user "$BENCH_PORT" "$BENCH_EMAIL" "$BENCH_PASSWORD" "$dir/server.log"
    key=$SIGNUP_KEY
    if [ "$kind" = sqlite ]; then
      owner=$SIGNUP_USER_ID
    else
      owner=$(psqlq -d "$BENCH_DB" -Atc "SELECT id FROM users WHERE email_normalized = '$BENCH_EMAIL'")
    fi
    [[ "$owner" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] || die "no user id for $BENCH_EMAIL after the sign-up ('$owner')"
    S_AUTH[$tag]=1
    # the key itself goes to no file; the user's id does (it is in the seed and the pgbench command)
    echo "benchmark user $BENCH_EMAIL, id $owner; key prefix ${key:0:15}..." > "$dir/user.txt"
  else
    [ "$kind" = postgresql ] || die "the SQLite schema has no tasks.owner_id: this build is older than the benchmark's SQLite seed"
    log "== [$label] no tasks.owner_id: no authentication"
    S_AUTH[$tag]=0
  fi
  set_headers "$key"

  log "== [$label] seeding 10,000 tasks${owner:+ owned by $owner}"
  if [ "$kind" = sqlite ]; then seed_sqlite_tasks "$dir/taskloop.db" "$owner"; else seed_tasks "$BENCH_DB" "$owner" "$dir/seed.txt"; fi

  # every measured request must answer 2xx; wrk alone would not notice 3xx answers
  for check in "GET /tasks/1 200" "GET /tasks/10000 200" "GET /tasks?skip=9990&limit=10 200" "GET /tasks?after=9990&limit=10 200"; do
    read -r m p want <<<"$check"
    got=$(status_of "$m" "$p")
    [ "$got" = "$want" ] || die "$m $p answered $got, expected $want (see $dir/server.log)"
  done
  got=$(status_of POST /tasks '{"title":"bench check","description":"status check before the runs"}')
  [ "$got" = 201 ] || die "POST /tasks answered $got, expected 201 (see $dir/server.log)"
  if [ -n "$key" ]; then   # the measured path really is the authenticated one
    set_headers
    got=$(status_of GET /tasks/1)
    set_headers "$key"
    [ "$got" = 401 ] || die "GET /tasks/1 without the API key answered $got, expected 401 (see $dir/server.log)"
  fi

  if [ "$do_pgbench" = 1 ]; then
    log "== [$label] pgbench: the GET-one SELECT, -M prepared -c$PGBENCH_CLIENTS -j$PGBENCH_JOBS -T$DUR"
    local pgb_def=()
    if [ -n "$owner" ]; then
      cat > "$dir/pgbench_select.sql" <<'SQL'
\set id random(1, 10000)
SELECT id, title, description, is_completed, created_at, updated_at FROM tasks WHERE id = :id AND owner_id = :owner;
SQL
      pgb_def=(-D "owner=$owner"); PGB_OWNER=1
    else
      cat > "$dir/pgbench_select.sql" <<'SQL'
\set id random(1, 10000)
SELECT id, title, description, is_completed, created_at, updated_at FROM tasks WHERE id = :id;
SQL
    fi
    pgbench -h "$PG_HOST" -n -f "$dir/pgbench_select.sql" "${pgb_def[@]}" -M prepared -c"$PGBENCH_CLIENTS" -j"$PGBENCH_JOBS" \
      -T"$DUR" "$BENCH_DB" > "$dir/pgbench.txt" 2>&1 9>&- || die "pgbench failed, see $dir/pgbench.txt"
    PGB_TPS=$(awk '/^tps =/{printf "%.0f", $3}' "$dir/pgbench.txt")
    PGB_LAT=$(awk '/^latency average/{print $4}' "$dir/pgbench.txt")
    PGB_FAILED=$(awk '/^number of failed transactions/{print $5}' "$dir/pgbench.txt")
    PGB_FAILED=${PGB_FAILED:-0}
    if [ -z "$PGB_TPS" ] || [ "$PGB_TPS" -le 0 ]; then die "no TPS in pgbench output, see $dir/pgbench.txt"; fi
    log "   ${PGB_TPS} tps, average latency ${PGB_LAT:-n/a} ms"
  fi

  if [ "$do_wrk" = 1 ]; then measure "$tag" "$label" "$dir" "$ROOT/bench/wrk" "${ROWS[@]}"; fi

  S_RSS[$tag]=$(tree_rss_mb "$SERVER_PID")
  log "== [$label] stopping the server (SIGTERM)"
  stop_server
  log "   exit code $SERVER_EXIT after ${STOP_S}s"
  S_LABEL[$tag]=$label; S_STARTUP[$tag]=$startup; S_EXIT[$tag]=$SERVER_EXIT; S_STOP[$tag]=$STOP_S
  if [ "$do_wrk" = 1 ]; then record_server "$tag" "$label" taskloop "$startup"; fi
}

# ---- a peer of the peers kit ($PEERS_KIT, read-only: its serve.sh, schema.sql and wrk scripts) ---------------
PEER_ROWS=(get_one get_list post)   # the peers have no keyset paging
serve_peer() { # NAME DIR: start one of the kit's servers on $BASE as the kit's bench.sh does, measure it, stop it
  local name=$1 dir=$2 serve lua coll envs=() got check m p want i
  case "$name" in
    vertx-raw)              serve=vertx-raw/serve.sh;    lua=wrk;              coll=/tasks;  envs=(PIPELINED=true) ;;
    vertx-raw-nopipe)       serve=vertx-raw/serve.sh;    lua=wrk;              coll=/tasks;  envs=(PIPELINED=false) ;;
    fastapi-seed-2w)        serve=fastapi-seed/serve.sh; lua=fastapi-seed/lua; coll=/tasks/; envs=(WORKERS=2) ;;
    fastapi-seed-sqlite-2w) serve=fastapi-seed/serve.sh; lua=fastapi-seed/lua; coll=/tasks/; envs=(WORKERS=2 DB=sqlite "SQLITE_PATH=$dir/fastapi-seed.db") ;;
    *) die "unknown peer $name" ;;
  esac
  mkdir -p "$dir"
  if curl -s -o /dev/null --max-time 1 "$BASE/"; then die "port $BENCH_PORT is still in use before $name starts"; fi
  # the kit's own seed: table tasks recreated with ids 1..10000 (the SQLite variant seeds its file at start)
  psqlq -d "$PEERS_DB" -f "$PEERS_KIT/schema.sql" > "$dir/seed.txt" 2>&1 || die "seeding $PEERS_DB failed, see $dir/seed.txt"
  psqlq -d "$PEERS_DB" -c "CHECKPOINT" >/dev/null 2>&1 || true
  log "== [$name] ${envs[*]} $PEERS_KIT/$serve $BENCH_PORT"
  local t0; t0=$(now)
  env "${envs[@]}" PGHOST="$PG_HOST" PGPORT="$PGPORT" PGUSER="$PGUSER" PEERS_DB="$PEERS_DB" \
    "$PEERS_KIT/$serve" "$BENCH_PORT" > "$dir/server.log" 2>&1 9>&- &
  SERVER_PID=$!
  # the kit's start-up figure: launch to the first 200 on GET /tasks/1 (the peers have no readiness endpoint)
  if ! wait_200 "$SERVER_PID" "$BASE/tasks/1" "$START_TIMEOUT" "$t0"; then
    tail -n 20 "$dir/server.log" >&2 || true
    die "$name did not answer GET /tasks/1 with 200; log: $dir/server.log"
  fi
  local startup=$READY_S
  log "   up after ${startup}s (pid $SERVER_PID)"
  set_headers
  for check in "GET /tasks/10000 200" "GET $coll?skip=9990&limit=10 200"; do
    read -r m p want <<<"$check"
    got=$(status_of "$m" "$p")
    [ "$got" = "$want" ] || die "$name: $m $p answered $got, expected $want (see $dir/server.log)"
  done
  got=$(status_of POST "$coll" '{"title":"bench check","description":"status check before the runs"}')
  [[ "$got" =~ ^20[01]$ ]] || die "$name: POST $coll answered $got, expected 200 or 201 (see $dir/server.log)"
  measure "$name" "$name" "$dir" "$PEERS_KIT/$lua" "${PEER_ROWS[@]}"
  S_RSS[$name]=$(tree_rss_mb "$SERVER_PID")
  log "== [$name] stopping the server (SIGTERM)"
  stop_server
  log "   exit code $SERVER_EXIT after ${STOP_S}s"
  S_EXIT[$name]=$SERVER_EXIT
  for ((i = 0; i < 100; i++)); do curl -s -o /dev/null --max-time 1 "$BASE/" || break; sleep 0.1; done
  record_server "$name" "$name" peer "$startup"
}

# ---- --peers: the standing comparison, RUNS times --------------------------------------------------------
# Order of one run; every even run goes the other way round, so no server always follows the same one.
PEER_ORDER=(taskloop-postgresql vertx-raw vertx-raw-nopipe fastapi-seed-2w taskloop-sqlite fastapi-seed-sqlite-2w)
run_peers() { # under the lock (fd 9): prepare the peers, measure every server RUNS times, then report and chart
  local run s dir order=() i err_rows bad_exit charts
  log "== peers kit $PEERS_KIT: vertx-raw build and fastapi-seed packages, if needed (before anything is measured)"
  { "$PEERS_KIT/vertx-raw/serve.sh" build && "$PEERS_KIT/fastapi-seed/serve.sh" install; } > "$OUT/peers-prepare.txt" 2>&1 9>&- \
    || die "preparing the peers failed, see $OUT/peers-prepare.txt"
  if [ "$(psqlq -d postgres -Atc "SELECT count(*) FROM pg_database WHERE datname = '$PEERS_DB'")" = 0 ]; then
    psqlq -d postgres -c "CREATE DATABASE \"$PEERS_DB\"" >/dev/null || die "cannot create database $PEERS_DB"
  fi
  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)   # others' builds and tests are not held off by the lock
  ROWS_TSV="$OUT/rows.tsv"; SERVERS_TSV="$OUT/servers.tsv"
  : > "$ROWS_TSV"; : > "$SERVERS_TSV"
  for ((run = 1; run <= RUNS; run++)); do
    CUR_RUN=$run
    order=("${PEER_ORDER[@]}")
    if [ $((run % 2)) = 0 ]; then order=(); for ((i = ${#PEER_ORDER[@]} - 1; i >= 0; i--)); do order+=("${PEER_ORDER[$i]}"); done; fi
    log "==== run $run of $RUNS: ${order[*]}"
    for s in "${order[@]}"; do
      dir="$OUT/run$run/$s"
      case "$s" in
        taskloop-postgresql) serve "$s" "taskloop PostgreSQL" "$RUN_JAR" "$dir" 0 1 postgresql ;;
        taskloop-sqlite)     serve "$s" "taskloop SQLite" "$RUN_JAR" "$dir" 0 1 sqlite ;;
        *)                   serve_peer "$s" "$dir" ;;
      esac
    done
  done
  flock -u 9

  {
    printf 'runs\t%s\n' "$RUNS"
    printf 'caption\t%s\n' "$(date -u +%F), taskloop $CURRENT_REV; wrk -t$THREADS -c$CONNS -d${DUR}s after ${WARM}s warm-up; $RUNS run(s); $(nproc) cores"
    printf 'settings\t%s\n' "wrk -t$THREADS -c$CONNS -d${DUR}s --timeout 5s --latency after a ${WARM} s mixed warm-up per server, $RUNS run(s) \
(order reversed on even runs)${HEADERS[0]:+, with --header}; taskloop = $CURRENT_REV on database $BENCH_DB (fresh per server) and on a fresh \
SQLite file, API key on every request; peers from $PEERS_KIT on database $PEERS_DB (its schema.sql); 10,000 tasks each; \
DB_POOL_SIZE=${DB_POOL_SIZE:-default}; JAVA_OPTS=${JAVA_OPTS:-none}; $(nproc) cores shared by wrk, the server and the database; \
load average before / after: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg); $("$JDK/bin/java" -version 2>&1 | head -n1); $(date -u +%FT%TZ)."
  } > "$OUT/meta.tsv"
  python3 "$ROOT/bench/tools/bench_report.py" "$OUT" || die "bench/tools/bench_report.py failed"
  cat "$OUT/summary.md"
  python3 "$ROOT/bench/tools/bench_charts.py" "$OUT/results.json" "$OUT" || die "bench/tools/bench_charts.py failed"
  log "raw output, summary.md, results.json and the charts: $OUT"

  if [ -n "$CHART_DIR" ]; then   # every completed run; a row with errors is drawn as not valid
    charts="$CHART_DIR"; [[ "$charts" = /* ]] || charts="$ROOT/$charts"
    mkdir -p "$charts"
    cp "$OUT/bench-throughput.svg" "$OUT/bench-get-one-trace.svg" "$charts/"
    cp "$OUT/results.json" "$charts/bench-peers.json"
    log "charts and their data written to $charts (bench-throughput.svg, bench-get-one-trace.svg, bench-peers.json)"
  fi
  # a clean run: no errors in taskloop's rows and warm-ups, taskloop exited 0. A peer's errors are its own
  # (fastapi-seed-sqlite-2w's two workers lock each other's file at -c64): the table marks its ratios.
  err_rows=$(awk -F'\t' 'NR == FNR { if ($4 == "taskloop") ours[$2] = 1; next }
    ($2 in ours) && $7 != 0 { printf " %s/%s/run%s:%s", $2, $3, $1, $7 }' "$SERVERS_TSV" "$ROWS_TSV")
  bad_exit=$(awk -F'\t' '$4 == "taskloop" && ($7 != 0 || $8 != 0) { printf " %s/run%s: exit %s, %s warm-up errors", $2, $1, $7, $8 }' "$SERVERS_TSV")
  if [ -n "$err_rows" ] || [ -n "$bad_exit" ]; then
    log "bench.sh: not a valid run; rows with errors:${err_rows:- none}; taskloop:${bad_exit:- exit 0, no warm-up errors}"
    return 1
  fi
}

# ---- the measuring part, under the shared lock -------------------------------------------------------------
if curl -s -o /dev/null --max-time 1 "$BASE/"; then die "port $BENCH_PORT on $HOST is already in use (set BENCH_PORT)"; fi

OUT="$ROOT/bench/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"

locked_current_jar "$LOCK" "$LOCK_WAIT" "$JAR"
if [ "$PEERS_MODE" = 1 ]; then
  run_peers
  exit $?
fi

if [ -n "$BASELINE_REV" ]; then
  WORKTREE=$(mktemp -d /tmp/taskloop-baseline-XXXXXX)
  log "== baseline $BASELINE_REV ($BASELINE_SHORT): git worktree in $WORKTREE, ./taskloop build"
  git worktree add --detach "$WORKTREE" "$BASELINE_SHA" > "$OUT/baseline-build.txt" 2>&1 9>&- \
    || die "git worktree add failed, see $OUT/baseline-build.txt"
  (cd "$WORKTREE" && ./taskloop build) >> "$OUT/baseline-build.txt" 2>&1 9>&- \
    || die "the build of $BASELINE_REV failed, see $OUT/baseline-build.txt"
  [ -f "$WORKTREE/$JAR" ] || die "no $JAR after the build of $BASELINE_REV"
  BASE_JAR=$(private_copy "$WORKTREE/$JAR")
  printf '%s\n' "--baseline $BASELINE_REV = $BASELINE_SHA" "$(git log -1 --format='%h %s' "$BASELINE_SHA")" >> "$OUT/baseline-build.txt"

  # pgbench once, before any server is under load: the current build's schema and seed, server idle
  serve setup "current (setup for pgbench)" "$RUN_JAR" "$OUT/pgbench" 1 0
  serve base "baseline $BASELINE_SHORT" "$BASE_JAR" "$OUT/baseline" 0 1
  serve cur "current" "$RUN_JAR" "$OUT/current" 0 1
  SERVERS=(base cur)
else
  serve cur "current" "$RUN_JAR" "$OUT" 1 1
  SERVERS=(cur)
fi
flock -u 9

# ---- table -------------------------------------------------------------------------------------------------
wrk_file_of() { # TAG ROW -> the wrk output file of that server's row
  case "$1" in base) echo "$OUT/baseline/$2.wrk.txt" ;; cur) if [ -n "$BASELINE_REV" ]; then echo "$OUT/current/$2.wrk.txt"; else echo "$OUT/$2.wrk.txt"; fi ;; esac
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }
ok_if_clean() { [ "$1" = 0 ] && echo PASS || echo FAIL; }
declare -A ROW_LABEL=([get_one]='GET /tasks/{id}' [get_list]='GET /tasks?skip=…&limit=10'
  [get_keyset]='GET /tasks?after=…&limit=10' [post]='POST /tasks')
auth_word() { [ "${S_AUTH[$1]}" = 1 ] && echo "API key" || echo "no auth"; }
for s in "${SERVERS[@]}"; do S_LABEL[$s]="${S_LABEL[$s]} ($(auth_word "$s"))"; done

TOTAL_ERR=0; WARM_ERR=0; BAD_EXIT=""
for s in "${SERVERS[@]}"; do
  for ep in "${ROWS[@]}"; do TOTAL_ERR=$((TOTAL_ERR + ${R_ERR[$s/$ep]})); done
  WARM_ERR=$((WARM_ERR + ${S_WARMERR[$s]}))
done
for s in setup "${SERVERS[@]}"; do
  if [ -n "${S_EXIT[$s]:-}" ] && [ "${S_EXIT[$s]}" != 0 ]; then BAD_EXIT+=" ${S_LABEL[$s]}: ${S_EXIT[$s]}"; fi
done
HEADER_NOTE=""; [ ${#HEADERS[@]} -gt 0 ] && HEADER_NOTE=" with ${#HEADERS[@]} extra header(s) on every request"
PGB_WHAT="same SELECT by id"; [ "$PGB_OWNER" = 1 ] && PGB_WHAT="same SELECT by id and owner"

if [ -n "$BASELINE_REV" ]; then
  COST=$(awk -v c="${R_RPS[cur/get_one]}" -v b="${R_RPS[base/get_one]}" 'BEGIN{ if (b > 0) printf "%.1f", (1 - c/b) * 100; else print "n/a" }')
  COST_OK=$(awk -v x="$COST" -v t="$TARGET_AUTH_COST" -v e="$(( ${R_ERR[cur/get_one]} + ${R_ERR[base/get_one]} ))" \
    'BEGIN{ print (x != "n/a" && x+0 <= t && e == 0) ? "PASS" : "FAIL" }')
fi
{
  echo "| server | row | req/s | p50 ms | p99 ms | errors | ÷ pgbench TPS | target | result |"
  echo "|---|---|---|---|---|---|---|---|---|"
  echo "| PostgreSQL | pgbench: $PGB_WHAT, -c$PGBENCH_CLIENTS | $PGB_TPS tps | | avg ${PGB_LAT:-n/a} | $PGB_FAILED | 1.00 | (reference) | |"
  for s in "${SERVERS[@]}"; do
    for ep in "${ROWS[@]}"; do
      if [ "$ep" = get_one ]; then
        target="≥ $TARGET_RATIO × pgbench, p99 < $TARGET_P99_MS ms, 0 errors"
        result=$(awk -v r="$(ratio "${R_RPS[$s/$ep]}" "$PGB_TPS")" -v p="${R_P99[$s/$ep]}" -v e="${R_ERR[$s/$ep]}" \
          -v tr="$TARGET_RATIO" -v tp="$TARGET_P99_MS" 'BEGIN{ print (r != "n/a" && p != "n/a" && r+0 >= tr && p+0 < tp && e == 0) ? "PASS" : "FAIL" }')
      else
        target="0 errors"; result=$(ok_if_clean "${R_ERR[$s/$ep]}")
      fi
      echo "| ${S_LABEL[$s]} | ${ROW_LABEL[$ep]} | ${R_RPS[$s/$ep]} | ${R_P50[$s/$ep]} | ${R_P99[$s/$ep]} | ${R_ERR[$s/$ep]} | $(ratio "${R_RPS[$s/$ep]}" "$PGB_TPS") | $target | $result |"
    done
  done
  echo
  line="GET one / pgbench:"
  for s in "${SERVERS[@]}"; do line+=" ${S_LABEL[$s]} **$(ratio "${R_RPS[$s/get_one]}" "$PGB_TPS")**;"; done
  echo "${line%;} (target ≥ $TARGET_RATIO)."
  echo
  for s in "${SERVERS[@]}"; do   # the stall check: bench/wrk/get_one.lua's per-second trace
    read -r t_med t_min t_max t_dev <<<"$(python3 "$ROOT/bench/tools/bench_report.py" --trace "$(wrk_file_of "$s" get_one)")"
    t_ok=$(awk -v d="$t_dev" -v t="$TARGET_STALL_PCT" 'BEGIN{ print (d != "n/a" && d + 0 <= t) ? "PASS" : "FAIL" }')
    echo "${S_LABEL[$s]}: GET one per second (full seconds) median $t_med, min $t_min, max $t_max;" \
         "largest deviation from the median **$t_dev %** (target ≤ $TARGET_STALL_PCT %, no periodic stall): **$t_ok**"
  done
  if [ -n "$BASELINE_REV" ]; then
    echo
    if [ "${S_AUTH[base]}" = 0 ] && [ "${S_AUTH[cur]}" = 1 ]; then
      echo "auth cost on GET one: **$COST %** (current vs baseline req/s: ${R_RPS[cur/get_one]} vs ${R_RPS[base/get_one]}); target ≤ $TARGET_AUTH_COST %: **$COST_OK**"
    else
      change=$(awk -v c="$COST" 'BEGIN{ if (c == "n/a") print "n/a"; else if (c + 0 < 0) printf "%.1f %% more", -c; else printf "%.1f %% fewer", c }')
      echo "GET one, current vs baseline: $change req/s (${R_RPS[cur/get_one]} vs ${R_RPS[base/get_one]}); not an auth cost: authentication is the same on both"
    fi
  fi
  echo
  for s in "${SERVERS[@]}"; do
    echo "${S_LABEL[$s]}: startup ${S_STARTUP[$s]} s to GET /health/ready = 200; RSS at the end ${S_RSS[$s]} MB;" \
         "exit code after SIGTERM: **${S_EXIT[$s]}** (stopped in ${S_STOP[$s]} s)."
  done
  echo
  echo "wrk -t$THREADS -c$CONNS -d${DUR}s --timeout 5s --latency after a ${WARM} s mixed warm-up${HEADER_NOTE};" \
       "pgbench -M prepared -c$PGBENCH_CLIENTS -j$PGBENCH_JOBS -T$DUR;" \
       "database $BENCH_DB, fresh per server, 10,000 seeded tasks; DB_POOL_SIZE=${DB_POOL_SIZE:-default}; JAVA_OPTS=${JAVA_OPTS:-none};" \
       "current = $CURRENT_REV${BASELINE_REV:+, baseline = $BASELINE_REV = $BASELINE_SHORT};" \
       "$(nproc) cores shared by wrk, the server and PostgreSQL; $("$JDK/bin/java" -version 2>&1 | head -n1);" \
       "$(date -u +%FT%TZ)."
} > "$OUT/summary.md"
cat "$OUT/summary.md"
log "raw output: $OUT"

if [ "$TOTAL_ERR" != 0 ] || [ "$WARM_ERR" != 0 ] || [ -n "$BAD_EXIT" ]; then
  log "bench.sh: not a valid run (errors: $TOTAL_ERR in the measured runs, $WARM_ERR in the warm-ups; server exit codes:${BAD_EXIT:- all 0})"
  exit 1
fi
