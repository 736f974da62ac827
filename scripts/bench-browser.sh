#!/usr/bin/env bash
# The browser benchmark (`make bench-browser`, README "Benchmarks"):
#   1. builds what it needs: the release CLI and the release site in dist/;
#   2. measures native generate + profile with `scalewise bench` at 1 thread
#      and at every thread, on the sizes the browser uses;
#   3. runs e2e/bench/engine.bench.mjs in Chromium in both thread modes
#      (threaded engine on an isolated host, single-threaded on a plain host
#      with service workers blocked), which divides by the native figures;
#   4. prints one table. Raw figures: e2e/bench-results/*.json.
# Environment: BENCH_SIZES (default 2e6,2e7), BENCH_REPEAT (default 3),
# E2E_PORT (default 8191; the two servers use it and the next port),
# SKIP_BUILD=1 to reuse existing builds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export PATH="$root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export BENCH_SIZES="${BENCH_SIZES:-2e6,2e7}"
export BENCH_REPEAT="${BENCH_REPEAT:-3}"
step() { echo; echo "==> $*"; }

if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  step "release builds: native CLI and the site (dist/)"
  cargo build --quiet --release -p scalewise-cli
  trunk build --release --dist dist
fi

step "machine"
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load: $(cut -d' ' -f1-3 /proc/loadavg)"

results="$root/e2e/bench-results"
rm -rf "$results" && mkdir -p "$results"
step "native: scalewise bench (median of $BENCH_REPEAT)"
threads_all="$(nproc)"
thread_counts=(1)
[[ "$threads_all" -gt 1 ]] && thread_counts+=("$threads_all")
native=()
for size in ${BENCH_SIZES//,/ }; do
  for threads in "${thread_counts[@]}"; do
    json="$(target/release/scalewise bench --events "$size" --threads "$threads" --repeat "$BENCH_REPEAT" --json)"
    native+=("$json")
    node -e 'const r = JSON.parse(process.argv[1]); console.log(`${r.events} events, ${r.threads} thread(s): ${(r.events_per_s / 1e6).toFixed(1)} M events/s (${(r.events_per_s_per_thread / 1e6).toFixed(1)} per thread)`)' "$json"
  done
done
node -e 'console.log(JSON.stringify(process.argv.slice(1).map(JSON.parse), null, 2))' "${native[@]}" > "$results/native.json"

step "Chromium: e2e/bench/engine.bench.mjs (threaded and single-threaded engine)"
(cd e2e && npx playwright test --config playwright.bench.config.mjs)

step "summary (load now: $(cut -d' ' -f1-3 /proc/loadavg))"
node - "$results" <<'JS'
const { readFileSync, existsSync } = require('node:fs');
const dir = process.argv[2];
const read = (name) => existsSync(`${dir}/${name}.json`) ? JSON.parse(readFileSync(`${dir}/${name}.json`, 'utf8')) : {};
const m = (x) => (x / 1e6).toFixed(1).padStart(7);
console.log('mode  threads      events   browser M ev/s   native M ev/s   native/browser');
for (const project of ['mt', 'st']) {
  for (const r of read(project).throughput || []) {
    console.log(`${project.padEnd(5)} ${String(r.threads).padStart(7)} ${String(r.events).padStart(11)}   ${m(r.browser_events_per_s)}          ${m(r.native_events_per_s)}         ${r.native_over_browser.toFixed(2)}×`);
  }
}
for (const project of ['mt', 'st']) {
  const { review, fcp } = read(project);
  if (review) console.log(`${project}: default review ${review.review_ms_median.toFixed(0)} ms (click → Finished, median), longest main-thread task ${review.longest_task_ms_median.toFixed(0)} ms (median; max ${review.longest_task_ms_max.toFixed(0)} ms)`);
  if (fcp) console.log(`${project}: first contentful paint ${fcp.fcp_ms_median.toFixed(0)} ms (median)`);
}
JS
