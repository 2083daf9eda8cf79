#!/usr/bin/env bash
# taskloop's scale-out benchmark: in ONE run, on PostgreSQL, the same seed and the same wrk load through
#   (a) one instance direct, (b) the same instance behind nginx, (c) two instances behind nginx (one database).
# On this machine's cores no speed-up is expected: the figures show what the proxy costs and that nothing breaks.
#
#   bench/scale.sh                                         # the full run, about 2.5 min with the defaults
#   DUR=3 WARM=2 bench/scale.sh                            # quick check that everything works
#   ROUNDS=3 bench/scale.sh                                # 3 rounds, order of a/b/c rotated, medians (~6 min)
#   NGINX_WORKERS=1 bench/scale.sh                         # nginx worker_processes (default auto)
#   DB_POOL_SIZE=5 bench/scale.sh                          # any service variable you set passes through
#
# Steps, all while holding flock $BENCH_LOCK (default /tmp/bench.lock, the lock of bench.sh and ab.sh, so two
# benchmarks never overlap): build target/taskloop.jar if missing or stale (./taskloop build) and run a private
# copy of it. Drop and recreate database $SCALE_DB; start instance A on 127.0.0.1:$PORT_A and, once A is ready
# (its migrations done), instance B on $PORT_B, both on that database with bench.sh's environment (DATABASE_URL,
# HOST=127.0.0.1, PORT, SIGNUP_ENABLED=true; the rest passes through). Sign up one benchmark user through A (its
# API key works on both: one database; "Authorization: Bearer" on every request) and seed exactly tasks
# 1..10000 owned by it, as bench.sh does. Start nginx unprivileged-style from a temp prefix (nginx -p DIR -c
# DIR/nginx.conf -e DIR/error.log -g 'daemon off;'; pid, logs and temp paths in DIR; access_log off) listening
# on 127.0.0.1:$PROXY_PORT_1 (upstream: A) and :$PROXY_PORT_2 (upstream: A and B, round robin), upstream
# keepalive 64, with the proxy rules of $NGINX_SITE (default deploy/nginx.conf, when the branch has it: the map
# blocks and the body of its "location /") or else the same rules built in: HTTP/1.1, Connection "", Host,
# X-Forwarded-For/Proto, X-Request-Id, proxy_next_upstream error timeout (2 tries), connect 2 s, read 30 s.
# Check the status codes (200, 201, and 401 without the key) through (a), (b) and (c); warm up $WARM s on A
# direct, on B direct, and through (c) (bench.sh's mixed requests). Then, per round and row (GET /tasks/{id}, GET
# /tasks?after=…&limit=10, POST /tasks), wrk -t$THREADS -c$CONNS -d${DUR}s --timeout 5s --latency through
# (a), (b), (c) back to back (order rotated per round), every run on exactly the 10,000 seeded tasks (re-seeded
# after a run that wrote), with the CPU time A, B and nginx's workers used and the requests each instance logged
# (its access log). Finally stop nginx, then A and B,
# with SIGTERM (SIGKILL after $STOP_TIMEOUT s; the same on any exit, by trap).
# Prints a markdown table (req/s, ratio to (a), p50/p99, socket errors, non-2xx, CPU per 1,000 requests) and
# writes it, with the nginx config and every raw wrk/server/nginx output, to bench/results/scale-<UTC time>/.
#
# Env (defaults): DUR=10 WARM=5 (seconds), ROUNDS=1, THREADS=2 CONNS=64, NGINX_WORKERS=auto,
#   SCALE_DB=taskloop_scale (DROPPED and recreated), PORT_A=8101 PORT_B=8102 PROXY_PORT_1=8111 PROXY_PORT_2=8112,
#   NGINX=nginx (the binary), NGINX_SITE=deploy/nginx.conf, PGPORT=5432 PGUSER=postgres (PGPASSWORD if not
#   trust auth), START_TIMEOUT=60 STOP_TIMEOUT=60 LOCK_WAIT=1800 (seconds), BENCH_LOCK=/tmp/bench.lock,
#   JAVA_OPTS (extra JVM flags of both instances). Service variables (DB_POOL_SIZE, ACCESS_LOG, ...) pass
#   through to both instances; DATABASE_URL, HOST, PORT and SIGNUP_ENABLED=true are set by this script.
# Exit status: 0 when every measured run and warm-up had 0 socket errors and 0 non-2xx, nginx logged no
#   error, each instance answered at least 25 % of the requests in (c), and both instances and nginx exited 0 after
#   SIGTERM; 1 otherwise; 2 for bad usage.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

usage() { sed -n '2,42p' "$0" | sed 's/^# \{0,1\}//'; }
log() { echo "$*" >&2; }
die() { echo "scale.sh: $*" >&2; exit 1; }
source "$ROOT/bench/lib.sh"

# ---- settings ----------------------------------------------------------------------------------------------
DUR="${DUR:-10}"; DUR="${DUR%s}"
WARM="${WARM:-5}"; WARM="${WARM%s}"
ROUNDS="${ROUNDS:-1}"; THREADS="${THREADS:-2}"; CONNS="${CONNS:-64}"
NGINX_WORKERS="${NGINX_WORKERS:-auto}"; NGINX="${NGINX:-nginx}"
SCALE_DB="${SCALE_DB:-taskloop_scale}"
PORT_A="${PORT_A:-8101}"; PORT_B="${PORT_B:-8102}"; PROXY_PORT_1="${PROXY_PORT_1:-8111}"; PROXY_PORT_2="${PROXY_PORT_2:-8112}"
START_TIMEOUT="${START_TIMEOUT:-60}"; STOP_TIMEOUT="${STOP_TIMEOUT:-60}"; LOCK_WAIT="${LOCK_WAIT:-1800}"
LOCK="${BENCH_LOCK:-/tmp/bench.lock}"
PG_HOST=127.0.0.1   # never anything else: the load stays on this machine
export PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
unset PGHOST PGDATABASE
MIN_SHARE=25        # per cent of the requests in (c) each instance must have answered (of the CPU time with ACCESS_LOG=false)
BENCH_EMAIL=scale@example.com
BENCH_PASSWORD=scale-bench-password

while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    *) log "scale.sh: unknown argument $1"; usage >&2; exit 2 ;;
  esac
done
for v in DUR WARM ROUNDS THREADS CONNS PORT_A PORT_B PROXY_PORT_1 PROXY_PORT_2 START_TIMEOUT STOP_TIMEOUT LOCK_WAIT PGPORT; do
  if ! [[ "${!v}" =~ ^[0-9]+$ ]] || [ "${!v}" -le 0 ]; then log "scale.sh: $v must be a positive integer"; exit 2; fi
done
if [ "$DUR" -gt 3600 ] || [ "$WARM" -gt 3600 ] || [ "$ROUNDS" -gt 20 ]; then log "scale.sh: DUR and WARM are capped at 3600 s, ROUNDS at 20"; exit 2; fi
for v in PORT_A PORT_B PROXY_PORT_1 PROXY_PORT_2; do
  [ "${!v}" -le 65535 ] || { log "scale.sh: $v must be a TCP port"; exit 2; }
done
if [ "$(printf '%s\n' "$PORT_A" "$PORT_B" "$PROXY_PORT_1" "$PROXY_PORT_2" | sort -u | wc -l)" != 4 ]; then
  log "scale.sh: PORT_A, PORT_B, PROXY_PORT_1 and PROXY_PORT_2 must be four different ports"; exit 2
fi
[[ "$NGINX_WORKERS" =~ ^(auto|[1-9][0-9]?)$ ]] || { log "scale.sh: NGINX_WORKERS must be auto or a number"; exit 2; }
if ! [[ "$SCALE_DB" =~ ^[a-z_][a-z0-9_]*$ ]]; then log "scale.sh: SCALE_DB must be a plain lower-case identifier"; exit 2; fi
case "$SCALE_DB" in postgres|template0|template1) log "scale.sh: SCALE_DB=$SCALE_DB would be dropped; pick a scratch name"; exit 2 ;; esac

missing=()
for t in wrk psql curl flock ps awk git "$NGINX"; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
if [ ${#missing[@]} -gt 0 ]; then
  die "missing ${missing[*]}; on Debian/Ubuntu: apt-get install -y wrk nginx postgresql-client curl util-linux procps git"
fi
JDK=$("$ROOT/taskloop" --jdk-home) || die "JDK 25 not found (see the line above)" # the lookup of ./taskloop
export JAVA_HOME="$JDK"
JAR=target/taskloop.jar
USERINFO=$(urlencode "$PGUSER")
[ -n "${PGPASSWORD:-}" ] && USERINFO+=":$(urlencode "$PGPASSWORD")"
HZ=$(getconf CLK_TCK)

# ---- processes and cleanup ---------------------------------------------------------------------------------
declare -A PID=() EXIT=() STOPPED_IN=() READY=()
OUT=""; RUN_JAR=""; NGX_DIR=""; NGX_WORKERS_PIDS=""
stop_one() { # name: SIGTERM (then SIGKILL after STOP_TIMEOUT), record the exit status
  local name=$1
  [ -n "${PID[$name]:-}" ] || return 0
  stop_pid "${PID[$name]}" "$STOP_TIMEOUT"
  PID[$name]=""; EXIT[$name]=$STOP_RC; STOPPED_IN[$name]=$STOP_S
}
cleanup() { # on every exit: nginx first (it holds the instances' connections), then the instances
  stop_one nginx || true; stop_one a || true; stop_one b || true
  if [ -n "$NGX_DIR" ]; then
    if [ -n "$OUT" ] && [ -d "$OUT" ]; then cp "$NGX_DIR/error.log" "$OUT/nginx-error.log" 2>/dev/null || true; fi
    rm -rf "$NGX_DIR"
  fi
  if [ -n "$RUN_JAR" ]; then rm -f "$RUN_JAR"; fi
  if [ -n "$OUT" ]; then rmdir "$OUT" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'log "scale.sh: interrupted"; exit 130' INT
trap 'log "scale.sh: terminated"; exit 143' TERM

# ---- nginx -------------------------------------------------------------------------------------------------
SITE="${NGINX_SITE:-deploy/nginx.conf}"
RULES_FROM=""
site_maps() { # the top-level map blocks of the site file
  awk '{ line = $0; sub(/#.*/, "", line); o = gsub(/\{/, "{", line); c = gsub(/\}/, "}", line) }
       depth == 0 && line ~ /^[[:space:]]*map[[:space:]]/ { inmap = 1 }
       inmap { print }
       { depth += o - c; if (inmap && depth == 0) inmap = 0 }' "$1"
}
site_rules() { # the body of the site file's first "location /", without its proxy_pass
  awk '{ line = $0; sub(/#.*/, "", line); o = gsub(/\{/, "{", line); c = gsub(/\}/, "}", line) }
       inloc && depth + o - c < locdepth { inloc = 0; done = 1 }
       inloc && line !~ /^[[:space:]]*proxy_pass[[:space:]]/ { print }
       !inloc && !done && line ~ /^[[:space:]]*location[[:space:]]+\/[[:space:]]*\{/ { inloc = 1; locdepth = depth + 1 }
       { depth += o - c }' "$1"
}
builtin_maps() {
  cat <<'EOF'
map $http_x_request_id $taskloop_request_id {
    default $http_x_request_id;
    ""      $request_id;
}
EOF
}
builtin_rules() { # the rules of deploy/nginx.conf (issue "Ship and scale out"), for a branch without that file
  cat <<'EOF'
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Request-Id $taskloop_request_id;
        proxy_next_upstream error timeout;
        proxy_next_upstream_tries 2;
        proxy_connect_timeout 2s;
        proxy_read_timeout 30s;
EOF
}
write_nginx_conf() { # DIR: nginx.conf with both listeners
  local d=$1 maps rules
  if [ -f "$SITE" ]; then
    maps=$(site_maps "$SITE"); rules=$(site_rules "$SITE")
    for r in 'proxy_http_version 1.1' 'proxy_set_header Connection ""' 'proxy_next_upstream '; do
      grep -qF "$r" <<<"$rules" || die "$SITE: its \"location /\" has no '$r' (the rules this benchmark relies on)"
    done
    RULES_FROM="$SITE"
  else
    maps=$(builtin_maps); rules=$(builtin_rules)
    RULES_FROM="built into bench/scale.sh (no $SITE on this branch)"
  fi
  cat > "$d/nginx.conf" <<EOF
# written by bench/scale.sh; proxy rules: $RULES_FROM
worker_processes $NGINX_WORKERS;
pid $d/nginx.pid;
error_log $d/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $d/client_body;
    proxy_temp_path $d/proxy;
    fastcgi_temp_path $d/fastcgi;
    uwsgi_temp_path $d/uwsgi;
    scgi_temp_path $d/scgi;

$maps

    upstream taskloop_one {
        server 127.0.0.1:$PORT_A max_fails=1 fail_timeout=5s;
        keepalive 64;
        keepalive_timeout 50s;
    }
    upstream taskloop_two {
        server 127.0.0.1:$PORT_A max_fails=1 fail_timeout=5s;
        server 127.0.0.1:$PORT_B max_fails=1 fail_timeout=5s;
        keepalive 64;
        keepalive_timeout 50s;
    }

    server {
        listen 127.0.0.1:$PROXY_PORT_1;
        location / {
            proxy_pass http://taskloop_one;
$rules
        }
    }
    server {
        listen 127.0.0.1:$PROXY_PORT_2;
        location / {
            proxy_pass http://taskloop_two;
$rules
        }
    }
}
EOF
}

# ---- requests ----------------------------------------------------------------------------------------------
KEY=""
status_at() { # PORT METHOD path [body] [nokey] -> HTTP status (000 when no answer)
  local port=$1 method=$2 path=$3 body=${4:-} auth=(-H "Authorization: Bearer $KEY")
  [ "${5:-}" = nokey ] && auth=()
  if [ -n "$body" ]; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${auth[@]}" -X "$method" -H 'Content-Type: application/json' \
      --data "$body" "http://127.0.0.1:$port$path" || true
  else
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "${auth[@]}" -X "$method" "http://127.0.0.1:$port$path" || true
  fi
}
OWNER=""
DIRTY=0
reseed() { # back to exactly the 10,000 seeded tasks when a run wrote
  [ "$DIRTY" = 1 ] || return 0
  seed_tasks "$SCALE_DB" "$OWNER" "$OUT/seed.txt"
  DIRTY=0
}
log_size() { stat -c %s "$OUT/server-$1.log" 2>/dev/null || echo 0; }
answered() { # instance from_byte: access-log lines (one per request, ACCESS_LOG=true, the default) written since that offset
  tail -c +"$(($2 + 1))" "$OUT/server-$1.log" 2>/dev/null | grep -c ' dev\.taskloop\.access ' || true
}
nginx_ticks() { local p s=0; for p in $NGX_WORKERS_PIDS; do s=$((s + $(cpu_ticks "$p"))); done; echo "$s"; }

declare -A CFG_PORT=([a]=$PORT_A [b]=$PROXY_PORT_1 [c]=$PROXY_PORT_2)
declare -A CFG_LABEL=([a]="(a) one instance, direct" [b]="(b) one instance behind nginx" [c]="(c) two instances behind nginx")
ROWS=(get_one get_keyset post)
declare -A ROW_LABEL=([get_one]='GET /tasks/{id}' [get_keyset]='GET /tasks?after=…&limit=10' [post]='POST /tasks')
declare -A V=()   # "row/cfg/round/field" -> value

# ---- the measuring part, under the shared lock -------------------------------------------------------------
for p in "$PORT_A" "$PORT_B" "$PROXY_PORT_1" "$PROXY_PORT_2"; do
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$p/"; then die "port $p on 127.0.0.1 is already in use (see the PORT variables)"; fi
done
OUT="$ROOT/bench/results/scale-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
locked_current_jar "$LOCK" "$LOCK_WAIT" "$JAR"

log "== database $SCALE_DB on $PGUSER@$PG_HOST:$PGPORT: drop and recreate"
recreate_db "$SCALE_DB"
for name in a b; do   # one after the other: B starts on the schema A migrated
  port=PORT_${name^^}
  log "== instance ${name^^} on 127.0.0.1:${!port} (JDK $JDK${DB_POOL_SIZE:+, DB_POOL_SIZE=$DB_POOL_SIZE})"
  t0=$(now)
  start_service "$RUN_JAR" "${!port}" "$SCALE_DB" "$OUT/server-$name.log"
  PID[$name]=$SERVICE_PID
  if ! wait_ready "${PID[$name]}" "${!port}" "$START_TIMEOUT" "$t0"; then
    tail -n 20 "$OUT/server-$name.log" >&2 || true
    die "instance ${name^^} did not become ready (GET /health/ready != 200); log: $OUT/server-$name.log"
  fi
  READY[$name]=$READY_S
  log "   ready after ${READY_S}s (pid ${PID[$name]}): $(grep -m1 'listening on' "$OUT/server-$name.log" | sed 's/^.* - //' || true)"
done

log "== signing up $BENCH_EMAIL through A, seeding 10,000 tasks"
signup_user "$PORT_A" "$BENCH_EMAIL" "$BENCH_PASSWORD" "$OUT/server-a.log"
KEY=$SIGNUP_KEY
OWNER=$(psqlq -d "$SCALE_DB" -Atc "SELECT id FROM users WHERE email_normalized = '$BENCH_EMAIL'")
[[ "$OWNER" =~ ^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$ ]] || die "no users row for $BENCH_EMAIL after the sign-up ('$OWNER')"
echo "benchmark user $BENCH_EMAIL, id $OWNER; key prefix ${KEY:0:15}..." > "$OUT/user.txt"
DIRTY=1; reseed

log "== nginx ($("$NGINX" -v 2>&1 | sed 's/^nginx version: //'), worker_processes $NGINX_WORKERS) on :$PROXY_PORT_1 -> A, :$PROXY_PORT_2 -> A + B"
NGX_DIR=$(mktemp -d /tmp/taskloop-scale-nginx.XXXXXX)
chmod 755 "$NGX_DIR"   # nginx started as root runs its workers as another user: they must reach the temp paths
write_nginx_conf "$NGX_DIR"
cp "$NGX_DIR/nginx.conf" "$OUT/nginx.conf"
log "   proxy rules: $RULES_FROM"
"$NGINX" -t -q -p "$NGX_DIR" -e "$NGX_DIR/error.log" -c "$NGX_DIR/nginx.conf" -g 'daemon off;' 9>&- \
  || die "nginx rejects the config (see $OUT/nginx.conf)"
"$NGINX" -p "$NGX_DIR" -e "$NGX_DIR/error.log" -c "$NGX_DIR/nginx.conf" -g 'daemon off;' > "$OUT/nginx.out" 2>&1 9>&- &
PID[nginx]=$!
for ((i = 0; i < START_TIMEOUT * 20; i++)); do
  [ "$(status_at "$PROXY_PORT_1" GET /health/ready)" = 200 ] && [ "$(status_at "$PROXY_PORT_2" GET /health/ready)" = 200 ] && break
  kill -0 "${PID[nginx]}" 2>/dev/null || { cat "$NGX_DIR/error.log" >&2 || true; die "nginx exited during startup"; }
  sleep 0.05
done
[ "$(status_at "$PROXY_PORT_2" GET /health/ready)" = 200 ] || die "nginx did not proxy GET /health/ready within ${START_TIMEOUT}s"
NGX_WORKERS_PIDS=$(ps -o pid= --ppid "${PID[nginx]}" | tr -s ' \n' ' ')
log "   nginx pid ${PID[nginx]}, workers:$NGX_WORKERS_PIDS"

log "== status checks through (a), (b), (c)"
for cfg in a b c; do
  port=${CFG_PORT[$cfg]}
  for check in "GET /tasks/1 200" "GET /tasks/10000 200" "GET /tasks?after=9990&limit=10 200"; do
    read -r m p want <<<"$check"
    got=$(status_at "$port" "$m" "$p")
    [ "$got" = "$want" ] || die "${CFG_LABEL[$cfg]}: $m $p answered $got, expected $want"
  done
  got=$(status_at "$port" POST /tasks '{"title":"scale check","description":"status check before the runs"}')
  [ "$got" = 201 ] || die "${CFG_LABEL[$cfg]}: POST /tasks answered $got, expected 201"
  got=$(status_at "$port" GET /tasks/1 "" nokey)
  [ "$got" = 401 ] || die "${CFG_LABEL[$cfg]}: GET /tasks/1 without the API key answered $got, expected 401"
done
got=$(status_at "$PORT_B" GET /tasks/1)   # B direct: the key signed up through A works on B (one database)
[ "$got" = 200 ] || die "instance B: GET /tasks/1 with the key signed up through A answered $got, expected 200"
DIRTY=1

WARM_ERR=0
declare -A WARM_PORT=([a]=$PORT_A [b]=$PORT_B [c]=$PROXY_PORT_2)
declare -A WARM_LABEL=([a]="instance A direct" [b]="instance B direct" [c]="${CFG_LABEL[c]}")
for w in a b c; do   # each instance as warm as the other, then nginx and its upstream connections
  log "== warm-up ${WARM}s through ${WARM_LABEL[$w]} (GET one / GET list / GET keyset / POST, rotating)"
  wrk -t"$THREADS" -c"$CONNS" -d"${WARM}s" --timeout 5s -H "Authorization: Bearer $KEY" -s bench/wrk/warmup.lua \
    "http://127.0.0.1:${WARM_PORT[$w]}" > "$OUT/warmup-$w.wrk.txt" 2>&1 9>&- || die "wrk warm-up failed, see $OUT/warmup-$w.wrk.txt"
  read -r _ _ _ err <<<"$(parse_wrk "$OUT/warmup-$w.wrk.txt")"
  WARM_ERR=$((WARM_ERR + err))
  [ "$err" = 0 ] || log "   warning: $err errors during the warm-up (see $OUT/warmup-$w.wrk.txt)"
done
DIRTY=1

ORDERS=("a b c" "b c a" "c a b")
for ((r = 1; r <= ROUNDS; r++)); do
  order=${ORDERS[$(((r - 1) % 3))]}
  for row in "${ROWS[@]}"; do
    for cfg in $order; do
      reseed
      f="$OUT/$row-$cfg-r$r.wrk.txt"
      log "== round $r/$ROUNDS, ${ROW_LABEL[$row]}, ${CFG_LABEL[$cfg]}: wrk -t$THREADS -c$CONNS -d${DUR}s --timeout 5s --latency"
      ta0=$(cpu_ticks "${PID[a]}"); tb0=$(cpu_ticks "${PID[b]}"); tn0=$(nginx_ticks); la0=$(log_size a); lb0=$(log_size b)
      wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" --timeout 5s --latency -H "Authorization: Bearer $KEY" -s "bench/wrk/$row.lua" \
        "http://127.0.0.1:${CFG_PORT[$cfg]}" > "$f" 2>&1 9>&- || die "wrk failed, see $f"
      ta=$(($(cpu_ticks "${PID[a]}") - ta0)); tb=$(($(cpu_ticks "${PID[b]}") - tb0)); tn=$(($(nginx_ticks) - tn0))
      sleep 0.3   # the access log's last lines
      na=$(answered a "$la0"); nb=$(answered b "$lb0")
      [ "$row" = post ] && DIRTY=1
      read -r rps p50 p99 bad sock <<<"$(wrk_figures "$f")"
      k="$row/$cfg/$r"
      V[$k/rps]=$rps; V[$k/p50]=$p50; V[$k/p99]=$p99; V[$k/bad]=$bad; V[$k/sock]=$sock
      V[$k/ta]=$ta; V[$k/tb]=$tb; V[$k/tn]=$tn; V[$k/na]=$na; V[$k/nb]=$nb
      V[$k/req]=$(awk '/ requests in /{print $1; exit}' "$f"); V[$k/req]=${V[$k/req]:-0}
      log "   $rps req/s, p50 $p50 ms, p99 $p99 ms, $sock socket errors, $bad non-2xx; requests logged: A $na, B $nb; CPU s: A $(awk -v t="$ta" -v h="$HZ" 'BEGIN{printf "%.1f", t/h}'), B $(awk -v t="$tb" -v h="$HZ" 'BEGIN{printf "%.1f", t/h}'), nginx $(awk -v t="$tn" -v h="$HZ" 'BEGIN{printf "%.1f", t/h}')"
    done
  done
done

log "== stopping nginx, then A and B (SIGTERM)"
NGX_ERRORS=$(grep -cE '\[(error|crit|alert|emerg)\]' "$NGX_DIR/error.log" || true)
stop_one nginx; stop_one a; stop_one b
for name in nginx a b; do log "   $name: exit code ${EXIT[$name]} after ${STOPPED_IN[$name]}s"; done
cp "$NGX_DIR/error.log" "$OUT/nginx-error.log" 2>/dev/null || true
flock -u 9

# ---- table -------------------------------------------------------------------------------------------------
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END{ if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR+1)/2]; else printf "%.2f\n", (v[NR/2]+v[NR/2+1])/2 }'; }
field() { # row cfg field -> the median over the rounds (sum for errors)
  local row=$1 cfg=$2 fld=$3 r vals=""
  for ((r = 1; r <= ROUNDS; r++)); do vals+="${V[$row/$cfg/$r/$fld]} "; done
  case "$fld" in
    bad|sock|ta|tb|tn|na|nb|req) echo "$vals" | tr ' ' '\n' | awk '{s+=$1} END{print s+0}' ;;
    *) echo "$vals" | median ;;
  esac
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }
per_1k() { # ticks requests -> CPU ms per 1,000 requests (both summed over the rounds)
  awk -v t="$1" -v n="$2" -v h="$HZ" 'BEGIN{ if (n > 0) printf "%.0f", (t / h * 1000) / (n / 1000); else print "n/a" }'
}

TOTAL_BAD=0; TOTAL_SOCK=0; SHARE_FAIL=""; SHARES=""
{
  echo "| request | setup | req/s | ÷ (a) | p50 ms | p99 ms | socket errors | non-2xx | taskloop CPU ms / 1k req | nginx CPU ms / 1k req |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for row in "${ROWS[@]}"; do
    base_rps=$(field "$row" a rps)
    for cfg in a b c; do
      rps=$(field "$row" "$cfg" rps); bad=$(field "$row" "$cfg" bad); sock=$(field "$row" "$cfg" sock)
      ta=$(field "$row" "$cfg" ta); tb=$(field "$row" "$cfg" tb); tn=$(field "$row" "$cfg" tn)
      TOTAL_BAD=$((TOTAL_BAD + bad)); TOTAL_SOCK=$((TOTAL_SOCK + sock))
      req=$(field "$row" "$cfg" req)
      nginx_cpu="–"; [ "$cfg" != a ] && nginx_cpu=$(per_1k "$tn" "$req")
      echo "| ${ROW_LABEL[$row]} | ${CFG_LABEL[$cfg]} | $rps | $(ratio "$rps" "$base_rps") | $(field "$row" "$cfg" p50) | $(field "$row" "$cfg" p99) | $sock | $bad | $(per_1k $((ta + tb)) "$req") | $nginx_cpu |"
      if [ "$cfg" = c ]; then
        na=$(field "$row" c na); nb=$(field "$row" c nb)
        if [ $((na + nb)) -gt 0 ]; then SHARE_OF="requests (access log)"; else SHARE_OF="CPU time (ACCESS_LOG=false)"; na=$ta; nb=$tb; fi
        share=$(awk -v a="$na" -v b="$nb" 'BEGIN{ if (a + b > 0) printf "%.0f", 100 * b / (a + b); else print 0 }')
        SHARES+=" ${ROW_LABEL[$row]} $share %;"
        if [ "$share" -lt "$MIN_SHARE" ] || [ "$share" -gt $((100 - MIN_SHARE)) ]; then SHARE_FAIL+=" ${ROW_LABEL[$row]}: B $share %"; fi
      fi
    done
  done
  echo
  echo "(c), B's part of the two instances' $SHARE_OF:${SHARES%;} (round robin; each must have at least $MIN_SHARE %)."
  echo "CPU columns: user+system time of both instances' JVMs (taskloop) and of nginx's workers during the run, per 1,000 requests wrk completed."
  echo "nginx error log: $NGX_ERRORS error lines (a retried upstream failure is invisible to wrk, so it is counted here)."
  echo "exit codes after SIGTERM: A **${EXIT[a]}** (${STOPPED_IN[a]} s), B **${EXIT[b]}** (${STOPPED_IN[b]} s), nginx **${EXIT[nginx]}** (${STOPPED_IN[nginx]} s); startup to GET /health/ready = 200: A ${READY[a]} s, B ${READY[b]} s."
  echo
  rounds_note="1 round"; [ "$ROUNDS" -gt 1 ] && rounds_note="$ROUNDS rounds (order of a/b/c rotated; medians, errors summed)"
  echo "One run measured all three setups: wrk -t$THREADS -c$CONNS -d${DUR}s --timeout 5s --latency with an API key, $rounds_note," \
       "after ${WARM} s mixed warm-ups on A, on B and through (c); every run on the same 10,000 seeded tasks (re-seeded after writes)," \
       "database $SCALE_DB (both instances), DB_POOL_SIZE=${DB_POOL_SIZE:-default} per instance; JAVA_OPTS=${JAVA_OPTS:-none};" \
       "nginx $("$NGINX" -v 2>&1 | sed 's/^nginx version: nginx\///'), worker_processes $NGINX_WORKERS, upstream keepalive 64, proxy rules $RULES_FROM;" \
       "taskloop $CURRENT_REV; $(nproc) cores shared by wrk, nginx, both instances and PostgreSQL; $("$JDK/bin/java" -version 2>&1 | head -n1);" \
       "$(date -u +%FT%TZ)."
} > "$OUT/summary.md"
cat "$OUT/summary.md"
log "raw output: $OUT"

BAD_EXIT=""
for name in a b nginx; do [ "${EXIT[$name]}" = 0 ] || BAD_EXIT+=" $name: ${EXIT[$name]}"; done
if [ "$TOTAL_BAD" != 0 ] || [ "$TOTAL_SOCK" != 0 ] || [ "$WARM_ERR" != 0 ] || [ "$NGX_ERRORS" != 0 ] || [ -n "$SHARE_FAIL" ] || [ -n "$BAD_EXIT" ]; then
  log "scale.sh: not a valid run (socket errors $TOTAL_SOCK, non-2xx $TOTAL_BAD, warm-up errors $WARM_ERR, nginx error lines $NGX_ERRORS;" \
      "(c) spread:${SHARE_FAIL:- fine}; exit codes:${BAD_EXIT:- all 0})"
  exit 1
fi
