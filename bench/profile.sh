#!/usr/bin/env bash
# Where the time goes: taskloop under wrk with Java Flight Recorder on, then the hottest methods
# (JFR's own views, from the JDK: no agent to install). 127.0.0.1 only, bounded durations.
#
#   bench/profile.sh                       # PostgreSQL, GET /tasks/{id}
#   KIND=sqlite bench/profile.sh get_list  # SQLite, an endpoint of bench/wrk (get_one get_list get_keyset post)
#
# Seeds tasks 1..10000 of one user, warms up WARM s (default 10), records DUR s (default 15) of the
# endpoint, stops the service (SIGTERM: the recording is written on exit) and prints
# `jfr view hot-methods` (self time, top frames), `allocation-by-class` and `gc-pauses`. The recording
# and the views stay in bench/results/profile-<time>/ (open profile.jfr in JDK Mission Control for
# flame graphs). Env: KIND, DUR, WARM, BENCH_DB (taskloop_profile), BENCH_PORT (8093), PGPORT, PGUSER,
# JAVA_OPTS (extra JVM flags).
#
#   PROFILER=async bench/profile.sh post  # async-profiler instead: CPU samples with the native frames
#
# PROFILER=async samples CPU time (itimer, every 200 us) with the kernel calls and the JVM's own threads
# (JIT, GC) that JFR does not see, through async-profiler (tools.profiler:async-profiler, fetched once
# into the local Maven repository by ./mvnw; its agent is unpacked into bench/results/). It covers the
# whole process, warm-up included; prints where the event loops' samples go (bench/tools/ap_buckets.py)
# and leaves profile.collapsed (collapsed stacks, for any flame graph tool) in the results directory.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
EP="${1:-get_one}"; DUR="${DUR:-15}"; WARM="${WARM:-10}"
DB="${BENCH_DB:-taskloop_profile}"; PORT="${BENCH_PORT:-8093}"
[ -f "bench/wrk/$EP.lua" ] || { echo "profile.sh: no bench/wrk/$EP.lua" >&2; exit 2; }
source "$ROOT/bench/lib.sh"
simple_setup
AP_VERSION=4.1
RECORDING="$ROOT/bench/results/profile.jfr"
AGENT="-XX:StartFlightRecording=filename=$RECORDING,settings=profile,dumponexit=true"
if [ "${PROFILER:-jfr}" = async ]; then
  case "$(uname -m)" in x86_64) arch=linux-x64 ;; aarch64) arch=linux-arm64 ;; *) echo "profile.sh: no async-profiler for $(uname -m)" >&2; exit 2 ;; esac
  apjar="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
  [ -f "$apjar" ] || JAVA_HOME="$JDK" ./mvnw -B -q dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION" >&2
  mkdir -p bench/results/async-profiler
  unzip -q -o -j "$apjar" "$arch/libasyncProfiler.so" -d bench/results/async-profiler
  RECORDING="$ROOT/bench/results/profile.collapsed"
  AGENT="-agentpath:$ROOT/bench/results/async-profiler/libasyncProfiler.so=start,event=itimer,interval=200us,collapsed,file=$RECORDING"
fi
# shellcheck disable=SC2086  # JAVA_OPTS is a list of flags
start_with_user profile ${JAVA_OPTS:-} "$AGENT"
if [ "${KIND:-postgresql}" = sqlite ]; then seed_sqlite_tasks "$SQLITE_FILE" "$OWNER"; else seed_tasks "$DB" "$OWNER" "$OUT/seed.txt"; fi
H=(-H "Authorization: Bearer $KEY")
wrk -t2 -c64 -d"${WARM}s" "${H[@]}" -s bench/wrk/warmup.lua "http://127.0.0.1:$PORT" > "$OUT/warmup.wrk.txt"
wrk -t2 -c64 -d"${DUR}s" --latency "${H[@]}" -s "bench/wrk/$EP.lua" "http://127.0.0.1:$PORT" | tee "$OUT/$EP.wrk.txt"
stop_pid "$PID" 60
if [ "${PROFILER:-jfr}" = async ]; then
  mv "$RECORDING" "$OUT/profile.collapsed"
  python3 bench/tools/ap_buckets.py "$OUT/profile.collapsed" | tee "$OUT/buckets.txt"
  echo "collapsed stacks and the table: $OUT" >&2
  exit 0
fi
mv "$RECORDING" "$OUT/profile.jfr"
for view in hot-methods allocation-by-class gc-pauses; do
  "$JDK/bin/jfr" view --width 160 "$view" "$OUT/profile.jfr" | tee "$OUT/$view.txt"
done
echo "recording and views: $OUT" >&2
