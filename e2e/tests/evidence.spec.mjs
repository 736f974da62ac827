// The evidence model on the page: per-criterion crossings, the per-term
// breakdown, the sensitivity tornado, the self-check and COST, and the
// design's assumptions as editable fields. Every number is checked against
// the run's own result (the autosaved result document), in light and dark.
import {
  test, expect, openWorkbench, runProfiler, gotoStep, expectPainted, savedResult,
} from './fixtures.mjs';

/** WCAG contrast ratio of an element's text against its nearest opaque background. */
async function contrast(locator) {
  return locator.evaluate((element) => {
    const rgb = (css) => (css.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]) => {
      const lin = (c) => { const s = c / 255; return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    let node = element;
    let background = null;
    while (node && !background) {
      const c = rgb(getComputedStyle(node).backgroundColor);
      if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) background = c;
      node = node.parentElement;
    }
    const fg = luminance(rgb(getComputedStyle(element).color));
    const bg = luminance(background ?? [255, 255, 255]);
    return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
  });
}

const volumeCells = (page) => page.getByTestId('crossings-table').locator('tbody tr');

async function checkCrossover(page, result) {
  const c = result.crossover;
  await gotoStep(page, 'crossover');
  // One row per criterion of each design; the binding one marked, at its volume.
  await expect(volumeCells(page)).toHaveCount(c.single_node.length + c.distributed.length);
  const binding = page.locator('[data-testid="crossings-table"] tr.binding');
  if (c.binding) {
    await expect(binding).toHaveCount(1);
    await expect(binding).toHaveAttribute('data-criterion', c.binding.criterion);
    expect(Number(await binding.getAttribute('data-events'))).toBe(c.binding.events);
    await expect(binding).toContainText('binding');
    if (c.binding.events_range) await expect(binding.locator('td').last()).toContainText('σ');
  } else {
    await expect(binding).toHaveCount(0);
  }
  for (const x of c.single_node.concat(c.distributed)) {
    const row = page.locator(`[data-testid="crossings-table"] tr[data-option="${x.option}"][data-criterion="${x.criterion}"]`);
    if ('not_reached' in x.crossing) await expect(row).toContainText('not reached up to');
    if ('at' in x.crossing) expect(Number(await row.getAttribute('data-events'))).toBe(x.crossing.at.events);
  }

  // The breakdown: each alternative at the review's volume, then at the binding crossing.
  const bindingAt = c.binding ? c.single_node.find((x) => x.criterion === c.binding.criterion).at : [];
  const columns = result.projections.concat(bindingAt);
  const table = page.getByTestId('term-table');
  await expect(table.locator('thead th')).toHaveCount(2 + columns.length);
  for (const [k, p] of columns.entries()) {
    for (const t of p.terms) {
      const cell = table.locator(`tbody tr[data-term="${t.term}"][data-class="${t.class}"] td`).nth(2 + k);
      expect(Number(await cell.getAttribute('data-seconds')), `${p.option} ${t.term}`).toBe(t.seconds);
    }
    const assumed = table.locator('tfoot tr[data-share="assumed"] td').nth(k);
    expect(Number(await assumed.getAttribute('data-seconds'))).toBe(p.class_shares.assumed_s);
  }
  // Projections past the profiled sample say so, with the factor.
  const sample = result.reproducibility.review.workload.sample_events;
  const beyond = columns.filter((p) => p.events > sample);
  await expect(page.getByTestId('extrapolation-notes').locator('li')).toHaveCount(beyond.length);
  if (beyond.length > 0) await expect(page.getByTestId('extrapolation-notes')).toContainText('beyond the profiled sample');
  await expectPainted(page, '#breakdown-chart');

  // The tornado: widest first, the input it hinges on and those that flip the winner.
  const s = result.sensitivity;
  const summary = page.getByTestId('sensitivity-summary');
  await expect(summary).toHaveAttribute('data-hinges-on', s.hinges_on ?? '');
  await expect(summary).toHaveAttribute('data-flips', s.flips_winner.join(','));
  if (s.hinges_on) {
    const label = s.inputs.find((i) => i.input === s.hinges_on).label;
    await expect(summary).toContainText(`hinges on ${label}`);
  }
  const rows = page.getByTestId('sensitivity-table').locator('tbody tr');
  await expect(rows).toHaveCount(s.inputs.length);
  await expect(rows.first()).toHaveAttribute('data-input', s.inputs[0].input);
  const low = rows.first().locator('td').nth(4);
  if (s.inputs[0].binding_at_low === null) await expect(low).toContainText('not reached');
  else expect(Number(await low.getAttribute('data-events'))).toBe(s.inputs[0].binding_at_low);
  await expectPainted(page, '#tornado-chart');
  for (const element of [summary, volumeCells(page).first().locator('td').first(), table.locator('.term-class').first()]) {
    expect(await contrast(element), 'text contrast').toBeGreaterThanOrEqual(4.5);
  }
}

async function checkProfile(page, result) {
  await gotoStep(page, 'profile');
  const check = page.getByTestId('self-check');
  const pass = result.self_check.full_pass;
  expect(pass, 'a browser run measures a full pass').not.toBeNull();
  expect(Number(await check.getAttribute('data-error'))).toBe(pass.error);
  const error = `${pass.error >= 0 ? '+' : ''}${(pass.error * 100).toFixed(1)} %`;
  await expect(check).toContainText(`error ${error}`);
  await expect(check).toContainText('Calibrated on');
  const cost = page.getByTestId('cost-metric');
  await expect(cost).toHaveAttribute('data-cores', result.cost_metric.cores === null ? '' : String(result.cost_metric.cores));
  await expect(cost).toContainText(result.cost_metric.distributed_option);
  if (result.cost_metric.cores !== null) await expect(cost).toContainText(`needs ${result.cost_metric.cores} core`);
  const used = page.getByTestId('scaling-used');
  const source = result.scaling.used.source.kind;
  await expect(used).toContainText(source === 'unfitted' ? `assumed σ = ${result.scaling.used.sigma}, κ = ${result.scaling.used.kappa}, no fit because` : 'σ =');
  expect(await contrast(check), 'self-check contrast').toBeGreaterThanOrEqual(4.5);
}

test('the evidence of the default review renders with the run\'s numbers, light and dark', async ({ page }) => {
  await openWorkbench(page);
  await runProfiler(page);
  const saved = await savedResult(page);
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await checkCrossover(page, saved.result);
    await checkProfile(page, saved.result);
  }
  // The Run step carries the self-check too.
  await gotoStep(page, 'run');
  await expect(page.getByTestId('self-check')).toContainText('Calibrated on');
});

test('the design\'s assumptions are editable with units and reasons; the core speed changes the breakdown', async ({ page }) => {
  await openWorkbench(page);
  await runProfiler(page);
  const before = await savedResult(page);
  await gotoStep(page, 'alternatives');
  const card = page.getByTestId('alternative-0');
  for (const legend of ['Target hardware', 'Stores', 'Exchange', 'Billing']) {
    await expect(card.locator('fieldset.assumptions legend', { hasText: legend })).toBeVisible();
  }
  const speed = card.getByLabel('Core speed vs the calibration machine');
  await expect(speed).toHaveValue('1');
  // Its unit and justification sit next to it.
  const field = card.locator('.number-field').filter({ has: page.getByLabel('Core speed vs the calibration machine') });
  await expect(field.locator('.unit')).toHaveText('×');
  await expect(field.locator('.hint-text')).toContainText('plausible');

  // A bad value is refused at the field, by its path, and Run is disabled.
  await speed.fill('-1');
  await speed.press('Tab');
  await expect(field.locator('.field-errors .error')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run profiler' })).toBeDisabled();
  await gotoStep(page, 'run');
  await expect(page.locator('ul.issues')).toContainText('alternatives[0].design.hardware.core_speed_factor');
  await gotoStep(page, 'alternatives');

  // Half-speed cores: one undoable edit, then a run with it.
  await speed.fill('0.5');
  await speed.press('Tab');
  await expect(page.getByRole('button', { name: 'Run profiler' })).toBeEnabled();
  await runProfiler(page);
  const after = await savedResult(page, before.run_id);
  expect(after.review.alternatives[0].design.hardware.core_speed_factor).toBe(0.5);
  const option = after.result.projections[0].option;
  // compute.<stage> = N · measured cost / (nodes · cores · core speed): per
  // unit of the (re-measured) stage cost, half-speed cores take twice as long.
  const perCost = (r, stage) => {
    const term = r.result.projections[0].terms.find((t) => t.term === `compute.${stage}`);
    return term.seconds / r.result.calibration.stage_cost_s_per_event[stage].median;
  };
  const stages = Object.keys(before.result.calibration.stage_cost_s_per_event);
  expect(stages.length).toBeGreaterThan(0);
  for (const stage of stages) {
    expect(perCost(after, stage) / perCost(before, stage), stage).toBeCloseTo(2, 6);
  }
  await gotoStep(page, 'crossover');
  const first = after.result.projections[0].terms.find((t) => t.term.startsWith('compute.'));
  const cell = page.locator(`[data-testid="term-table"] tbody tr[data-term="${first.term}"][data-class="${first.class}"] td`).nth(2);
  expect(Number(await cell.getAttribute('data-seconds')), `${option} ${first.term}`).toBe(first.seconds);
});
