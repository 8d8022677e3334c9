#!/usr/bin/env bash
# The project's test command (README "Testing"): formatting, lints, then every unit and
# integration test against the real services the tests need, started on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== cargo fmt --check"
cargo fmt --check

echo "== no OpenSSL in the dependency tree"
if cargo tree -i openssl-sys --edges normal,build 2>/dev/null | grep -q openssl-sys; then
  echo "error: openssl-sys is in the dependency tree; use rustls features" >&2
  exit 1
fi

echo "== cargo clippy"
cargo clippy --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --locked --no-fail-fast
