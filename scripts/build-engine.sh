#!/usr/bin/env bash
# Builds the engine worker's wasm twice into target/engine-pkg/ (see
# ARCHITECTURE.md, "Threading modes"):
#   mt/  atomics + shared memory, for cross-origin-isolated pages (rayon pool)
#   st/  plain wasm, the single-threaded fallback
# Always release: a debug engine would make every measurement meaningless.
# Run by Trunk's pre_build hook; also usable alone.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/node_modules/.bin:$PATH"
out="$root/target/engine-pkg"
mkdir -p "$out"

# Since nightly 2025-10 `+atomics` alone no longer gives shared memory: the
# linker must be told to import a shared memory and export the TLS symbols that
# wasm-bindgen's thread support uses.
mt_flags=(
  -C target-feature=+atomics,+bulk-memory,+mutable-globals
  -C link-arg=--shared-memory
  -C link-arg=--import-memory
  -C link-arg=--max-memory=1073741824
  -C link-arg=--export=__heap_base
  -C link-arg=--export=__wasm_init_tls
  -C link-arg=--export=__tls_size
  -C link-arg=--export=__tls_align
  -C link-arg=--export=__tls_base
)

build() { # name, target-dir, extra cargo args...
  local name="$1" dir="$2"; shift 2
  cargo build --quiet --release -p scalewise-engine --lib \
    --target wasm32-unknown-unknown --target-dir "$dir" "$@"
  local wasm="$dir/wasm32-unknown-unknown/release/scalewise_engine.wasm"
  local stamp="$out/$name/.built-from"
  # Re-run wasm-bindgen/wasm-opt only when cargo produced a new module.
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$(stat -c %Y "$wasm")" ]]; then return; fi
  rm -rf "$out/$name" && mkdir -p "$out/$name"
  wasm-bindgen --target web --no-typescript --out-dir "$out/$name" "$wasm"
  if command -v wasm-opt >/dev/null; then
    wasm-opt -O3 --enable-bulk-memory --enable-threads --enable-mutable-globals \
      --enable-nontrapping-float-to-int --enable-sign-ext --enable-reference-types \
      --enable-multivalue "$out/$name/scalewise_engine_bg.wasm" -o "$out/$name/scalewise_engine_bg.wasm"
  fi
  stat -c %Y "$wasm" > "$stamp"
}

RUSTFLAGS="${mt_flags[*]}" build mt "$root/target/engine-mt" --features threads -Z build-std=panic_abort,std
RUSTFLAGS="" build st "$root/target/engine-st"
