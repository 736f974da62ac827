// The whole build-and-run path, cross-origin isolated (threads).
import { test, expect, openWorkbench, runProfiler, runCli, cliExample, gotoStep } from './fixtures.mjs';

test('isolated: runs on a thread pool and matches the native CLI', async ({ page }) => {
  const engine = await openWorkbench(page);
  expect(engine.mode).toBe('isolated');
  expect(engine.threads).toBeGreaterThan(1);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await runProfiler(page);
  await gotoStep(page, 'profile');
  const digest = (await page.getByTestId('data-digest').textContent()).trim();
  const maxEvents = await page.getByTestId('max-events').allTextContents();

  // The same review (the built-in example), run by the native CLI.
  const native = runCli(cliExample(), ['--threads', '2']);
  expect(digest).toBe(native.profile.data_digest);
  expect(maxEvents.map(Number)).toEqual(native.profile.partitioning.schemes.map((s) => s.max_events));

  // The chart is drawn on a canvas with pixels on it.
  const painted = await page.locator('#partition-chart canvas').first().evaluate((canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let opaque = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) opaque++;
    return opaque;
  });
  expect(painted).toBeGreaterThan(1000);
});

test('the main thread stays responsive during a long run', async ({ page }) => {
  await openWorkbench(page);
  await gotoStep(page, 'data');
  await page.getByLabel('Events per run').fill('40000000');
  await page.getByLabel('Events per run').dispatchEvent('change');
  await page.getByLabel('Profiled sample').fill('40000000');
  await page.getByLabel('Profiled sample').dispatchEvent('change');
  // Watch the run from the Run step.
  await gotoStep(page, 'run');
  await page.evaluate(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        window.__longTasks.push({ start: entry.startTime, end: entry.startTime + entry.duration, duration: entry.duration });
      }
    }).observe({ type: 'longtask' });
    // When the result reaches the page (the status changes in the task that
    // handles it).
    const status = document.querySelector('[data-testid=run-status]');
    new MutationObserver(() => {
      if (window.__finishedAt === undefined && /Finished/.test(status.textContent)) window.__finishedAt = performance.now();
    }).observe(status, { childList: true, subtree: true, characterData: true });
    // A counter that only advances while the main thread is free.
    window.__ticks = 0;
    const tick = () => { window.__ticks++; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    window.__runStartedAt = performance.now();
  });
  const started = Date.now();
  await runProfiler(page);
  await page.waitForTimeout(500); // let the result's rendering tasks finish
  const elapsedMs = Date.now() - started;
  const { longTasks, ticks, finishedAt, runStartedAt } = await page.evaluate(() => ({
    longTasks: window.__longTasks, ticks: window.__ticks, finishedAt: window.__finishedAt, runStartedAt: window.__runStartedAt,
  }));
  const runMs = finishedAt - runStartedAt;
  expect(runMs, 'the run must last over a second to prove anything').toBeGreaterThan(1000);
  // While the engine works, the page must never block: the worker does it all.
  const during = longTasks.filter((t) => t.end < finishedAt).map((t) => Math.round(t.duration));
  expect(Math.max(0, ...during), `long tasks during the run: ${during}`).toBeLessThan(100);
  // Showing the result (parse, tables, charts) is split into short tasks too;
  // the bound is looser because it is real rendering work on a shared CI core.
  const rendering = longTasks.filter((t) => t.end >= finishedAt).map((t) => Math.round(t.duration));
  expect(Math.max(0, ...rendering), `long tasks rendering the result: ${rendering}`).toBeLessThan(250);
  // ~60 frames/s while idle; demand at least 10/s to allow for a busy machine.
  expect(ticks).toBeGreaterThan((elapsedMs / 1000) * 10);
});

test('Cancel stops a long run promptly and keeps the previous result', async ({ page }) => {
  await openWorkbench(page);
  await runProfiler(page);
  await gotoStep(page, 'profile');
  const before = (await page.getByTestId('data-digest').textContent()).trim();

  await gotoStep(page, 'data');
  await page.getByLabel('Events per run').fill('80000000');
  await page.getByLabel('Events per run').dispatchEvent('change');
  await page.getByLabel('Profiled sample').fill('80000000');
  await page.getByLabel('Profiled sample').dispatchEvent('change');
  await page.getByRole('button', { name: 'Run profiler' }).click();
  await expect(page.getByTestId('run-status')).toContainText('%');
  const cancelledAt = Date.now();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('run-status')).toContainText('Cancelled');
  expect(Date.now() - cancelledAt).toBeLessThan(2000);
  await gotoStep(page, 'profile');
  expect((await page.getByTestId('data-digest').textContent()).trim()).toBe(before);
  await expect(page.getByTestId('stale-marker')).toBeVisible();
});
