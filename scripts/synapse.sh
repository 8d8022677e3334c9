#!/usr/bin/env bash
# Matrix Synapse test homeserver (PyPI matrix-synapse, SQLite) for esnctl's integration tests.
#
#   scripts/synapse.sh start [NAME]   create target/venv-synapse and install the pinned Synapse
#                                     if needed, create a fresh homeserver, start it, create an
#                                     admin, print the env lines (idempotent: when it is
#                                     already running, only prints them)
#   scripts/synapse.sh stop [NAME]    SIGTERM, SIGKILL after 20 s
#   scripts/synapse.sh env [NAME]     print the env lines of a running server (exit 1 if none)
#   scripts/synapse.sh status [NAME]  exit 0 if running, 1 if not
#
# NAME defaults to "test"; everything lives in target/services/synapse-NAME/ (homeserver.yaml
# as generated, overrides.yaml with our settings, appservice.yaml, data/ with the SQLite
# database, homeserver.log, env). Every start wipes the data: tests begin from an empty server.
#
# The server is named "localhost" and listens on 127.0.0.1 (free port). Every rc_* rate limit
# is raised far above what tests do, except with RC_MESSAGE_LOW=1 at start: rc_message is
# then 1 message/s with a burst of 3, to provoke 429 M_LIMIT_EXCEEDED on purpose. An
# application service is registered (users namespace @.*:localhost, not exclusive,
# rate_limited: false, url: null: nothing is pushed to it).
#
# Env lines (stdout and target/services/synapse-NAME/env, plain KEY=VALUE):
#   MATRIX_URL=http://127.0.0.1:PORT   MATRIX_SERVER_NAME=localhost
#   MATRIX_ADMIN_USER=@esnctl-admin:localhost   MATRIX_ADMIN_TOKEN=<access token>
#   MATRIX_AS_TOKEN=<application service token>   MATRIX_PID=<server pid>
# Use:  set -a; eval "$(scripts/synapse.sh start)"; set +a
#       export ESNCTL_MATRIX_TOKEN=$MATRIX_ADMIN_TOKEN ESNCTL_MATRIX_AS_TOKEN=$MATRIX_AS_TOKEN
#
# For benchmarks, Synapse as production runs it (both knobs at start):
# - SYNAPSE_DATABASE=postgres: PostgreSQL (a private server from scripts/postgres.sh,
#   instance synapse-NAME, stopped with it) instead of SQLite;
# - SYNAPSE_WORKERS=N: N event-persister workers beside the main process, with a private
#   Redis (scripts/redis.sh); implies PostgreSQL. See scripts/synapse-workers.sh.
#
# - SYNAPSE_EVENT_CREATORS=1 (with workers): the workers also create the events sent to
#   rooms, behind a private nginx that routes them (MATRIX_URL is nginx's).
#
# Knobs: RC_MESSAGE_LOW=1, SYNAPSE_DATABASE=sqlite|postgres, SYNAPSE_WORKERS=N,
# SYNAPSE_EVENT_CREATORS=0|1,
# ESNCTL_SYNAPSE_VENV (default <repo>/target/venv-synapse),
# ESNCTL_SERVICES_DIR (default <repo>/target/services).
# Versions: scripts/synapse-requirements.txt.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
svc_init synapse "$@"
readonly VENV=${ESNCTL_SYNAPSE_VENV:-$ROOT/target/venv-synapse}
readonly REQUIREMENTS=$ROOT/scripts/synapse-requirements.txt
readonly SERVER_NAME=localhost
readonly ADMIN_LOCALPART=esnctl-admin
readonly WORKERS=${SYNAPSE_WORKERS:-0}
[[ $WORKERS =~ ^[0-9]$ ]] || die "SYNAPSE_WORKERS must be 0 to 9, not '$WORKERS'"
if ((WORKERS > 0)); then SYNAPSE_DATABASE=postgres; fi
readonly CREATORS=${SYNAPSE_EVENT_CREATORS:-0}
[[ $CREATORS == 0 || $CREATORS == 1 ]] || die "SYNAPSE_EVENT_CREATORS must be 0 or 1"
((CREATORS == 0 || WORKERS > 0)) || die "SYNAPSE_EVENT_CREATORS=1 needs SYNAPSE_WORKERS=N"
readonly DATABASE=${SYNAPSE_DATABASE:-sqlite}
[[ $DATABASE == sqlite || $DATABASE == postgres ]] \
  || die "SYNAPSE_DATABASE must be sqlite or postgres, not '$DATABASE'"
readonly PG_INSTANCE=synapse-$name
# shellcheck source-path=SCRIPTDIR source=synapse-workers.sh
. "$ROOT/scripts/synapse-workers.sh"

# --- server -----------------------------------------------------------------------------

# Alive and started from this instance's config.
running_pid() { live_pid "$dir/pid" -F "$dir/overrides.yaml"; }

stop_instance() {
  stop_workers
  stop_server 20 server "$dir/pid"
  if [[ -d $SERVICES_DIR/postgres-$PG_INSTANCE ]]; then
    "$ROOT/scripts/postgres.sh" stop "$PG_INSTANCE" 2>/dev/null
  fi
}

# Starts the private PostgreSQL and creates an empty `synapse` database there (encoding
# UTF8, collation C, as Synapse requires); sets PG_HOST, PG_PORT.
start_postgres() {
  local env bin
  env=$("$ROOT/scripts/postgres.sh" start "$PG_INSTANCE") || die "PostgreSQL did not start"
  PG_HOST=$(sed -n 's/^PG_HOST=//p' <<<"$env")
  PG_PORT=$(sed -n 's/^PG_PORT=//p' <<<"$env")
  bin=$(sed -n 's/^PG_BIN=//p' <<<"$env")
  "$bin/createdb" -h "$PG_HOST" -p "$PG_PORT" -U postgres -E UTF8 --locale=C \
    -T template0 synapse || die "createdb synapse failed"
}

# The `database:` section of the overrides.
database_config() {
  if [[ $DATABASE == postgres ]]; then
    cat <<EOF
database:
  name: psycopg2
  args:
    user: postgres
    dbname: synapse
    host: $PG_HOST
    port: $PG_PORT
    cp_min: 5
    cp_max: 10
EOF
  else
    cat <<EOF
database:
  name: sqlite3
  args:
    database: $dir/data/homeserver.db
EOF
  fi
}

# Every client-facing rate limit, raised (or rc_message lowered on purpose).
rate_limits() {
  local high='{per_second: 10000, burst_count: 100000}' msg
  msg=$high
  [[ ${RC_MESSAGE_LOW:-} == 1 ]] && msg='{per_second: 1, burst_count: 3}'
  cat <<EOF
rc_message: $msg
rc_registration: $high
rc_registration_token_validity: $high
rc_login:
  address: $high
  account: $high
  failed_attempts: $high
rc_admin_redaction: $high
rc_joins:
  local: $high
  remote: $high
rc_joins_per_room: $high
rc_3pid_validation: $high
rc_invites:
  per_room: $high
  per_user: $high
  per_issuer: $high
rc_third_party_invite: $high
rc_media_create: $high
rc_room_creation: $high
rc_reports: $high
rc_delayed_event_mgmt: $high
rc_presence:
  per_user: $high
rc_federation:
  window_size: 1000
  sleep_limit: 10000
  sleep_delay: 0
  reject_limit: 10000
  concurrent: 100
EOF
}

# A fresh homeserver: generated config (keys, secrets), then our overrides in a second
# file (a later -c replaces whole top-level keys, and the generated file ends without a
# newline, so nothing is appended to it).
configure() {
  local port=$1 as_token hs_token
  rm -rf "$dir/data" "$dir/homeserver.yaml" "$dir"/*.signing.key "$dir"/*.log.config
  mkdir -p "$dir/data"
  "$VENV/bin/python" -m synapse.app.homeserver --server-name "$SERVER_NAME" \
    --config-path "$dir/homeserver.yaml" --data-directory "$dir/data" \
    --generate-config --report-stats=no >>"$dir/generate.log" 2>&1 \
    || { tail -n 20 "$dir/generate.log" >&2; die "synapse --generate-config failed"; }
  # The generated log config writes homeserver.log into the caller's working directory.
  sed -i "s|^\( *filename:\).*|\1 $dir/homeserver.log|" "$dir/$SERVER_NAME.log.config"
  as_token=$(random_hex 24)
  hs_token=$(random_hex 24)
  cat >"$dir/appservice.yaml" <<EOF
id: esnctl
url: null
as_token: "$as_token"
hs_token: "$hs_token"
sender_localpart: esnctl-bridge
rate_limited: false
namespaces:
  users:
    - exclusive: false
      regex: "@.*:$SERVER_NAME"
  aliases: []
  rooms: []
EOF
  {
    cat <<EOF
listeners:
  - port: $port
    bind_addresses: ['127.0.0.1']
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
$( ((WORKERS == 0)) || replication_listener)
media_store_path: $dir/data/media_store
trusted_key_servers: []
suppress_key_server_warning: true
report_stats: false
enable_registration: false
presence:
  enabled: false
# Synapse's default lets nobody publish rooms to the directory; public and private
# communities are listed there.
room_list_publication_rules:
  - action: allow
app_service_config_files:
  - $dir/appservice.yaml
# A fresh database's background updates run back to back (start waits for them).
background_updates:
  sleep_enabled: false
EOF
    database_config
    ((WORKERS == 0)) || workers_config
    rate_limits
  } >"$dir/overrides.yaml"
  chmod 600 "$dir/appservice.yaml" "$dir/overrides.yaml" "$dir/homeserver.yaml"
  echo "$as_token"
}

# Creates the admin with register_new_matrix_user (shared secret from the generated
# config), logs in and prints its access token. The password never reaches argv.
create_admin() {
  local url=$1 password
  password=$(random_hex 16)
  printf '%s\n%s\n' "$password" "$password" >"$dir/.admin-password"
  chmod 600 "$dir/.admin-password"
  # register_new_matrix_user's own function: the command would want the password on argv
  # (-p) or prompt for it on the terminal.
  "$VENV/bin/python" - "$url" "$dir/homeserver.yaml" "$ADMIN_LOCALPART" "$dir/.admin-password" <<'PY' >>"$dir/generate.log" 2>&1 \
    || { tail -n 20 "$dir/generate.log" >&2; die "register_new_matrix_user failed"; }
import sys, yaml
from synapse._scripts.register_new_matrix_user import request_registration
url, config, user, pwfile = sys.argv[1:]
secret = yaml.safe_load(open(config))["registration_shared_secret"]
password = open(pwfile).read().split("\n")[0]
request_registration(user, password, url, secret, admin=True, exit=sys.exit)
PY
  "$VENV/bin/python" - "$url" "$ADMIN_LOCALPART" "$dir/.admin-password" <<'PY'
import json, sys, urllib.request
url, user, pwfile = sys.argv[1:]
password = open(pwfile).read().split("\n")[0]
body = json.dumps({"type": "m.login.password",
                   "identifier": {"type": "m.id.user", "user": user},
                   "password": password}).encode()
req = urllib.request.Request(url + "/_matrix/client/v3/login", data=body,
                             headers={"Content-Type": "application/json"})
with urllib.request.urlopen(req, timeout=30) as r:
    print(json.load(r)["access_token"])
PY
}

# A fresh database has schema background updates queued (e.g. the unique index on
# profiles.full_user_id); until they have all run, some writes fail (reactivating a user
# answers 500 "ON CONFLICT clause does not match" on SQLite). Synapse starts them a few
# seconds after boot and the status API only shows the one running now (empty between
# updates), so the queue itself is polled: the background_updates table, read-only.
wait_background_updates() {
  "$VENV/bin/python" - "$DATABASE" "$dir/data/homeserver.db" "${PG_HOST:-}" "${PG_PORT:-}" <<'PY'
import sys, time
kind, db, pg_host, pg_port = sys.argv[1:]
if kind == "postgres":
    import psycopg2 as driver
    connect = lambda: driver.connect(dbname="synapse", user="postgres", host=pg_host, port=pg_port)
else:
    import sqlite3 as driver
    connect = lambda: driver.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    try:
        con = connect()
        try:
            cur = con.cursor()
            cur.execute("SELECT count(*) FROM background_updates")
            (left,) = cur.fetchone()
        finally:
            con.close()
        if left == 0:
            sys.exit(0)
    except driver.OperationalError:
        pass  # locked by a writer: ask again
    time.sleep(0.2)
sys.exit(1)
PY
}

launch_server() {
  free_port && port=$REPLY
  as_token=$(configure "$port")
  # setsid: own session, immune to the caller's Ctrl-C; exec'd python, so $! is Synapse.
  setsid "$VENV/bin/python" -m synapse.app.homeserver -c "$dir/homeserver.yaml" \
    -c "$dir/overrides.yaml" </dev/null >>"$dir/server.log" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$dir/pid"
}

server_answers() { http_ok "$port" /health; }

start_instance() {
  local pid port as_token admin_token url t0=$EPOCHREALTIME
  if is_up; then
    cat "$dir/env"
    return 0
  fi
  ensure_venv "$VENV" "$REQUIREMENTS" python
  stop_instance
  if [[ $DATABASE == postgres ]]; then
    ensure_venv "$VENV" "$ROOT/scripts/synapse-postgres-requirements.txt" python
    start_postgres
  fi
  ((WORKERS == 0)) || prepare_workers
  mkdir -p "$dir"
  chmod 700 "$dir"
  : >"$dir/generate.log"

  # Synapse reports a bind failure in either log.
  start_server synapse 90 "$dir/server.log" "$dir/homeserver.log"
  ((WORKERS == 0)) || start_workers

  url=http://127.0.0.1:$port
  if ((CREATORS)); then
    start_front "$port"
    url=$FRONT_URL
  fi
  admin_token=$(create_admin "$url") || die "could not log the admin in"
  rm -f "$dir/.admin-password"
  wait_background_updates \
    || die "database background updates did not finish in 120 s"
  publish_env "$pid" "$url" "$t0" "$dir/homeserver.log" <<EOF
MATRIX_URL=$url
MATRIX_SERVER_NAME=$SERVER_NAME
MATRIX_ADMIN_USER=@$ADMIN_LOCALPART:$SERVER_NAME
MATRIX_ADMIN_TOKEN=$admin_token
MATRIX_AS_TOKEN=$as_token
MATRIX_PID=$pid
EOF
}

svc_main 600
