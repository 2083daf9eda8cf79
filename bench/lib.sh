# shellcheck shell=bash
# shellcheck disable=SC2034  # RUN_JAR, SERVICE_PID, READY_S, ... are set here for the kit that sources this file
# Shared functions of the benchmark kits (sourced, not run). Sourcing only defines functions.
#   bench/bench.sh, bench/scale.sh: the functions below (lock, build, start/stop, sign-up, seed, wrk output).
#   bench/export.sh, bench/paging.sh: simple_setup, then start_with_user.
# A kit defines log() and die() before sourcing (defaults below otherwise). The PostgreSQL functions use
# PG_HOST (default 127.0.0.1), PGPORT and PGUSER; start_service uses JDK, USERINFO and JAVA_OPTS.
declare -F log >/dev/null || log() { echo "$*" >&2; }
# The service's default JVM flags (the one place of them, as for ./taskloop run and the image); every kit
# starts the jar with @$JVM_OPTIONS first, then JAVA_OPTS, which wins.
JVM_OPTIONS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/config/jvm.options"
declare -F die >/dev/null || die() { echo "bench: $*" >&2; exit 1; }

# ---- time, URLs, wrk output --------------------------------------------------------------------------------
now() { date +%s.%N; }
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}'; }

urlencode() { # percent-encodes $1 for the userinfo part of DATABASE_URL
  local s=$1 out="" c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case "$c" in [A-Za-z0-9._~-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf '%s' "$out"
}

to_ms() { # wrk latency token (812.00us, 1.23ms, 1.05s, 1.00m) -> ms
  awk -v v="$1" 'BEGIN{ if (v ~ /us$/) {sub(/us$/,"",v); printf "%.2f", v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v); printf "%.2f", v}
    else if (v ~ /m$/) {sub(/m$/,"",v); printf "%.2f", v*60000} else if (v ~ /s$/) {sub(/s$/,"",v); printf "%.2f", v*1000} else print "n/a" }'
}

wrk_figures() { # wrk --latency output -> "rps p50_ms p99_ms non2xx socket_errors" (non2xx = non-2xx/3xx responses)
  local f=$1 rps p50 p99 bad sock
  rps=$(awk '/^Requests\/sec:/{printf "%.0f", $2}' "$f"); rps=${rps:-0}
  p50=$(to_ms "$(awk '$1=="50%"{print $2}' "$f")")
  p99=$(to_ms "$(awk '$1=="99%"{print $2}' "$f")")
  bad=$(awk '/Non-2xx or 3xx responses:/{print $NF}' "$f"); bad=${bad:-0}
  sock=$(awk '/Socket errors:/{gsub(",",""); s=0; for(i=1;i<=NF;i++) if ($i ~ /^[0-9]+$/) s+=$i; print s}' "$f"); sock=${sock:-0}
  # a run that completed no request at all (wrong URL, server gone) is an error too
  if [ "$rps" = 0 ] && [ "$((bad + sock))" = 0 ]; then sock=1; fi
  echo "$rps $p50 $p99 $bad $sock"
}

parse_wrk() { # wrk --latency output -> "rps p50_ms p99_ms errors" (errors = non-2xx/3xx responses + socket errors)
  local rps p50 p99 bad sock
  read -r rps p50 p99 bad sock <<<"$(wrk_figures "$1")"
  echo "$rps $p50 $p99 $((bad + sock))"
}

cpu_ticks() { # pid -> utime+stime of the process so far, in clock ticks (getconf CLK_TCK a second); 0 when gone
  awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0
}

# ---- the lock, the build -----------------------------------------------------------------------------------
take_bench_lock() { # LOCKFILE WAIT_S: flock on fd 9, shared by every kit so two benchmarks never overlap.
  # Children must not inherit fd 9 (start them with 9>&-), or one left behind would hold the lock.
  local lock=$1 wait_s=$2
  if [ -e "$lock" ]; then exec 9<"$lock"; else exec 9>"$lock"; fi
  log "waiting for $lock (up to ${wait_s}s) ..."
  flock -w "$wait_s" 9 || die "another benchmark held $lock for more than ${wait_s}s"
}

build_if_stale() { # JAR (relative to the project root, the current directory): ./taskloop build when missing or older than the sources
  local jar=$1
  if [ ! -f "$jar" ] || [ -n "$(find src/main pom.xml -newer "$jar" -print -quit)" ]; then
    log "== building $jar (./taskloop build)"
    ./taskloop build 9>&- || die "build failed"
  fi
  [ -f "$jar" ] || die "$jar missing after the build"
}

private_copy() { # JAR -> path of a private copy in /tmp (a rebuild during the run cannot pull classes from under the JVM)
  local copy
  copy=$(mktemp /tmp/taskloop-bench.XXXXXX.jar)
  cp "$1" "$copy"
  if ! "$JDK/bin/jar" tf "$copy" 2>/dev/null | grep -x 'dev/taskloop/Main.class' >/dev/null; then
    rm -f "$copy"
    die "$1 is incomplete (being rebuilt right now?); run again in a minute"
  fi
  echo "$copy"
}

# ---- PostgreSQL --------------------------------------------------------------------------------------------
locked_current_jar() { # LOCKFILE WAIT_S JAR: take the shared lock, then (inside it: a build would disturb another
  # benchmark's numbers) build JAR if stale and copy it; sets RUN_JAR and CURRENT_REV (short HEAD, "+ uncommitted changes")
  take_bench_lock "$1" "$2"
  build_if_stale "$3"
  RUN_JAR=$(private_copy "$3")
  CURRENT_REV=$(git rev-parse --short HEAD)
  if [ -n "$(git status --porcelain --untracked-files=no -- src/main pom.xml 2>/dev/null || true)" ]; then
    CURRENT_REV+=" + uncommitted changes"
  fi
}

psqlq() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h "${PG_HOST:-127.0.0.1}" "$@"; }

recreate_db() { # NAME: drop (with its connections) and create again
  psqlq -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null || die "cannot drop database $1"
  psqlq -d postgres -c "CREATE DATABASE \"$1\"" >/dev/null || die "cannot create database $1"
}

seed_tasks() { # DB OWNER(uuid, or "" for a schema without owners) LOGFILE: exactly tasks 1..10000, VACUUM ANALYZEd
  local db=$1 owner=$2 logfile=$3 ocol="" oval="" n
  if [ -n "$owner" ]; then ocol="owner_id, "; oval="'$owner'::uuid, "; fi
  psqlq -d "$db" > "$logfile" 2>&1 <<SQL || die "seeding failed, see $logfile"
TRUNCATE tasks RESTART IDENTITY;
INSERT INTO tasks (${ocol}id, title, description, is_completed, created_at, updated_at)
SELECT ${oval}i,
       'task ' || i,
       CASE WHEN i % 4 = 0 THEN NULL ELSE 'description of task ' || i || ', seeded for the benchmark' END,
       i % 3 = 0,
       now() - (10000 - i) * interval '1 minute',
       now() - (10000 - i) * interval '1 minute'
FROM generate_series(1, 10000) AS i;
-- the ids were given explicitly: move the identity past them so POST /tasks gets 10001, 10002, ...
SELECT setval(pg_get_serial_sequence('tasks', 'id'), 10000);
-- as autovacuum leaves a table within a minute of the seed: statistics and the visibility map set
VACUUM ANALYZE tasks;
SQL
  psqlq -d "$db" -c "CHECKPOINT" >/dev/null 2>&1 || true   # superuser only; evens out the runs
  # shellcheck disable=SC2016  # the quotes around $owner are SQL's, inside the double-quoted string
  n=$(psqlq -d "$db" -Atc "SELECT count(*) || ' ' || min(id) || ' ' || max(id) FROM tasks${owner:+ WHERE owner_id = '$owner'}")
  [ "$n" = "10000 1 10000" ] || die "seeding produced '$n' (count min max), expected '10000 1 10000'"
}

seed_sqlite_tasks() { # FILE OWNER(uuid): exactly tasks 1..10000 of OWNER in the service's SQLite file (python3's sqlite3)
  python3 - "$1" "$2" <<'PY' || die "seeding $1 failed"
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
now = "strftime('%Y-%m-%dT%H:%M:%f', 'now')"
db.execute("DELETE FROM tasks")
db.executemany("INSERT INTO tasks (owner_id, id, title, description, is_completed, created_at, updated_at)"
               f" VALUES (?, ?, ?, ?, ?, {now}, {now})",
               [(sys.argv[2], i, f"task {i}", None if i % 4 == 0 else f"description of task {i}, seeded for the benchmark",
                 i % 3 == 0) for i in range(1, 10001)])
db.commit()
n = db.execute("SELECT count(*), min(id), max(id) FROM tasks WHERE owner_id = ?", (sys.argv[2],)).fetchone()
sys.exit(0 if n == (10000, 1, 10000) else f"seeding produced {n}")
PY
}

# ---- the service -------------------------------------------------------------------------------------------
SERVICE_PID=""
start_service() { # JAR PORT DB LOGFILE: java -jar in the background, 127.0.0.1:PORT on PostgreSQL DB; sets SERVICE_PID
  # (not in a subshell: the caller waits for it). The caller's other service variables pass through.
  start_service_url "$1" "$2" "postgresql://${USERINFO:-$PGUSER}@${PG_HOST:-127.0.0.1}:$PGPORT/$3" "$4"
}

start_service_url() { # JAR PORT DATABASE_URL LOGFILE: as start_service, on any database URL (sqlite:/path/file.db)
  local jar=$1 port=$2 url=$3 logfile=$4
  # shellcheck disable=SC2086  # JAVA_OPTS is a list of flags
  DATABASE_URL="$url" HOST=127.0.0.1 PORT="$port" SIGNUP_ENABLED=true \
    "$JDK/bin/java" @"$JVM_OPTIONS" ${JAVA_OPTS:-} -jar "$jar" > "$logfile" 2>&1 9>&- &
  SERVICE_PID=$!
}

READY_S=""
wait_ready() { # PID PORT TIMEOUT_S [T0]: until GET /health/ready = 200; sets READY_S (seconds since T0, a now() value,
  # default the call); returns 1 when the process exited or the time ran out (message on stderr)
  wait_200 "$1" "http://127.0.0.1:$2/health/ready" "$3" "${4:-$(now)}"
}

wait_200() { # PID URL TIMEOUT_S [T0]: until GET URL = 200; sets READY_S as wait_ready does; returns 1 when the
  # process exited or the time ran out (message on stderr)
  local pid=$1 url=$2 timeout=$3 t0=${4:-$(now)} i
  READY_S=""
  for ((i = 0; i < timeout * 20; i++)); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" || true)" = 200 ]; then
      READY_S=$(secs_since "$t0"); return 0
    fi
    kill -0 "$pid" 2>/dev/null || { log "   the server exited during startup"; return 1; }
    sleep 0.05
  done
  log "   not ready within ${timeout}s"; return 1
}

tree_rss_mb() { # PID -> resident memory of the process and all its descendants, MB (uvicorn's workers count too)
  ps -eo pid=,ppid=,rss= | awk -v root="$1" '{pp[$1] = $2; r[$1] = $3}
    END { for (p in pp) { q = p; for (d = 0; d < 16 && q > 1; d++) { if (q == root) { s += r[p]; break }; q = pp[q] } }
          if (s > 0) printf "%.0f", s / 1024; else print "n/a" }'
}

SIGNUP_KEY=""; SIGNUP_USER_ID=""
signup_user() { # PORT EMAIL PASSWORD LOGFILE(for the message): POST /users must answer 201; sets SIGNUP_KEY
  # and SIGNUP_USER_ID (user.id of the answer, "" when absent)
  local port=$1 email=$2 password=$3 logfile=$4 resp got
  resp=$(curl -s --max-time 30 -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data "{\"email\":\"$email\",\"password\":\"$password\"}" "http://127.0.0.1:$port/users" || true)
  got=${resp##*$'\n'}
  [ "$got" = 201 ] || die "POST /users answered ${got:-nothing}, expected 201 (see $logfile): ${resp%$'\n'*}"
  SIGNUP_KEY=$(printf '%s' "${resp%$'\n'*}" | grep -o '"key" *: *"tl_[A-Za-z0-9_-]*"' | head -n1 | sed 's/.*"\(tl_[^"]*\)"$/\1/' || true)
  [ -n "$SIGNUP_KEY" ] || die "no api_key.key in the POST /users answer: ${resp%$'\n'*}"
  SIGNUP_USER_ID=$(printf '%s' "${resp%$'\n'*}" | python3 -c 'import json, sys; print(json.load(sys.stdin)["user"]["id"])' 2>/dev/null || true)
}

STOP_RC=""; STOP_S=""
stop_pid() { # PID TIMEOUT_S: SIGTERM, wait up to TIMEOUT_S, then SIGKILL; sets STOP_RC (exit status) and STOP_S
  local pid=$1 timeout=$2 t0 i rc=0
  t0=$(now)
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "   pid $pid did not stop within ${timeout}s of SIGTERM: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || rc=$?
  STOP_RC=$rc
  STOP_S=$(secs_since "$t0")
}

# ---- the simple kits (export.sh, paging.sh) ----------------------------------------------------------------
# simple_setup: expects ROOT as the project root, DB (a plain identifier) and PORT. Defines psql();
# sets JDK. Then start_with_user sets OUT, PID, KEY, OWNER.
simple_setup() {
  export PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
  [[ "$DB" =~ ^[A-Za-z0-9_]+$ ]] || { echo "bench: BENCH_DB must be a plain identifier" >&2; exit 2; }
  JDK=$("$ROOT/taskloop" --jdk-home || true) # the lookup of ./taskloop; it says why when it fails
  [ -n "$JDK" ] || { echo "bench: JDK 25 not found" >&2; exit 1; }
  # shellcheck disable=SC2317  # called by the kits that use simple_setup
  psql() { command psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 "$@"; }
}

# start_with_user NAME [JVM flags...]: build if needed, recreate the database ($DB on PostgreSQL,
# or a fresh file when KIND=sqlite), start the service on it, wait until ready, sign up
# NAME@example.com; results go to bench/results/NAME-<time>/.
start_with_user() {
  local name=$1; shift
  "$ROOT/taskloop" build
  OUT="$ROOT/bench/results/$name-$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$OUT"
  local url
  if [ "${KIND:-postgresql}" = sqlite ]; then
    SQLITE_FILE="$OUT/taskloop.db"; url="sqlite:$SQLITE_FILE"
  else
    psql -d postgres -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
    url="postgresql://$PGUSER@127.0.0.1:$PGPORT/$DB"
  fi
  # shellcheck disable=SC2153  # PORT is the calling kit's
  DATABASE_URL="$url" PORT=$PORT HOST=127.0.0.1 \
    "$JDK/bin/java" @"$JVM_OPTIONS" "$@" -jar "$ROOT/target/taskloop.jar" > "$OUT/server.log" 2>&1 &
  PID=$!
  trap 'kill $PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready" && break; sleep 0.5; done
  local signup
  signup=$(curl -sf -X POST "http://127.0.0.1:$PORT/users" -H 'content-type: application/json' \
    -d "{\"email\":\"$name@example.com\",\"password\":\"$name-password\"}")
  KEY=$(echo "$signup" | python3 -c 'import sys,json; print(json.load(sys.stdin)["api_key"]["key"])')
  OWNER=$(echo "$signup" | python3 -c 'import sys,json; print(json.load(sys.stdin)["user"]["id"])')
}
