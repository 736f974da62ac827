// Faults: the engine worker dies in the middle of a run. The page must say
// so, keep the previous result on screen and offer Retry, which starts a new
// worker and runs again. (Reload mid-run and a corrupted autosave are in the
// session-state specs.)
import { test, expect, openWorkbench, runProfiler, gotoStep } from './fixtures.mjs';

/** The engine worker itself (in isolated mode its rayon pool workers are nested under it). */
function engineWorker(page) {
  const worker = page.workers().find((w) => w.url().endsWith('/engine/worker.js'));
  if (!worker) throw new Error(`no engine worker among ${page.workers().map((w) => w.url())}`);
  return worker;
}

test('the engine worker terminated mid-run: the page says so, keeps the result and Retry runs again', async ({ page }) => {
  await openWorkbench(page);
  await runProfiler(page);
  const status = page.getByTestId('run-status');
  await expect(status).toContainText('Finished run #');
  const firstRun = (await status.textContent()).match(/run #(\d+)/)[1];
  await gotoStep(page, 'profile');
  const digestA = (await page.getByTestId('data-digest').textContent()).trim();
  expect(digestA).toMatch(/^[0-9a-f]{64}$/);

  // A longer second run, so that it is surely in flight when the worker dies.
  await gotoStep(page, 'data');
  await page.getByLabel('Events per run').fill('40000000');
  await page.getByLabel('Events per run').dispatchEvent('change');
  await page.getByLabel('Profiled sample').fill('40000000');
  await page.getByLabel('Profiled sample').dispatchEvent('change');
  await page.getByRole('button', { name: 'Run profiler' }).click();
  await expect(status).toContainText('%');

  // `close()` inside a dedicated worker ends it without any event on the
  // page's side: nothing but the released Web Lock tells the page.
  await engineWorker(page).evaluate(() => self.close()).catch(() => {});

  await expect(status).toContainText('The engine stopped: the engine worker was terminated');
  await expect(status).toContainText('The previous result is kept');
  await expect(page.getByTestId('engine-badge')).toHaveAttribute('data-mode', 'crashed');
  await expect(page.getByRole('button', { name: 'Run profiler' })).toBeDisabled();
  const retry = page.getByRole('button', { name: 'Retry' });
  await expect(retry).toBeVisible();

  // The previous result is still on screen, unchanged, and marked stale
  // (the inputs changed since: 40 M events).
  await gotoStep(page, 'profile');
  await expect(page.getByTestId('data-digest')).toHaveText(digestA);
  await expect(page.getByTestId('stale-marker')).toBeVisible();

  // Retry: a new worker, and a run of the current review (smaller again, so
  // the test stays short).
  await gotoStep(page, 'data');
  await page.getByLabel('Events per run').fill('300000');
  await page.getByLabel('Events per run').dispatchEvent('change');
  await page.getByLabel('Profiled sample').fill('300000');
  await page.getByLabel('Profiled sample').dispatchEvent('change');
  await retry.click();
  await expect(retry).toBeHidden();
  // (Right after Retry the status shows the kept run again; wait for a newer one.)
  await expect.poll(async () => Number(((await status.textContent()).match(/Finished run #(\d+)/) || [])[1] || 0), {
    timeout: 90_000,
  }).toBeGreaterThan(Number(firstRun));
  await expect(page.getByTestId('engine-badge')).not.toHaveAttribute('data-mode', 'crashed');
  await gotoStep(page, 'profile');
  const digestB = (await page.getByTestId('data-digest').textContent()).trim();
  expect(digestB).toMatch(/^[0-9a-f]{64}$/);
  expect(digestB).not.toBe(digestA); // 300 000 events, not the example's 2 000 000
  await expect(page.getByTestId('stale-marker')).toBeHidden();
});

test('an exception thrown inside the engine worker is reported the same way', async ({ page }) => {
  await openWorkbench(page);
  await runProfiler(page);
  const status = page.getByTestId('run-status');
  const firstRun = (await status.textContent()).match(/run #(\d+)/)[1];
  await gotoStep(page, 'data');
  await page.getByLabel('Events per run').fill('40000000');
  await page.getByLabel('Events per run').dispatchEvent('change');
  await page.getByLabel('Profiled sample').fill('40000000');
  await page.getByLabel('Profiled sample').dispatchEvent('change');
  await page.getByRole('button', { name: 'Run profiler' }).click();
  await expect(status).toContainText('%');
  // An uncaught exception in a task of the worker: the page's Worker object
  // gets an `error` event (the worker itself lives on; Retry replaces it).
  await engineWorker(page).evaluate(() => { setTimeout(() => { throw new Error('injected fault'); }); });
  await expect(status).toContainText('The engine stopped');
  await expect(status).toContainText('injected fault');
  await page.getByLabel('Events per run').fill('300000');
  await page.getByLabel('Events per run').dispatchEvent('change');
  await page.getByLabel('Profiled sample').fill('300000');
  await page.getByLabel('Profiled sample').dispatchEvent('change');
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(page.getByRole('button', { name: 'Retry' })).toBeHidden();
  await expect.poll(async () => Number(((await status.textContent()).match(/Finished run #(\d+)/) || [])[1] || 0), {
    timeout: 90_000,
  }).toBeGreaterThan(Number(firstRun));
});
