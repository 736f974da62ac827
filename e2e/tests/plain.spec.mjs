// A plain static host (no isolation headers) with service workers
// blocked: the page still works, single-threaded, with identical results.
import { test, expect, openWorkbench, runProfiler, gotoStep, runCli, cliExample } from './fixtures.mjs';

test('not isolated: one thread, same result as the native CLI', async ({ page }) => {
  const engine = await openWorkbench(page);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  expect(engine.mode).toBe('single-threaded');
  expect(engine.threads).toBe(1);
  await expect(page.getByTestId('engine-badge')).toContainText('1 thread');

  await runProfiler(page);
  await gotoStep(page, 'profile');
  const digest = (await page.getByTestId('data-digest').textContent()).trim();
  const native = runCli(cliExample(), ['--threads', '1']);
  expect(digest).toBe(native.profile.data_digest);
});
