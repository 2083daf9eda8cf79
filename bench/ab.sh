#!/usr/bin/env bash
# A/B of two settings (or two jars) of taskloop, both running at once, with wrk alternating between them.
#
#   bench/ab.sh --a "METRICS_ENABLED=true" --b "METRICS_ENABLED=false"            # PostgreSQL
#   TASKLOOP_DB=sqlite bench/ab.sh --a "METRICS_ENABLED=true" --b "METRICS_ENABLED=false"
#   bench/ab.sh --a-jar /tmp/old.jar --b-jar target/taskloop.jar                   # two builds
#   bench/ab.sh --a-java "-Xmx512m" --b-java "-Xmx128m"                            # two JVM settings
#
# Why: this machine's speed moves by 20 % and more between runs a minute apart, so two settings measured
# one after the other (bench.sh --baseline) cannot show a 3 % cost. Here both servers run side by side on
# identical data (each its own database: PostgreSQL databases $AB_DB_a/$AB_DB_b, or SQLite files, seeded with
# the same 10,000 tasks), and every round measures A then B, or B then A (alternating), for $DUR s each
# with wrk -t$THREADS -c$CONNS, on GET /tasks/{id} and POST /tasks. Two figures per round and row:
# requests per second, and the server's CPU time per 1,000 requests (utime+stime of its process, from
# /proc), which moves less with the machine's speed than req/s. The summary is the median of the
# per-round ratios B / A, and each server's RSS after the last round. Servers are stopped with
# SIGTERM at the end (must exit 0).
#
# Env (defaults): ROUNDS=6 DUR=8 WARM=8 THREADS=2 CONNS=64 TASKLOOP_DB=postgresql PORT_A=8091 PORT_B=8092
#   AB_ROWS="get_one post" (the bench/wrk scripts measured, e.g. "get_list get_keyset"; get_one_gzip and
#   get_list_gzip send Accept-Encoding: gzip),
#   AB_DB=taskloop_ab (PostgreSQL databases ${AB_DB}_a and ${AB_DB}_b, DROPPED and recreated), PGPORT=5432,
#   PGUSER=postgres, JAVA_OPTS. Holds flock $BENCH_LOCK (default /tmp/bench.lock) like bench.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
log() { echo "$*" >&2; }
die() { echo "ab.sh: $*" >&2; exit 1; }

A_ENV=""; B_ENV=""; A_JAR=""; B_JAR=""; A_JAVA=""; B_JAVA=""
while [ $# -gt 0 ]; do
  case "$1" in
    --a) A_ENV=$2; shift 2 ;;
    --b) B_ENV=$2; shift 2 ;;
    --a-jar) A_JAR=$2; shift 2 ;;
    --b-jar) B_JAR=$2; shift 2 ;;
    --a-java) A_JAVA=$2; shift 2 ;;
    --b-java) B_JAVA=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
AB_ROWS="${AB_ROWS:-get_one post}"; ROUNDS="${ROUNDS:-6}"; DUR="${DUR:-8}"; WARM="${WARM:-8}"; THREADS="${THREADS:-2}"; CONNS="${CONNS:-64}"
DB_KIND="${TASKLOOP_DB:-postgresql}"; AB_DB="${AB_DB:-taskloop_ab}"
PORT_A="${PORT_A:-8091}"; PORT_B="${PORT_B:-8092}"
export PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
JDK=$(ls -d /usr/lib/jvm/temurin-25* 2>/dev/null | head -n1); [ -n "$JDK" ] || die "no JDK 25 under /usr/lib/jvm"
command -v wrk >/dev/null || die "wrk is missing (apt-get install -y wrk)"
if [ -z "$A_JAR" ] || [ -z "$B_JAR" ]; then
  [ -f target/taskloop.jar ] || ./taskloop build >&2 || die "build failed"
fi
A_JAR="${A_JAR:-target/taskloop.jar}"; B_JAR="${B_JAR:-target/taskloop.jar}"
OUT="bench/results/ab-$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$OUT"
exec 9>"${BENCH_LOCK:-/tmp/bench.lock}"; flock -w 1800 9 || die "another benchmark holds the lock"

declare -A PID KEY
psqlq() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 "$@"; }
cleanup() { for s in a b; do [ -n "${PID[$s]:-}" ] && kill "${PID[$s]}" 2>/dev/null || true; done; }
trap cleanup EXIT

seed() { # side: 10,000 tasks owned by the benchmark user, ids 1..10000
  local s=$1 owner
  if [ "$DB_KIND" = sqlite ]; then
    owner=$(sqlite3 "$OUT/$s.db" "SELECT id FROM users LIMIT 1")
    sqlite3 "$OUT/$s.db" "DELETE FROM tasks; DELETE FROM sqlite_sequence WHERE name='tasks';
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
      INSERT INTO tasks (id, owner_id, title, description, is_completed)
      SELECT i, '$owner', 'task ' || i, 'description of task ' || i, i % 3 = 0 FROM n; ANALYZE;"
  else
    owner=$(psqlq -d "${AB_DB}_$s" -Atc "SELECT id FROM users LIMIT 1")
    psqlq -d "${AB_DB}_$s" -c "TRUNCATE tasks RESTART IDENTITY;
      INSERT INTO tasks (owner_id, id, title, description, is_completed, created_at, updated_at)
      SELECT '$owner'::uuid, i, 'task ' || i, 'description of task ' || i, i % 3 = 0, now(), now()
      FROM generate_series(1, 10000) AS i;
      SELECT setval(pg_get_serial_sequence('tasks', 'id'), 10000);" -c "VACUUM ANALYZE tasks" >/dev/null
  fi
}

start() { # side jar port "ENV=V ..." "JVM flags"
  local s=$1 jar=$2 port=$3 envs=$4 flags=$5 url i resp
  if [ "$DB_KIND" = sqlite ]; then
    url="sqlite:$OUT/$s.db"
  else
    psqlq -d postgres -c "DROP DATABASE IF EXISTS ${AB_DB}_$s WITH (FORCE)" -c "CREATE DATABASE ${AB_DB}_$s" >/dev/null
    url="postgresql://$PGUSER@127.0.0.1:$PGPORT/${AB_DB}_$s"
  fi
  # shellcheck disable=SC2086  # envs, JAVA_OPTS and flags are lists
  env $envs DATABASE_URL="$url" HOST=127.0.0.1 PORT="$port" SIGNUP_ENABLED=true ACCESS_LOG="${ACCESS_LOG:-true}" \
    "$JDK/bin/java" @"$ROOT/config/jvm.options" ${JAVA_OPTS:-} $flags -jar "$jar" > "$OUT/server-$s.log" 2>&1 9>&- &
  PID[$s]=$!
  for ((i = 0; i < 1200; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)" = 200 ] && break
    kill -0 "${PID[$s]}" 2>/dev/null || die "server $s exited; see $OUT/server-$s.log"
    sleep 0.05
  done
  resp=$(curl -s -X POST -H 'Content-Type: application/json' \
    --data '{"email":"ab@example.com","password":"ab-password-1"}' "http://127.0.0.1:$port/users")
  KEY[$s]=$(printf '%s' "$resp" | grep -o '"key" *: *"tl_[A-Za-z0-9_-]*"' | head -n1 | sed 's/.*"\(tl_[^"]*\)"$/\1/')
  [ -n "${KEY[$s]}" ] || die "no API key from server $s: $resp"
  seed "$s"
  [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer ${KEY[$s]}" "http://127.0.0.1:$port/tasks/10000")" = 200 ] \
    || die "server $s: GET /tasks/10000 is not 200 after the seed"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() { # side port script seconds -> "rps cpu_ms_per_1000"
  local s=$1 port=$2 script=$3 secs=$4 t0 t1 out rps
  t0=$(cpu_ticks "${PID[$s]}")
  out=$(wrk -t"$THREADS" -c"$CONNS" -d"${secs}s" --timeout 5s -s "bench/wrk/$script.lua" \
    -H "Authorization: Bearer ${KEY[$s]}" "http://127.0.0.1:$port" 2>&1)
  t1=$(cpu_ticks "${PID[$s]}")
  echo "$out" >> "$OUT/wrk-$s-$script.txt"
  if echo "$out" | grep -q "Non-2xx"; then die "server $s answered non-2xx on $script: $(echo "$out" | grep Non-2xx)"; fi
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  awk -v r="$rps" -v d="$secs" -v c=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN{ printf "%.0f %.3f", r, (c / hz * 1000) / (r * d / 1000) }'
}

log "== A: ${A_ENV:-(no extra env)} ${A_JAVA} $A_JAR on :$PORT_A; B: ${B_ENV:-(no extra env)} ${B_JAVA} $B_JAR on :$PORT_B; $DB_KIND"
start a "$A_JAR" "$PORT_A" "$A_ENV" "$A_JAVA"
start b "$B_JAR" "$PORT_B" "$B_ENV" "$B_JAVA"
log "== warm-up ${WARM}s each"
for s in a b; do port=PORT_${s^^}; run "$s" "${!port}" warmup "$WARM" >/dev/null; done

declare -A RATIO_RPS RATIO_CPU
{
  echo "| round | order | row | A req/s | B req/s | B÷A req/s | A CPU ms/1k | B CPU ms/1k | B÷A CPU |"
  echo "|---|---|---|---|---|---|---|---|---|"
} > "$OUT/rounds.md"
for ((r = 1; r <= ROUNDS; r++)); do
  order="a b"; [ $((r % 2)) = 0 ] && order="b a"
  for row in $AB_ROWS; do
    declare -A RES=()
    for s in $order; do port=PORT_${s^^}; RES[$s]=$(run "$s" "${!port}" "$row" "$DUR"); done
    read -r ar ac <<<"${RES[a]}"; read -r br bc <<<"${RES[b]}"
    rr=$(awk -v a="$ar" -v b="$br" 'BEGIN{printf "%.3f", b/a}'); rc=$(awk -v a="$ac" -v b="$bc" 'BEGIN{printf "%.3f", b/a}')
    RATIO_RPS[$row]+="$rr "; RATIO_CPU[$row]+="$rc "
    echo "| $r | ${order/ /→} | $row | $ar | $br | $rr | $ac | $bc | $rc |" | tee -a "$OUT/rounds.md" >&2
  done
done
rss_mb() { awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$1/status"; }
RSS_A=$(rss_mb "${PID[a]}"); RSS_B=$(rss_mb "${PID[b]}")
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END{ if (NR % 2) print v[(NR+1)/2]; else printf "%.3f\n", (v[NR/2]+v[NR/2+1])/2 }'; }
for s in a b; do kill -TERM "${PID[$s]}"; done
for s in a b; do wait "${PID[$s]}" || die "server $s did not exit 0 after SIGTERM"; PID[$s]=""; done
{
  cat "$OUT/rounds.md"
  echo
  for row in $AB_ROWS; do
    echo "$row: median B÷A req/s **$(echo "${RATIO_RPS[$row]}" | median)**, median B÷A CPU per request **$(echo "${RATIO_CPU[$row]}" | median)** over $ROUNDS rounds"
  done
  echo
  echo "RSS at the end: A $RSS_A MB, B $RSS_B MB"
  echo
  echo "A = ${A_ENV:-no extra env} ${A_JAVA:+JVM $A_JAVA }($A_JAR), B = ${B_ENV:-no extra env} ${B_JAVA:+JVM $B_JAVA }($B_JAR); $DB_KIND; default JVM flags $(./taskloop --jvm-flags 2>/dev/null), JAVA_OPTS=${JAVA_OPTS:-none}; wrk -t$THREADS -c$CONNS -d${DUR}s per row and side," \
    "alternating order; $(nproc) cores shared by wrk, both servers and the database; $(git rev-parse --short HEAD); $(date -u +%FT%TZ)."
} > "$OUT/summary.md"
cat "$OUT/summary.md"
