// A static host that cannot send headers still gets cross-origin
// isolation (and threads) through our own service worker, after one reload.
import { test, expect, runProfiler, gotoStep } from './fixtures.mjs';

test('our service worker isolates a header-less host', async ({ page }) => {
  await page.goto('./');
  // The page registers public/sw.js, reloads once, and comes back isolated.
  // (A navigation destroys the evaluation context: count that as "not yet".)
  const isolated = () => page.evaluate(() => crossOriginIsolated).catch(() => false);
  await expect.poll(isolated, { timeout: 30_000 }).toBe(true);
  const badge = page.getByTestId('engine-badge');
  await expect(badge).toHaveAttribute('data-mode', 'isolated');
  expect(Number(await badge.getAttribute('data-threads'))).toBeGreaterThan(1);
  const controller = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null);
  expect(controller).toMatch(/\/sw\.js$/);
  await runProfiler(page);
  await gotoStep(page, 'profile');
  await expect(page.getByTestId('data-digest')).toHaveText(/^[0-9a-f]{64}$/);
});
