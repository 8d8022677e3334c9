#!/usr/bin/env bash
# Regenerates completions/ from the current CLI definition (tests/completions.rs checks it).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
bin=target/debug/esnctl
mkdir -p completions
"$bin" completions bash > completions/esnctl.bash
"$bin" completions zsh > completions/_esnctl
"$bin" completions fish > completions/esnctl.fish
"$bin" completions elvish > completions/esnctl.elv
"$bin" completions powershell > completions/_esnctl.ps1
echo "completions/ updated"
