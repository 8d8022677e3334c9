#!/usr/bin/env bash
# Benchmark (issue 5): import messages from a bundle into a real Synapse through the
# application service, as esnctl does it (one ordered lane per room, --concurrency lanes
# at once) and, in the same run against the same server, as a single sequential sender
# (esnctl --concurrency 1: one request at a time, same code path, same message shapes).
#
#   bench/matrix-import.sh [PER_ROOM] [BASELINE_PER_ROOM]    default: 1000 100
#   CONCURRENCY=20 (esnctl's lanes: one per room)
#   SYNAPSE_WORKERS=N, SYNAPSE_DATABASE=postgres, SYNAPSE_EVENT_CREATORS=1: the server as
#   production runs it (see scripts/synapse.sh); the default is the test server (one
#   process, SQLite)
#
# 20 rooms: PER_ROOM x 20 messages for esnctl (20,000 by default), BASELINE_PER_ROOM x 20
# for the sequential baseline (smaller, as it is the slow one; both rates are steady-state
# per-message rates). 50 users, 10 members per room, every fifth message a thread reply.
# Users, spaces, rooms and memberships are created before the timed runs (untimed); each
# timed run still checks its users, communities and authors' memberships (the same
# overhead for both). Synapse is a fresh `scripts/synapse.sh` instance `bench-matrix`,
# whose rc_* limits are all raised (10,000/s, burst 100,000) and whose application service
# is not rate-limited, so limits are not what is measured.
#
# Reports messages/s, esnctl's CPU (user+sys from /usr/bin/time), Synapse's CPU (main
# process, workers and nginx, from /proc/PID/stat) and PostgreSQL's (its server processes alive at
# both ends of the run), each as a share of one core over the run's wall time. Targets: esnctl
# >= 3x the sequential baseline; esnctl under 10% of one core (Synapse is the bottleneck).
# Uses a release build (built here).
set -euo pipefail
cd "$(dirname "$0")/.."
per_room=${1:-1000}
base_per_room=${2:-100}
conc=${CONCURRENCY:-20}
instance=bench-matrix
# Absolute: esnctl runs inside it (cd), where its migration reports land.
work=$PWD/target/bench/matrix-import
rm -rf "$work"
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null

cargo build --release --quiet
bin=$PWD/target/release/esnctl

scripts/synapse.sh stop "$instance" >/dev/null 2>&1 || true
env=$(scripts/synapse.sh start "$instance")
trap 'scripts/synapse.sh stop "$instance" >/dev/null 2>&1 || true' EXIT
val() { sed -n "s/^$1=//p" <<<"$env"; }
url=$(val MATRIX_URL)
pid=$(val MATRIX_PID)
ESNCTL_MATRIX_TOKEN=$(val MATRIX_ADMIN_TOKEN)
ESNCTL_MATRIX_AS_TOKEN=$(val MATRIX_AS_TOKEN)
export ESNCTL_MATRIX_TOKEN ESNCTL_MATRIX_AS_TOKEN
dest="matrix+$url"

gen() { python3 bench/gen-matrix-bundle.py "$work/$1" --prefix "$2" "${@:3}" >/dev/null; }
gen setup-seq seq --no-posts
gen setup-par par --no-posts
gen posts-seq seq --messages-per-room "$base_per_room"
gen posts-par par --messages-per-room "$per_room"

for p in seq par; do
  (cd "$work" && "$bin" -q --no-progress content copy --from "bundle:$work/setup-$p" \
    --to "$dest" --state "$work/setup-$p.db" --yes -o json >"$work/setup-$p.json")
done

ticks=$(getconf CLK_TCK)
# CPU ticks of a set of processes (those gone by then count 0).
ticks_of() { local p; for p; do cat "/proc/$p/stat" 2>/dev/null; done | awk '{t += $14 + $15} END {print t + 0}'; }
synapse_pids() { # the main process, the workers and nginx in front of them (if any)
  local front
  echo "$pid"
  cat "target/services/synapse-$instance"/persister*.pid 2>/dev/null || true
  front=$(cat "target/services/synapse-$instance/nginx.pid" 2>/dev/null) || return 0
  echo "$front"
  pgrep -P "$front" || true
}
postgres_pids() { # the server and its backends
  local pg
  pg=$(cat "target/services/postgres-synapse-$instance/pid" 2>/dev/null) || return 0
  echo "$pg"
  pgrep -P "$pg" || true
}
synapse_cpu() { local pids; mapfile -t pids < <(synapse_pids); ticks_of "${pids[@]}"; }
postgres_cpu() { local pids; mapfile -t pids < <(postgres_pids); ticks_of "${pids[@]}"; }
echo "Synapse: ${SYNAPSE_WORKERS:-0} event persister worker(s)$([[ ${SYNAPSE_EVENT_CREATORS:-0} == 1 ]] && echo ", creating the events sent to rooms (nginx in front)"), database ${SYNAPSE_DATABASE:-$([[ ${SYNAPSE_WORKERS:-0} == 0 ]] && echo sqlite || echo postgres)}"

printf '%-28s %9s %9s %9s %14s %15s %15s\n' run messages "wall s" "msgs/s" "esnctl CPU" "Synapse CPU" "Postgres CPU"
run() { # LABEL PREFIX CONCURRENCY
  local label=$1 p=$2 c=$3 s0 s1 g0 g1 wall user sys
  s0=$(synapse_cpu)
  g0=$(postgres_cpu)
  (cd "$work" && /usr/bin/time -f '%e %U %S' -o "$work/time-$p.txt" \
    "$bin" --no-progress -v content copy --from "bundle:$work/posts-$p" --to "$dest" \
    --state "$work/$p.db" --concurrency "$c" --yes -o json >"$work/report-$p.json" 2>"$work/log-$p.txt")
  s1=$(synapse_cpu)
  g1=$(postgres_cpu)
  read -r wall user sys <"$work/time-$p.txt"
  python3 - "$label" "$work/report-$p.json" "$wall" "$user" "$sys" "$s0" "$s1" "$ticks" "$g0" "$g1" <<'PY'
import json, sys
label, report, wall, user, sys_, s0, s1, ticks, g0, g1 = sys.argv[1:]
s = json.load(open(report))["summary"]
if s["failed"]:
    sys.exit(f"{label}: {s['failed']} record(s) failed")
n = s["posts"] + s["replies"]
wall = float(wall)
esn = (float(user) + float(sys_)) / wall * 100
syn = (int(s1) - int(s0)) / int(ticks) / wall * 100
pg = max(int(g1) - int(g0), 0) / int(ticks) / wall * 100
print(f"{label:<28} {n:>9} {wall:>9.1f} {n / wall:>9.1f} {esn:>12.1f} % {syn:>13.0f} % {pg:>13.0f} %")
with open(report + ".rate", "w") as f:
    f.write(str(n / wall))
PY
  grep -o 'get=[0-9]* post=[0-9]* put=[0-9]*' "$work/log-$p.txt" | head -1 | sed 's/^/    requests: /' || true
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
run "sequential (--concurrency 1)" seq 1
run "esnctl (--concurrency $conc)" par "$conc"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 -c "
a = float(open('$work/report-seq.json.rate').read()); b = float(open('$work/report-par.json.rate').read())
print(f'speed-up: {b / a:.2f}x the sequential sender')"
