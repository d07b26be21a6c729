# Helpers shared by bench/run.sh and bench/fault.sh. Sourced, not run.
#
# Process rule: the scripts only ever signal processes they started themselves,
# by PID (recorded in STARTED), never by name. A PID is signalled only while its
# start time still matches the one recorded, so a reused PID is never hit.

# ------------------------------------------------------------------ logging
log()  { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }
die()  { log "ERROR: $*"; exit 1; }

# Seconds since the epoch with microseconds, without forking `date`.
now() { printf '%s' "$EPOCHREALTIME"; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# ------------------------------------------------------------------ packages
# ensure_tools BIN:PACKAGE... -- installs the Debian package of every missing
# binary. `apt-get update` runs once, and only when something is missing, so a
# machine that has everything never touches the network.
ensure_tools() {
  local spec bin pkg missing=() sudo=""
  for spec in "$@"; do
    bin=${spec%%:*}; pkg=${spec#*:}
    command -v "$bin" > /dev/null 2>&1 || missing+=("$pkg")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  command -v apt-get > /dev/null 2>&1 || die "missing ${missing[*]} and no apt-get to install them"
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo > /dev/null 2>&1 || die "missing ${missing[*]}: run as root or install them"
    sudo="sudo"
  fi
  log "installing ${missing[*]} (apt-get)"
  $sudo apt-get update -qq > /dev/null
  # RUNLEVEL=1 keeps the packages' init scripts from starting the distro's
  # own nginx/haproxy daemons; the bench runs its own instances only.
  $sudo env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null \
    || die "apt-get install ${missing[*]} failed"
}

# ------------------------------------------------------------------ processes
STARTED=()     # PIDs this script launched and has not stopped yet
LAST_PID=""

# spawn LOGFILE COMMAND... -- run in the background, stdout+stderr to LOGFILE.
spawn() {
  local logfile=$1; shift
  "$@" > "$logfile" 2>&1 < /dev/null &
  LAST_PID=$!
  STARTED+=("$LAST_PID")
}

alive() { # PID -> 0 if it runs (zombies count as gone)
  local st
  st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  [ -n "$st" ] && [[ $st != Z* ]]
}

start_time() { # PID -> start time in clock ticks since boot (field 22 of stat)
  local s f
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=${s##*) }                      # the command name may contain spaces
  read -ra f <<< "$s"
  printf '%s' "${f[19]}"
}

tree_pids() { # PID -> that PID and all its descendants, one per line
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2; order[++n] = $1 }
    END {
      inside[root] = 1; print root
      do {
        grew = 0
        for (i = 1; i <= n; i++) {
          p = order[i]
          if (!(p in inside) && (parent[p] in inside)) { inside[p] = 1; print p; grew = 1 }
        }
      } while (grew)
    }'
}

forget_pid() { # PID -> drop it from STARTED
  local p keep=()
  for p in "${STARTED[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  STARTED=("${keep[@]}")
}

# signal_tree SIGNAL "PID:START"... -- signal those still running as recorded.
signal_tree() {
  local sig=$1 m pid; shift
  for m in "$@"; do
    pid=${m%%:*}
    if alive "$pid" && [ "$(start_time "$pid")" = "${m#*:}" ]; then kill "-$sig" "$pid" 2>/dev/null || true; fi
  done
}

tree_snapshot() { # PID -> "PID:START" for it and its descendants
  local p
  for p in $(tree_pids "$1"); do printf '%s:%s\n' "$p" "$(start_time "$p")"; done
}

# stop_pid PID -- SIGTERM to the process we launched (nginx master, haproxy,
# java all shut down cleanly on it); whatever is left of its tree after 15 s,
# e.g. a wrapper that did not exec, gets SIGTERM and then SIGKILL.
stop_pid() {
  local pid=$1 i members=() m left
  if alive "$pid"; then
    mapfile -t members < <(tree_snapshot "$pid")
    signal_tree TERM "${members[0]}"
    for ((i = 0; i < 150; i++)); do alive "$pid" || break; sleep 0.1; done
    left=0
    for m in "${members[@]}"; do alive "${m%%:*}" && left=1; done
    if [ "$left" = 1 ]; then
      signal_tree TERM "${members[@]}"; sleep 2
      signal_tree KILL "${members[@]}"
    fi
  fi
  wait "$pid" 2> /dev/null || true
  forget_pid "$pid"
}

# kill_tree PID SIGNAL -- e.g. SIGKILL a backend's master *and* workers at once
# (an nginx worker outlives a SIGKILLed master and keeps serving otherwise).
kill_tree() {
  local members=()
  mapfile -t members < <(tree_snapshot "$1")
  # bash reports a job killed by a signal on its own stderr when it reaps it
  exec 3>&2 2> /dev/null
  signal_tree "$2" "${members[@]}"
  wait "$1" || true
  exec 2>&3 3>&-
  forget_pid "$1"
}

stop_all() { # stop everything still in STARTED, newest first
  local i
  for ((i = ${#STARTED[@]} - 1; i >= 0; i--)); do stop_pid "${STARTED[$i]}"; done
}

# ------------------------------------------------------------------ network
port_busy() { [ -n "$(ss -Htln "sport = :$1" 2>/dev/null)" ]; }

wait_port_free() { # PORT SECONDS -> 0 once nothing listens on it
  local i
  for ((i = 0; i < $2 * 10; i++)); do port_busy "$1" || return 0; sleep 0.1; done
  return 1
}

http_status() { # URL [CURL_ARGS...] -> status code, 000 when nothing answered
  local url=$1; shift
  curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$@" "$url" 2>/dev/null || true
}

# ------------------------------------------------------------------ nginx backends
# nginx_user_line -- as root, nginx workers would otherwise switch to
# `nobody`, which may not be able to write a cache or temp dir under $WORK;
# running them as the invoking user keeps every path under $WORK usable.
nginx_user_line() {
  if [ "$(id -u)" -eq 0 ]; then echo "user $(id -un) $(id -gn);"; fi
}

# nginx_common DIR -- the lines every nginx instance here shares: its files
# stay inside its own prefix DIR (nginx -p), logging off, one worker.
nginx_common() {
  cat <<EOF
$(nginx_user_line)
worker_processes 1;
worker_rlimit_nofile 16384;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections 8192; multi_accept on; }
EOF
}

nginx_temp_paths() { # DIR -- temp files under the prefix instead of /var/lib/nginx
  cat <<EOF
    client_body_temp_path $1/tmp/body;
    proxy_temp_path       $1/tmp/proxy;
    fastcgi_temp_path     $1/tmp/fastcgi;
    uwsgi_temp_path       $1/tmp/uwsgi;
    scgi_temp_path        $1/tmp/scgi;
EOF
}

# archway_base_yaml PORT ADMIN_PORT -- what every Archway config of the bench
# starts with: its listeners, both backends as one upstream, and the access log
# and request ids off (nginx and HAProxy do neither by default).
archway_base_yaml() {
  cat <<EOF
listen: 127.0.0.1:$1
admin: {listen: 127.0.0.1:$2}
upstreams:
  backends:
    targets: [{address: 127.0.0.1:9001}, {address: 127.0.0.1:9002}]
filters:
  access_log: false
  request_id: false
EOF
}

# write_backend_conf PORT DIR FILE -- a backend that answers from memory:
# `ok\n` on every path, exactly 1024 bytes on /1k, 200 on /health, an
# X-Backend header naming its port, and stub_status counters at /bench_status
# (used to count the requests and new connections that reached the backends).
write_backend_conf() {
  local port=$1 dir=$2 file=$3 kib
  kib=$(printf 'x%.0s' $(seq 1023))
  mkdir -p "$dir/tmp"
  cat > "$file" <<EOF
# Benchmark backend on 127.0.0.1:$port (generated).
$(nginx_common "$dir")
http {
    access_log off;
    server_tokens off;
$(nginx_temp_paths "$dir")
    # nginx's default closes a keep-alive connection after 1000 requests;
    # the proxies' upstream connections should live for the whole run.
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    default_type text/plain;
    server {
        listen 127.0.0.1:$port backlog=4096;
        add_header X-Backend $port always;
        location /         { return 200 "ok\n"; }
        location = /1k     { return 200 "$kib\n"; }
        location = /health { return 200 "healthy\n"; }
        location = /bench_status { stub_status; }
    }
}
EOF
}

# start_backend PORT DIR LOGFILE [PIN...] -> LAST_PID, 0 once it answers
start_backend() {
  local port=$1 dir=$2 logfile=$3 i; shift 3
  write_backend_conf "$port" "$dir" "$dir/nginx.conf"
  spawn "$logfile" "$@" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" -g 'daemon off;'
  for ((i = 0; i < 100; i++)); do
    [ "$(http_status "http://127.0.0.1:$port/")" = 200 ] && return 0
    alive "$LAST_PID" || break
    sleep 0.1
  done
  cat "$logfile" "$dir/error.log" >&2 2> /dev/null || true
  return 1
}
