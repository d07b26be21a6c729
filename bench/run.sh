#!/usr/bin/env bash
# Archway next to nginx and HAProxy: the same proxy jobs, the same machine,
# everything on 127.0.0.1.
#
#   bench/run.sh [--out FILE] [--summarize RUN_DIR] [-h]
#
#   --out FILE          also append the markdown report to FILE (e.g. bench/RESULTS.md)
#   --summarize RUN_DIR print the report of an earlier run again from its raw files
#   --estimate          print how long a run with these knobs takes, and exit
#
# Installs what it needs (wrk, nginx, haproxy), starts two nginx backends on
# 127.0.0.1:9001/9002, then for ROUNDS interleaved rounds starts each contender
# pinned to CPU 0 with the config of each scenario group, warms it up, measures
# with wrk pinned to CPU 1, and stops it. Knobs are environment variables, see
# bench/README.md. Only processes this script started are signalled, by PID.
set -euo pipefail
export LC_ALL=C          # '.' as decimal point in EPOCHREALTIME, awk and printf

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
# shellcheck source=bench/lib.sh
. "$HERE/lib.sh"

# ------------------------------------------------------------------ knobs
DURATION=${DURATION:-8}             # s, every measured wrk run
ROUNDS=${ROUNDS:-2}                 # interleaved rounds; tables show the median
SCENARIOS=${SCENARIOS:-plain64 plain256 body1k c1 routes10k jwt cache}
CONTENDERS=${CONTENDERS:-archway nginx haproxy}
# Warm-up runs in chunks at -c$CONNS until a chunk is less than WARMUP_TOL %
# faster than the one before, at least MIN and at most MAX seconds. The JVM
# compiles on the same core it serves from, so Archway gets its own, longer
# bounds; nginx and HAProxy have nothing to compile.
WARMUP_CHUNK=${WARMUP_CHUNK:-3}
WARMUP_TOL=${WARMUP_TOL:-5}
WARMUP_MIN=${WARMUP_MIN:-6}
WARMUP_MAX=${WARMUP_MAX:-12}
JVM_WARMUP_MIN=${JVM_WARMUP_MIN:-15}
JVM_WARMUP_MAX=${JVM_WARMUP_MAX:-24}
SETTLE=${SETTLE:-2}                 # s, unmeasured load before a later scenario of the same start
START_TIMEOUT=${START_TIMEOUT:-60}  # s, launch -> first 200
BUILD_TIMEOUT=${BUILD_TIMEOUT:-900} # s, first `bin/archway version` may build the jar
CONNS=${CONNS:-64}
CONNS_HIGH=${CONNS_HIGH:-256}
ROUTES=${ROUTES:-10000}             # routes in the routes10k scenario
DIRECT=${DIRECT:-1}                 # 1: also measure wrk -> backend without a proxy in c1
IDLE_MAX=${IDLE_MAX:-10}            # %, warn when a CPU is busier than this before a start ...
IDLE_SAMPLE=${IDLE_SAMPLE:-0.5}     # s, ... sampled for this long
IDLE_WAIT=${IDLE_WAIT:-0}           # s, first wait up to this long for the machine to go quiet
PROXY_CPU=${PROXY_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
ARCHWAY_BIN=${ARCHWAY_BIN:-$REPO/bin/archway}
WORK=${WORK:-/tmp/archway-bench}

ARCHWAY_PORT=8090 ARCHWAY_ADMIN_PORT=8091 NGINX_PORT=8100 HAPROXY_PORT=8110
JWT_ISSUER=archway-bench JWT_AUDIENCE=archway-bench
RATE_LIMIT=1000000000               # per second: never reached, so the filter's cost is measured, not its 429s

OUT=""
SUMMARIZE=""
ESTIMATE_ONLY=0
usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case $1 in
    --out) [ $# -ge 2 ] || usage 2; OUT=$2; shift 2 ;;
    --out=*) OUT=${1#--out=}; shift ;;
    --summarize) [ $# -ge 2 ] || usage 2; SUMMARIZE=$2; shift 2 ;;
    --estimate) ESTIMATE_ONLY=1; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown argument: $1" >&2; usage 2 ;;
  esac
done

# ------------------------------------------------------------------ scenarios
# A scenario is one measured wrk run. Scenarios that need the same proxy
# config form a group and share one start (and one warm-up) of the proxy.
ALL_SCENARIOS="plain64 plain256 body1k c1 routes10k jwt cache"
scn_group() {
  case $1 in
    plain64|plain256|body1k|c1) echo base ;;
    routes10k) echo routes ;;
    jwt) echo jwt ;;
    cache) echo cache ;;
    *) return 1 ;;
  esac
}
scn_conns() { case $1 in plain256) echo "$CONNS_HIGH" ;; c1) echo 1 ;; *) echo "$CONNS" ;; esac; }
scn_path() {
  case $1 in
    body1k) echo /1k ;;
    routes10k) printf '/r/%05d\n' $((ROUTES / 2)) ;;   # a route from the middle of the table
    jwt) echo /secure/profile ;;
    cache) echo /cached/item ;;
    *) echo / ;;
  esac
}
scn_header() { if [ "$1" = jwt ]; then echo "Authorization: Bearer $(cat "$RUN/keys/token")"; fi; }
group_scenarios() { # GROUP -> the selected scenarios of that group, in SCENARIOS order
  local s out=()
  for s in $SCENARIOS; do [ "$(scn_group "$s")" = "$1" ] && out+=("$s"); done
  echo "${out[*]:-}"
}
selected_groups() {
  local g out=()
  for g in base routes jwt cache; do [ -n "$(group_scenarios "$g")" ] && out+=("$g"); done
  echo "${out[*]:-}"
}

# ------------------------------------------------------------------ report
machine_line() {
  local cpu mem
  cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
  mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
  echo "- Machine: $(nproc) CPUs ($cpu), $mem RAM, Linux $(uname -r), $(. /etc/os-release 2> /dev/null && echo "${PRETTY_NAME:-}")"
}

summarize() { # RUN_DIR -> markdown on stdout
  local run=$1
  cat "$run/header.md"
  echo
  awk -v scenarios="$(sed -n 's/^scenarios=//p' "$run/params")" \
      -v contenders="$(sed -n 's/^contenders=//p' "$run/params")" \
      -f "$HERE/summary.awk" "$run/setup.tsv" "$run/skips.tsv" "$run/raw.tsv"
  if [ -f "$run/starts.tsv" ] && [ "$(wc -l < "$run/starts.tsv")" -gt 1 ]; then
    echo "#### Starts and warm-up"
    echo
    echo "Per start: launch → first 200 through the proxy, then the warm-up (req/s of each chunk). A trace still climbing at its end means the numbers above are not the steady state."
    echo
    echo "| contender | config | round | start-up s | warm-up s | req/s per warm-up chunk |"
    echo "|---|---|---:|---:|---:|---|"
    awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s |\n", $2, $3, $1, $4, $5, $6 }' "$run/starts.tsv"
    echo
  fi
  if [ -s "$run/notes" ]; then
    echo "#### Warnings"
    echo
    sed 's/^/- /' "$run/notes"
    echo
  fi
  echo "Raw rows, wrk output and logs: \`$run\`."
  echo
}

if [ -n "$SUMMARIZE" ]; then summarize "$SUMMARIZE"; exit 0; fi

# ------------------------------------------------------------------ preflight
[ -n "${EPOCHREALTIME:-}" ] || die "bash 5 or newer needed (EPOCHREALTIME)"
for s in $SCENARIOS; do scn_group "$s" > /dev/null || die "unknown scenario '$s' (known: $ALL_SCENARIOS)"; done
for c in $CONTENDERS; do
  case $c in archway|nginx|haproxy) ;; *) die "unknown contender '$c' (known: archway nginx haproxy)" ;; esac
done
[[ $ROUNDS =~ ^[1-9][0-9]*$ && $DURATION =~ ^[1-9][0-9]*$ ]] || die "ROUNDS and DURATION must be positive integers"

# ------------------------------------------------------------------ estimate
estimate() { # -> "LOW HIGH" seconds
  local c g n s lo=0 hi=0 wmin wmax start settles
  for g in $(selected_groups); do
    n=$(wc -w <<< "$(group_scenarios "$g")")
    for c in $CONTENDERS; do
      # start: launch to first 200, checks, stop; measured ~1 s for nginx and HAProxy
      if [ "$c" = archway ]; then wmin=$JVM_WARMUP_MIN wmax=$JVM_WARMUP_MAX start=5
      else wmin=$WARMUP_MIN wmax=$WARMUP_MAX start=1; fi
      # whole chunks, and at least two of them
      wmin=$(( (wmin + WARMUP_CHUNK - 1) / WARMUP_CHUNK * WARMUP_CHUNK ))
      wmax=$(( (wmax + WARMUP_CHUNK - 1) / WARMUP_CHUNK * WARMUP_CHUNK ))
      [ "$wmin" -lt $((2 * WARMUP_CHUNK)) ] && wmin=$((2 * WARMUP_CHUNK))
      [ "$wmax" -lt "$wmin" ] && wmax=$wmin
      settles=0                 # every later scenario with more than one connection
      for s in $(group_scenarios "$g" | cut -d' ' -f2- -s); do
        [ "$(scn_conns "$s")" -gt 1 ] && settles=$((settles + 1))
      done
      lo=$((lo + start + wmin + n * DURATION + settles * SETTLE + 1))
      hi=$((hi + start + wmax + n * DURATION + settles * SETTLE + 2))
    done
    if [ "$g" = base ] && [ "$DIRECT" = 1 ] && [[ " $SCENARIOS " == *" c1 "* ]]; then
      lo=$((lo + DURATION)); hi=$((hi + DURATION))
    fi
  done
  # once per run: keys, config checks (a JVM start per Archway check), backends
  local prep=2
  [[ " $CONTENDERS " == *" archway "* ]] && prep=$((prep + 2 + $(wc -w <<< "$(selected_groups)")))
  echo "$((lo * ROUNDS + prep)) $((hi * ROUNDS + prep))"
}

read -r EST_LO EST_HI <<< "$(estimate)"
log "scenarios: $SCENARIOS"
log "contenders: $CONTENDERS; rounds: $ROUNDS; ${DURATION}s per measured run"
log "estimated time: $((EST_LO / 60))m$((EST_LO % 60))s .. $((EST_HI / 60))m$((EST_HI % 60))s (plus an Archway build on first use$([ "$IDLE_WAIT" -gt 0 ] && echo ", plus up to ${IDLE_WAIT}s per start waiting for an idle machine"))"
[ "$ESTIMATE_ONLY" = 1 ] && exit 0

ensure_tools wrk:wrk nginx:nginx haproxy:haproxy curl:curl openssl:openssl taskset:util-linux ss:iproute2

if [ "$(nproc)" -ge 2 ]; then
  PIN_PROXY=(taskset -c "$PROXY_CPU"); PIN_LOAD=(taskset -c "$LOAD_CPU")
  PINNING="proxy on CPU $PROXY_CPU (\`taskset -c $PROXY_CPU\`), wrk and both backends on CPU $LOAD_CPU"
else
  PIN_PROXY=(); PIN_LOAD=()
  PINNING="none: only one CPU, proxy and load share it"
  log "WARNING: one CPU only, no pinning"
fi

port_of() { case $1 in archway) echo "$ARCHWAY_PORT" ;; nginx) echo "$NGINX_PORT" ;; haproxy) echo "$HAPROXY_PORT" ;; esac; }
for p in 9001 9002 $(for c in $CONTENDERS; do port_of "$c"; done) $ARCHWAY_ADMIN_PORT; do
  if port_busy "$p"; then
    ss -Htlnp "sport = :$p" >&2 || true
    die "127.0.0.1:$p is in use by a process this script did not start; free it first"
  fi
done

ulimit -n 65536 2> /dev/null || true   # 256 client + 256 upstream connections and then some
cd "$REPO"                               # bin/archway is run from the repo root

RUN=$WORK/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RUN"/{conf,inst,keys,logs,wrk}
: > "$RUN/notes"
printf 'round\tcontender\tscenario\tconns\tsecs\trps\tp50\tp90\tp99\tp999\tmax\trequests\tnon2xx\tsockerr\tcpu_s\twin_s\trss_kib\tstartup_s\tcpu_proxy_pct\tcpu_load_pct\tupstream_reqs\tupstream_conns\tothers_cpu_pct\n' > "$RUN/raw.tsv"
printf 'contender\tscenario\tsetup\n' > "$RUN/setup.tsv"
printf 'contender\tscenario\treason\n' > "$RUN/skips.tsv"
printf 'round\tcontender\tgroup\tstartup_s\twarmup_s\twarmup_trace\n' > "$RUN/starts.tsv"
printf 'direct\tc1\twrk → backend :9001, no proxy (both on the load CPU)\n' >> "$RUN/setup.tsv"
printf 'scenarios=%s\ncontenders=%s\n' "$SCENARIOS" "$([ "$DIRECT" = 1 ] && echo "direct ")$CONTENDERS" > "$RUN/params"

note() { log "WARNING: $*"; echo "$*" >> "$RUN/notes"; }
one_line() { tr '\n|' ' /' | sed 's/  */ /g; s/^ //; s/ $//' | cut -c1-200; }

trap 'stop_all' EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ------------------------------------------------------------------ JWT material
# An RS256 key pair and a token minted with openssl alone: header and payload
# base64url-encoded, signed with `openssl dgst -sha256 -sign`. Valid for a day.
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
make_jwt() { # DIR
  local dir=$1 iat head body sig
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/jwt-private.pem" 2> /dev/null
  openssl pkey -in "$dir/jwt-private.pem" -pubout -out "$dir/jwt-public.pem"
  iat=$(date +%s)
  head=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
  body=$(printf '{"iss":"%s","aud":"%s","sub":"bench-client","scope":"bench","iat":%d,"exp":%d}' \
    "$JWT_ISSUER" "$JWT_AUDIENCE" "$iat" $((iat + 86400)) | b64url)
  sig=$(printf '%s.%s' "$head" "$body" | openssl dgst -sha256 -sign "$dir/jwt-private.pem" -binary | b64url)
  printf '%s.%s.%s' "$head" "$body" "$sig" > "$dir/token"
  # check the signature the way a verifier will (base64url -> base64 -> binary)
  local raw
  raw=$(printf '%s' "$sig" | tr -- '-_' '+/')
  while (( ${#raw} % 4 )); do raw+="="; done
  printf '%s' "$raw" | openssl base64 -d -A > "$dir/sig.bin"
  printf '%s.%s' "$head" "$body" | openssl dgst -sha256 -verify "$dir/jwt-public.pem" -signature "$dir/sig.bin" > /dev/null \
    || die "the minted JWT does not verify with its own public key"
}

# ------------------------------------------------------------------ configs
# archway_config GROUP -> YAML. Access log and request ids off: the peers log
# nothing and add no ids either. X-Forwarded-*/Via stay (Archway's contract);
# the peers add X-Forwarded-For/-Proto to match.
archway_config() {
  local group=$1
  echo "# Archway under test, scenario group \"$group\" (generated by bench/run.sh)."
  archway_base_yaml "$ARCHWAY_PORT" "$ARCHWAY_ADMIN_PORT"
  if [ "$group" = jwt ]; then
    cat <<EOF
jwt:
  bench:
    issuer: $JWT_ISSUER
    audience: $JWT_AUDIENCE
    public_key: $RUN/keys/jwt-public.pem
    algorithms: [RS256]
EOF
  fi
  echo "routes:"
  case $group in
    routes)
      seq -f '%05g' 0 $((ROUTES - 1)) | awk '{ printf "  - {name: r%s, match: {path: /r/%s}, upstream: backends}\n", $1, $1 }' ;;
    jwt)
      cat <<EOF
  - name: secure
    match: {path: /secure/**}
    upstream: backends
    filters:
      jwt: {issuer: bench}
      rate_limit: {limit: $RATE_LIMIT, per: 1s, key: consumer}
EOF
      ;;
    cache)
      cat <<EOF
  - name: cached
    match: {path: /cached/**}
    upstream: backends
    filters:
      cache: {ttl: 60s}
EOF
      ;;
  esac
  cat <<EOF
  - name: all
    match: {path: /**}
    upstream: backends
EOF
}

# nginx_config GROUP DIR -> nginx.conf. keepalive 512: with nginx's usual 64
# idle upstream connections it opens and closes thousands per second at -c256.
nginx_config() {
  local group=$1 dir=$2
  cat <<EOF
# nginx under test, scenario group "$group" (generated by bench/run.sh).
$(nginx_common "$dir")
http {
    access_log off;
    server_tokens off;
$(nginx_temp_paths "$dir")
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    upstream backends {
        server 127.0.0.1:9001;
        server 127.0.0.1:9002;
        keepalive 512;
        keepalive_requests 1000000;
        keepalive_timeout 300s;
    }
EOF
  [ "$group" = cache ] && echo "    proxy_cache_path $dir/cache levels=1:2 keys_zone=bench:10m max_size=256m inactive=10m use_temp_path=off;"
  cat <<EOF
    server {
        listen 127.0.0.1:$NGINX_PORT backlog=4096;
        proxy_http_version 1.1;
        proxy_set_header Connection "";
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        location / { proxy_pass http://backends; }
EOF
  case $group in
    routes)
      seq -f '%05g' 0 $((ROUTES - 1)) | awk '{ printf "        location = /r/%s { proxy_pass http://backends; }\n", $1 }' ;;
    cache)
      cat <<EOF
        location /cached/ {
            proxy_pass http://backends;
            proxy_cache bench;
            proxy_cache_valid 200 60s;
            add_header X-Cache \$upstream_cache_status;
        }
EOF
      ;;
  esac
  echo "    }"
  echo "}"
}

# haproxy_config GROUP DIR -> haproxy.cfg (one thread, like the other two).
haproxy_config() {
  local group=$1 dir=$2
  cat <<EOF
# HAProxy under test, scenario group "$group" (generated by bench/run.sh).
global
    nbthread 1
    maxconn 8000
defaults
    mode http
    option http-keep-alive
    http-reuse always
    option forwardfor
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    timeout http-keep-alive 300s
EOF
  if [ "$group" = cache ]; then
    cat <<EOF
cache bench
    total-max-size 64
    max-object-size 65536
    max-age 60
EOF
  fi
  cat <<EOF
frontend fe
    bind 127.0.0.1:$HAPROXY_PORT backlog 4096
    http-request set-header X-Forwarded-Proto http
EOF
  case $group in
    routes)
      # exact paths in a map (a tree lookup), every one to the same backend
      seq -f '%05g' 0 $((ROUTES - 1)) | awk '{ printf "/r/%s backends\n", $1 }' > "$dir/routes.map"
      echo "    use_backend %[path,map($dir/routes.map,backends)]" ;;
    jwt)
      cat <<EOF
    # JWT: RS256 signature, iss, aud, exp; then a per-subject rate limit
    acl secure path_beg /secure/
    stick-table type string len 64 size 100k expire 30s store http_req_rate(1s)
    http-request set-var(txn.bearer) http_auth_bearer if secure
    http-request set-var(txn.alg) var(txn.bearer),jwt_header_query('\$.alg') if secure
    http-request deny deny_status 401 if secure !{ var(txn.alg) -m str RS256 }
    http-request deny deny_status 401 if secure !{ var(txn.bearer),jwt_verify(txn.alg,"$RUN/keys/jwt-public.pem") -m int 1 }
    http-request deny deny_status 401 if secure !{ var(txn.bearer),jwt_payload_query('\$.iss') -m str $JWT_ISSUER }
    http-request deny deny_status 401 if secure !{ var(txn.bearer),jwt_payload_query('\$.aud') -m str $JWT_AUDIENCE }
    http-request set-var(txn.now) date if secure
    http-request set-var(txn.exp) var(txn.bearer),jwt_payload_query('\$.exp','int') if secure
    http-request deny deny_status 401 if secure { var(txn.exp),sub(txn.now) -m int lt 0 }
    http-request set-var(txn.sub) var(txn.bearer),jwt_payload_query('\$.sub') if secure
    http-request track-sc0 var(txn.sub) if secure
    http-request deny deny_status 429 if secure { sc_http_req_rate(0) gt $RATE_LIMIT }
EOF
      ;;
    cache)
      echo "    use_backend cached if { path_beg /cached/ }" ;;
  esac
  cat <<EOF
    default_backend backends
backend backends
    balance roundrobin
    server b9001 127.0.0.1:9001
    server b9002 127.0.0.1:9002
EOF
  if [ "$group" = cache ]; then
    cat <<EOF
backend cached
    # HAProxy stores only responses with an explicit lifetime or a validator;
    # the backends send neither, so give them the 60 s the others use as ttl.
    balance roundrobin
    http-request cache-use bench
    http-response set-header Cache-Control "max-age=60" unless { res.hdr(cache-control) -m found }
    http-response cache-store bench
    server b9001 127.0.0.1:9001
    server b9002 127.0.0.1:9002
EOF
  fi
}

# What each contender does in each scenario, for the tables.
setup_text() { # CONTENDER GROUP
  case $1/$2 in
    archway/base)   echo "catch-all route, round robin; access_log and request_id off" ;;
    nginx/base)     echo "proxy_pass to an upstream, keepalive 512" ;;
    haproxy/base)   echo "roundrobin, http-reuse always" ;;
    archway/routes) echo "$ROUTES exact-path routes + catch-all" ;;
    nginx/routes)   echo "$ROUTES \`location =\` blocks + \`location /\`" ;;
    haproxy/routes) echo "map file of $ROUTES paths (use_backend by map)" ;;
    archway/jwt)    echo "jwt RS256 (PEM key) + rate_limit per consumer (limit never hit); metrics on" ;;
    nginx/jwt)      echo "plain proxy: nginx has no JWT verification" ;;
    haproxy/jwt)    echo "jwt_verify RS256 + iss/aud/exp checks + stick-table rate limit per sub" ;;
    archway/cache)  echo "cache ttl 60s" ;;
    nginx/cache)    echo "proxy_cache (files, served from the page cache), valid 60s" ;;
    haproxy/cache)  echo "cache section (memory), max-age 60 set on the response" ;;
  esac
}

conf_file() { # CONTENDER GROUP -> path of its config
  case $1 in
    archway) echo "$RUN/conf/archway-$2.yaml" ;;
    nginx) echo "$RUN/conf/nginx-$2.conf" ;;
    haproxy) echo "$RUN/conf/haproxy-$2.cfg" ;;
  esac
}

declare -A SKIP=()   # "contender/group" -> reason it cannot run

skip_group() { # CONTENDER GROUP REASON -- one "skipped" row per scenario of the group
  local s
  SKIP[$1/$2]=$3
  for s in $(group_scenarios "$2"); do printf '%s\t%s\t%s\n' "$1" "$s" "$3" >> "$RUN/skips.tsv"; done
  log "  $1 $2: skipped: $3"
}

# validate CONTENDER GROUP -- each proxy checks its own config without serving;
# a config the build rejects turns into "skipped" rows, not a failed run.
validate() {
  local c=$1 g=$2 f out rc=0
  f=$(conf_file "$c" "$g")
  case $c in
    archway) out=$(timeout 120 "$ARCHWAY_BIN" validate -c "$f" 2>&1) || rc=$? ;;
    nginx)   out=$(nginx -t -q -p "$RUN/inst/nginx-$g" -c "$f" -e "$RUN/inst/nginx-$g/error.log" 2>&1) || rc=$? ;;
    haproxy) out=$(haproxy -c -q -f "$f" 2>&1) || rc=$? ;;
  esac
  printf '%s\n' "$out" > "$RUN/logs/validate-$c-$g.log"
  VALIDATE_RC=$rc
  if [ "$rc" = 1 ] && [ "$c" = archway ]; then
    skip_group "$c" "$g" "rejected by \`archway validate\`: $(printf '%s' "$out" | grep -v '^ *$' | head -3 | one_line)"
  elif [ "$rc" != 0 ]; then
    skip_group "$c" "$g" "config check failed (exit $rc): $(printf '%s' "$out" | grep -v '^ *$' | head -3 | one_line)"
  fi
}

prepare_contender() { # CONTENDER -- write and check its configs for every selected group
  local c=$1 g out rc=0 broken=""
  if [ "$c" = archway ]; then
    if [ ! -x "$ARCHWAY_BIN" ]; then
      for g in $(selected_groups); do skip_group archway "$g" "no Archway launcher at ${ARCHWAY_BIN#"$REPO"/}"; done
      return 0
    fi
    # The launcher builds the jar on first use: do it now, outside any timing.
    log "building/checking Archway: ${ARCHWAY_BIN#"$REPO"/} version (up to ${BUILD_TIMEOUT}s on first use)"
    out=$(timeout "$BUILD_TIMEOUT" "$ARCHWAY_BIN" version 2>&1) || rc=$?
    printf '%s\n' "$out" > "$RUN/logs/archway-version.log"
    if [ "$rc" != 0 ]; then
      note "\`archway version\` exited $rc ($(printf '%s' "$out" | tail -2 | one_line)); trying the scenarios anyway"
      ARCHWAY_VERSION="unknown (version exited $rc)"
    else
      ARCHWAY_VERSION=$(printf '%s' "$out" | tail -1 | one_line)
    fi
  fi
  for g in $(selected_groups); do
    # a launcher that fails for `version` and then for `validate` (say, a build
    # that does not compile) is not asked again for every group
    if [ -n "$broken" ]; then skip_group "$c" "$g" "$broken"; continue; fi
    mkdir -p "$RUN/inst/$c-$g/tmp"
    case $c in
      archway) archway_config "$g" > "$(conf_file "$c" "$g")" ;;
      nginx) nginx_config "$g" "$RUN/inst/$c-$g" > "$(conf_file "$c" "$g")" ;;
      haproxy) haproxy_config "$g" "$RUN/inst/$c-$g" > "$(conf_file "$c" "$g")" ;;
    esac
    for s in $(group_scenarios "$g"); do printf '%s\t%s\t%s\n' "$c" "$s" "$(setup_text "$c" "$g")" >> "$RUN/setup.tsv"; done
    validate "$c" "$g"
    if [ "$c" = archway ] && [ "$rc" != 0 ] && [ "$VALIDATE_RC" != 0 ] && [ "$VALIDATE_RC" != 1 ]; then
      broken=${SKIP[$c/$g]}
    fi
  done
}

start_command() { # CONTENDER GROUP -> the command line, one word per line
  local f
  f=$(conf_file "$1" "$2")
  case $1 in
    archway) printf '%s\n' "$ARCHWAY_BIN" run -c "$f" ;;
    nginx) printf '%s\n' nginx -p "$RUN/inst/nginx-$2" -c "$f" -e "$RUN/inst/nginx-$2/error.log" -g 'daemon off;' ;;
    haproxy) printf '%s\n' haproxy -db -f "$f" ;;   # -db: stay in the foreground
  esac
}

# ------------------------------------------------------------------ measuring
CLK_TCK=$(getconf CLK_TCK)

cpu_ticks() { # PID... -> utime+stime summed (a process's stat covers all its threads)
  local p s f t=0
  for p in "$@"; do
    s=$(cat "/proc/$p/stat" 2> /dev/null) || continue
    s=${s##*) }
    read -ra f <<< "$s"
    t=$((t + f[11] + f[12]))            # fields 14 and 15 of stat
  done
  echo "$t"
}
hwm_kib() { # PID... -> VmHWM summed over the processes
  local p t=0 v
  for p in "$@"; do
    v=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$p/status" 2> /dev/null || true)
    t=$((t + ${v:-0}))
  done
  echo "$t"
}
reset_hwm() { # PID... -> VmHWM := current RSS, so the next reading is the peak of the run
  local p
  for p in "$@"; do echo 5 > "/proc/$p/clear_refs" 2> /dev/null || HWM_RESET_FAILED=1; done
}
cpu_snapshot() { # -> "total idle total idle" jiffies of the proxy CPU and the load CPU
  awk -v a="cpu$PROXY_CPU" -v b="cpu$LOAD_CPU" '
    $1 == a { ta = $2+$3+$4+$5+$6+$7+$8+$9; ia = $5+$6 }
    $1 == b { tb = $2+$3+$4+$5+$6+$7+$8+$9; ib = $5+$6 }
    END { print ta+0, ia+0, tb+0, ib+0 }' /proc/stat
}
busy_pct() { # BEFORE AFTER N(1 proxy CPU, 2 load CPU)
  awk -v b="$1" -v a="$2" -v n="$3" 'BEGIN { split(b, B, " "); split(a, A, " ")
    t = A[2*n-1] - B[2*n-1]; i = A[2*n] - B[2*n]
    if (t > 0) printf "%.0f", 100 * (1 - i / t); else printf "-" }'
}
backend_counters() { # -> "accepts requests" summed over both backends (nginx stub_status)
  local p a=0 r=0 line
  for p in 9001 9002; do
    line=$(curl -s --max-time 2 "http://127.0.0.1:$p/bench_status" | awk 'NR == 3 { print $1, $3 }')
    a=$((a + ${line%% *})); r=$((r + ${line##* }))
  done
  echo "$a $r"
}
field() { sed -n 's/^BENCH //p' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

# others_snapshot FILE -- "pid ticks" of every process that is neither this
# script's (its tree holds the proxy, the backends and wrk) nor the kernel's:
# a build or test run elsewhere on the machine. Ticks include reaped children
# (cutime/cstime), so short-lived forks of a long-lived parent count too.
others_snapshot() {
  local mine
  mine=" $({ tree_pids $$; tree_pids 2; } | paste -sd' ') "
  cat /proc/[0-9]*/stat 2> /dev/null | awk -v mine="$mine" '
    { pid = $1; sub(/.*\) /, "")          # fields from 3 (state) on
      if (index(mine, " " pid " ") == 0) print pid, $12 + $13 + $14 + $15 }' > "$1"
}
others_cpu_s() { # BEFORE AFTER -> CPU seconds other processes used in between
  awk -v hz="$CLK_TCK" 'NR == FNR { before[$1] = $2; next }
    { d = $2 - (($1 in before) ? before[$1] : 0); if (d > 0) t += d }
    END { printf "%.2f", t / hz }' "$1" "$2"
}

run_wrk() { # OUTFILE CONNS SECS URL [HEADER] -- bounded by timeout whatever happens
  local args=(-t1 -c"$2" -d"$3"s --timeout 5s -s "$HERE/lua/report.lua")
  [ -n "${5:-}" ] && args+=(-H "$5")
  timeout $(($3 + 30)) "${PIN_LOAD[@]}" wrk "${args[@]}" "$4" > "$1" 2>&1 || true
}

# measure ROUND CONTENDER SCENARIO PORT STARTUP PIDS... -- one row of raw.tsv
measure() {
  local round=$1 c=$2 s=$3 port=$4 startup=$5; shift 5
  local pids=("$@") conns url f t0=0 t1 cpu_s=- rss=- w0 w1 c0 c1 b0 b1 up_conns=- up_reqs=- rps
  conns=$(scn_conns "$s"); url="http://127.0.0.1:$port$(scn_path "$s")"
  f=$RUN/wrk/r$round-$c-$s.txt
  if [ "${#pids[@]}" -gt 0 ]; then reset_hwm "${pids[@]}"; t0=$(cpu_ticks "${pids[@]}"); fi
  b0=$(backend_counters); others_snapshot "$RUN/others.0"; c0=$(cpu_snapshot); w0=$(now)
  run_wrk "$f" "$conns" "$DURATION" "$url" "$(scn_header "$s")"
  w1=$(now); c1=$(cpu_snapshot); others_snapshot "$RUN/others.1"; b1=$(backend_counters)
  local others_pct
  others_pct=$(awk -v o="$(others_cpu_s "$RUN/others.0" "$RUN/others.1")" -v w="$(elapsed "$w0" "$w1")" 'BEGIN { printf "%.0f", 100 * o / w }')
  if [ "$others_pct" -gt "$IDLE_MAX" ]; then
    note "round $round $c $s: other processes used ${others_pct}% of a CPU during the run; its numbers are suspect"
  fi
  if [ "${#pids[@]}" -gt 0 ]; then
    t1=$(cpu_ticks "${pids[@]}")
    cpu_s=$(awk -v d=$((t1 - t0)) -v hz="$CLK_TCK" 'BEGIN { printf "%.2f", d / hz }')
    rss=$(hwm_kib "${pids[@]}")
    # less the one stub_status request and connection per backend of the reading
    up_conns=$(( ${b1%% *} - ${b0%% *} - 2 )); up_reqs=$(( ${b1##* } - ${b0##* } - 2 ))
    [ "$up_conns" -lt 0 ] && up_conns=0
    [ "$up_reqs" -lt 0 ] && up_reqs=0
  fi
  rps=$(field "$f" rps)
  if [ -z "$rps" ]; then
    note "round $round $c $s: wrk produced no result (\`$f\`: $(tail -3 "$f" | one_line))"
    return 0
  fi
  local non2xx sockerr requests
  non2xx=$(field "$f" non2xx); sockerr=$(field "$f" sockerr); requests=$(field "$f" requests)
  if [ "$s" = cache ] && [ "$up_reqs" != - ] && [ $((up_reqs * 100)) -gt "$requests" ]; then
    note "round $round $c cache: $up_reqs of $requests requests reached the backends (not served from cache)"
  fi
  if [ "$non2xx" != 0 ] || [ "$sockerr" != 0 ]; then
    note "round $round $c $s: $non2xx non-2xx answers and $sockerr socket errors (\`$f\`)"
  fi
  printf '%s\t' "$round" "$c" "$s" "$conns" "$DURATION" "$rps" "$(field "$f" p50)" "$(field "$f" p90)" \
    "$(field "$f" p99)" "$(field "$f" p999)" "$(field "$f" max)" "$(field "$f" requests)" "$non2xx" "$sockerr" \
    "$cpu_s" "$(elapsed "$w0" "$w1")" "$rss" "$startup" "$(busy_pct "$c0" "$c1" 1)" "$(busy_pct "$c0" "$c1" 2)" \
    "$up_reqs" "$up_conns" >> "$RUN/raw.tsv"
  printf '%s\n' "$others_pct" >> "$RUN/raw.tsv"
  log "  $c $s: $(printf '%.0f' "$rps") req/s, p50 $(field "$f" p50) µs, p99 $(field "$f" p99) µs, p99.9 $(field "$f" p999) µs, proxy cpu ${cpu_s}s, peak rss ${rss} KiB, upstream reqs $up_reqs, new upstream conns $up_conns"
}

# warmup: adaptive and capped, see the WARMUP_* knobs.
warmup() { # MIN MAX URL [HEADER] -> WARM_S, WARM_TRACE
  local min=$1 max=$2 url=$3 header=${4:-} t=0 prev="" r trace=""
  while :; do
    run_wrk "$RUN/wrk/warmup.txt" "$CONNS" "$WARMUP_CHUNK" "$url" "$header"
    r=$(field "$RUN/wrk/warmup.txt" rps); r=${r:-0}
    t=$((t + WARMUP_CHUNK)); trace="$trace${trace:+ }$(printf '%.0f' "$r")"
    if [ "$t" -ge "$min" ] && [ -n "$prev" ] && awk -v r="$r" -v p="$prev" -v tol="$WARMUP_TOL" 'BEGIN { exit !(r < p * (1 + tol / 100)) }'; then break; fi
    [ "$t" -ge "$max" ] && break
    prev=$r
  done
  WARM_S=$t; WARM_TRACE=$trace
  log "  warm-up ${t}s (req/s per ${WARMUP_CHUNK}s: $trace)"
}

curl_h() { # SCENARIO -> curl header args (none or -H "Authorization: ...")
  local h
  h=$(scn_header "$1")
  if [ -n "$h" ]; then printf '%s\n' -H "$h"; fi
}

# checks CONTENDER GROUP PORT -- does the proxy do the job? Findings go to the
# warnings; they do not stop the run.
checks() {
  local c=$1 g=$2 port=$3 s seen="" i h body code hdr=() url
  s=$(group_scenarios "$g"); s=${s%% *}
  mapfile -t hdr < <(curl_h "$s")
  url="http://127.0.0.1:$port$(scn_path "$s")"
  if [ "$g" != cache ]; then
    for i in 1 2 3 4 5 6; do
      h=$(curl -s -D - -o /dev/null --max-time 2 "${hdr[@]}" "$url" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-backend" { print $2 }')
      seen="$seen ${h:-none}"
    done
    [[ $seen == *9001* && $seen == *9002* ]] || note "$c $g: round robin check saw backends:$seen"
  fi
  case $g in
    base)
      body=$(curl -s --max-time 2 "http://127.0.0.1:$port/1k" | wc -c)
      [ "$body" = 1024 ] || note "$c: GET /1k returned $body bytes, not 1024" ;;
    jwt)
      code=$(http_status "$url")
      case $c in
        nginx) ;;
        *) [ "$code" = 401 ] || note "$c jwt: a request without a token got $code, not 401" ;;
      esac ;;
    cache)
      curl -s -o /dev/null --max-time 2 "$url" || true
      h=$(curl -s -D - -o /dev/null --max-time 2 "$url" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache" { print $2 }')
      case $c in
        haproxy) ;;    # sends no cache status header; measure() checks the backends' request count
        *) [ "$h" = HIT ] || note "$c cache: second request had X-Cache '${h:-none}', not HIT" ;;
      esac ;;
  esac
}

# idle_check LABEL -- other processes on the machine (a build, a test run)
# skew every number; sample both CPUs for IDLE_SAMPLE s while nothing of ours
# runs and flag the run if either is busier than IDLE_MAX %.
# With IDLE_WAIT, keep sampling up to that many seconds for a quiet moment.
idle_check() {
  local a b p l deadline=$((SECONDS + IDLE_WAIT))
  while :; do
    a=$(cpu_snapshot); sleep "$IDLE_SAMPLE"; b=$(cpu_snapshot)
    p=$(busy_pct "$a" "$b" 1); l=$(busy_pct "$a" "$b" 2)
    if [ "$p" = - ] || { [ "$p" -le "$IDLE_MAX" ] && [ "$l" -le "$IDLE_MAX" ]; }; then return 0; fi
    [ "$SECONDS" -lt "$deadline" ] || break
  done
  note "machine not idle before $1: CPU $PROXY_CPU ${p}% / CPU $LOAD_CPU ${l}% busy with other processes; those numbers are suspect"
}

# run_group ROUND GROUP CONTENDER -- start, check, warm up, measure, stop.
run_group() {
  local round=$1 g=$2 c=$3 port first cmd=() hdr=() root t0 startup i s pids=() url logf
  if [ -n "${SKIP[$c/$g]:-}" ]; then log "round $round $g: $c skipped (${SKIP[$c/$g]})"; return 0; fi
  port=$(port_of "$c")
  first=$(group_scenarios "$g"); first=${first%% *}
  url="http://127.0.0.1:$port$(scn_path "$first")"
  mapfile -t hdr < <(curl_h "$first")
  mapfile -t cmd < <(start_command "$c" "$g")
  logf=$RUN/logs/$c-$g-r$round.log
  wait_port_free "$port" 15 || die "port $port still in use before starting $c"
  [ "$c" != archway ] || wait_port_free "$ARCHWAY_ADMIN_PORT" 15 || die "port $ARCHWAY_ADMIN_PORT still in use"
  idle_check "round $round $c $g"
  log "round $round/$ROUNDS $g: $c on :$port"
  t0=$(now)
  spawn "$logf" "${PIN_PROXY[@]}" "${cmd[@]}"
  root=$LAST_PID
  startup=""
  for ((i = 0; i < START_TIMEOUT * 50; i++)); do
    if [ "$(http_status "$url" "${hdr[@]}")" = 200 ]; then startup=$(elapsed "$t0" "$(now)"); break; fi
    alive "$root" || break
    sleep 0.02
  done
  if [ -z "$startup" ]; then
    local why="did not answer 200 within ${START_TIMEOUT}s"
    alive "$root" || why="exited before answering 200"
    skip_group "$c" "$g" "$why ($(grep -v '^ *$' "$logf" | tail -2 | one_line))"
    note "round $round $c $g: $why; its later rounds are skipped too (\`$logf\`)"
    tail -20 "$logf" >&2 || true
    stop_pid "$root"
    return 0
  fi
  mapfile -t pids < <(tree_pids "$root")
  log "  first 200 after ${startup}s; pids ${pids[*]}"
  checks "$c" "$g" "$port"
  if [ "$c" = archway ]; then
    warmup "$JVM_WARMUP_MIN" "$JVM_WARMUP_MAX" "$url" "$(scn_header "$first")"
  else
    warmup "$WARMUP_MIN" "$WARMUP_MAX" "$url" "$(scn_header "$first")"
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$c" "$g" "$startup" "$WARM_S" "$WARM_TRACE" >> "$RUN/starts.tsv"
  local n=0
  for s in $(group_scenarios "$g"); do
    if [ "$n" -gt 0 ] && [ "$SETTLE" -gt 0 ] && [ "$(scn_conns "$s")" -gt 1 ]; then
      run_wrk "$RUN/wrk/settle.txt" "$(scn_conns "$s")" "$SETTLE" "http://127.0.0.1:$port$(scn_path "$s")" "$(scn_header "$s")"
    fi
    n=$((n + 1))
    measure "$round" "$c" "$s" "$port" "$startup" "${pids[@]}"
    if ! alive "$root"; then note "round $round $c: died during $s (\`$logf\`)"; break; fi
  done
  if [ "$c" = archway ] && [ "$g" = jwt ]; then
    curl -s --max-time 2 "http://127.0.0.1:$ARCHWAY_ADMIN_PORT/metrics" | grep -q '^archway_requests_total' \
      || note "archway jwt: admin /metrics had no archway_requests_total series"
  fi
  stop_pid "$root"
}

# ------------------------------------------------------------------ main
log "run dir: $RUN"
log "pinning: $PINNING"

if [[ " $SCENARIOS " == *" jwt "* ]]; then make_jwt "$RUN/keys"; fi
ARCHWAY_VERSION="-"
for c in $CONTENDERS; do prepare_contender "$c"; done

mkdir -p "$RUN/inst/backend-9001" "$RUN/inst/backend-9002"
BACKENDS=()
for p in 9001 9002; do
  start_backend "$p" "$RUN/inst/backend-$p" "$RUN/logs/backend-$p.log" "${PIN_LOAD[@]}" || die "backend :$p did not start"
  BACKENDS+=("$LAST_PID")
done
log "backends: 127.0.0.1:9001 (pid ${BACKENDS[0]}), 127.0.0.1:9002 (pid ${BACKENDS[1]})"

java_line() {
  local j=java
  [ -n "${JAVA_HOME:-}" ] && j=$JAVA_HOME/bin/java
  "$j" -version 2>&1 | head -1 || echo "no java"
}
{
  echo "## Archway vs nginx vs HAProxy — $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  machine_line
  echo "- Software: $(nginx -v 2>&1 | sed 's/^nginx version: //'), HAProxy $(haproxy -v 2> /dev/null | awk 'NR == 1 { print $3 }'), wrk $(wrk -v 2>&1 | awk 'NR == 1 { print $2 }')"
  if [[ " $CONTENDERS " == *" archway "* ]]; then
    echo "- Archway: $ARCHWAY_VERSION, commit $(git -C "$REPO" rev-parse --short HEAD 2> /dev/null || echo '?'), $(java_line), JAVA_OPTS: ${JAVA_OPTS:-none}"
  fi
  echo "- Pinning: $PINNING. Backends: 2 × nginx (1 worker) answering from memory, round robin from every proxy with keep-alive upstream connections; one worker/thread per proxy."
  echo "- Method: rounds: $ROUNDS, interleaved (contender order reversed every other round); one fresh start per contender, scenario group and round; warm-up at -c$CONNS in ${WARMUP_CHUNK}s chunks until a chunk is <${WARMUP_TOL}% faster (nginx, HAProxy ${WARMUP_MIN}–${WARMUP_MAX}s; Archway ${JVM_WARMUP_MIN}–${JVM_WARMUP_MAX}s); ${DURATION}s per measured \`wrk -t1\` run (closed loop, no coordinated-omission correction)."
  echo "- Cells: median over rounds; (×) = ratio to nginx. CPU µs/req = proxy utime+stime over the run / requests. Peak RSS = VmHWM during the run (reset before it). Start-up = launch → first 200 through the proxy. CPU busy = proxy CPU / load CPU. Upstream = requests that reached the backends (% of answered) / new upstream connections."
} > "$RUN/header.md"

T0=$(date +%s)
read -ra ORDER <<< "$CONTENDERS"
for ((round = 1; round <= ROUNDS; round++)); do
  order=("${ORDER[@]}")
  if ((round % 2 == 0)); then   # reversed order every other round: drift spreads evenly
    order=(); for ((i = ${#ORDER[@]} - 1; i >= 0; i--)); do order+=("${ORDER[$i]}"); done
  fi
  for g in $(selected_groups); do
    if [ "$g" = base ] && [ "$DIRECT" = 1 ] && [[ " $SCENARIOS " == *" c1 "* ]]; then
      idle_check "round $round direct"
      log "round $round/$ROUNDS: direct (wrk -> backend :9001, no proxy)"
      measure "$round" direct c1 9001 - 
    fi
    for c in "${order[@]}"; do run_group "$round" "$g" "$c"; done
  done
done
log "measured in $(( $(date +%s) - T0 ))s (estimate was ${EST_LO}..${EST_HI}s)"
[ "${HWM_RESET_FAILED:-0}" = 1 ] && note "could not reset VmHWM through /proc/PID/clear_refs: peak RSS is since start"

for pid in "${BACKENDS[@]}"; do stop_pid "$pid"; done
summarize "$RUN" > "$RUN/summary.md"
if [ -n "$OUT" ]; then
  { echo; cat "$RUN/summary.md"; } >> "$OUT"
  log "appended the report to $OUT"
fi
cat "$RUN/summary.md"
