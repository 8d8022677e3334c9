#!/usr/bin/env bash
# A private PostgreSQL server (Debian's postgresql package) for esnctl's benchmarks, e.g.
# a Synapse on PostgreSQL as production runs it (scripts/synapse.sh, SYNAPSE_DATABASE=postgres).
#
#   scripts/postgres.sh start [NAME]   install the package if needed, create a fresh cluster,
#                                      start it, print the env lines (idempotent: when it is
#                                      already running, only prints them)
#   scripts/postgres.sh stop [NAME]    fast shutdown (SIGINT), SIGKILL after 20 s
#   scripts/postgres.sh env [NAME]     print the env lines of a running server (exit 1 if none)
#   scripts/postgres.sh status [NAME]  exit 0 if running, 1 if not
#
# NAME defaults to "test"; everything lives in target/services/postgres-NAME/ (data/, the
# socket, postgres.log). The server runs as the `postgres` system user (PostgreSQL refuses
# root), listens on 127.0.0.1 (free port) and on a Unix socket in that directory, and trusts
# local connections: it holds nothing but benchmark data and only this machine reaches it.
# Every start wipes the data. The cluster is created with encoding UTF8 and locale C, which
# Synapse requires.
#
# Env lines (stdout and target/services/postgres-NAME/env, plain KEY=VALUE):
#   PG_HOST=<socket directory>   PG_PORT=<port>   PG_USER=postgres   PG_PID=<server pid>
#   PG_BIN=<directory of psql, createdb, ...>
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
svc_init postgres "$@"

pg_bin() {
  local d
  d=$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d 2>/dev/null | sort -V | tail -n 1)
  [[ -n $d ]] || die "no PostgreSQL under /usr/lib/postgresql"
  echo "$d"
}

as_postgres() { runuser -u postgres -- "$@"; }

running_pid() { live_pid "$dir/pid" -F "$dir/data"; }

stop_instance() {
  # SIGINT is PostgreSQL's fast shutdown; stop_server sends SIGTERM (smart shutdown, which
  # waits for clients): signal first so both end the same way.
  local pid
  if pid=$(running_pid); then kill -INT "$pid" 2>/dev/null || true; fi
  stop_server 20 postgres "$dir/pid"
}

launch_server() {
  free_port && port=$REPLY
  setsid runuser -u postgres -- "$bin/postgres" -D "$dir/data" -p "$port" \
    -c listen_addresses=127.0.0.1 -c unix_socket_directories="$dir" \
    </dev/null >>"$dir/postgres.log" 2>&1 9>&- &
  # runuser forks: the server is its child.
  local i
  for ((i = 0; i < 50; i++)); do
    pid=$(pgrep -P $! -x postgres || true)
    [[ -n $pid ]] && break
    sleep 0.1
  done
  [[ -n $pid ]] || pid=$!
  echo "$pid" >"$dir/pid"
}

server_answers() { "$bin/pg_isready" -q -h "$dir" -p "$port"; }

start_instance() {
  local pid port bin t0=$EPOCHREALTIME
  if is_up; then
    cat "$dir/env"
    return 0
  fi
  apt_install postgresql
  bin=$(pg_bin)
  stop_instance
  rm -rf "$dir"
  mkdir -p "$dir"
  chown postgres: "$dir"
  chmod 700 "$dir"
  # The server user must be able to reach its directory.
  local up=$dir
  while up=$(dirname "$up") && [[ $up != / ]]; do chmod o+x "$up"; done
  as_postgres "$bin/initdb" -D "$dir/data" -E UTF8 --locale=C -A trust -U postgres \
    >"$dir/initdb.log" 2>&1 || { tail -n 20 "$dir/initdb.log" >&2; die "initdb failed"; }
  start_server postgres 60 "$dir/postgres.log"
  publish_env "$pid" "127.0.0.1:$port" "$t0" "$dir/postgres.log" <<EOF
PG_HOST=$dir
PG_PORT=$port
PG_USER=postgres
PG_PID=$pid
PG_BIN=$bin
EOF
}

svc_main 300
