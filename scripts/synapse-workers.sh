# shellcheck shell=bash
# Sourced by scripts/synapse.sh: Synapse with SYNAPSE_WORKERS=N event persisters, the way
# large deployments scale it (one Python process cannot use a second core). The main
# process keeps the client API and creates events; N `generic_worker`s persist them
# (`stream_writers: events`, rooms sharded among them). They talk over HTTP replication
# listeners on 127.0.0.1 and a private Redis (scripts/redis.sh, instance synapse-NAME).
# Workers need PostgreSQL. Each worker logs to worker-persisterI.log in the instance dir.
#
# SYNAPSE_EVENT_CREATORS=1 (with workers): the workers also create the events of
# `PUT /rooms/…/send/…`, behind a private nginx (Debian package) that routes those requests
# to them (by room, so one room's messages go to one worker) and everything else to the main
# process, as Synapse's worker documentation sets up a reverse proxy. MATRIX_URL is then
# nginx's. Without it the main process creates every event and, at one core, is the limit.
# Uses synapse.sh's (and lib.sh's) name, dir, WORKERS, CREATORS, VENV, SERVER_NAME.
# shellcheck disable=SC2154

readonly REDIS_INSTANCE=synapse-$name

# Ports and Redis for the overrides; sets REPLICATION_PORT, WORKER_PORTS, REDIS_PORT.
prepare_workers() {
  local env i
  env=$("$ROOT/scripts/redis.sh" start "$REDIS_INSTANCE") || die "Redis did not start"
  REDIS_PORT=$(sed -n 's/^REDIS_PORT=//p' <<<"$env")
  free_port && REPLICATION_PORT=$REPLY
  WORKER_PORTS=()
  for ((i = 1; i <= WORKERS; i++)); do
    free_port && WORKER_PORTS+=("$REPLY")
  done
  if ((CREATORS)); then
    apt_install nginx
    free_port && FRONT_PORT=$REPLY
  fi
}

# The main process's replication listener (an item of `listeners:`).
replication_listener() {
  cat <<EOF
  - port: $REPLICATION_PORT
    bind_addresses: ['127.0.0.1']
    type: http
    resources:
      - names: [replication]
EOF
}

# Top-level keys that make the main process hand events to the workers.
workers_config() {
  local i names=()
  echo "instance_map:"
  echo "  main: {host: 127.0.0.1, port: $REPLICATION_PORT}"
  for ((i = 1; i <= WORKERS; i++)); do
    echo "  persister$i: {host: 127.0.0.1, port: ${WORKER_PORTS[i - 1]}}"
    names+=("persister$i")
  done
  local IFS=,
  cat <<EOF
stream_writers:
  events: [${names[*]}]
redis:
  enabled: true
  host: 127.0.0.1
  port: $REDIS_PORT
EOF
}

# Starts the workers (the main process answers already) and waits until each serves.
start_workers() {
  local i worker wpid
  for ((i = 1; i <= WORKERS; i++)); do
    worker=persister$i
    sed "s|^\( *filename:\).*|\1 $dir/worker-$worker.log|" "$dir/$SERVER_NAME.log.config" \
      >"$dir/$worker.log.config"
    cat >"$dir/$worker.yaml" <<EOF
worker_app: synapse.app.generic_worker
worker_name: $worker
worker_log_config: $dir/$worker.log.config
worker_listeners:
  - type: http
    port: ${WORKER_PORTS[i - 1]}
    bind_addresses: ['127.0.0.1']
    resources:
      - names: [replication$( ((CREATORS)) && echo ", client")]
EOF
    setsid "$VENV/bin/python" -m synapse.app.generic_worker -c "$dir/homeserver.yaml" \
      -c "$dir/overrides.yaml" -c "$dir/$worker.yaml" </dev/null >>"$dir/$worker.out" 2>&1 9>&- &
    wpid=$!
    echo "$wpid" >"$dir/$worker.pid"
    local rc=0
    wait_ready 90 "$wpid" http_ok "${WORKER_PORTS[i - 1]}" /health || rc=$?
    ((rc == 0)) || { tail -n 20 "$dir/$worker.out" "$dir/worker-$worker.log" >&2; die "$worker did not start"; }
  done
  log "$WORKERS event persister(s) started"
}

stop_workers() {
  local f wpid i
  if wpid=$(live_pid "$dir/nginx.pid" -F "$dir/nginx.conf"); then
    kill -TERM "$wpid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do alive "$wpid" || break; sleep 0.1; done
    alive "$wpid" && kill -KILL "$wpid" 2>/dev/null
  fi
  rm -f "$dir/nginx.pid"
  for f in "$dir"/persister*.pid; do
    [[ -e $f ]] || continue
    if wpid=$(live_pid "$f" -F "$dir/overrides.yaml"); then
      kill -TERM "$wpid" 2>/dev/null || true
      for ((i = 0; i < 200; i++)); do alive "$wpid" || break; sleep 0.1; done
      alive "$wpid" && kill -KILL "$wpid" 2>/dev/null
    fi
    rm -f "$f"
  done
  if [[ -d $SERVICES_DIR/redis-$REDIS_INSTANCE ]]; then
    "$ROOT/scripts/redis.sh" stop "$REDIS_INSTANCE" 2>/dev/null
  fi
}

# Starts nginx in front of the main process (port $1) and the workers; sets FRONT_URL.
start_front() {
  local main_port=$1 i upstreams="" fpid rc=0
  for ((i = 1; i <= WORKERS; i++)); do
    upstreams+="    server 127.0.0.1:${WORKER_PORTS[i - 1]};"$'\n'
  done
  mkdir -p "$dir/nginx-tmp"
  cat >"$dir/nginx.conf" <<EOF
# Written by scripts/synapse-workers.sh (SYNAPSE_EVENT_CREATORS=1).
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_max_body_size 100m;
  client_body_temp_path $dir/nginx-tmp/body;
  proxy_temp_path $dir/nginx-tmp/proxy;
  fastcgi_temp_path $dir/nginx-tmp/fastcgi;
  uwsgi_temp_path $dir/nginx-tmp/uwsgi;
  scgi_temp_path $dir/nginx-tmp/scgi;
  map \$uri \$room {
    "~^/_matrix/client/(api/v1|r0|v3|unstable)/rooms/(?<r>[^/]+)/send/" \$r;
    default "";
  }
  upstream synapse_main {
    server 127.0.0.1:$main_port;
    keepalive 64;
  }
  upstream synapse_creators {
    hash \$room;
$upstreams    keepalive 64;
  }
  server {
    listen 127.0.0.1:$FRONT_PORT;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_set_header Host \$host;
    proxy_set_header X-Forwarded-For \$remote_addr;
    proxy_read_timeout 600s;
    location ~ ^/_matrix/client/(api/v1|r0|v3|unstable)/rooms/[^/]+/send/ {
      proxy_pass http://synapse_creators;
    }
    location / {
      proxy_pass http://synapse_main;
    }
  }
}
EOF
  setsid nginx -c "$dir/nginx.conf" </dev/null >>"$dir/nginx.out" 2>&1 9>&- &
  fpid=$!
  wait_ready 30 "$fpid" http_ok "$FRONT_PORT" /health || rc=$?
  ((rc == 0)) || { tail -n 20 "$dir/nginx.out" "$dir/nginx-error.log" >&2; die "nginx did not start"; }
  FRONT_URL=http://127.0.0.1:$FRONT_PORT
  log "nginx routes event sends to the workers on $FRONT_URL"
}
