#!/usr/bin/env bash
# Installs whatever is missing for `make serve` (default) or `make test`
# (`scripts/setup.sh test`). Idempotent and quiet when everything is present.
# Assumes only rustup/cargo, node/npm and apt (as root or via sudo).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
purpose="${1:-serve}"
say() { echo "setup: $*"; }

# The pinned nightly (rust-toolchain.toml). RUSTUP_AUTO_INSTALL may be 0, so
# install it explicitly, with rust-src (build-std) and the wasm32 target.
toolchain="$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)"
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1 \
   || ! rustup component list --toolchain "$toolchain" --installed 2>/dev/null | grep -q '^rust-src' \
   || ! rustup target list --toolchain "$toolchain" --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown' \
   || ! rustup component list --toolchain "$toolchain" --installed 2>/dev/null | grep -q '^clippy'; then
  say "installing Rust $toolchain (rust-src, clippy, rustfmt, wasm32-unknown-unknown)"
  rustup toolchain install "$toolchain" --profile minimal \
    --component rust-src --component clippy --component rustfmt --target wasm32-unknown-unknown >/dev/null
fi

cargo_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
export PATH="$cargo_bin:$PATH"

# Trunk 0.22.1 needs rustc >= 1.96.1, hence the nightly.
if [[ "$(trunk --version 2>/dev/null || true)" != "trunk 0.22.1" ]]; then
  say "installing trunk 0.22.1 (a few minutes, once)"
  cargo +"$toolchain" install --quiet --locked trunk@0.22.1
fi

# wasm-bindgen-cli must equal the wasm-bindgen in Cargo.lock, or Trunk would
# want to download one.
bindgen_version="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)"
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $bindgen_version" ]]; then
  say "installing wasm-bindgen-cli $bindgen_version (a few minutes, once)"
  # No --locked: the registry lacks one of its locked dependencies.
  cargo +"$toolchain" install --quiet --force wasm-bindgen-cli@"$bindgen_version"
fi

npm_ci() { # dir: install from the lockfile unless node_modules is up to date
  local dir="$1"
  if [[ ! -f "$dir/node_modules/.package-lock.json" || "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]]; then
    say "npm ci in ${dir#$root/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
npm_ci "$root"   # echarts (served from our origin) and binaryen (wasm-opt)

if [[ "$purpose" == "test" ]]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    say "installing Debian's chromium and chromium-driver"
    sudo_cmd=""; [[ "$(id -u)" != 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
  npm_ci "$root/e2e"   # Playwright (no browser download: it drives /usr/bin/chromium)
  # The CLI's submission tests load the exported files with Python: json,
  # ast and nbformat (the notebook must validate).
  if ! command -v python3 >/dev/null; then
    say "installing python3"
    sudo_cmd=""; [[ "$(id -u)" != 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3 python3-pip >/dev/null
  fi
  if ! python3 -c 'import nbformat' 2>/dev/null; then
    say "installing Python's nbformat"
    # PEP 668 ("externally managed") systems refuse a plain install: fall
    # back to the user site, then to --break-system-packages.
    python3 -m pip install --quiet nbformat 2>/dev/null \
      || python3 -m pip install --quiet --user nbformat 2>/dev/null \
      || python3 -m pip install --quiet --user --break-system-packages nbformat
  fi
  # scripts/notebook-check.sh builds a fresh virtual environment (Debian
  # ships venv separately) and runs the kernel in a network namespace.
  if ! python3 -c 'import ensurepip, venv' 2>/dev/null; then
    say "installing python3-venv"
    sudo_cmd=""; [[ "$(id -u)" != 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq python3-venv >/dev/null
  fi
  if ! command -v unshare >/dev/null || ! command -v ip >/dev/null; then
    say "installing util-linux and iproute2 (unshare, ip)"
    sudo_cmd=""; [[ "$(id -u)" != 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq util-linux iproute2 >/dev/null
  fi
  # scripts/cargo-deny.sh unpacks the advisory snapshot (.ci/advisory-db.tar.xz).
  if ! command -v xz >/dev/null; then
    say "installing xz-utils"
    sudo_cmd=""; [[ "$(id -u)" != 0 ]] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq xz-utils >/dev/null
  fi
  # The dependency audit of scripts/test.sh (deny.toml).
  if [[ "$(cargo-deny --version 2>/dev/null || true)" != "cargo-deny 0.20.2" ]]; then
    say "installing cargo-deny 0.20.2 (a few minutes, once)"
    cargo +"$toolchain" install --quiet --locked cargo-deny@0.20.2
  fi
fi
