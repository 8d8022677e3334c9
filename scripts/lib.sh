# shellcheck shell=bash
# What scripts/slapd.sh, scim-server.sh and synapse.sh share: one private service instance
# per NAME under $SERVICES_DIR, driven by `start|stop|env|status [NAME]`.
#
# A script sources this file, calls `svc_init PREFIX "$@"`, defines the hooks below, then
# calls `svc_main LOCK_WAIT_SECONDS`:
#   running_pid     print the server's PID when it runs (see live_pid), else fail
#   start_instance  (re)create and start the instance, print its env lines (publish_env)
#   stop_instance   stop it (stop_server)
#   launch_server   for start_server: pick the port(s) (free_port), start the server in the
#                   background with setsid, set $pid (and $port)
#   server_answers  for start_server: succeed once the server serves on its port(s)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
readonly SERVICES_DIR=${ESNCTL_SERVICES_DIR:-$ROOT/target/services}
readonly APT_LOG=$SERVICES_DIR/apt-install.log
SCRIPT=${0##*/}
readonly SCRIPT

# --- instance and messages ----------------------------------------------------------------

# svc_init PREFIX CMD [NAME]: sets $cmd, $name (default "test") and $dir, the instance's
# state directory $SERVICES_DIR/PREFIX-NAME.
svc_init() {
  cmd=${2:-}
  name=${3:-test}
  [[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "$SCRIPT: bad NAME '$name'" >&2; exit 2; }
  dir=$SERVICES_DIR/$1-$name
}

log() { printf '%s[%s]: %s\n' "$SCRIPT" "$name" "$*" >&2; }
die() { log "error: $*"; exit 1; }
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

# The script's header comment (line 2 up to `set -euo`) is its usage text.
usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# Lowercase hex of N random bytes (passwords, tokens): coreutils only, nothing on argv.
random_hex() { od -An -tx1 -v -N"$1" /dev/urandom | tr -d ' \n'; }

# --- processes ----------------------------------------------------------------------------

# Alive and not a zombie: a stopped server we no longer parent waits as a zombie until
# PID 1 reaps it, which can take a second, and kill -0 still succeeds on it.
alive() {
  local st
  { read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
  st=${st##*) }
  [[ ${st:0:1} != Z ]]
}

# live_pid PIDFILE -F|-E PATTERN: prints the PID in PIDFILE when that process is alive and
# its command line matches PATTERN (grep -F or -E), so a recycled PID of an unrelated
# process is never taken for (or killed as) ours.
live_pid() {
  local pid
  [[ -s $1 ]] || return 1
  pid=$(<"$1")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$2" -- "$3" || return 1
  echo "$pid"
}

# stop_server GRACE WHAT PIDFILE: SIGTERM to running_pid, SIGKILL after GRACE s; then the
# env file and PIDFILE go (also when nothing runs: they are stale then).
stop_server() {
  local grace=$1 what=$2 pidfile=$3 pid i
  if ! pid=$(running_pid); then
    rm -f "$dir/env" "$pidfile"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "$what $pid ignored SIGTERM for $grace s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/env" "$pidfile"
  log "stopped (pid $pid)"
}

# wait_ready SECONDS PID CHECK...: runs CHECK every 0.1 s; returns 0 once it succeeds, 1
# after SECONDS, 2 as soon as PID has exited.
wait_ready() {
  local end=$((SECONDS + $1)) pid=$2
  shift 2
  while alive "$pid"; do
    "$@" && return 0
    ((SECONDS < end)) || return 1
    sleep 0.1
  done
  return 2
}

# --- ports and HTTP -----------------------------------------------------------------------

# Sets REPLY to a port below the kernel's ephemeral range (32768+), so outgoing connections
# never hold it, that nobody listens on and that this run has not tried yet. Only a guess:
# the server's own bind is the real test, and start_server retries on EADDRINUSE.
tried_ports=" "
free_port() {
  local p i
  for ((i = 0; i < 100; i++)); do
    p=$((20000 + RANDOM % 12000))
    [[ $tried_ports == *" $p "* ]] && continue
    tried_ports+="$p "
    # Nothing listening => connection refused at once.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      REPLY=$p
      return 0
    fi
  done
  die "no free port found"
}

# http_ok PORT PATH [TOKEN]: GET http://127.0.0.1:PORT/PATH (with the bearer TOKEN if given)
# answers 200, within 2 s. Bash's /dev/tcp: no process per probe, the token on no argv.
http_ok() { [[ $(http_status "$@") == 200 ]]; }

http_status() {
  local port=$1 path=$2 auth='' status
  [[ -z ${3:-} ]] || auth="Authorization: Bearer $3"$'\r\n'
  (
    exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
    printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n%s\r\n' "$path" "$port" "$auth" >&3
    read -r -t 2 _ status _ <&3 && echo "$status"
  ) 2>/dev/null
}

# --- start, env, main ---------------------------------------------------------------------

# start_server WHAT SECONDS LOG...: launch_server, then wait up to SECONDS for
# server_answers. A server that exits with 'Address already in use' in a LOG lost the race
# for its port: retried on new ports, up to 5 times. The LOGs are emptied before each try.
start_server() {
  local what=$1 timeout=$2 attempt rc f
  shift 2
  for ((attempt = 1; attempt <= 5; attempt++)); do
    for f in "$@"; do : >"$f"; done
    launch_server
    rc=0
    wait_ready "$timeout" "$pid" server_answers || rc=$?
    case $rc in
      0) return 0 ;;
      1)
        kill -KILL "$pid" 2>/dev/null || true
        die "$what did not answer in $timeout s (see $*)"
        ;;
    esac
    wait "$pid" 2>/dev/null || true
    if ! grep -qs 'Address already in use' "$@"; then
      tail -n 20 "$1" >&2
      die "$what exited at start (see $*)"
    fi
    log "port taken (attempt $attempt), retrying"
  done
  die "could not bind a port after 5 attempts"
}

# The instance runs and its env lines are written (then `cat "$dir/env"` prints them).
is_up() { running_pid >/dev/null && [[ -s $dir/env ]]; }

# publish_env PID WHERE T0 LOG: the env lines on stdin become $dir/env (mode 600, renamed
# into place so a reader never sees half of it) and are printed.
publish_env() {
  cat >"$dir/env.pending"
  chmod 600 "$dir/env.pending"
  mv "$dir/env.pending" "$dir/env"
  log "started pid $1 on $2 in $(elapsed "$3") s (log: $4)"
  cat "$dir/env"
}

# svc_main LOCK_WAIT_SECONDS: runs $cmd holding the instance's lock (fd 9): one operation
# per instance at a time, different NAMEs in parallel. Servers are started with 9>&- so
# they do not inherit it.
svc_main() {
  case $cmd in
    start | stop | env | status) ;;
    *) usage ;;
  esac
  mkdir -p "$SERVICES_DIR"
  exec 9>"$dir.lock"
  flock -w "$1" 9 || die "another $SCRIPT holds $dir.lock"
  case $cmd in
    start) start_instance ;;
    stop) stop_instance ;;
    env)
      is_up || die "not running (scripts/$SCRIPT start $name)"
      cat "$dir/env"
      ;;
    status) running_pid >/dev/null ;;
  esac
}

# --- packages -----------------------------------------------------------------------------

have_packages() {
  local p
  for p; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q ' installed$' || return 1
  done
}

# apt_install PKG...: installs the missing Debian packages (root only; log: $APT_LOG).
# Parallel starts on a fresh machine: one installs, the others wait on fd 7 (apt-get
# itself fails at once on the dpkg lock instead of waiting) and then find them installed.
apt_install() {
  have_packages "$@" && return 0
  [[ $EUID -eq 0 ]] || die "$* missing and not root: install them first"
  mkdir -p "$SERVICES_DIR"
  local lock=/run/lock/esnctl-apt.lock t0=$EPOCHREALTIME
  [[ -d /run/lock ]] || lock=/tmp/esnctl-apt.lock
  exec 7>"$lock"
  flock -w 900 7 || die "timed out waiting for $lock"
  if ! have_packages "$@"; then
    log "installing $* (log: $APT_LOG)"
    # An empty package cache (fresh image) makes every install fail: update first then only.
    if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
      apt_get update || true
    fi
    if ! apt_get install --no-install-recommends "$@"; then
      apt_get update || true
      apt_get install --no-install-recommends "$@" \
        || { tail -n 20 "$APT_LOG" >&2; die "apt-get install $* failed"; }
    fi
    log "installed in $(elapsed "$t0") s"
  fi
  exec 7>&-
}

apt_get() {
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y "$@" >>"$APT_LOG" 2>&1
}

# ensure_venv VENV REQUIREMENTS EXE: creates the venv (python3, apt-installed if missing)
# and pip-installs REQUIREMENTS into it, unless VENV/bin/EXE exists and that very file was
# installed last (a copy of it is the stamp). Several scripts may share one venv.
ensure_venv() {
  local venv=$1 requirements=$2 exe=$3 base
  base=$(basename "$requirements" .txt)
  local stamp=$venv/.$base piplog=$SERVICES_DIR/pip-install-${base%-requirements}.log
  # Fast path without the lock.
  venv_current "$venv" "$exe" "$stamp" "$requirements" && return 0
  mkdir -p "$(dirname "$venv")" "$SERVICES_DIR"
  # Parallel starts of several instances: one pip at a time.
  exec 8>"$venv.lock"
  flock -w 900 8 || die "timed out waiting for $venv.lock"
  if venv_current "$venv" "$exe" "$stamp" "$requirements"; then
    exec 8>&-
    return 0
  fi
  local t0=$EPOCHREALTIME py
  if [[ ! -x $venv/bin/python ]]; then
    py=$(command -v python3 || true)
    [[ -n $py ]] || { apt_install python3 python3-venv; py=/usr/bin/python3; }
    if ! "$py" -m venv "$venv" >>"$piplog" 2>&1; then
      # Debian's python3 needs python3-venv (ensurepip) to create venvs.
      rm -rf "$venv"
      apt_install python3-venv
      "$py" -m venv "$venv" >>"$piplog" 2>&1 || { tail -n 20 "$piplog" >&2; die "python3 -m venv failed"; }
    fi
  fi
  log "installing ${requirements#"$ROOT"/} into $venv (log: $piplog)"
  "$venv/bin/python" -m pip install --disable-pip-version-check --no-input -q \
    -r "$requirements" >>"$piplog" 2>&1 || { tail -n 20 "$piplog" >&2; die "pip install failed"; }
  cp "$requirements" "$stamp"
  log "venv ready in $(elapsed "$t0") s"
  exec 8>&-
}

venv_current() { [[ -x $1/bin/$2 && -f $3 ]] && cmp -s "$3" "$4"; }
