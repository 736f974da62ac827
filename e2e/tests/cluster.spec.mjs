// The distributed measurement on the page: a real CLUSTER.json, written by
// the release CLI (`scalewise cluster --processes 2`, two timely processes on
// 127.0.0.1) for the review the page downloads, imported, carried into a
// run, shown on the Profile step and in the term breakdown, recorded in the
// result (which still reproduces), and removable; a CLUSTER.json of another
// review is refused and changes nothing.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, openWorkbench, runProfiler, gotoStep, cliExample, cliPath, savedResult } from './fixtures.mjs';

const fileInput = (page) => page.getByLabel('Import a result or review file');
const verdict = (page) => page.getByTestId('import-verdict');

/** Runs `scalewise cluster REVIEW --processes 2` and returns CLUSTER.json's text. */
function clusterFile(reviewText) {
  const dir = mkdtempSync(join(tmpdir(), 'scalewise-cluster-'));
  const reviewPath = join(dir, 'review.json');
  const output = join(dir, 'CLUSTER.json');
  writeFileSync(reviewPath, reviewText);
  execFileSync(cliPath, ['cluster', reviewPath, '--processes', '2', '-o', output], { stdio: 'ignore', timeout: 300_000 });
  return readFileSync(output, 'utf8');
}

/** The page's review, through its "Download this review" button (Profile step). */
async function downloadReview(page) {
  await gotoStep(page, 'profile');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('download-review').first().click(),
  ]);
  expect(download.suggestedFilename()).toBe('review.json');
  return readFileSync(await download.path(), 'utf8');
}

async function importText(page, name, text) {
  await fileInput(page).setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

/** The term table's rows for `term`, by class. */
async function termClasses(page, term) {
  await gotoStep(page, 'crossover');
  const rows = page.locator(`[data-testid="term-table"] tbody tr[data-term="${term}"]`);
  await expect(rows.first()).toBeAttached();
  return rows.evaluateAll((trs) => trs.map((tr) => ({ class: tr.dataset.class, source: tr.dataset.source })));
}

/** The Profile step shows the file's layouts and its measured COST. */
async function checkPoints(page, distributed) {
  await gotoStep(page, 'profile');
  const rows = page.getByTestId('cluster-points').locator('tbody tr');
  await expect(rows).toHaveCount(distributed.points.length);
  for (const [i, p] of distributed.points.entries()) {
    const row = rows.nth(i);
    await expect(row).toHaveAttribute('data-processes', String(p.processes));
    await expect(row).toHaveAttribute('data-workers', String(p.workers_per_process));
    expect(Number(await row.getAttribute('data-events-per-s'))).toBe(p.events_per_s.median);
    expect(Number(await row.getAttribute('data-bytes'))).toBe(p.shuffle.bytes_to_other_processes);
    if (p.exchange.bytes_per_s) {
      expect(Number(await row.getAttribute('data-bytes-per-s'))).toBe(p.exchange.bytes_per_s.median);
    }
    await expect(row.locator('td').first()).toHaveText(`${p.processes} × ${p.workers_per_process}`);
    await expect(row.locator('td').nth(1)).toContainText('127.0.0.1');
  }
  const cost = page.getByTestId('cluster-cost');
  const c = distributed.cost;
  await expect(cost).toHaveAttribute('data-outcome', c.outcome);
  if (c.outcome === 'reached') {
    await expect(cost).toHaveAttribute('data-threads', String(c.threads));
    await expect(cost).toContainText(`beats the single-threaded pipeline at ${c.threads} thread`);
    await expect(cost).toContainText(`(${c.processes} × ${c.workers_per_process})`);
  } else {
    await expect(cost).toHaveAttribute('data-threads', String(c.up_to_threads));
    await expect(cost).toContainText(`not reached up to ${c.up_to_threads} thread`);
    await expect(cost).toContainText(`(${c.best_processes} × ${c.best_workers_per_process})`);
  }
  // Labelled as measured on timely, apart from the projected COST.
  await expect(page.getByTestId('cluster-facts')).toContainText(`COST measured on ${distributed.engine}`);
  expect(Number(await page.getByTestId('cluster-baseline').getAttribute('data-events-per-s'))).toBe(distributed.baseline.events_per_s.median);
}

test('a CLUSTER.json from scalewise cluster makes exchange and coordination measured, in the result that reproduces', async ({ page }) => {
  test.setTimeout(420_000);
  await openWorkbench(page);
  await gotoStep(page, 'profile');
  const none = page.getByTestId('cluster-none');
  await expect(none).toBeVisible();
  await expect(page.getByTestId('cluster-command-local')).toContainText('scalewise cluster review.json --processes 2 -o CLUSTER.json');
  await expect(page.getByTestId('cluster-command-hostfile')).toContainText('--hostfile hosts.txt --process 0');
  const reviewText = await downloadReview(page);
  expect(JSON.parse(reviewText), 'the page starts from the example review').toEqual(cliExample());

  const text = clusterFile(reviewText);
  const cluster = JSON.parse(text);
  const d = cluster.distributed;
  expect(d.points.some((p) => p.processes === 2)).toBe(true);
  await expect(page.getByTestId('cluster-review-digest')).toHaveText(d.review_digest);

  await importText(page, 'CLUSTER.json', text);
  await expect(verdict(page)).toContainText('Measured for this review');
  await expect(page.getByTestId('import-cluster-summary')).toContainText(`on ${d.engine}`);
  // Beside the review, not an edit of it: nothing to undo.
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled();
  await expect(page.getByTestId('cluster-status')).toHaveAttribute('data-state', 'imported');
  await checkPoints(page, d);

  await runProfiler(page);
  const saved = await savedResult(page);
  expect(saved.result.calibration.distributed, 'the result records the section').toEqual(d);
  expect(saved.result.calibration.environment, 'the run still calibrates in the browser').toMatch(/^wasm/);
  expect(saved.result.cost_metric.measured.outcome).toEqual(d.cost);
  await gotoStep(page, 'profile');
  await expect(page.getByTestId('cluster-status')).toHaveAttribute('data-state', 'used');
  await expect(page.getByTestId('cluster-browser-scaling').locator('tbody tr')).toHaveCount(saved.result.calibration.scaling.length);
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await checkPoints(page, d);
  }

  // The breakdown: the distributed design's exchange and coordination are
  // measured, named by where they were measured.
  const layout = d.points.filter((p) => p.processes > 1).at(-1);
  for (const term of ['exchange_cpu', 'coordination']) {
    const rows = await termClasses(page, term);
    expect(rows.map((r) => r.class), term).toEqual(['measured']);
    expect(rows[0].source).toBe(`${d.engine}, ${layout.processes} × ${layout.workers_per_process}, on 127.0.0.1`);
  }
  await expect(page.locator('[data-testid="term-table"] tr[data-term="exchange_cpu"] .term-source')).toContainText(d.engine);

  // The result reproduces: in the native CLI and through the page's import.
  const dir = mkdtempSync(join(tmpdir(), 'scalewise-cluster-result-'));
  const resultPath = join(dir, 'run.result.json');
  const resultText = JSON.stringify(saved.result);
  writeFileSync(resultPath, resultText);
  expect(execFileSync(cliPath, ['verify', resultPath], { encoding: 'utf8', maxBuffer: 64 << 20 })).toContain('reproduced');
  await importText(page, 'run.result.json', resultText);
  await expect(verdict(page)).toHaveText('Reproduced — digest matches', { timeout: 90_000 });
  await expect(page.getByTestId('import-digest')).toHaveText(saved.result.reproducibility.digest);
  const imported = await savedResult(page, saved.run_id);
  expect(imported.result.calibration.distributed).toEqual(d);

  // Removed: the next run assumes the exchange and coordination again.
  await gotoStep(page, 'profile');
  await page.getByTestId('cluster-remove').click();
  await expect(page.getByTestId('cluster-remove')).toHaveCount(0);
  await runProfiler(page);
  const after = await savedResult(page, imported.run_id);
  expect(after.result.calibration.distributed).toBeUndefined();
  await gotoStep(page, 'profile');
  await expect(page.getByTestId('cluster-none')).toBeVisible();
  for (const term of ['exchange_cpu', 'coordination']) {
    expect((await termClasses(page, term)).map((r) => r.class), term).toEqual(['assumed']);
  }
});

test('a CLUSTER.json of another review is refused with the digest named, and changes nothing', async ({ page }) => {
  test.setTimeout(180_000);
  await openWorkbench(page);
  const review = JSON.parse(await downloadReview(page));
  // Another review: another seed and a smaller sample.
  const other = { ...review, seed: review.seed + 1, workload: { ...review.workload, sample_events: 200_000 } };
  const text = clusterFile(JSON.stringify(other));
  const d = JSON.parse(text).distributed;
  const ours = await page.getByTestId('cluster-review-digest').textContent();
  expect(d.review_digest).not.toBe(ours);

  await gotoStep(page, 'scenario');
  const title = await page.getByLabel('Review title').inputValue();
  await importText(page, 'CLUSTER.json', text);
  await expect(verdict(page)).toContainText('was measured for a different review');
  await expect(verdict(page)).toContainText('calibration.distributed.review_digest');
  await expect(verdict(page)).toContainText(d.review_digest);
  await expect(verdict(page)).toContainText(ours);
  await expect(verdict(page)).toContainText('Your work is unchanged');
  await gotoStep(page, 'profile');
  await expect(page.getByTestId('cluster-none')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Undo' })).toBeDisabled();
  await gotoStep(page, 'scenario');
  await expect(page.getByLabel('Review title')).toHaveValue(title);
});
