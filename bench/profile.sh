#!/usr/bin/env bash
# Flame graphs of Archway as a plain proxy under load, for bench/RESULTS.md.
#
#   bench/profile.sh [OUT_DIR]        (default: bench/flamegraphs)
#
# Starts the two nginx backends of bench/run.sh, Archway pinned to CPU 0 with the `plain64` config
# (catch-all route, round robin, access log and request ids off), and wrk -c64 pinned to CPU 1. After
# WARMUP seconds it records PROFILE_SECONDS of CPU samples and then of allocation samples with
# async-profiler (fetched from Maven Central as tools.profiler:async-profiler), and writes
# cpu.html and alloc.html: self-contained flame graphs to open in a browser. Linux x86_64 only.
set -euo pipefail
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"

OUT=${1:-$HERE/flamegraphs}
WARMUP=${WARMUP:-25}
PROFILE_SECONDS=${PROFILE_SECONDS:-15}
AP_VERSION=${AP_VERSION:-4.1}
WORK=${WORK:-/tmp/archway-bench}
RUN="$WORK/profile-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT" "$RUN/b1" "$RUN/b2" "$RUN/ap"

ensure_tools wrk:wrk nginx:nginx unzip:unzip
# async-profiler's agent is inside its Maven jar.
jar="$HOME/.m2/repository/tools/profiler/async-profiler/$AP_VERSION/async-profiler-$AP_VERSION.jar"
if [ ! -f "$jar" ]; then
  log "fetching async-profiler $AP_VERSION from Maven Central"
  mvn -q -B dependency:get -Dartifact="tools.profiler:async-profiler:$AP_VERSION" >/dev/null
fi
(cd "$RUN/ap" && unzip -q -o "$jar" 'linux-x64/*')
agent="$RUN/ap/linux-x64/libasyncProfiler.so"

STARTED=()
trap stop_all EXIT
for p in 9001 9002 8090 8091; do port_busy "$p" && die "port $p is in use"; done
start_backend 9001 "$RUN/b1" "$RUN/b1.log" taskset -c 1 || die "backend 9001 did not start"
start_backend 9002 "$RUN/b2" "$RUN/b2.log" taskset -c 1 || die "backend 9002 did not start"

{
  archway_base_yaml 8090 8091
  cat <<YAML
routes:
  - name: all
    match: {path: /**}
    upstream: backends
YAML
} > "$RUN/archway.yaml"

"$REPO/bin/archway" version > /dev/null   # builds the jar and its class-data archive, untimed
for event in cpu alloc; do
  # The agent starts idle; `loop` cuts the samples into PROFILE_SECONDS files, the second one (after
  # WARMUP) is the steady state kept.
  opts="start,event=$event,interval=$([ "$event" = cpu ] && echo 1000000 || echo 524288)"
  opts="$opts,loop=${PROFILE_SECONDS}s,file=$RUN/$event-%t.html"
  JAVA_OPTS="-agentpath:$agent=$opts ${JAVA_OPTS:-}" spawn "$RUN/archway-$event.log" \
    taskset -c 0 "$REPO/bin/archway" run -c "$RUN/archway.yaml"
  pid=$LAST_PID
  for ((i = 0; i < 300; i++)); do [ "$(http_status http://127.0.0.1:8090/)" = 200 ] && break; sleep 0.1; done
  total=$((WARMUP + 2 * PROFILE_SECONDS))
  log "$event: ${total}s of wrk -c64; keeping the samples of ${PROFILE_SECONDS}s after ${WARMUP}s"
  taskset -c 1 wrk -t1 -c64 -d"${total}s" http://127.0.0.1:8090/ > "$RUN/wrk-$event.txt"
  stop_pid "$pid"
  # The file covering the steady state: the last complete one.
  keep=$(ls "$RUN"/"$event"-*.html | sort | tail -2 | head -1)
  cp "$keep" "$OUT/$event.html"
  log "$event: $(grep -E 'Requests/sec' "$RUN/wrk-$event.txt") -> $OUT/$event.html"
done
