// Fees in Chromium against the real fleetkeepd with a fee policy: balances by school, a payment, a
// waiver with its reason (admins only), the statement; the person card's balance, hold and ledger; a
// checkout refused for a hold, and an admin's override with a reason.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, Daemon, launch, newPage, scan, seed, shot, signIn } from './harness.mjs';

let d, browser, page;

before(async () => {
  d = await Daemon.start({ extra: 'fees:\n  uninsured: {damage: repair_cost, lost: replacement_cost}\n  hold_at: "50.00"\n' });
  await seed(d);
  await d.createUser('sam', 'technician');
  await d.createUser('vic', 'viewer');
  // Two losses, charged at the catalog's replacement cost: Ada 289.00 (Maple), Chloe 329.00 (Elm Valley).
  for (const [tag, who] of [['CB-1020', 'S1001'], ['CB-9001', 'S3001']]) {
    await d.api('POST', '/api/v1/checkouts', { device: 'tag:' + tag, person: who, due: '2099-06-15' });
    await d.api('POST', `/api/v1/devices/tag:${tag}/transitions`, { to: 'lost', reason: 'not returned' });
  }
  browser = await launch();
  page = await newPage(browser);
  await signIn(page, d.base, 'admin', await d.adminPassword());
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

const nav = (p, name) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
const balance = async (id) => (await d.api('GET', `/api/v1/people/${id}/ledger`)).balance;

test('the Fees screen lists who owes, filters by school, and takes a payment', async () => {
  assert.equal(await balance('S1001'), '289.00');
  await nav(page, 'Fees');
  const table = page.getByRole('table', { name: 'People who owe' });
  await table.getByRole('row', { name: /Ada Park S1001 Maple Elementary .*289\.00 hold/ }).waitFor();
  await table.getByRole('row', { name: /Chloe Nguyen S3001 Elm Valley Middle .*329\.00/ }).waitFor();
  await page.getByTestId('fees-total').getByText('618.00').waitFor();
  await checkA11y(page, 'fees');
  await shot(page, 'fees');

  await page.getByLabel('School').selectOption('Elm Valley Middle');
  await page.getByTestId('fees-total').getByText('329.00').waitFor();
  assert.equal(await table.locator('tbody tr').count(), 1);
  await page.getByLabel('School').selectOption('');
  await page.getByTestId('fees-total').getByText('618.00').waitFor();

  await page.getByRole('button', { name: 'Take payment from Ada Park' }).click();
  await page.getByLabel('Amount').fill('12.345');
  await page.getByRole('button', { name: 'Take payment', exact: true }).click();
  await page.locator('.field', { has: page.getByLabel('Amount') }).getByRole('alert').waitFor();
  assert.equal(await balance('S1001'), '289.00', 'a refused payment records nothing');
  await page.getByLabel('Amount').fill('100.00');
  await page.getByLabel('Method').selectOption('check');
  await page.getByLabel('Receipt or check number').fill('1042');
  await page.getByRole('button', { name: 'Take payment', exact: true }).click();
  await page.getByText('Payment taken: Ada Park now owes 189.00.').waitFor();
  const ledger = await d.api('GET', '/api/v1/people/S1001/ledger');
  assert.equal(ledger.balance, '189.00');
  const pay = ledger.entries.at(-1);
  assert.deepEqual([pay.kind, pay.amount, pay.method, pay.reference], ['payment', '100.00', 'check', '1042']);
});

test('an admin waives with a reason; the statement prints from the row', async () => {
  await page.getByRole('button', { name: 'Waive for Ada Park' }).click();
  await page.getByLabel('Amount').fill('39.00');
  await page.getByRole('button', { name: 'Waive', exact: true }).click();
  await page.locator('.field', { has: page.getByLabel('Reason') }).getByRole('alert').waitFor();
  assert.equal(await balance('S1001'), '189.00', 'a waiver without a reason is refused');
  await page.getByLabel('Reason').fill('hardship, approved by the principal');
  await page.getByRole('button', { name: 'Waive', exact: true }).click();
  await page.getByText('Waived: Ada Park now owes 150.00.').waitFor();
  const [statement] = await Promise.all([page.context().waitForEvent('page'), page.getByRole('link', { name: 'Statement for Ada Park' }).click()]);
  await statement.waitForLoadState();
  await statement.getByText('Ada Park', { exact: false }).first().waitFor();
  await statement.getByText('150.00', { exact: false }).first().waitFor();
  await statement.close();
});

test('the person card shows the balance, the hold and the ledger, and takes a payment', async () => {
  await scan(page, 'S1001');
  await page.getByRole('heading', { name: 'Ada Park', exact: true }).waitFor();
  await page.getByTestId('person-balance').getByText('150.00').waitFor();
  await page.getByText(/on hold \(at 50\.00\): no new checkouts/).waitFor();
  const ledger = page.getByRole('table', { name: 'Ledger of Ada Park' });
  assert.equal(await ledger.locator('tbody tr').count(), 3);
  await ledger.getByRole('row', { name: /waiver \(hardship, approved by the principal\) −39\.00 150\.00/ }).waitFor();
  await ledger.getByRole('row', { name: /payment · check 1042 −100\.00 189\.00/ }).waitFor();
  await checkA11y(page, 'person card with fees');
  await shot(page, 'person-fees', { fullPage: true });
  await page.getByRole('button', { name: 'Take payment', exact: true }).click();
  await page.getByLabel('Amount').fill('110.00');
  await page.getByRole('button', { name: 'Take payment', exact: true }).last().click();
  await page.getByText('Payment taken; balance now 40.00.').waitFor();
  await page.getByTestId('person-balance').getByText('40.00').waitFor();
  assert.equal(await page.getByText(/on hold/).count(), 0, 'under hold_at: no hold');
  assert.equal(await balance('S1001'), '40.00');
});

test('a checkout to someone on hold shows the balance; an admin lends anyway with a reason', async () => {
  await scan(page, 'CB-1021');
  await page.getByRole('button', { name: 'Check out', exact: true }).click();
  await page.getByLabel('Student or staff ID').fill('S3001');
  await page.locator('form').getByRole('button', { name: 'Check out', exact: true }).click();
  await page.getByText('On hold: S3001 owes 329.00 (holds start at 50.00).').waitFor();
  assert.equal((await d.api('GET', '/api/v1/devices/tag:CB-1021')).status, 'in_stock');
  await page.getByLabel('Reason to lend anyway').fill('state testing this week');
  await page.getByRole('button', { name: 'Lend anyway' }).click();
  await page.getByText(/^Checked out to Chloe Nguyen/).waitFor();
  const device = await d.api('GET', '/api/v1/devices/tag:CB-1021');
  assert.equal(device.holder.external_id, 'S3001');
  const events = (await d.api('GET', '/api/v1/devices/tag:CB-1021/events')).items;
  assert.ok(events.some((e) => e.action === 'hold_overridden' && e.reason.endsWith(': state testing this week')));
  assert.deepEqual(page.jsErrors, []);
});

test('a class-set cart to someone on hold is refused with the balance; an admin lends it anyway', async () => {
  await scan(page, 'S3001');
  await page.getByRole('button', { name: 'Lend devices to Chloe Nguyen' }).click();
  await scan(page, 'CB-1024');
  await scan(page, 'CB-1025');
  await page.getByRole('button', { name: 'Check out 2 devices' }).click();
  await page.getByRole('list', { name: 'Devices to lend' }).getByText(/is on hold: balance 329\.00 is at or above 50\.00/).first().waitFor();
  assert.equal((await d.api('GET', '/api/v1/devices/tag:CB-1024')).status, 'in_stock', 'nothing went out');
  await page.getByLabel('Reason to lend anyway').fill('exam week');
  await page.getByRole('button', { name: 'Lend anyway' }).click();
  await page.getByText('2 devices checked out to Chloe Nguyen.').waitFor();
  for (const tag of ['CB-1024', 'CB-1025']) assert.equal((await d.api('GET', '/api/v1/devices/tag:' + tag)).holder.external_id, 'S3001');
  assert.deepEqual(page.jsErrors, []);
});

test('a technician sees the hold but no override and no waiver; a viewer no money buttons', async () => {
  const t = await newPage(browser);
  await signIn(t, d.base, 'sam');
  await scan(t, 'CB-1022');
  await t.getByRole('button', { name: 'Check out', exact: true }).click();
  await t.getByLabel('Student or staff ID').fill('S3001');
  await t.locator('form').getByRole('button', { name: 'Check out', exact: true }).click();
  await t.getByText('On hold: S3001 owes 329.00 (holds start at 50.00).').waitFor();
  assert.equal(await t.getByRole('button', { name: 'Lend anyway' }).count(), 0);
  await nav(t, 'Fees');
  await t.getByRole('button', { name: 'Take payment from Chloe Nguyen' }).waitFor();
  assert.equal(await t.getByRole('button', { name: /^Waive/ }).count(), 0);
  await t.context().close();

  const v = await newPage(browser);
  await signIn(v, d.base, 'vic');
  await nav(v, 'Fees');
  await v.getByRole('link', { name: 'Statement for Chloe Nguyen' }).waitFor();
  assert.equal(await v.getByRole('button', { name: /Take payment|Waive/ }).count(), 0);
  await scan(v, 'S3001');
  await v.getByTestId('person-balance').waitFor();
  assert.equal(await v.getByRole('button', { name: /Take payment|Waive/ }).count(), 0);
  await checkA11y(v, 'fees (viewer)');
  assert.deepEqual(v.jsErrors, []);
  await v.context().close();
});
