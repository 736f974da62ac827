// Shared e2e fixtures: every page is watched for console errors, CSP
// violations and requests that leave its origin; a test fails if any occurs.
import { test as base, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = new URL('../..', import.meta.url).pathname;
export const cliPath = join(repoRoot, 'target/release/scalewise');

export const test = base.extend({
  page: async ({ page, baseURL }, use) => {
    const origin = new URL(baseURL).origin;
    const problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:')) {
        problems.push(`request outside the origin: ${url}`);
      }
    });
    page.on('dialog', (dialog) => {
      problems.push(`unexpected dialog: ${dialog.message()}`);
      dialog.dismiss();
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
    await use(page);
    expect(problems, 'console errors, CSP violations or foreign requests').toEqual([]);
  },
});
export { expect };

/** Opens the workbench and waits until the engine is ready. */
export async function openWorkbench(page, path = './') {
  await page.goto(path);
  const badge = page.getByTestId('engine-badge');
  await expect(badge).toHaveAttribute('data-threads', /\d+/);
  return {
    mode: await badge.getAttribute('data-mode'),
    threads: Number(await badge.getAttribute('data-threads')),
  };
}

/** Clicks "Run profiler" and waits for the run to finish. */
export async function runProfiler(page) {
  await page.getByRole('button', { name: 'Run profiler' }).click();
  await expect(page.getByTestId('run-status')).toContainText('Finished', { timeout: 90_000 });
}

/** Runs the native CLI on a review JSON (object) and returns the parsed output. */
export function runCli(review, extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'scalewise-e2e-'));
  const reviewPath = join(dir, 'review.json');
  writeFileSync(reviewPath, JSON.stringify(review));
  const stdout = execFileSync(cliPath, ['run', reviewPath, ...extraArgs], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(stdout);
}

export function cliExample() {
  return JSON.parse(execFileSync(cliPath, ['example'], { encoding: 'utf8' }));
}

/** Shows a workbench step by clicking it in the sidebar stepper. */
export async function gotoStep(page, slug) {
  const link = page.locator(`nav[aria-label="Workbench steps"] button[data-step="${slug}"]`);
  await link.click();
  await expect(link).toHaveAttribute('aria-current', 'step');
}

/** The result document of the last finished run, as the page autosaved it
 * (after the run `previousRunId`, if given). */
export async function savedResult(page, previousRunId = 0) {
  let saved = null;
  await expect.poll(async () => {
    saved = await page.evaluate(() => JSON.parse(localStorage.getItem('scalewise.autosave.result') ?? 'null'));
    return saved?.run_id ?? 0;
  }, { message: 'the finished run is autosaved' }).toBeGreaterThan(previousRunId);
  return saved;
}

/** Opaque pixels on the first canvas inside `selector` (0 if none). */
export async function paintedPixels(page, selector) {
  return page.locator(`${selector} canvas`).first().evaluate((canvas) => {
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let opaque = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) opaque++;
    return opaque;
  });
}

/** Waits until the chart in `selector` has drawn more than `min` opaque pixels. */
export async function expectPainted(page, selector, min = 1000) {
  await expect(page.locator(`${selector} canvas`).first()).toBeAttached();
  await expect.poll(() => paintedPixels(page, selector), { message: `${selector} is drawn` }).toBeGreaterThan(min);
}
