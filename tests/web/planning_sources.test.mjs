// Planning shows the plan's own totals with its charts; a budget what-if shows what slips; sources show
// their health and an admin polls one now.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, Daemon, launch, newPage, shot, signIn } from './harness.mjs';

let d, browser, page;

before(async () => {
  d = await Daemon.start();
  browser = await launch();
  page = await newPage(browser);
  await signIn(page, d.base, 'admin', await d.adminPassword());
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

const cents = (s) => Number(s.replace(/,/g, '').replace('.', ''));

test('the planning chart renders with the plan’s totals', async () => {
  const plan = await d.api('GET', '/api/v1/reports/replacement-plan?years=5');
  assert.ok(plan.total.count > 0, 'the sample fleet has replacements due');
  await page.getByRole('link', { name: 'Planning', exact: true }).click();
  await page.locator('.chart[data-ready="true"] canvas').first().waitFor();
  assert.equal(await page.locator('.chart[data-ready="true"]').count(), 2);
  assert.equal(Number((await page.getByTestId('plan-total-count').textContent()).replace(/,/g, '')), plan.total.count);
  assert.equal(cents(await page.getByTestId('plan-total-cost').textContent()), cents(plan.total.cost));
  const rows = page.locator('.plan-table tbody tr');
  assert.equal(await rows.count(), plan.fiscal_years.length);
  for (const [i, y] of plan.fiscal_years.entries()) {
    const cells = await rows.nth(i).locator('th, td').allTextContents();
    assert.equal(cells[0], y.fiscal_year);
    assert.equal(Number(cells[1].replace(/,/g, '')), y.count);
    assert.equal(cents(cells[2]), cents(y.cost));
  }
  await checkA11y(page, 'planning');
  await shot(page, 'planning', { fullPage: true });
});

test('a budget what-if shows what slips to later years', async () => {
  await page.getByLabel('Budget per year (what if)').fill('1000');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('columnheader', { name: 'Slips to next year' }).waitFor();
  const plan = await d.api('GET', '/api/v1/reports/replacement-plan?years=5&budget=1000');
  await page.getByText(`${plan.backlog.count.toLocaleString('en-US')}`, { exact: true }).first().waitFor();
  await page.getByLabel('Budget per year (what if)').fill('12.345');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('.field', { has: page.getByLabel('Budget per year (what if)') }).getByRole('alert').waitFor();
});

test('a school filter recounts the table from the plan’s devices', async () => {
  await page.getByLabel('Budget per year (what if)').fill('');
  await page.getByRole('button', { name: 'Apply' }).click();
  const plan = await d.api('GET', '/api/v1/reports/replacement-plan?years=5');
  const school = plan.fiscal_years.flatMap((y) => y.devices).find((x) => x.location)?.location.split(' / ')[0];
  await page.getByLabel('School').selectOption(school);
  const expected = plan.fiscal_years.flatMap((y) => y.devices).filter((x) => (x.location ?? '').startsWith(school)).length;
  await page.waitForFunction(
    (n) => document.querySelector('[data-testid="plan-total-count"]')?.textContent?.replace(/,/g, '') === String(n),
    expected,
  );
  await page.getByRole('button', { name: 'Download CSV' }).waitFor();
});

test('sources show their health, and an admin polls one now', async () => {
  await page.getByRole('link', { name: 'Sources', exact: true }).click();
  await page.getByRole('heading', { name: 'inventory' }).waitFor();
  const before = (await d.api('GET', '/api/v1/sources')).items.find((s) => s.name === 'inventory').polls;
  await page.getByRole('button', { name: 'Poll now: inventory' }).click();
  await page.getByText(/inventory: poll finished \(ok\)/).waitFor();
  const after = (await d.api('GET', '/api/v1/sources')).items.find((s) => s.name === 'inventory');
  assert.ok(after.polls > before);
  assert.equal(after.last_result, 'ok');
  await checkA11y(page, 'sources');
  await shot(page, 'sources');
  await page.getByRole('link', { name: 'Audits', exact: true }).click();
  await page.getByRole('heading', { name: 'Audits', exact: true }).waitFor();
  await checkA11y(page, 'audits');
  assert.deepEqual(page.jsErrors, []);
});
