// Audits and collection campaigns in Chromium against the real fleetkeepd: a stocktake scanned like a
// scanner does (code + Enter), its live counts, lists, CSV and close; a campaign, collection mode with
// its running totals and a return receipt; and what a viewer does not get.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { checkA11y, Daemon, launch, newPage, seed, shot, signIn, waitFocused } from './harness.mjs';

const PLACE = 'Maple Elementary / Library Cart';
let d, browser, page;

before(async () => {
  d = await Daemon.start();
  await seed(d);
  await d.createUser('sam', 'technician');
  await d.createUser('vic', 'viewer');
  // Scanned on the cart, CB-1001 and CB-1002 are lent afterwards for the campaign; the missing ones are
  // marked lost at the audit's close.
  // Lost before the audit starts: found on the cart, it is a lost device found.
  await d.api('POST', '/api/v1/devices/tag:CB-1030/transitions', { to: 'lost', reason: 'not returned' });
  browser = await launch();
  page = await newPage(browser);
  await signIn(page, d.base, 'sam');
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

const heading = (name) => page.getByRole('heading', { name, exact: true });
const count = (p, state) => p.getByTestId('count-' + state);
async function waitText(p, locator, text) {
  await p.waitForFunction(([sel, t]) => document.querySelector(sel)?.textContent?.trim() === t, [locator, String(text)]);
}

// What a barcode scanner does: types the code into the focused box and presses Enter.
async function scanner(code) {
  await page.keyboard.type(code);
  await page.keyboard.press('Enter');
}

test('a technician starts an audit of a cart; the scan box is focused and counts follow each scan', async () => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audits', exact: true }).click();
  await heading('Stocktakes').waitFor();
  await page.getByLabel('Audit name').fill('Library cart check');
  await page.getByLabel('Place', { exact: true }).fill(PLACE);
  await page.getByRole('button', { name: 'Start audit' }).click();
  await heading('Library cart check').waitFor();
  const box = page.getByLabel('Scan a device’s tag or serial');
  await box.waitFor();
  await waitFocused(box);
  const started = (await d.api('GET', '/api/v1/audits')).items.find((a) => a.name === 'Library cart check');
  await waitText(page, '[data-testid="count-expected"]', started.counts.expected);
  assert.ok(started.counts.expected >= 29, 'the cart’s in-service devices are expected');

  await scanner('CB-1001');
  await waitText(page, '[data-testid="count-found"]', 1);
  await page.getByText('CB-1001: found, where it should be.').waitFor();
  await scanner('5CD1002'); // a serial, as some labels print it
  await waitText(page, '[data-testid="count-found"]', 2);
  await scanner('CB-1001');
  await page.getByText('CB-1001: already counted.').waitFor();
  await scanner('CB-9001');
  await waitText(page, '[data-testid="count-misplaced"]', 1);
  await page.getByText('CB-9001: misplaced; the registry has it at Elm Valley Middle / Room 5.').waitFor();
  await scanner('NO-SUCH-TAG');
  await waitText(page, '[data-testid="count-unknown"]', 1);
  await scanner('CB-1030');
  await page.getByText('LOST DEVICE FOUND: CB-1030 is marked lost.').waitFor();
  await waitText(page, '[data-testid="count-unexpected"]', 1);
  await waitFocused(box, { empty: true }); // ready for the next scan

  const a = await d.api('GET', `/api/v1/audits/${started.id}?lists=false`);
  for (const s of ['found', 'misplaced', 'unexpected', 'missing', 'unknown'])
    await waitText(page, `[data-testid="count-${s}"]`, a.counts[s]);

  // The misplaced list says where the device belongs; the lost one found stands out.
  const misplaced = page.getByRole('region', { name: /^Misplaced/ });
  await misplaced.getByRole('row', { name: /CB-9001.*Elm Valley Middle \/ Room 5/ }).waitFor();
  const unexpected = page.getByRole('region', { name: /^Unexpected/ });
  const lostRow = unexpected.getByRole('row', { name: /CB-1030/ });
  await lostRow.getByText('lost device found').waitFor();
  assert.match(await lostRow.getAttribute('class'), /row-bad/);
  await checkA11y(page, 'audit');
  await shot(page, 'audit', { fullPage: false });
});

test('the audit downloads as CSV, one row per scan and per missing device', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
  const text = await readFile(await download.path(), 'utf8');
  const lines = text.trim().split(/\r?\n/);
  assert.match(lines[0], /^state,device_id,asset_tag,serial,model,status,expected_location/);
  const a = (await d.api('GET', '/api/v1/audits')).items.find((x) => x.name === 'Library cart check');
  const c = a.counts;
  assert.equal(lines.length - 1, c.found + c.misplaced + c.unexpected + c.unknown + c.missing);
  assert.ok(lines.some((l) => l.startsWith('misplaced,') && l.includes('CB-9001')));
});

test('closing moves the misplaced device here and marks the missing lost; the audit is read-only after', async () => {
  await page.getByRole('checkbox', { name: 'Move misplaced devices here' }).check();
  await page.getByLabel('Missing devices').selectOption('lost');
  await page.getByRole('button', { name: 'Close audit' }).click();
  await page.getByText(/^Closed .* by \S*sam: 1 moved here, \d+ marked lost, \d+ skipped\.$/).waitFor();
  assert.equal(await page.getByLabel('Scan a device’s tag or serial').count(), 0);
  const moved = await d.api('GET', '/api/v1/devices/tag:CB-9001');
  assert.equal(moved.location, PLACE);
  assert.equal((await d.api('GET', '/api/v1/devices/tag:CB-1003')).status, 'lost');
  assert.equal((await d.api('GET', '/api/v1/devices/tag:CB-1001')).status, 'in_stock');
});

test('a campaign shows returned and outstanding; collection mode returns with running totals and a receipt', async () => {
  for (const [tag, who] of [['CB-1001', 'S1001'], ['CB-1002', 'S1002'], ['LOANER-1', 'S1001']])
    await d.api('POST', '/api/v1/checkouts', { device: 'tag:' + tag, person: who, due: '2099-06-15' });
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audits', exact: true }).click();
  await page.getByLabel('Campaign name').fill('June collection');
  await page.getByLabel('Deadline').fill('2099-06-10');
  await page.getByLabel('School or place').fill('Maple Elementary');
  await page.getByLabel('Grades').fill('7');
  await page.getByRole('button', { name: 'Create campaign' }).click();
  await heading('June collection').waitFor();
  await waitText(page, '[data-testid="coll-outstanding"]', 3);
  await waitText(page, '[data-testid="coll-returned"]', 0);
  const table = page.getByRole('table', { name: 'Devices not returned yet' });
  assert.equal(await table.locator('tbody tr').count(), 3);
  await table.getByRole('row', { name: /Ben Ortiz S1002 7B CB-1002/ }).waitFor();
  await checkA11y(page, 'collection campaign');

  await page.getByRole('link', { name: 'Collection mode' }).click();
  const box = page.getByLabel('Scan a returned device');
  await box.waitFor();
  await waitFocused(box);
  await scanner('CB-1001');
  await page.getByText('CB-1001 returned by Ada Park.').waitFor();
  await waitText(page, '[data-testid="coll-returned"]', 1);
  await waitText(page, '[data-testid="coll-outstanding"]', 2);
  await waitText(page, '[data-testid="coll-station"]', 1);
  await scanner('5CD1002'); // by serial
  await waitText(page, '[data-testid="coll-station"]', 2);
  await waitText(page, '[data-testid="coll-returned"]', 2);
  const c = (await d.api('GET', '/api/v1/collections')).items.find((x) => x.name === 'June collection');
  assert.deepEqual(c.counts, { expected: 3, returned: 2, outstanding: 1 });
  await checkA11y(page, 'collection mode');
  await shot(page, 'collection-mode');
  await scanner('CB-1001'); // already back: refused, nothing counted
  await page.getByRole('alert').getByText(/^CB-1001: .*is not checked out$/).waitFor();
  await waitText(page, '[data-testid="coll-station"]', 2);
  await scanner('NOPE-42'); // the refused code was selected: this scan replaces it
  await page.getByRole('alert').getByText('NOPE-42: no device has this tag or serial.').waitFor();

  await page.getByRole('link', { name: 'Print receipt' }).click();
  await heading('Return receipt').waitFor();
  await page.getByText('Ben Ortiz (S1002)').waitFor();
  await page.getByText(/CB-1002 · serial 5CD1002/).waitFor();
  await checkA11y(page, 'return receipt');
  await page.getByRole('link', { name: 'Back to collecting' }).click();
  await waitText(page, '[data-testid="coll-station"]', 2);
  assert.deepEqual(page.jsErrors, []);
});

test('a viewer reads audits and campaigns but gets no scan box and no write button', async () => {
  const v = await newPage(browser);
  await signIn(v, d.base, 'vic');
  const c = (await d.api('GET', '/api/v1/collections')).items[0];
  await d.api('POST', '/api/v1/audits', { name: 'Room 5 check', location: 'Elm Valley Middle / Room 5' });
  await v.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audits', exact: true }).click();
  await v.getByRole('link', { name: 'Room 5 check' }).waitFor();
  assert.equal(await v.getByRole('button', { name: 'Start audit' }).count(), 0);
  assert.equal(await v.getByRole('button', { name: 'Create campaign' }).count(), 0);
  await v.getByRole('link', { name: 'Room 5 check' }).click();
  await v.getByRole('heading', { name: 'Room 5 check' }).waitFor();
  await v.getByTestId('count-expected').waitFor();
  assert.equal(await v.getByLabel('Scan a device’s tag or serial').count(), 0);
  assert.equal(await v.getByRole('button', { name: 'Close audit' }).count(), 0);
  await v.goto(d.base + '/#/collections/' + c.id);
  await v.getByRole('heading', { name: 'June collection' }).waitFor();
  assert.equal(await v.getByRole('link', { name: 'Collection mode' }).count(), 0);
  assert.equal(await v.getByRole('button', { name: 'Close campaign' }).count(), 0);
  await checkA11y(v, 'collection campaign (viewer)');
  assert.deepEqual(v.jsErrors, []);
  await v.context().close();
});
