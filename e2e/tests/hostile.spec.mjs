// Hostile strings in every free-text field. Markup must stay text
// (no script runs, no element is created from it), the layout must hold,
// and every export must carry the text intact, escaped for its format.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, openWorkbench, runProfiler, gotoStep, cliPath } from './fixtures.mjs';

// Each payload sets window.__pwned if it ever runs.
const IMG = '<img src=x onerror="window.__pwned=1">';
const SCRIPT = '"><script>window.__pwned=2</script>';
const RTL = 'مراجعة \u202Egnp.exe\u202C تصميم';
const ZERO_WIDTH = 'zero\u200Bwidth\u200Djoin\uFEFFer';
const EMOJI = 'Scale 🚀 👩🏽‍💻 🇪🇺';
// At the name limit (120 characters) with no break opportunity.
const LONG_NAME = 'W'.repeat(120);
// Long free text (4 000 characters is the limit of a text field).
const LONG_TEXT = `${IMG} ${SCRIPT} ${RTL} ${ZERO_WIDTH} ${EMOJI} `.repeat(30).slice(0, 3_900);

const MEMO = [
  `# ${EMOJI}`,
  '## Context', `${IMG} and ${RTL}.`,
  '## Method', `${SCRIPT} then ${ZERO_WIDTH}.`,
  '## Evidence', LONG_TEXT,
  '## Risks', '<iframe src="javascript:window.__pwned=3"></iframe>',
  '## Recommendation', EMOJI,
  '## Open questions', `${LONG_NAME}?`,
].join('\n\n');

const STEPS = ['scenario', 'data', 'alternatives', 'run', 'profile', 'crossover', 'failure-modes',
  'scoring', 'recommendation', 'memo', 'export'];

function python(code, ...args) {
  return execFileSync('python3', ['-c', code, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

async function download(page, name, dir) {
  const button = page.getByRole('button', { name, exact: true });
  await expect(button).toBeEnabled({ timeout: 60_000 });
  const [file] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const path = join(dir, file.suggestedFilename());
  await file.saveAs(path);
  return path;
}

/** Nothing ran, no element came from user text, nothing overflows sideways. */
async function expectInert(page, where) {
  const state = await page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    injected: document.querySelectorAll('img[src="x"], iframe, script:not([src]):not([type])').length,
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
  }));
  expect(state.pwned, `${where}: a payload ran`).toBeNull();
  expect(state.injected, `${where}: an element was made from user text`).toBe(0);
  expect(state.overflow, `${where}: the page scrolls sideways`).toBeLessThanOrEqual(1);
}

test('hostile text stays text on every step and in every export', async ({ page }) => {
  test.setTimeout(300_000);
  const dir = mkdtempSync(join(tmpdir(), 'scalewise-hostile-'));
  const inlineScriptsBefore = await (async () => {
    await openWorkbench(page);
    return page.evaluate(() => document.querySelectorAll('script:not([src])').length);
  })();

  // Scenario: every free-text field.
  await gotoStep(page, 'scenario');
  await page.getByLabel('Review title').fill(`${IMG} ${EMOJI}`.slice(0, 120));
  await page.getByLabel('Decision', { exact: true }).fill(SCRIPT);
  await page.getByLabel('Artifact').fill(`${RTL} ${ZERO_WIDTH}`);
  await page.getByLabel('Boundary paragraph').fill(LONG_TEXT);
  await page.getByLabel('Stakeholder 1 role').fill(EMOJI);
  await page.getByLabel('Stakeholder 1 concern').fill(IMG);
  await expectInert(page, 'scenario');

  // Alternatives: names (unique, at most 120 characters) and their text.
  await gotoStep(page, 'alternatives');
  const names = [SCRIPT, `${RTL} ${EMOJI} ${ZERO_WIDTH}`, LONG_NAME];
  const cards = page.locator('[data-testid^="alternative-"]');
  const count = Math.min(await cards.count(), names.length);
  expect(count).toBeGreaterThanOrEqual(2);
  for (let i = 0; i < count; i++) {
    const card = page.getByTestId(`alternative-${i}`);
    await card.getByLabel('Option', { exact: true }).fill(names[i]);
    await card.getByLabel('Strength').fill(IMG);
    await card.getByLabel('Risk').fill(LONG_TEXT);
    await card.getByLabel('Evidence').fill(`${ZERO_WIDTH} ${RTL}`);
  }
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expectInert(page, 'alternatives');

  await runProfiler(page);

  // Recommendation and memo, edited after the run (no rerun needed).
  await gotoStep(page, 'recommendation');
  await page.getByLabel('Monitoring metric').fill(IMG);
  await page.getByLabel('Rollback trigger').fill(SCRIPT);
  await page.getByLabel(/^pilot evidence item \d+$/).first().fill(`${EMOJI} ${RTL}`);
  await gotoStep(page, 'memo');
  await page.getByLabel('Memo text').fill(MEMO);
  await expect(page.getByTestId('memo-headings')).toHaveText('all six headings present');

  for (const step of STEPS) {
    await gotoStep(page, step);
    await expectInert(page, step);
  }
  // The title shows as text, exactly as typed.
  await gotoStep(page, 'scenario');
  await expect(page.getByLabel('Review title')).toHaveValue(`${IMG} ${EMOJI}`.slice(0, 120));
  expect(await page.evaluate(() => document.querySelectorAll('script:not([src])').length)).toBe(inlineScriptsBefore);

  // Exports.
  await gotoStep(page, 'export');
  const resultPath = await download(page, 'Download .result.json', dir);
  const doc = JSON.parse(readFileSync(resultPath, 'utf8'));
  const review = doc.reproducibility.review;
  // JSON: intact.
  expect(review.title).toBe(`${IMG} ${EMOJI}`.slice(0, 120));
  expect(doc.decision).toBe(SCRIPT);
  expect(review.scenario.boundary).toBe(LONG_TEXT);
  expect(doc.alternatives.slice(0, count).map((a) => a.option)).toEqual(names.slice(0, count));
  expect(doc.alternatives[0].strength).toBe(IMG);
  expect(doc.recommendation.monitoring_metric).toBe(IMG);
  expect(doc.recommendation.rollback_trigger).toBe(SCRIPT);
  expect(doc.recommendation.minimum_evidence_before_pilot[0]).toBe(`${EMOJI} ${RTL}`);
  expect(doc.memo).toBe(MEMO);
  expect(execFileSync(cliPath, ['verify', resultPath], { encoding: 'utf8', maxBuffer: 64 << 20 })).toContain('reproduced');

  // CSV: a spreadsheet reads each option name back exactly (none starts
  // with a formula character, so none gains a quote mark).
  const csvPath = await download(page, 'Download .scoring.csv', dir);
  const options = JSON.parse(python(`
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8", newline="")))
print(json.dumps(sorted({r["option"] for r in rows})))
`, csvPath));
  expect(options).toEqual([...doc.alternatives.map((a) => a.option)].sort());

  // Markdown table and memo: no raw tag survives; the text is there as entities.
  const markdown = readFileSync(await download(page, 'Download .scoring.md', dir), 'utf8');
  expect(markdown).not.toMatch(/<script|<img|<iframe/i);
  expect(markdown).toContain('&lt;script&gt;');
  const memo = readFileSync(await download(page, 'Download .memo.md', dir), 'utf8');
  expect(memo).not.toMatch(/<script|<img|<iframe/i);
  expect(memo).toContain('&lt;img src=x onerror="window.__pwned=1">');
  expect(memo).toContain(RTL);
  expect(memo).toContain(ZERO_WIDTH);
  expect(memo).toContain(EMOJI);

  // Notebook: valid; the workspace cell, run by Python, gives back exactly
  // the document's values; no markdown cell carries a raw tag.
  const notebookPath = await download(page, 'Download .ipynb', dir);
  const checked = python(`
import json, sys, nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
doc = json.load(open(sys.argv[2], encoding="utf-8"))
src = next(c.source for c in nb.cells if c.cell_type == "code" and "\\nmodule = " in "\\n" + c.source)
scope = {}
exec(src, scope)
assert scope["decision"] == doc["decision"], scope["decision"]
assert scope["alternatives"] == doc["alternatives"]
assert scope["recommendation"] == doc["recommendation"]
for c in nb.cells:
    if c.cell_type == "markdown":
        low = c.source.lower()
        assert "<script" not in low and "<img" not in low and "<iframe" not in low, c.source[:200]
print("ok")
`, notebookPath, resultPath);
  expect(checked.trim()).toBe('ok');
  await expectInert(page, 'after the exports');
});

test('text over a field limit is refused with the field named, and nothing else changes', async ({ page }) => {
  await openWorkbench(page);
  await gotoStep(page, 'alternatives');
  const option = page.getByTestId('alternative-0').getByLabel('Option', { exact: true });
  const before = await option.inputValue();
  await option.fill('N'.repeat(121));
  const card = page.getByTestId('alternative-0');
  await expect(card.getByText(/at most 120/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run profiler' })).toBeDisabled();
  await option.fill(before);
  await expect(card.getByText(/at most 120/)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Run profiler' })).toBeEnabled();
  await expectInert(page, 'alternatives');
});
