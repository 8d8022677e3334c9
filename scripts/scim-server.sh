#!/usr/bin/env bash
# SCIM 2.0 test server (PyPI scim2-server, in memory) for esnctl's integration tests.
#
#   scripts/scim-server.sh start [NAME]   create target/venv and install the pinned
#                                         scim2-server if needed, start a server, print its
#                                         env lines (idempotent: when it is already running,
#                                         only prints them)
#   scripts/scim-server.sh stop [NAME]    SIGTERM (SIGINT is ignored), SIGKILL after 10 s
#   scripts/scim-server.sh env [NAME]     print the env lines of a running server (exit 1 if none)
#   scripts/scim-server.sh status [NAME]  exit 0 if running, 1 if not
#
# NAME defaults to "test"; state lives in target/services/scim-NAME/ (server.log, env).
# The server keeps everything in memory: every start begins empty, with a new token.
# It serves the same API under / and /v2.
#
# Env lines (stdout and target/services/scim-NAME/env, plain KEY=VALUE):
#   SCIM_URL=http://127.0.0.1:PORT  SCIM_TOKEN=<bearer token>  SCIM_PID=<server pid>
# Use:  set -a; eval "$(scripts/scim-server.sh start)"; set +a   (set -a: exported to children)
#   or  set -a; . target/services/scim-test/env; set +a
#
# Knobs: ESNCTL_VENV (default <repo>/target/venv), ESNCTL_SERVICES_DIR (default
# <repo>/target/services). Versions: scripts/scim-server-requirements.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
readonly SERVICES_DIR=${ESNCTL_SERVICES_DIR:-$ROOT/target/services}
readonly VENV=${ESNCTL_VENV:-$ROOT/target/venv}
readonly REQUIREMENTS=$ROOT/scripts/scim-server-requirements.txt

cmd=${1:-}
name=${2:-test}
[[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "scim-server.sh: bad NAME '$name'" >&2; exit 2; }
dir=$SERVICES_DIR/scim-$name

log() { printf 'scim-server.sh[%s]: %s\n' "$name" "$*" >&2; }
die() { log "error: $*"; exit 1; }
# Alive and not a zombie: a stopped server we no longer parent waits as a zombie until
# PID 1 reaps it, which can take a second, and kill -0 still succeeds on it.
alive() {
  local st
  { read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
  st=${st##*) }
  [[ ${st:0:1} != Z ]]
}
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'; }

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# --- venv -------------------------------------------------------------------------------

apt_install() { # last resort on a bare Debian: no python3, or no ensurepip for venvs
  [[ $EUID -eq 0 ]] || die "cannot create a venv and not root to apt-get install $*"
  local aptlog=$SERVICES_DIR/apt-install.log
  local apt=(apt-get -o DPkg::Lock::Timeout=600 -y)
  log "installing $* (log: $aptlog)"
  if ! DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "$@" >>"$aptlog" 2>&1; then
    "${apt[@]}" update >>"$aptlog" 2>&1 || true
    DEBIAN_FRONTEND=noninteractive "${apt[@]}" install --no-install-recommends "$@" >>"$aptlog" 2>&1 \
      || { tail -n 20 "$aptlog" >&2; die "apt-get install $* failed"; }
  fi
}

ensure_venv() {
  local stamp=$VENV/.scim-server-requirements
  # Fast path without the lock: installed from this very requirements file.
  if [[ -x $VENV/bin/scim2-server && -f $stamp ]] && cmp -s "$stamp" "$REQUIREMENTS"; then
    return 0
  fi
  mkdir -p "$(dirname "$VENV")" "$SERVICES_DIR"
  # Parallel starts (and other scripts sharing target/venv): one pip at a time.
  exec 8>"$VENV.lock"
  flock -w 600 8 || die "timed out waiting for $VENV.lock"
  if [[ -x $VENV/bin/scim2-server && -f $stamp ]] && cmp -s "$stamp" "$REQUIREMENTS"; then
    exec 8>&-
    return 0
  fi
  local t0=$EPOCHREALTIME piplog=$SERVICES_DIR/pip-install.log
  if [[ ! -x $VENV/bin/python ]]; then
    local py
    py=$(command -v python3 || true)
    [[ -n $py ]] || { apt_install python3 python3-venv; py=/usr/bin/python3; }
    if ! "$py" -m venv "$VENV" >>"$piplog" 2>&1; then
      # Debian's python3 needs python3-venv (ensurepip) to create venvs.
      rm -rf "$VENV"
      apt_install python3-venv
      "$py" -m venv "$VENV" >>"$piplog" 2>&1 || { tail -n 20 "$piplog" >&2; die "python3 -m venv failed"; }
    fi
  fi
  log "installing scim2-server into $VENV (log: $piplog)"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q \
    -r "$REQUIREMENTS" >>"$piplog" 2>&1 || { tail -n 20 "$piplog" >&2; die "pip install failed"; }
  cp "$REQUIREMENTS" "$stamp"
  log "venv ready in $(elapsed "$t0") s"
  exec 8>&-
}

# --- server -----------------------------------------------------------------------------

# PID of this instance's server if alive; the command line must name our port file's port
# so a recycled PID is never taken for ours.
running_pid() {
  local pid port
  [[ -s $dir/pid && -s $dir/port ]] || return 1
  pid=$(<"$dir/pid") port=$(<"$dir/port")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE -- "scim2-server .*--port $port( |$)" || return 1
  echo "$pid"
}

stop_instance() {
  local pid i
  if ! pid=$(running_pid); then
    rm -f "$dir/env" "$dir/pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "server $pid ignored SIGTERM for 10 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/env" "$dir/pid"
  log "stopped (pid $pid)"
}

# Waits until GET /v2/ServiceProviderConfig answers 200 with the token, then checks that
# /v2/Users wants that token (ServiceProviderConfig is public): a stranger's server on a
# raced port is not taken for ours.
# Exit: 0 ready, 1 timed out, 2 the process died.
wait_ready() {
  "$VENV/bin/python" - "$1" "$2" "$3" <<'PY'
import os, sys, time, urllib.request, urllib.error
port, token, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = f"http://127.0.0.1:{port}/v2"
auth = {"Authorization": f"Bearer {token}"}
def status(path, headers):
    url = base + path
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=2) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    try:  # dead, or a zombie not yet reaped
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                sys.exit(2)
    except FileNotFoundError:
        sys.exit(2)
    if status("/ServiceProviderConfig", auth) == 200:
        ok = status("/Users", {}) == 401 and status("/Users", auth) == 200
        sys.exit(0 if ok else 3)
    time.sleep(0.1)
sys.exit(1)
PY
}

start_instance() {
  local pid t0=$EPOCHREALTIME
  if pid=$(running_pid) && [[ -s $dir/env ]]; then
    cat "$dir/env"
    return 0
  fi
  ensure_venv
  stop_instance
  mkdir -p "$dir"
  chmod 700 "$dir"

  local token attempt port rc
  token=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(24))')
  for ((attempt = 1; attempt <= 5; attempt++)); do
    # Kernel-chosen free port; a race with another process is caught below and retried.
    port=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    echo "$port" >"$dir/port"
    : >"$dir/server.log"
    # setsid: own session, immune to the caller's Ctrl-C / process-group kill. The console
    # script execs python, so $! is the server itself. fd 9 (our lock) must not leak.
    setsid "$VENV/bin/scim2-server" --hostname 127.0.0.1 --port "$port" --bearer-token "$token" \
      </dev/null >>"$dir/server.log" 2>&1 9>&- &
    pid=$!
    echo "$pid" >"$dir/pid"
    rc=0
    wait_ready "$port" "$token" "$pid" || rc=$?
    case $rc in
      0) break ;;
      2)
        wait "$pid" 2>/dev/null || true
        if grep -q 'Address already in use' "$dir/server.log"; then
          log "port taken (attempt $attempt), retrying"
          continue
        fi
        tail -n 20 "$dir/server.log" >&2
        die "scim2-server exited at start (see $dir/server.log)"
        ;;
      3) kill -TERM "$pid" 2>/dev/null || true; die "server on port $port: /v2/Users not 401 without the token, 200 with it" ;;
      *) kill -KILL "$pid" 2>/dev/null || true; die "scim2-server did not answer in 30 s (see $dir/server.log)" ;;
    esac
  done
  ((attempt <= 5)) || die "could not bind a port after 5 attempts"

  cat >"$dir/env.pending" <<EOF
SCIM_URL=http://127.0.0.1:$port
SCIM_TOKEN=$token
SCIM_PID=$pid
EOF
  chmod 600 "$dir/env.pending"
  mv "$dir/env.pending" "$dir/env"
  log "started pid $pid on http://127.0.0.1:$port in $(elapsed "$t0") s (log: $dir/server.log)"
  cat "$dir/env"
}

# --- main -------------------------------------------------------------------------------

case $cmd in
  start | stop | env | status) ;;
  *) usage ;;
esac
mkdir -p "$SERVICES_DIR"
# One operation per instance at a time; different NAMEs run in parallel.
exec 9>"$SERVICES_DIR/scim-$name.lock"
flock -w 300 9 || die "another scim-server.sh holds $SERVICES_DIR/scim-$name.lock"

case $cmd in
  start) start_instance ;;
  stop) stop_instance ;;
  env)
    if ! running_pid >/dev/null || [[ ! -s $dir/env ]]; then
      die "not running (scripts/scim-server.sh start $name)"
    fi
    cat "$dir/env"
    ;;
  status) running_pid >/dev/null ;;
esac
