# Shared setup of bench/export.sh and bench/paging.sh (sourced, not run). Expects ROOT as the
# project root, DB (a plain identifier) and PORT. Defines psql(); sets JDK, OUT, PID, KEY, OWNER.
export PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
[[ "$DB" =~ ^[A-Za-z0-9_]+$ ]] || { echo "bench: BENCH_DB must be a plain identifier" >&2; exit 2; }
JDK=$("$ROOT/taskloop" --jdk-home || true) # the lookup of ./taskloop; it says why when it fails
[ -n "$JDK" ] || { echo "bench: JDK 25 not found" >&2; exit 1; }

psql() { command psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 "$@"; }

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
  DATABASE_URL="$url" PORT=$PORT HOST=127.0.0.1 \
    "$JDK/bin/java" "$@" -jar "$ROOT/target/taskloop.jar" > "$OUT/server.log" 2>&1 &
  PID=$!
  trap 'kill $PID 2>/dev/null || true' EXIT
  for _ in $(seq 1 120); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/health/ready" && break; sleep 0.5; done
  local signup
  signup=$(curl -sf -X POST "http://127.0.0.1:$PORT/users" -H 'content-type: application/json' \
    -d "{\"email\":\"$name@example.com\",\"password\":\"$name-password\"}")
  KEY=$(echo "$signup" | python3 -c 'import sys,json; print(json.load(sys.stdin)["api_key"]["key"])')
  OWNER=$(echo "$signup" | python3 -c 'import sys,json; print(json.load(sys.stdin)["user"]["id"])')
}
