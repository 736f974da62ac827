// The browser benchmark: run by `make bench-browser` (scripts/bench-browser.sh)
// through playwright.bench.config.mjs, never by `make test`. It prints
// figures and writes them to e2e/bench-results/<project>.json; it asserts
// only that the measurements happened (timings are never asserted).
//
// 1. Engine throughput: a fresh engine worker (the site's own worker.js and
//    wasm, loaded exactly as the page loads them) answers `bench` requests —
//    generate + profile over a fixed number of events, timed in the worker
//    with performance.now() — the same function `scalewise bench` times
//    natively. The ratio to native at the same thread count is the figure.
// 2. The default review end to end from a click on "Run profiler" on the
//    Crossover step (calibration, projection, sweep, scoring, then the
//    charts drawn), with every main-thread long task.
// 3. First contentful paint.
import { test, expect } from '../tests/fixtures.mjs';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, cliPath, openWorkbench, gotoStep } from '../tests/fixtures.mjs';

const sizes = (process.env.BENCH_SIZES || '2e6,2e7').split(',').map(Number);
const repeat = Number(process.env.BENCH_REPEAT || 3);
const resultsDir = join(repoRoot, 'e2e/bench-results');
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

/** The native figure for `events` on `threads` threads: from the file the
 * script wrote, or measured now with the release CLI. */
function native(events, threads) {
  const file = join(resultsDir, 'native.json');
  const recorded = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : [];
  const hit = recorded.find((r) => r.events === events && r.threads === threads);
  if (hit) return hit;
  const out = execFileSync(cliPath, ['bench', '--events', String(events), '--threads', String(threads),
    '--repeat', String(repeat), '--json'], { encoding: 'utf8' });
  return JSON.parse(out);
}

const results = {};
test.afterAll(async ({}, testInfo) => {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, `${testInfo.project.name}.json`), JSON.stringify(results, null, 2) + '\n');
});

test('engine throughput: generate + profile in the worker vs native', async ({ page }) => {
  const { mode, threads } = await openWorkbench(page);
  const runs = await page.evaluate(async ({ sizes, repeat }) => {
    const worker = new Worker(new URL('engine/worker.js', document.baseURI), { type: 'module' });
    const replies = [];
    let waiting = null;
    worker.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (waiting && (message.ready || message.benched || message.fatal)) {
        const w = waiting; waiting = null; w(message);
      }
    };
    const next = () => new Promise((resolve) => { waiting = resolve; });
    const ready = await next();
    if (!ready.ready) throw new Error(JSON.stringify(ready));
    let id = 0;
    const bench = async (events) => {
      const reply = next();
      worker.postMessage(JSON.stringify({ bench: { request_id: ++id, events } }));
      const message = await reply;
      if (!message.benched || !message.benched.result.Ok) throw new Error(JSON.stringify(message));
      return message.benched.result.Ok;
    };
    // Warm-up: lets V8 tier the engine's wasm up from Liftoff to TurboFan.
    for (let i = 0; i < 2; i++) await bench(1_000_000);
    for (const events of sizes) {
      const passes = [];
      for (let i = 0; i < repeat; i++) passes.push(await bench(events));
      replies.push({ events, passes });
    }
    worker.terminate();
    return { ready: ready.ready, replies };
  }, { sizes, repeat });
  expect(runs.ready.threads).toBe(threads);
  const rows = [];
  for (const { events, passes } of runs.replies) {
    expect(passes.every((p) => p.events === events && p.events_per_s > 0)).toBe(true);
    const rate = median(passes.map((p) => p.events_per_s));
    const nat = native(events, runs.ready.threads);
    // The same work: the browser and native profiles have one digest.
    expect(passes[0].data_digest).toBe(nat.data_digest);
    rows.push({
      mode, threads: runs.ready.threads, events,
      browser_events_per_s: rate,
      browser_passes_events_per_s: passes.map((p) => p.events_per_s),
      native_events_per_s: nat.events_per_s,
      native_over_browser: nat.events_per_s / rate,
    });
  }
  results.throughput = rows;
  for (const r of rows) {
    console.log(`${mode} ${r.threads} thread(s), ${r.events.toExponential(0)} events: browser ${(r.browser_events_per_s / 1e6).toFixed(1)} M events/s `
      + `(passes ${r.browser_passes_events_per_s.map((x) => (x / 1e6).toFixed(1)).join(', ')}), `
      + `native ${(r.native_events_per_s / 1e6).toFixed(1)} M events/s, native/browser ${r.native_over_browser.toFixed(2)}×`);
  }
});

test('the default review end to end, and main-thread long tasks', async ({ page }) => {
  const samples = [];
  for (let i = 0; i < repeat; i++) {
    await openWorkbench(page, `./?bench=${i}#crossover`);
    await gotoStep(page, 'crossover');
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__longTasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask' });
      const status = document.querySelector('[data-testid=run-status]');
      new MutationObserver(() => {
        if (window.__finishedAt === undefined && /Finished/.test(status.textContent)) window.__finishedAt = performance.now();
      }).observe(status, { childList: true, subtree: true, characterData: true });
      // The click goes through the DOM: Playwright's own look-ups would show
      // up as long tasks.
      window.__clickedAt = performance.now();
      [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Run profiler').click();
    });
    await expect(page.getByTestId('run-status')).toContainText('Finished');
    // Until the charts are drawn: the painted canvas, then two frames.
    await expect(page.locator('#cost-chart canvas')).toBeVisible();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    await page.waitForTimeout(1000);
    const s = await page.evaluate(() => ({
      clickedAt: window.__clickedAt, finishedAt: window.__finishedAt, longTasks: window.__longTasks,
    }));
    const lastTaskEnd = Math.max(s.finishedAt, ...s.longTasks.map((t) => t.start + t.duration));
    samples.push({
      review_ms: s.finishedAt - s.clickedAt,
      review_and_render_ms: lastTaskEnd - s.clickedAt,
      longest_task_ms: Math.max(0, ...s.longTasks.map((t) => t.duration)),
      long_tasks_ms: s.longTasks.map((t) => Math.round(t.duration)),
    });
  }
  expect(samples.every((s) => s.review_ms > 0)).toBe(true);
  const mode = await page.getByTestId('engine-badge').getAttribute('data-mode');
  results.review = {
    mode,
    review_ms_median: median(samples.map((s) => s.review_ms)),
    review_and_render_ms_median: median(samples.map((s) => s.review_and_render_ms)),
    longest_task_ms_median: median(samples.map((s) => s.longest_task_ms)),
    longest_task_ms_max: Math.max(...samples.map((s) => s.longest_task_ms)),
    samples,
  };
  const r = results.review;
  console.log(`${mode} default review: click → Finished ${r.review_ms_median.toFixed(0)} ms (median of ${repeat}); `
    + `longest main-thread task ${r.longest_task_ms_median.toFixed(0)} ms median, ${r.longest_task_ms_max.toFixed(0)} ms max; `
    + `long tasks ${JSON.stringify(samples.map((x) => x.long_tasks_ms))}`);
});

test('first contentful paint', async ({ page }) => {
  const fcps = [];
  for (let i = 0; i < Math.max(3, repeat); i++) {
    await page.goto(`./?fcp=${i}`);
    await expect(page.getByRole('button', { name: 'Run profiler' })).toBeVisible();
    fcps.push(await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime));
  }
  expect(fcps.every((f) => f > 0)).toBe(true);
  results.fcp = { fcp_ms_median: median(fcps), samples_ms: fcps };
  console.log(`first contentful paint: ${median(fcps).toFixed(0)} ms median (${fcps.map((f) => f.toFixed(0)).join(', ')})`);
});
