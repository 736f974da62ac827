// The static build served from a sub-path (/scalewise/).
import { test, expect, openWorkbench, runProfiler, gotoStep } from './fixtures.mjs';

test('the static build works under /scalewise/', async ({ page }) => {
  const engine = await openWorkbench(page);
  expect(page.url()).toContain('/scalewise/');
  expect(engine.threads).toBeGreaterThan(0);
  await runProfiler(page);
  await gotoStep(page, 'profile');
  await expect(page.getByTestId('data-digest')).toHaveText(/^[0-9a-f]{64}$/);
});
