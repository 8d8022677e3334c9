#!/usr/bin/env bash
# Benchmark: `content copy` of synthetic Slack exports into a bundle and into a
# Mattermost bulk-import file, at 100k and 1M messages (10,000 users, 500 channels,
# 20% in threads, 10% with reactions). Prints messages/s and peak RSS for each run.
#
#   bench/content-copy.sh [MESSAGES...]        default: 100000 1000000
#
# Each copy runs RUNS times (default 5): the table gives the median wall time and the
# highest peak RSS.
#
# Targets (issue 6): >= 100,000 messages/s on 2 cores, and peak RSS at 1M within 20% of
# the peak at 100k (streaming).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-100000 1000000}")
RUNS=${RUNS:-5}
read -r -a sizes <<<"${sizes[*]}"
work=target/bench/content-copy
mkdir -p "$work"
command -v /usr/bin/time >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >/dev/null

cargo build --release --quiet
bin=target/release/esnctl
kinds=(bundle)
# The error for an unknown scheme lists the supported ones.
schemes=$("$bin" users list --from nope:x 2>&1 || true)
if grep -q 'mattermost-jsonl:' <<<"$schemes"; then
  kinds+=(mattermost-jsonl)
fi

printf '%-10s %-18s %10s %12s %12s\n' messages destination "median s" "msgs/s" "peak RSS MB"
for n in "${sizes[@]}"; do
  src="$work/slack-$n"
  if [ ! -f "$src/.complete" ]; then
    rm -rf "$src"
    python3 bench/gen-slack-export.py "$src" --messages "$n" --users 10000 --channels 500 --seed 42 >/dev/null
    touch "$src/.complete"
  fi
  for kind in "${kinds[@]}"; do
    case $kind in
      bundle) dst="$work/out-$n" ;;
      mattermost-jsonl) dst="$work/out-$n.jsonl" ;;
    esac
    log="$work/time-$n-$kind.txt"
    walls=() rss=0
    for ((run = 0; run < RUNS; run++)); do
      rm -rf "$dst" "$dst.esnctl-state.db"* "$dst.migration-report."*
      /usr/bin/time -v "$bin" -q --no-progress -o json content copy \
        --from "slack-export:$src" --to "$kind:$dst" --yes >"$work/report-$n-$kind.json" 2>"$log"
      walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,t,":"); s=0; for(i=1;i<=n;i++) s=s*60+t[i]; print s}' "$log")")
      r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
      ((r > rss)) && rss=$r
    done
    # The median run: as many were faster as slower (a 1 s run varies by ±15 % here).
    secs=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')
    rss=$(awk -v k="$rss" 'BEGIN {printf "%.1f", k / 1024}')
    copied=$(python3 -c 'import json,sys; s=json.load(open(sys.argv[1]))["summary"]; print(s["posts"]+s["replies"])' "$work/report-$n-$kind.json")
    rate=$(python3 -c "print(int($copied/max($secs,0.001)))")
    printf '%-10s %-18s %10s %12s %12s\n' "$n" "$kind" "$secs" "$rate" "$rss"
  done
done
