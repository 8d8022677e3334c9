#!/usr/bin/env bash
# Simulates the pilot's first days on the walkthrough's bundle platform: three pilot
# members post, one asks a question and a fourth answers it. A real platform records
# this as people use it; a bundle is a folder of JSON Lines files (docs/bundle-format.md),
# so the posts are appended to its posts.jsonl, dated now (gates only count activity
# since the phase started).
#
#   bash examples/rollout/simulate-activity.sh [PLATFORM_BUNDLE_DIR]   (default: ./esn here)
set -euo pipefail

esn=${1:-"$(dirname "${BASH_SOURCE[0]}")/esn"}
if [[ ! -f $esn/users.jsonl ]]; then
  echo "error: no platform bundle at $esn: run the first \`esnctl rollout advance\` first" >&2
  exit 1
fi
# Nanoseconds (GNU date): a phase entered a moment ago must see these posts as later.
now=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
[[ $now == *N* ]] && now=$(date -u +%Y-%m-%dT%H:%M:%SZ) # BSD date: whole seconds
run=$(date -u +%s) # unique ids: the script may run more than once

post() { # ID COMMUNITY AUTHOR BODY [THREAD_ROOT]: bodies hold no '"' or '\'
  local root=${5:-}
  local thread=''
  [[ -n $root ]] && thread=",\"thread_root\":\"$root\",\"parent\":\"$root\""
  printf '{"id":"%s","community":"%s","author":"%s","created_at":"%s","body":"%s"%s}\n' \
    "$1" "$2" "$3" "$now" "$4" "$thread" >>"$esn/posts.jsonl"
}

post "sim-$run-1" welcome mdurand "Bonjour à toutes et à tous, bienvenue sur notre réseau ! 🎉"
post "sim-$run-2" pilot-feedback hfoure "Comment partager un document avec toute l'équipe Ventes ?"
post "sim-$run-3" pilot-feedback acrepin "Déposez-le dans la communauté : tous ses membres le verront." "sim-$run-2"
post "sim-$run-4" pilot-feedback tyamada "山田です。よろしくお願いします！"
echo "4 posts by mdurand, hfoure, acrepin and tyamada added to $esn/posts.jsonl" >&2
