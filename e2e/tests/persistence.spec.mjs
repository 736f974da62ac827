// "Nothing is lost" (README) and the autosave's faults: autosave and
// restore, undo/redo, reset, import (review files, result files recomputed
// in the engine worker, damaged and oversized files), the audit trail,
// reload mid-run and a corrupted autosave entry.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect, openWorkbench, runProfiler, gotoStep, cliExample, cliPath } from './fixtures.mjs';

const title = (page) => page.getByLabel('Review title');
const nodes = (page, i = 1) => page.getByTestId(`alternative-${i}`).getByLabel('Nodes', { exact: true });
const deadlineWeight = (page) => page.getByLabel('Deadline weight');
/** Takes focus out of any text field (so Ctrl+Z is the review's undo). */
const blur = (page) => page.locator('#step-heading').focus();
const savedReview = (page) => page.evaluate(() => JSON.parse(localStorage.getItem('scalewise.autosave') ?? '{}').review ?? null);
const fileInput = (page) => page.getByLabel('Import a result or review file');
const verdict = (page) => page.getByTestId('import-verdict');

/** Imports `text` as a file named `name` through the file picker. */
async function importText(page, name, text) {
  await fileInput(page).setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
}

/** A result document produced by the native CLI for `review`. */
function cliResult(review) {
  const dir = mkdtempSync(join(tmpdir(), 'scalewise-import-'));
  const reviewPath = join(dir, 'in.review.json');
  const resultPath = join(dir, 'out.result.json');
  writeFileSync(reviewPath, JSON.stringify(review));
  execFileSync(cliPath, ['run', reviewPath, '-o', resultPath, '--threads', '1'], { stdio: 'ignore' });
  return readFileSync(resultPath, 'utf8');
}

/** The visible state an import must not touch. */
async function snapshot(page) {
  // Once the autosave has caught up with the page (300 ms after an edit).
  const shown = await title(page).inputValue();
  await expect.poll(async () => (await savedReview(page))?.title).toBe(shown);
  return {
    review: JSON.stringify(await savedReview(page)),
    title: await title(page).inputValue(),
    run: await page.getByTestId('run-status').textContent(),
  };
}

test('edits autosave and come back after a reload mid-edit, on the step they were made', async ({ page }) => {
  await openWorkbench(page);
  await gotoStep(page, 'alternatives');
  await nodes(page).fill('5');
  await nodes(page).press('Tab');
  await deadlineWeight(page).fill('3');
  await deadlineWeight(page).press('Tab');
  await expect(page.getByTestId('save-status')).toContainText('Autosaved at');
  await gotoStep(page, 'scenario');
  await title(page).fill('Autosave check — ✓ 東京');
  // No pause: the reload interrupts the autosave's quiet time; `pagehide`
  // writes what is pending.
  await page.goto('./');
  await expect(page.getByTestId('engine-badge')).toHaveAttribute('data-threads', /\d+/);
  await expect(page.locator('button[data-step="scenario"]')).toHaveAttribute('aria-current', 'step');
  await expect(title(page)).toHaveValue('Autosave check — ✓ 東京');
  await gotoStep(page, 'alternatives');
  await expect(nodes(page)).toHaveValue('5');
  await expect(deadlineWeight(page)).toHaveValue('3');
  // The step itself is restored when the URL does not name one.
  await page.goto('./');
  await expect(page.locator('button[data-step="alternatives"]')).toHaveAttribute('aria-current', 'step');
  await expect(page.getByTestId('notice')).toBeHidden();
});

test('undo and redo restore exact values, by keyboard and by buttons', async ({ page }) => {
  await openWorkbench(page);
  const original = await title(page).inputValue();
  const undo = page.getByRole('button', { name: 'Undo', exact: true });
  const redo = page.getByRole('button', { name: 'Redo', exact: true });
  await expect(undo).toBeDisabled();
  await expect(redo).toBeDisabled();

  // Typing in one field is one undo step.
  await title(page).click();
  await title(page).press('End');
  await title(page).pressSequentially('Fast', { delay: 20 });
  await blur(page);
  await gotoStep(page, 'alternatives');
  await nodes(page).fill('3');
  await nodes(page).press('Enter');
  await expect(undo).toHaveAttribute('title', /Undo alternatives\[1\]\.design\.nodes/);
  await blur(page);

  await page.keyboard.press('Control+z');
  await expect(nodes(page)).toHaveValue('8');
  await page.keyboard.press('Control+Shift+z');
  await expect(nodes(page)).toHaveValue('3');
  await page.keyboard.press('Control+z');
  await page.keyboard.press('Control+y');
  await expect(nodes(page)).toHaveValue('3');

  await undo.click();
  await expect(nodes(page)).toHaveValue('8');
  await undo.click();
  await gotoStep(page, 'scenario');
  await expect(title(page)).toHaveValue(original);
  await expect(undo).toBeDisabled();
  await redo.click();
  await expect(title(page)).toHaveValue(`${original}Fast`);
  await redo.click();
  await expect(redo).toBeDisabled();
  await gotoStep(page, 'alternatives');
  await expect(nodes(page)).toHaveValue('3');
  // Undo is autosaved like any edit.
  await undo.click();
  await expect.poll(async () => (await savedReview(page))?.alternatives[1].design.nodes).toBe(8);
});

test('reset to example asks first; cancel keeps the review, confirm resets, undo brings it back', async ({ page }) => {
  await openWorkbench(page);
  const original = await title(page).inputValue();
  await title(page).fill('Mine, not the example');
  await blur(page);
  const reset = page.getByRole('button', { name: 'Reset to example…' });
  const dialog = page.getByRole('alertdialog', { name: 'Reset to the example?' });

  await reset.click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(title(page)).toHaveValue('Mine, not the example');

  await reset.click();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(title(page)).toHaveValue('Mine, not the example');

  await reset.click();
  await dialog.getByRole('button', { name: 'Reset to example' }).click();
  await expect(title(page)).toHaveValue(original);
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(title(page)).toHaveValue('Mine, not the example');
});

test('the last result comes back after a reload without a rerun', async ({ page }) => {
  await openWorkbench(page);
  await runProfiler(page);
  await gotoStep(page, 'profile');
  const digest = await page.getByTestId('data-digest').textContent();
  await expect(page.getByTestId('save-status')).toContainText('with the last result');
  await page.reload();
  await expect(page.getByTestId('data-digest')).toHaveText(digest);
  await expect(page.getByTestId('stale-marker')).toBeHidden();
});

test('a reload mid-run restores the review from autosave', async ({ page }) => {
  await openWorkbench(page);
  await title(page).fill('Reloaded mid-run');
  await page.getByRole('button', { name: 'Run profiler' }).click();
  await expect(page.getByTestId('run-status')).toContainText('%');
  await page.reload();
  await expect(page.getByTestId('engine-badge')).toHaveAttribute('data-threads', /\d+/);
  await expect(title(page)).toHaveValue('Reloaded mid-run');
  await expect(page.getByTestId('run-status')).toHaveText('No run yet.');
  await expect(page.getByRole('button', { name: 'Run profiler' })).toBeEnabled();
});

for (const [label, stored, reason] of [
  ['not JSON', '{"format": "scalewise.autosave", "rev', 'not valid JSON'],
  ['another format', JSON.stringify({ format: 'something.else', version: 1 }), 'its format is “something.else”'],
  ['a damaged review', JSON.stringify({ format: 'scalewise.autosave', version: 1, saved_at: 'x', step: 'data', review: { title: 42 } }), 'its review cannot be read'],
]) {
  test(`a corrupted autosave (${label}) starts from the example, says why and keeps the text`, async ({ page }) => {
    await page.addInitScript((text) => {
      if (!sessionStorage.getItem('seeded')) {
        sessionStorage.setItem('seeded', '1');
        localStorage.setItem('scalewise.autosave', text);
      }
    }, stored);
    await openWorkbench(page);
    const notice = page.getByTestId('notice');
    await expect(notice).toContainText('Your autosaved review could not be restored');
    await expect(notice).toContainText(reason);
    await expect(notice).toContainText('Started from the example');
    await expect(title(page)).toHaveValue(cliExample().title);
    expect(await page.evaluate(() => localStorage.getItem('scalewise.autosave.unreadable'))).toBe(stored);
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await expect(notice).toBeHidden();
    // The page works: an edit autosaves over the damaged entry, the copy stays.
    await title(page).fill('Fresh start');
    await expect.poll(async () => (await savedReview(page))?.title).toBe('Fresh start');
    expect(await page.evaluate(() => localStorage.getItem('scalewise.autosave.unreadable'))).toBe(stored);
  });
}

test('a review file imports by picker and by drag and drop, as one undoable edit', async ({ page }) => {
  await openWorkbench(page);
  const original = await title(page).inputValue();
  const review = cliExample();
  review.title = 'Imported review';
  review.alternatives[1].design.nodes = 6;
  await importText(page, 'mine.review.json', JSON.stringify(review));
  await expect(verdict(page)).toContainText('Its inputs are loaded');
  await expect(title(page)).toHaveValue('Imported review');
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(title(page)).toHaveValue(original);

  // Drag and drop: an overlay while a file is over the page, then the import.
  review.title = 'Dropped review';
  const transfer = await page.evaluateHandle((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], 'dropped.review.json', { type: 'application/json' }));
    return data;
  }, JSON.stringify(review));
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: transfer });
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  await page.dispatchEvent('main', 'drop', { dataTransfer: transfer });
  await expect(page.getByTestId('drop-overlay')).toBeHidden();
  await expect(title(page)).toHaveValue('Dropped review');
});

test('broken, invalid and oversized files are refused with a message and change nothing', async ({ page }) => {
  await openWorkbench(page);
  await runProfiler(page);
  await gotoStep(page, 'scenario');
  const before = await snapshot(page);

  await importText(page, 'broken.result.json', '{"module": 1, "reproducibility": {"digest": "ab');
  await expect(verdict(page)).toContainText(/EOF|line 1/);
  expect(await snapshot(page)).toEqual(before);

  const invalid = cliExample();
  invalid.alternatives[1].design.nodes = 0;
  await importText(page, 'invalid.review.json', JSON.stringify(invalid));
  await expect(verdict(page)).toContainText('alternatives[1].design.nodes');
  expect(await snapshot(page)).toEqual(before);

  const limit = 8 * 1024 * 1024; // MAX_IMPORT_BYTES
  await importText(page, 'huge.result.json', ' '.repeat(limit + 1));
  await expect(verdict(page)).toContainText(`the import limit is`);
  await expect(verdict(page)).toContainText(String(limit));
  expect(await snapshot(page)).toEqual(before);
});

test('a result file from the native CLI reproduces in the workers and loads; a tampered copy names the field', async ({ page }) => {
  await openWorkbench(page);
  const review = cliExample();
  review.title = 'Made by the CLI';
  const text = cliResult(review);
  const recorded = JSON.parse(text);
  await importText(page, 'cli.result.json', text);
  await expect(verdict(page)).toHaveText('Reproduced — digest matches', { timeout: 90_000 });
  await expect(page.getByTestId('import-digest')).toHaveText(recorded.reproducibility.digest);
  await expect(title(page)).toHaveValue('Made by the CLI');
  // The result is shown without a run, and belongs to the loaded inputs.
  await expect(page.getByTestId('stale-marker')).toBeHidden();
  await gotoStep(page, 'crossover');
  await expect(page.getByTestId('projection-table').locator('tbody tr')).toHaveCount(recorded.projections.length);

  // One number changed, the digest kept: the import names the field and loads nothing.
  const tampered = JSON.parse(text);
  const field = Object.keys(tampered.projections[0]).find((k) => typeof tampered.projections[0][k] === 'number' && tampered.projections[0][k] !== 0);
  tampered.projections[0][field] *= 1.5;
  await gotoStep(page, 'scenario');
  // Undo takes the whole import back.
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(title(page)).toHaveValue(cliExample().title);
  const before = await snapshot(page);
  await importText(page, 'tampered.result.json', JSON.stringify(tampered));
  await expect(verdict(page)).toContainText('Differs', { timeout: 90_000 });
  await expect(page.getByTestId('import-differences')).toContainText(`projections[0].${field}`);
  expect(await snapshot(page)).toEqual(before);
  // On request its review (not its result) is loaded.
  await page.getByRole('button', { name: 'Load its review anyway' }).click();
  await expect(title(page)).toHaveValue('Made by the CLI');
});

test('edits are audited, chained, and a tampered audit entry is reported on import', async ({ page }) => {
  await openWorkbench(page);
  await title(page).fill('Audited');
  await blur(page);
  await gotoStep(page, 'alternatives');
  await nodes(page).fill('6');
  await nodes(page).press('Tab');
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(nodes(page)).toHaveValue('8');
  const panel = page.getByTestId('audit-panel');
  await panel.locator('summary').click();
  await expect(page.getByTestId('audit-status')).toContainText('3 edits recorded; chain intact');
  await expect(panel.locator('li').first()).toContainText('undo');
  await expect(panel.locator('li').nth(1)).toContainText('alternatives[1].design.nodes: 8 → 6');
  await expect(panel.locator('li').nth(2)).toContainText('title:');

  // Audit entries are not inputs: an edit that needs a run and its undo
  // leave the result current, though the trail grew.
  await runProfiler(page);
  await nodes(page).fill('6');
  await nodes(page).press('Tab');
  await expect(page.getByTestId('stale-marker')).toBeVisible();
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(nodes(page)).toHaveValue('8');
  await expect(page.getByTestId('stale-marker')).toBeHidden();
  await expect(page.getByTestId('audit-status')).toContainText('5 edits recorded; chain intact');

  // The trail travels in the review; a forged entry breaks the chain.
  await expect.poll(async () => (await savedReview(page))?.submission.audit.length).toBe(5);
  const review = await savedReview(page);
  const forged = JSON.parse(JSON.stringify(review));
  forged.submission.audit[1].summary = 'nothing happened here';
  await importText(page, 'forged.result.json', cliResult(forged));
  await expect(page.getByTestId('chain-status')).toContainText(/audit trail broken at entry 2: its contents do not match its hash/i, { timeout: 90_000 });
});
