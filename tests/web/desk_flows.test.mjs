// The desk's main flows in Debian's Chromium against the real fleetkeepd: sign in, scan, lend, return
// damaged, repair with a loaner, batch lending with a refusal, and an axe check and screenshot of each screen.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, Daemon, launch, newPage, scan, seed, shot, signIn, waitFocused } from './harness.mjs';

let d, browser, page;

before(async () => {
  d = await Daemon.start();
  await seed(d);
  await d.createUser('sam', 'technician');
  browser = await launch();
  page = await newPage(browser);
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

const heading = (name) => page.getByRole('heading', { name, exact: true });
const device = (tag) => d.api('GET', '/api/v1/devices/tag:' + tag);

test('the first admin signs in with the password from admin.password; the page carries the contract headers', async () => {
  const res = await fetch(d.base + '/');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-security-policy'), "default-src 'self'; frame-ancestors 'none'");
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(res.headers.get('referrer-policy'), 'same-origin');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await res.text())[1];
  const js = await fetch(d.base + asset);
  assert.match(js.headers.get('cache-control'), /immutable/);
  assert.match(js.headers.get('content-type'), /javascript/);

  await page.goto(d.base + '/');
  await page.waitForURL(/\/login/);
  await checkA11y(page, 'sign-in');
  await shot(page, 'login');
  await page.getByLabel('Name').fill('admin');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('alert').waitFor();
  await signIn(page, d.base, 'admin', await d.adminPassword());
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
});

test('a technician signs in and lands on the desk with the scan box focused', async () => {
  await signIn(page, d.base, 'sam');
  const box = page.getByLabel('Scan a tag, serial or student ID');
  await box.waitFor();
  await waitFocused(box);
  await heading('Today').waitFor();
  await checkA11y(page, 'desk');
  await shot(page, 'desk');
});

test('scanning a tag opens the device card; a serial too; an unknown code offers to register it', async () => {
  await scan(page, 'CB-1001');
  await heading('CB-1001').waitFor();
  await page.getByText('HP Chromebook 11 G9 EE').first().waitFor();
  await scan(page, '5CD1003');
  await heading('CB-1003').waitFor();
  await scan(page, 'NO-SUCH-TAG');
  await page.getByRole('heading', { name: /Not found/ }).waitFor();
  await page.getByRole('button', { name: 'Register this device' }).waitFor();
  await checkA11y(page, 'not found');
});

test('check out to a student from the device card; the scan box has the focus again', async () => {
  await scan(page, 'CB-1001');
  await heading('CB-1001').waitFor();
  await page.getByRole('button', { name: 'Check out', exact: true }).click();
  await page.getByLabel('Student or staff ID').fill('S1001');
  await page.getByRole('button', { name: 'Check out', exact: true }).last().click();
  await page.getByText(/Checked out to Ada Park/).waitFor();
  assert.equal((await device('CB-1001')).holder.external_id, 'S1001');
  await page.waitForFunction(() => document.activeElement?.id === 'scan');
  await checkA11y(page, 'device card');
  await shot(page, 'device-card', { fullPage: true });
});

test('scanning a student ID opens the person card with what they hold', async () => {
  await scan(page, 'S1001');
  await heading('Ada Park').waitFor();
  await page.getByRole('link', { name: 'CB-1001' }).waitFor();
});

test('a return with condition damaged opens a work order', async () => {
  await scan(page, 'CB-1001');
  await heading('CB-1001').waitFor();
  await page.getByRole('button', { name: 'Return', exact: true }).click();
  await page.getByLabel('Condition').selectOption('damaged');
  await page.getByLabel('What is wrong').fill('cracked screen');
  await page.getByRole('button', { name: 'Return', exact: true }).last().click();
  await page.getByText(/Returned damaged; work order #\d+ opened/).waitFor();
  const dev = await device('CB-1001');
  assert.equal(dev.status, 'in_repair');
  const orders = await d.api('GET', '/api/v1/work-orders?device=tag:CB-1001');
  assert.equal(orders.items.length, 1);
  assert.equal(orders.items[0].category, 'screen');
});

test('open repair, swap in a loaner, add a part, resolve: the loaner comes back and the device goes back to the student', async () => {
  await d.api('POST', '/api/v1/checkouts', { device: 'tag:CB-1002', person: 'S1002' });
  await scan(page, 'CB-1002');
  await heading('CB-1002').waitFor();
  await page.getByRole('button', { name: 'Open repair', exact: true }).click();
  await page.getByLabel('Category').selectOption('keyboard');
  await page.getByLabel('What is wrong').fill('sticky keys');
  await page.getByRole('button', { name: 'Open repair', exact: true }).last().click();
  await page.getByText(/Work order #\d+ opened/).waitFor();

  await page.getByRole('button', { name: 'Give loaner', exact: true }).click();
  await page.getByLabel('Loaner tag').fill('LOANER-1');
  await page.getByRole('button', { name: 'Give loaner', exact: true }).last().click();
  await page.getByText('Loaner LOANER-1 lent.').waitFor();
  assert.equal((await device('LOANER-1')).holder.external_id, 'S1002');

  await page.getByRole('link', { name: /^#\d+ keyboard/ }).click();
  await page.getByRole('heading', { name: /^#\d+ CB-1002/ }).waitFor();
  await page.getByLabel('Part', { exact: true }).fill('Keyboard assembly');
  await page.getByLabel('Unit cost').fill('12.345');
  await page.getByRole('button', { name: 'Add part' }).click();
  // The API's refusal appears beside the field it names.
  await page.locator('.field', { has: page.getByLabel('Unit cost') }).getByRole('alert').waitFor();
  await page.getByLabel('Unit cost').fill('54.00');
  await page.getByRole('button', { name: 'Add part' }).click();
  await page.getByRole('cell', { name: 'Keyboard assembly' }).waitFor();
  await checkA11y(page, 'work order');
  await shot(page, 'work-order', { fullPage: true });

  await page.getByRole('link', { name: 'Print repair slip' }).click();
  await page.getByRole('heading', { name: /Repair slip/ }).waitFor();
  await page.locator('svg.barcode rect, svg.barcode g').first().waitFor();
  await checkA11y(page, 'repair slip');
  await shot(page, 'repair-slip');
  await page.getByRole('link', { name: 'Back to the work order' }).click();

  await page.getByRole('button', { name: 'In repair', exact: true }).click();
  await page.getByText('Moved to in repair.').waitFor();
  await page.getByRole('button', { name: 'Resolve', exact: true }).click();
  await page.getByText(/Resolved/).first().waitFor();
  const back = await device('CB-1002');
  assert.equal(back.status, 'deployed');
  assert.equal(back.holder.external_id, 'S1002');
  assert.equal(back.repair_cost, '54.00');
  const loaner = await device('LOANER-1');
  assert.equal(loaner.status, 'in_stock');
  assert.equal(loaner.holder, null);
});

test('the repair queue lists open orders by status', async () => {
  await page.getByRole('link', { name: 'Repairs', exact: true }).click();
  await page.getByRole('heading', { name: 'Repairs', exact: true }).waitFor();
  await page.getByRole('link', { name: /CB-1001/ }).waitFor();
  await checkA11y(page, 'repairs');
  await shot(page, 'repairs');
});

test('batch lending: 20 devices scanned to a teacher; one bad code refuses all until it is removed', async () => {
  await scan(page, 'T2001');
  await heading('Maria Rivera').waitFor();
  await page.getByRole('button', { name: 'Lend devices to Maria Rivera' }).click();
  await page.waitForFunction(() => document.activeElement?.id === 'scan');
  const tags = Array.from({ length: 20 }, (_, i) => `CB-${1011 + i}`);
  const list = page.getByRole('list', { name: 'Devices to lend' });
  for (const [i, tag] of tags.entries()) {
    await scan(page, tag);
    await list.getByRole('listitem').nth(i).waitFor();
  }
  // CB-1002 is lent to Ben: the server refuses it, and with it the whole batch.
  await scan(page, 'CB-1002');
  await list.getByRole('listitem').nth(20).waitFor();
  await page.getByRole('button', { name: 'Check out 21 devices' }).click();
  await page.getByText(/Nothing was lent/).waitFor();
  await list.getByRole('listitem').first().filter({ hasText: 'CB-1002' }).locator('.field-error').waitFor();
  for (const tag of ['CB-1011', 'CB-1030']) assert.equal((await device(tag)).status, 'in_stock');
  await checkA11y(page, 'person card with a refused batch');
  await shot(page, 'batch-refused', { fullPage: true });

  await page.getByRole('button', { name: 'Remove CB-1002' }).click();
  await page.getByRole('button', { name: 'Check out 20 devices' }).click();
  await page.getByText('20 devices checked out to Maria Rivera.').waitFor();
  for (const tag of tags) assert.equal((await device(tag)).holder?.external_id, 'T2001', tag);
  assert.equal((await device('CB-1002')).holder.external_id, 'S1002');
  await shot(page, 'person-card', { fullPage: true });
});

test('a code scanned while the last one is still being looked up is kept, not wiped', async () => {
  await scan(page, 'T2001');
  await heading('Maria Rivera').waitFor();
  await page.getByRole('button', { name: 'Lend devices to Maria Rivera' }).click();
  const box = page.getByLabel('Scan a tag, serial or student ID');
  await waitFocused(box);
  // The first lookup is held until the next code is in the box, as on a slow network.
  let release;
  const held = new Promise((r) => (release = r));
  const first = (url) => url.pathname === '/api/v1/devices' && url.searchParams.get('code') === 'CB-1011';
  await page.route(first, async (route) => {
    await held;
    await route.continue();
  });
  await box.fill('CB-1011');
  await box.press('Enter');
  await box.pressSequentially('CB-1012');
  release();
  const list = page.getByRole('list', { name: 'Devices to lend' });
  await list.getByRole('listitem').filter({ hasText: 'CB-1011' }).waitFor();
  assert.equal(await box.inputValue(), 'CB-1012');
  await box.press('Enter');
  await list.getByRole('listitem').filter({ hasText: 'CB-1012' }).waitFor();
  assert.equal(await list.getByRole('listitem').count(), 2);
  await page.unroute(first);
  assert.deepEqual(page.jsErrors, []);
});

test('loans: open, overdue and this week; return from the list; the receipt prints', async () => {
  await page.getByRole('link', { name: 'Loans', exact: true }).click();
  await page.getByRole('heading', { name: 'Loans', exact: true }).waitFor();
  await page.getByRole('link', { name: 'CB-1011', exact: true }).waitFor();
  await checkA11y(page, 'loans');
  await shot(page, 'loans');
  await page.getByRole('button', { name: 'Return CB-1011' }).click();
  await page.getByText('CB-1011 returned.').waitFor();
  assert.equal((await device('CB-1011')).status, 'in_stock');
  await page.getByRole('link', { name: 'Overdue' }).click();
  await page.getByRole('link', { name: 'Due this week' }).click();
  await page.getByRole('link', { name: 'Open', exact: true }).click();
  await page.getByRole('link', { name: 'Receipt for CB-1012' }).click();
  await page.getByRole('heading', { name: 'Checkout receipt' }).waitFor();
  await page.getByText('Maria Rivera (T2001)').waitFor();
  await checkA11y(page, 'receipt');
});

test('the desk works with the keyboard alone: / refocuses the scan box, Enter looks up', async () => {
  await page.getByRole('link', { name: 'Desk', exact: true }).click();
  await page.getByLabel('Scan a tag, serial or student ID').waitFor();
  await page.getByRole('link', { name: 'Loans', exact: true }).focus();
  await page.keyboard.press('/');
  await page.waitForFunction(() => document.activeElement?.id === 'scan');
  await page.keyboard.type('CB-1003');
  await page.keyboard.press('Enter');
  await heading('CB-1003').waitFor();
  // Tab reaches the card's first action from the scan box.
  await page.keyboard.press('/');
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.textContent === 'Check out');
  }
  assert.ok(reached, 'Tab reaches "Check out"');
  await page.keyboard.press('Enter');
  await page.getByLabel('Student or staff ID').waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute('name') === 'person');
});

test('a tablet-sized window keeps the desk usable', async () => {
  const tablet = await newPage(browser, { width: 820, height: 1180 });
  await signIn(tablet, d.base, 'sam');
  await scan(tablet, 'CB-1003');
  await tablet.getByRole('heading', { name: 'CB-1003', exact: true }).waitFor();
  const overflow = await tablet.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no sideways scrolling (${overflow}px)`);
  await shot(tablet, 'tablet-device-card');
  await tablet.context().close();
  assert.deepEqual(page.jsErrors, []);
});
