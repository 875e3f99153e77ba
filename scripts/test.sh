#!/usr/bin/env bash
# The whole test suite: setup (models, tools), format and lint gates, then every test
# in release mode (the Whisper tests are ~10x faster optimised).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
echo "[test] cargo fmt --check"
cargo fmt --all --check
echo "[test] cargo clippy -D warnings"
cargo clippy --release --workspace --all-targets --quiet -- -D warnings
echo "[test] cargo test"
cargo test --release --workspace --no-fail-fast
