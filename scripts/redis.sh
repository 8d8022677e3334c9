#!/usr/bin/env bash
# A private Redis server (Debian's redis-server package) for esnctl's benchmarks: Synapse's
# workers talk to each other through it (scripts/synapse.sh, SYNAPSE_WORKERS=N).
#
#   scripts/redis.sh start [NAME]   install the package if needed, start a fresh server, print
#                                   the env lines (idempotent: when it is already running,
#                                   only prints them)
#   scripts/redis.sh stop [NAME]    SIGTERM, SIGKILL after 20 s
#   scripts/redis.sh env [NAME]     print the env lines of a running server (exit 1 if none)
#   scripts/redis.sh status [NAME]  exit 0 if running, 1 if not
#
# NAME defaults to "test"; everything lives in target/services/redis-NAME/ (redis.log). The
# server listens on 127.0.0.1 (free port), keeps nothing on disk and has no password: only
# this machine reaches it and it holds nothing but Synapse's replication messages.
#
# Env lines (stdout and target/services/redis-NAME/env, plain KEY=VALUE):
#   REDIS_PORT=<port>   REDIS_PID=<server pid>
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
svc_init redis "$@"

running_pid() { live_pid "$dir/pid" -F "redis-server 127.0.0.1:"; }

stop_instance() { stop_server 20 redis "$dir/pid"; }

launch_server() {
  free_port && port=$REPLY
  setsid redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
    --daemonize no --dir "$dir" </dev/null >>"$dir/redis.log" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$dir/pid"
}

server_answers() { redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; }

start_instance() {
  local pid port t0=$EPOCHREALTIME
  if is_up; then
    cat "$dir/env"
    return 0
  fi
  apt_install redis-server
  stop_instance
  mkdir -p "$dir"
  chmod 700 "$dir"
  start_server redis 30 "$dir/redis.log"
  publish_env "$pid" "127.0.0.1:$port" "$t0" "$dir/redis.log" <<EOF
REDIS_PORT=$port
REDIS_PID=$pid
EOF
}

svc_main 300
