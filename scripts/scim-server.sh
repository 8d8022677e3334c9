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

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
svc_init scim "$@"
readonly VENV=${ESNCTL_VENV:-$ROOT/target/venv}
readonly REQUIREMENTS=$ROOT/scripts/scim-server-requirements.txt

# The command line must name the port in our port file: a recycled PID is never ours.
running_pid() {
  [[ -s $dir/port ]] || return 1
  live_pid "$dir/pid" -E "scim2-server .*--port $(<"$dir/port")( |$)"
}

stop_instance() { stop_server 10 server "$dir/pid"; }

launch_server() {
  free_port && port=$REPLY
  echo "$port" >"$dir/port"
  # setsid: own session, immune to the caller's Ctrl-C / process-group kill. The console
  # script execs python, so $! is the server itself. fd 9 (our lock) must not leak.
  setsid "$VENV/bin/scim2-server" --hostname 127.0.0.1 --port "$port" --bearer-token "$token" \
    </dev/null >>"$dir/server.log" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$dir/pid"
}

server_answers() { http_ok "$port" /v2/ServiceProviderConfig "$token"; }

start_instance() {
  local pid port token t0=$EPOCHREALTIME
  if is_up; then
    cat "$dir/env"
    return 0
  fi
  ensure_venv "$VENV" "$REQUIREMENTS" scim2-server
  stop_instance
  mkdir -p "$dir"
  chmod 700 "$dir"

  token=$(random_hex 24)
  start_server scim2-server 30 "$dir/server.log"
  # ServiceProviderConfig is public: a stranger's server on a raced port is not taken for
  # ours unless /v2/Users wants our token.
  if [[ $(http_status "$port" /v2/Users) != 401 ]] || ! http_ok "$port" /v2/Users "$token"; then
    kill -TERM "$pid" 2>/dev/null || true
    die "server on port $port: /v2/Users not 401 without the token, 200 with it"
  fi

  publish_env "$pid" "http://127.0.0.1:$port" "$t0" "$dir/server.log" <<EOF
SCIM_URL=http://127.0.0.1:$port
SCIM_TOKEN=$token
SCIM_PID=$pid
EOF
}

svc_main 300
