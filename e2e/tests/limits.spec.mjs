// The largest review the workbench accepts runs to the end in Chromium without
// the wasm engine running out of memory: the most events per run and the most
// alternatives (core/src/limits.rs). Runs in the isolated project and in the
// plain (single-threaded) one; prints how long the run took.
//
// Memory stays flat because the engine generates and reduces events chunk by
// chunk (core/src/profiler.rs): no buffer grows with the event count. Sweep
// points are not a review input (the page always sweeps the default 41); the
// 400-point maximum applies to recorded results being verified.
import { test, expect, openWorkbench, gotoStep } from './fixtures.mjs';

const MAX_EVENTS = 200_000_000; // limits::MAX_SAMPLE_EVENTS
// The dedup window that keeps a 2·10⁸ sample's window within
// limits::MAX_DEDUP_WINDOW_EVENTS (4 Mi deliveries of a day's batch).
const DEDUP_WINDOW_S = 1_800;
const MAX_ALTERNATIVES = 8; // limits::MAX_ALTERNATIVES

test('the largest accepted review runs to completion', async ({ page }, testInfo) => {
  test.setTimeout(20 * 60_000);
  const { mode, threads } = await openWorkbench(page);

  await gotoStep(page, 'alternatives');
  const add = page.getByRole('button', { name: 'Add alternative' });
  await expect(page.getByText(`2 of at most ${MAX_ALTERNATIVES}`)).toBeVisible();
  while (await add.isEnabled()) await add.click();
  await expect(page.locator('[data-testid^="alternative-"]')).toHaveCount(MAX_ALTERNATIVES);
  await expect(page.getByText(`${MAX_ALTERNATIVES} of at most ${MAX_ALTERNATIVES}`)).toBeVisible();
  await expect(add).toBeDisabled();

  await gotoStep(page, 'data');
  const production = page.getByLabel('Events per run');
  await production.fill(String(MAX_EVENTS + 1));
  await production.dispatchEvent('change');
  const window = page.getByLabel('Dedup window');
  await window.fill(String(DEDUP_WINDOW_S));
  await window.dispatchEvent('change');
  const events = page.getByLabel('Profiled sample');
  // One more than the limit is refused at the field, with the limit named.
  await events.fill(String(MAX_EVENTS + 1));
  await events.dispatchEvent('change');
  await expect(page.getByText(`must be ≤ ${MAX_EVENTS}`)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run profiler' })).toBeDisabled();
  await events.fill(String(MAX_EVENTS));
  await events.dispatchEvent('change');
  await expect(page.getByText(`must be ≤ ${MAX_EVENTS}`)).toBeHidden();

  const started = Date.now();
  await page.getByRole('button', { name: 'Run profiler' }).click();
  const status = page.getByTestId('run-status');
  await expect(status).toContainText('Finished run #', { timeout: 18 * 60_000 });
  const seconds = (Date.now() - started) / 1000;
  await expect(page.getByTestId('engine-badge')).not.toHaveAttribute('data-mode', 'crashed');

  // The result is the one for these inputs: all events, every alternative.
  await gotoStep(page, 'profile');
  await expect(page.getByTestId('data-digest')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(page.getByTestId('stale-marker')).toBeHidden();
  await gotoStep(page, 'run');
  await expect(page.getByText(/^200 M production events, a sample of 200 M profiled, seed/)).toBeVisible();

  const line = `limits: ${MAX_EVENTS} events × ${MAX_ALTERNATIVES} alternatives in ${mode} mode (${threads} threads): ${seconds.toFixed(1)} s`;
  console.log(line);
  testInfo.annotations.push({ type: 'duration', description: line });
});
