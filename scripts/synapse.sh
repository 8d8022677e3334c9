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
# Knobs: RC_MESSAGE_LOW=1, ESNCTL_SYNAPSE_VENV (default <repo>/target/venv-synapse),
# ESNCTL_SERVICES_DIR (default <repo>/target/services).
# Versions: scripts/synapse-requirements.txt.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
readonly ROOT
readonly SERVICES_DIR=${ESNCTL_SERVICES_DIR:-$ROOT/target/services}
readonly VENV=${ESNCTL_SYNAPSE_VENV:-$ROOT/target/venv-synapse}
readonly REQUIREMENTS=$ROOT/scripts/synapse-requirements.txt
readonly SERVER_NAME=localhost
readonly ADMIN_LOCALPART=esnctl-admin

cmd=${1:-}
name=${2:-test}
[[ $name =~ ^[A-Za-z0-9_.-]+$ ]] || { echo "synapse.sh: bad NAME '$name'" >&2; exit 2; }
dir=$SERVICES_DIR/synapse-$name

log() { printf 'synapse.sh[%s]: %s\n' "$name" "$*" >&2; }
die() { log "error: $*"; exit 1; }
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

ensure_venv() {
  local stamp=$VENV/.synapse-requirements
  if [[ -x $VENV/bin/python && -f $stamp ]] && cmp -s "$stamp" "$REQUIREMENTS"; then
    return 0
  fi
  mkdir -p "$(dirname "$VENV")" "$SERVICES_DIR"
  # Parallel starts of several instances: one pip at a time.
  exec 8>"$VENV.lock"
  flock -w 900 8 || die "timed out waiting for $VENV.lock"
  if [[ -x $VENV/bin/python && -f $stamp ]] && cmp -s "$stamp" "$REQUIREMENTS"; then
    exec 8>&-
    return 0
  fi
  local t0=$EPOCHREALTIME piplog=$SERVICES_DIR/pip-install-synapse.log py
  if [[ ! -x $VENV/bin/python ]]; then
    py=$(command -v python3) || die "python3 is needed (apt-get install python3 python3-venv)"
    "$py" -m venv "$VENV" >>"$piplog" 2>&1 \
      || { rm -rf "$VENV"; tail -n 20 "$piplog" >&2; die "python3 -m venv failed (apt-get install python3-venv)"; }
  fi
  log "installing matrix-synapse into $VENV (log: $piplog)"
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q \
    -r "$REQUIREMENTS" >>"$piplog" 2>&1 || { tail -n 20 "$piplog" >&2; die "pip install failed"; }
  cp "$REQUIREMENTS" "$stamp"
  log "venv ready in $(elapsed "$t0") s"
  exec 8>&-
}

# --- server -----------------------------------------------------------------------------

# PID of this instance's server if alive and started from this instance's config.
running_pid() {
  local pid
  [[ -s $dir/pid ]] || return 1
  pid=$(<"$dir/pid")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir/overrides.yaml" || return 1
  echo "$pid"
}

stop_instance() {
  local pid i
  if ! pid=$(running_pid); then
    rm -f "$dir/env" "$dir/pid"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    alive "$pid" || break
    sleep 0.1
  done
  if alive "$pid"; then
    log "server $pid ignored SIGTERM for 20 s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/env" "$dir/pid"
  log "stopped (pid $pid)"
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
  as_token=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(24))')
  hs_token=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(24))')
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
database:
  name: sqlite3
  args:
    database: $dir/data/homeserver.db
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
    rate_limits
  } >"$dir/overrides.yaml"
  chmod 600 "$dir/appservice.yaml" "$dir/overrides.yaml" "$dir/homeserver.yaml"
  echo "$as_token"
}

# Waits for GET /health; exit 0 ready, 1 timed out, 2 the process died.
wait_health() {
  "$VENV/bin/python" - "$1" "$2" <<'PY'
import sys, time, urllib.request
port, pid = sys.argv[1], int(sys.argv[2])
deadline = time.monotonic() + 90
while time.monotonic() < deadline:
    try:
        with open(f"/proc/{pid}/stat") as f:
            if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                sys.exit(2)
    except FileNotFoundError:
        sys.exit(2)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
PY
}

# Creates the admin with register_new_matrix_user (shared secret from the generated
# config), logs in and prints its access token. The password never reaches argv.
create_admin() {
  local url=$1 password
  password=$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(16))')
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
  "$VENV/bin/python" - "$dir/data/homeserver.db" <<'PY'
import sqlite3, sys, time
db = sys.argv[1]
deadline = time.monotonic() + 120
while time.monotonic() < deadline:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            (left,) = con.execute("SELECT count(*) FROM background_updates").fetchone()
        finally:
            con.close()
        if left == 0:
            sys.exit(0)
    except sqlite3.OperationalError:
        pass  # locked by a writer: ask again
    time.sleep(0.2)
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
  : >"$dir/generate.log"

  local attempt port rc as_token admin_token url
  for ((attempt = 1; attempt <= 5; attempt++)); do
    port=$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_token=$(configure "$port")
    : >"$dir/server.log"
    # setsid: own session, immune to the caller's Ctrl-C; exec'd python, so $! is Synapse.
    setsid "$VENV/bin/python" -m synapse.app.homeserver -c "$dir/homeserver.yaml" \
      -c "$dir/overrides.yaml" </dev/null >>"$dir/server.log" 2>&1 9>&- &
    pid=$!
    echo "$pid" >"$dir/pid"
    rc=0
    wait_health "$port" "$pid" || rc=$?
    case $rc in
      0) break ;;
      2)
        wait "$pid" 2>/dev/null || true
        if grep -q 'Address already in use' "$dir/server.log" "$dir/homeserver.log" 2>/dev/null; then
          log "port taken (attempt $attempt), retrying"
          continue
        fi
        tail -n 30 "$dir/server.log" >&2
        die "synapse exited at start (see $dir/server.log and $dir/homeserver.log)"
        ;;
      *) kill -KILL "$pid" 2>/dev/null || true; die "synapse did not answer /health in 90 s" ;;
    esac
  done
  ((attempt <= 5)) || die "could not bind a port after 5 attempts"

  url=http://127.0.0.1:$port
  admin_token=$(create_admin "$url") || die "could not log the admin in"
  rm -f "$dir/.admin-password"
  wait_background_updates \
    || die "database background updates did not finish in 120 s"
  cat >"$dir/env.pending" <<EOF
MATRIX_URL=$url
MATRIX_SERVER_NAME=$SERVER_NAME
MATRIX_ADMIN_USER=@$ADMIN_LOCALPART:$SERVER_NAME
MATRIX_ADMIN_TOKEN=$admin_token
MATRIX_AS_TOKEN=$as_token
MATRIX_PID=$pid
EOF
  chmod 600 "$dir/env.pending"
  mv "$dir/env.pending" "$dir/env"
  log "started pid $pid on $url in $(elapsed "$t0") s (log: $dir/homeserver.log)"
  cat "$dir/env"
}

# --- main -------------------------------------------------------------------------------

case $cmd in
  start | stop | env | status) ;;
  *) usage ;;
esac
mkdir -p "$SERVICES_DIR"
exec 9>"$SERVICES_DIR/synapse-$name.lock"
flock -w 600 9 || die "another synapse.sh holds $SERVICES_DIR/synapse-$name.lock"

case $cmd in
  start) start_instance ;;
  stop) stop_instance ;;
  env)
    if ! running_pid >/dev/null || [[ ! -s $dir/env ]]; then
      die "not running (scripts/synapse.sh start $name)"
    fi
    cat "$dir/env"
    ;;
  status) running_pid >/dev/null ;;
esac
