#!/usr/bin/env bash
# Fuzzes every parser target of fuzz/ (cargo-fuzz, libFuzzer) for MINUTES each (default 1)
# and prints a summary: runs, coverage, corpus size and crashes per target.
#
#   bench/fuzz.sh            1 minute per target
#   bench/fuzz.sh 2          2 minutes per target
#   TARGETS="ldif bundle_jsonl" bench/fuzz.sh 5
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`). Seeds come from
# tests/fixtures (several files of one export joined with NUL bytes, as the targets split
# them). A crash leaves its input in fuzz/artifacts/TARGET/ and is listed in the summary:
# add it to tests/fixtures/bad/ (and to tests/bad_corpus.rs) once fixed.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MINUTES=${1:-1}
FX="$ROOT/tests/fixtures"
FUZZ="$ROOT/fuzz"
ALL="ldif slack_mrkdwn slack_export viva_engage_csv bundle_jsonl"
# The rollout plan target exists once its parser does.
grep -q 'pub fn parse(text: &str, origin: &Path)' "$ROOT/src/ops/rollout/plan/mod.rs" 2>/dev/null &&
    ALL="$ALL rollout_plan"
TARGETS=${TARGETS:-$ALL}

# seed TARGET FILE... : one seed made of the files joined with NUL bytes.
seed() {
    local target=$1 name=$2
    shift 2
    local dir="$FUZZ/corpus/$target"
    mkdir -p "$dir"
    local first=1
    for f in "$@"; do
        [ $first = 1 ] || printf '\0'
        first=0
        if [ -f "$f" ]; then cat "$f"; fi
    done >"$dir/seed-$name"
}

make_seeds() {
    for f in "$FX"/people.ldif "$FX"/people-v2.ldif "$FX"/ldap/base.ldif "$FX"/bad/*.ldif; do
        seed ldif "$(basename "$f")" "$f"
    done
    for f in "$FX"/slack/*/*.json; do
        seed slack_export "$(basename "$(dirname "$f")")-$(basename "$f")" \
            "$FX/slack/users.json" "$FX/slack/channels.json" "$f"
        # Message texts, one per seed, for the mrkdwn converter.
        python3 - "$f" "$FUZZ/corpus/slack_mrkdwn" <<'PY'
import json, os, sys
os.makedirs(sys.argv[2], exist_ok=True)
for i, m in enumerate(json.load(open(sys.argv[1], encoding="utf-8"))):
    if m.get("text"):
        name = os.path.basename(os.path.dirname(sys.argv[1])) + "-" + os.path.basename(sys.argv[1]) + f"-{i}"
        open(os.path.join(sys.argv[2], name), "w", encoding="utf-8").write(m["text"])
PY
    done
    seed viva_engage_csv fixture "$FX/viva-engage/Users.csv" "$FX/viva-engage/Groups.csv" \
        "$FX/viva-engage/Messages.csv"
    local b
    for b in "$FX/content-bundle" "$FX"/bad/bundle-*; do
        seed bundle_jsonl "$(basename "$b")" "$b/users.jsonl" "$b/communities.jsonl" \
            "$b/memberships.jsonl" "$b/posts.jsonl" "$b/reactions.jsonl" "$b/attachments.jsonl"
    done
    for f in "$ROOT"/examples/*.toml "$ROOT"/examples/*/*.toml "$FX"/rollout/*.toml; do
        if [ -f "$f" ] && grep -q '^\[\[phase\]\]' "$f"; then seed rollout_plan "$(basename "$f")" "$f"; fi
    done
    # The plan from the command-line contract, always.
    sed -n '/^## Rollout plan file/,/^```$/{/^```toml$/,/^```$/p}' \
        "$ROOT/../shared/design/cli.md" 2>/dev/null | grep -v '^```' >"$FUZZ/corpus/rollout_plan.contract" || true
    mkdir -p "$FUZZ/corpus/rollout_plan"
    if [ -s "$FUZZ/corpus/rollout_plan.contract" ]; then
        mv "$FUZZ/corpus/rollout_plan.contract" "$FUZZ/corpus/rollout_plan/seed-contract"
    fi
    rm -f "$FUZZ/corpus/rollout_plan.contract"
}

cd "$FUZZ"
TRIPLE=$(rustc +nightly -vV | sed -n 's/^host: //p')
# What `cargo fuzz run` sets: Rust's sanitizer builds trip ASan's ODR check falsely.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_odr_violation=0}
make_seeds
for t in $TARGETS; do
    cargo +nightly fuzz build "$t" 2>&1 | grep -E '^(error|warning: unused)' || true
done

summary=()
for t in $TARGETS; do
    mkdir -p "artifacts/$t"
    before=$(ls "artifacts/$t" | wc -l)
    log=$(mktemp)
    start=$(date +%s)
    # -max_len: big enough for a few records per file; -rss_limit_mb: a reader that
    # allocates without bound fails here. Exits non-zero on a crash: keep going.
    # The binary built above, run directly: `cargo fuzz run` would rebuild first whenever
    # the sources changed, and that time is not fuzzing.
    "target/$TRIPLE/release/$t" -artifact_prefix="artifacts/$t/" "corpus/$t" \
        -max_total_time=$((MINUTES * 60)) -max_len=65536 -rss_limit_mb=2048 -timeout=20 \
        -print_final_stats=1 >"$log" 2>&1 || true
    secs=$(($(date +%s) - start))
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    corpus=$(ls "corpus/$t" | wc -l)
    crashes=$(($(ls "artifacts/$t" | wc -l) - before))
    summary+=("$(printf '%-16s %6ss %10s runs %7s edges %6s corpus %3s new crash(es)' \
        "$t" "$secs" "$runs" "$cov" "$corpus" "$crashes")")
    if [ "$crashes" -gt 0 ]; then
        grep -E '^(thread|==[0-9]+==ERROR|SUMMARY)|panicked' "$log" | head -5 | sed 's/^/    /'
        ls -t "artifacts/$t" | head -"$crashes" | sed "s|^|    fuzz/artifacts/$t/|"
    fi
    rm -f "$log"
done
printf '%s\n' "${summary[@]}"
