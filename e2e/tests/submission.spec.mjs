// The submission — scoring, recommendation, memo and the exports.
// Every export is a real download checked by real tools: Python's `json`,
// `nbformat`, and the native `scalewise verify` (built by scripts/test.sh).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, openWorkbench, runProfiler, gotoStep, cliPath } from './fixtures.mjs';

const HEADINGS = ['Context', 'Method', 'Evidence', 'Risks', 'Recommendation', 'Open questions'];
// How the memo names each pipeline stage (the core's `Stage::label`).
// The core's `Stage::label`s (core/src/profiler.rs).
const STAGE_LABELS = {
  decode: 'record decode',
  payload: 'payload decode, validation and scan',
  dedup: 'deduplication by event id',
  quality: 'quality checks',
  lineage: 'lineage completeness',
  access_policy: 'access-policy evaluation',
  aggregate: 'shuffle aggregation',
  features: 'feature statistics',
};
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Clicks the download button named `name` and saves the file in `dir`. */
async function download(page, name, dir) {
  const button = page.getByRole('button', { name, exact: true });
  await expect(button).toBeEnabled();
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  return { path, name: file.suggestedFilename() };
}

/** Opens the Export step and waits until every file is ready. */
async function openExports(page) {
  await gotoStep(page, 'export');
  await expect(page.getByRole('button', { name: 'Download .ipynb', exact: true })).toBeEnabled({ timeout: 60_000 });
}

function python(code, ...args) {
  return execFileSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
}

function verify(path) {
  return execFileSync(cliPath, ['verify', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** Words as the core counts them: whitespace-separated, with a letter or digit. */
function countWords(text) {
  return text.split(/\s+/).filter((t) => /[\p{L}\p{N}]/u.test(t)).length;
}

/** The workspace code cell of a notebook (the one assigning `module`). */
function workspaceCell(notebook) {
  const text = (cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
  return notebook.cells.filter((c) => c.cell_type === 'code').map(text).find((s) => /^module = /m.test(s));
}

test('after a run every export downloads, verifies and validates', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'scalewise-export-'));
  await openWorkbench(page);
  // Before a run the exports say why they are disabled.
  await gotoStep(page, 'export');
  await expect(page.getByTestId('export-blocked')).toContainText('run the profiler first');
  await expect(page.getByRole('button', { name: 'Download .result.json' })).toBeDisabled();

  await runProfiler(page);
  await openExports(page);
  const today = await page.evaluate(() => {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  });

  // The result JSON: the course keys with their types, and it reproduces.
  const result = await download(page, 'Download .result.json', dir);
  expect(result.name).toMatch(new RegExp(`-${today}\\.result\\.json$`));
  const checked = python(`
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
assert isinstance(doc["module"], int) and not isinstance(doc["module"], bool), doc["module"]
assert isinstance(doc["decision"], str) and doc["decision"]
assert isinstance(doc["artifact"], str) and doc["artifact"]
assert isinstance(doc["alternatives"], list) and len(doc["alternatives"]) >= 2
for a in doc["alternatives"]:
    assert set(a) == {"option", "strength", "risk", "evidence"}, a
    assert all(isinstance(v, str) for v in a.values()), a
r = doc["recommendation"]
assert set(r) == {"decision", "recommended_option", "minimum_evidence_before_pilot", "monitoring_metric", "rollback_trigger"}, r
assert isinstance(r["minimum_evidence_before_pilot"], list)
assert all(isinstance(x, str) for x in r["minimum_evidence_before_pilot"])
assert all(isinstance(r[k], str) for k in ("decision", "recommended_option", "monitoring_metric", "rollback_trigger"))
print("ok", doc["module"])
`, result.path);
  expect(checked.trim()).toBe('ok 4');
  expect(verify(result.path)).toContain('reproduced');
  const doc = JSON.parse(readFileSync(result.path, 'utf8'));

  // The notebook: valid nbformat 4, the workspace filled with this review.
  const notebookFile = await download(page, 'Download .ipynb', dir);
  python('import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))', notebookFile.path);
  const notebook = JSON.parse(readFileSync(notebookFile.path, 'utf8'));
  expect(notebook.nbformat).toBe(4);
  const workspace = workspaceCell(notebook);
  expect(workspace).toContain('module = 4');
  for (const alternative of doc.alternatives) expect(workspace).toContain(JSON.stringify(alternative.option));
  expect(workspace).toContain(JSON.stringify(doc.recommendation.recommended_option));
  // It draws its own charts (matplotlib, when run) and embeds the result,
  // so the page's notebook is the one the CLI exports, byte for byte
  // (scripts/notebook-check.sh runs the CLI's offline).
  expect(notebook.metadata.scalewise.result_digest).toBe(doc.reproducibility.digest);
  expect(notebook.cells.find((c) => c.id === 'charts').cell_type).toBe('code');
  const cliOut = mkdtempSync(join(tmpdir(), 'scalewise-cli-export-'));
  execFileSync(cliPath, ['export', result.path, '--out', cliOut, '--date', today], { encoding: 'utf8' });
  const cliNotebook = readdirSync(cliOut).find((name) => name.endsWith('.ipynb'));
  expect(readFileSync(join(cliOut, cliNotebook), 'utf8')).toBe(readFileSync(notebookFile.path, 'utf8'));

  // The memo: six headings, 900–1200 words, and the review's own numbers.
  const memoFile = await download(page, 'Download .memo.md', dir);
  const memo = readFileSync(memoFile.path, 'utf8');
  for (const heading of HEADINGS) expect(memo).toMatch(new RegExp(`^#{1,3} ${heading}\\s*$`, 'm'));
  // The closing digest comment is not the memo's text (core/src/submission/mod.rs).
  const words = countWords(memo.replace(/\n<!-- scalewise-result sha256:[0-9a-f]+ -->\n?$/, ''));
  expect(words).toBeGreaterThanOrEqual(900);
  expect(words).toBeLessThanOrEqual(1200);
  // The page and the memo write the same numbers the same way (one
  // formatter, core/src/format.rs): the binding crossing's volume as the
  // Crossover step shows it, and each option's cost per run at the review's
  // volume as its table shows it.
  await gotoStep(page, 'crossover');
  const bindingVolume = (await page.locator('[data-testid="crossings-table"] tr.binding [data-testid="crossing-volume"]').innerText()).trim();
  expect(bindingVolume).toMatch(/^\d\.\d × 10[⁰¹²³⁴⁵⁶⁷⁸⁹]+ events$/);
  expect(memo).toContain(`stops being enough at ${bindingVolume}`);
  expect(memo).toContain(`until about ${bindingVolume} per run`);
  for (const projection of doc.projections) {
    const costCell = page.locator(`[data-testid="projection-table"] tr[data-option="${projection.option}"] td`).nth(4);
    const cost = (await costCell.innerText()).trim();
    expect(cost).toMatch(/^\$\d/);
    expect(memo).toContain(`${cost} per run`);
  }
  const reviewVolume = `${doc.reproducibility.review.workload.events.toLocaleString('en-US')} events`;
  expect(memo).toContain(`At ${reviewVolume} per run`);
  await openExports(page);
  // "Bottleneck: the <label> stage, because …" or "Bottleneck: <label> takes …".
  expect(memo).toMatch(new RegExp(`^Bottleneck: (the )?${STAGE_LABELS[doc.timing.bottleneck.stage].replace(/[()]/g, '\\$&')}`, 'm'));
  const winner = doc.scoring.totals.find((t) => t.option === doc.scoring.winner);
  expect(memo).toContain(winner.value.toFixed(3));
  expect(memo).toContain(doc.scoring.winner);
  // The memo file is the memo, then its result's digest in a closing comment.
  expect(memo.trim()).toBe(`${doc.memo.trim()}\n\n<!-- scalewise-result sha256:${doc.reproducibility.digest} -->`);

  // The scoring table as CSV and Markdown.
  const csv = readFileSync((await download(page, 'Download .scoring.csv', dir)).path, 'utf8');
  for (const alternative of doc.alternatives) expect(csv).toContain(alternative.option);
  const markdown = readFileSync((await download(page, 'Download .scoring.md', dir)).path, 'utf8');
  expect(markdown).toMatch(/^\|.*\|$/m);

  // Every chart as a PNG.
  const pngButtons = page.getByTestId('export-charts').getByRole('button');
  await expect(pngButtons).toHaveCount(7);
  for (const name of await pngButtons.allTextContents()) {
    const png = await download(page, name, dir);
    expect(png.name).toMatch(/\.png$/);
    const bytes = readFileSync(png.path);
    expect(bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
    expect(bytes.length).toBeGreaterThan(5_000);
  }

  // The memo step shows the same count and headings, live.
  await gotoStep(page, 'memo');
  await expect(page.getByTestId('memo-word-count')).toHaveText(`${words} words`);
  await expect(page.getByTestId('memo-headings')).toHaveText('all six headings present');
  await expect(page.getByTestId('memo-range')).toHaveText('within 900–1200');
  const memoBox = page.getByLabel('Memo text');
  await memoBox.fill('## Context\n\nToo short.');
  await expect(page.getByTestId('memo-word-count')).toHaveText('3 words');
  await expect(page.getByTestId('memo-range')).toHaveText('897 short of 900');
  await expect(page.getByTestId('memo-headings')).toContainText('missing headings: Method, Evidence, Risks, Recommendation, Open questions');
  // Regenerating asks first (in the page, not a browser dialog), then
  // brings the draft back.
  await page.getByRole('button', { name: 'Regenerate draft' }).click();
  await page.getByRole('button', { name: 'Replace with a new draft' }).click();
  await expect(page.getByTestId('memo-word-count')).toHaveText(`${words} words`);
  await expect(page.getByTestId('memo-source')).toContainText('Generated draft');
});

test('a weight change re-scores without a rerun, and edits reach the exports, which still verify', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'scalewise-rescore-'));
  await openWorkbench(page);
  await runProfiler(page);
  const ran = await page.getByTestId('run-status').textContent();
  await gotoStep(page, 'scoring');
  const totals = page.getByTestId('score-total').locator('td');
  await expect(totals).toHaveCount(2);
  const before = await totals.evaluateAll((cells) => cells.map((c) => Number(c.dataset.value)));

  // Keyboard: the cost slider from 20% up to 30% in 1% steps; the others
  // rescale so that the six still sum to 100%.
  const cost = page.getByRole('slider', { name: 'Cost', exact: true });
  await expect(cost).toHaveAttribute('aria-valuetext', '20.0 %');
  await cost.focus();
  for (let i = 0; i < 10; i += 1) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('weight-share-cost')).toHaveText('30.0 %');
  await expect(page.getByTestId('weight-total')).toHaveText('100.0 %');
  // The others keep their proportions: deadline 25% of the 80% left
  // becomes about 25 × 70 / 80 = 21.875% (each 1% step rounds to 0.1%).
  const deadline = Number((await page.getByTestId('weight-share-deadline').textContent()).replace('%', ''));
  expect(Math.abs(deadline - 21.875)).toBeLessThan(0.2);
  // The number box sets an exact share.
  const box = page.getByLabel('Resilience share in percent');
  await box.fill('5');
  await box.press('Tab');
  await expect(page.getByTestId('weight-share-resilience')).toHaveText('5.0 %');
  await expect(page.getByTestId('weight-total')).toHaveText('100.0 %');
  const shown = {};
  for (const id of ['deadline', 'cost', 'resilience', 'data_quality_lineage', 'access_risk', 'operational_complexity']) {
    shown[id] = await page.getByTestId(`weight-share-${id}`).textContent();
  }

  // Re-scored in place: the totals move, no run, nothing stale.
  await expect.poll(async () => totals.evaluateAll((cells) => cells.map((c) => Number(c.dataset.value)))).not.toEqual(before);
  await expect(page.getByTestId('refresh-pending')).toBeHidden();
  await expect(page.getByTestId('stale-marker')).toBeHidden();
  await expect(page.getByTestId('run-status')).toHaveText(ran);
  // The table sorts by a clicked column.
  const contributionHeader = page.getByRole('columnheader', { name: /Weighted contribution/ });
  await contributionHeader.getByRole('button').click();
  await expect(contributionHeader).toHaveAttribute('aria-sort', 'descending');
  const sorted = await page.getByTestId('scoring-table').locator('tbody [data-testid="contribution"]').allTextContents();
  expect(sorted.map(Number)).toEqual([...sorted.map(Number)].sort((a, b) => b - a));

  // A recommendation edit: a custom monitoring metric and one more item of
  // evidence before the pilot.
  await gotoStep(page, 'recommendation');
  await expect(page.getByTestId('recommendation-source')).toHaveText('Generated from the evidence.');
  await expect(page.getByTestId('recommendation-failure-modes').locator('article')).toHaveCount(2);
  await page.getByLabel('Monitoring metric').fill('nightly p95 makespan against the 2-hour window');
  await page.getByRole('button', { name: 'Add pilot evidence item' }).click();
  await page.getByLabel(/^pilot evidence item \d+$/).last().fill('a replay of one real night of events');
  await expect(page.getByTestId('recommendation-source')).toHaveText('Edited by you.');
  await expect(page.getByTestId('stale-marker')).toBeHidden();

  await openExports(page);
  const result = await download(page, 'Download .result.json', dir);
  const doc = JSON.parse(readFileSync(result.path, 'utf8'));
  // The exported weights are the shares on screen.
  const weights = doc.reproducibility.review.weights;
  const sum = Object.values(weights).reduce((a, b) => a + b, 0);
  for (const [id, text] of Object.entries(shown)) expect(`${((weights[id] / sum) * 100).toFixed(1)} %`).toBe(text);
  expect(doc.recommendation.monitoring_metric).toBe('nightly p95 makespan against the 2-hour window');
  expect(doc.recommendation.minimum_evidence_before_pilot).toContain('a replay of one real night of events');
  expect(verify(result.path)).toContain('reproduced');
  const notebook = JSON.parse(readFileSync((await download(page, 'Download .ipynb', dir)).path, 'utf8'));
  const workspace = workspaceCell(notebook);
  expect(workspace).toContain('"nightly p95 makespan against the 2-hour window"');
  expect(workspace).toContain('"a replay of one real night of events"');

  // An input a run depends on makes the result stale: the export says so
  // and still offers the earlier result's files.
  await gotoStep(page, 'data');
  await page.locator('#f-seed').fill('7');
  await page.locator('#f-seed').dispatchEvent('change');
  await expect(page.getByTestId('stale-marker')).toBeVisible();
  await gotoStep(page, 'export');
  await expect(page.getByTestId('export-stale')).toContainText('The result is stale');
  await expect(page.getByRole('button', { name: 'Download .result.json', exact: true })).toBeEnabled();
});

test('an option named =HYPERLINK("x") is escaped in the CSV and intact in the JSON', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'scalewise-csv-'));
  await openWorkbench(page);
  await gotoStep(page, 'alternatives');
  const option = page.getByTestId('alternative-0').getByLabel('Option', { exact: true });
  await option.fill('=HYPERLINK("x")');
  await option.press('Tab');
  await runProfiler(page);
  await openExports(page);
  const csv = readFileSync((await download(page, 'Download .scoring.csv', dir)).path, 'utf8');
  expect(csv).toContain('"\'=HYPERLINK(""x"")"');
  // No cell starts a formula.
  for (const line of csv.split('\n')) {
    for (const cell of line.split(',')) expect(cell).not.toMatch(/^"?[=+@]/);
  }
  const result = await download(page, 'Download .result.json', dir);
  const doc = JSON.parse(readFileSync(result.path, 'utf8'));
  expect(doc.alternatives.map((a) => a.option)).toContain('=HYPERLINK("x")');
  expect(verify(result.path)).toContain('reproduced');
});
