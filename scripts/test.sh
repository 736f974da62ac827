#!/usr/bin/env bash
# Every test, in order of speed; stops at the first failure.
# Called by `make test` (README) and so by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# cargo and cargo-deny resolve a relative CARGO_HOME against the working
# directory: an unexpanded one ('~/.cargo', '$CARGO_HOME') would fill the
# tree with literal '~' and '$CARGO_HOME' directories.
if [[ -n "${CARGO_HOME:-}" && "$CARGO_HOME" != /* ]]; then
  echo "test.sh: CARGO_HOME is '$CARGO_HOME', not an absolute path (an unexpanded '~' or variable?)" >&2
  exit 1
fi
export PATH="$root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
step() { echo; echo "==> $*"; }

step "tracked files and lint configuration (scripts/check-tree.sh)"
bash scripts/check-tree.sh

step "format and lints"
cargo fmt --all -- --check
cargo clippy --quiet -p scalewise-core -p scalewise-cli -p scalewise-cluster -p scalewise-app --all-targets --features scalewise-core/schema -- -D warnings
cargo clippy --quiet -p scalewise-app -p scalewise-engine --target wasm32-unknown-unknown -- -D warnings

step "dependency audit (cargo deny, npm audit)"
# Advisories (from the committed RustSec snapshot, after a canary proves a
# match fails), licences, duplicate versions and sources: deny.toml and
# scripts/cargo-deny.sh say how and why. The registry's audit endpoint may be
# unavailable, which npm-audit.mjs reports as NOT CHECKED, not as clean.
bash scripts/cargo-deny.sh
node scripts/npm-audit.mjs .
node scripts/npm-audit.mjs e2e

step "fuzz targets compile (cargo check; fuzzing itself: core/fuzz/README.md)"
cargo check --quiet --manifest-path core/fuzz/Cargo.toml

step "native tests (cargo test)"
cargo test --quiet --workspace --exclude scalewise-engine
cargo test --quiet -p scalewise-core --features schema --test schema

step "the exported notebook runs offline in a fresh venv, tampered copies fail (scripts/notebook-check.sh)"
bash scripts/notebook-check.sh

step "core tests on wasm32 in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_TIMEOUT=300 \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p scalewise-core --target wasm32-unknown-unknown --test wasm

step "release builds: native CLI, static site at / and at /scalewise/"
cargo build --quiet --release -p scalewise-cli
trunk build --release --dist dist
trunk build --release --dist dist-subpath --public-url /scalewise/

step "end-to-end tests in Chromium (Playwright)"
(cd e2e && npx playwright test)
