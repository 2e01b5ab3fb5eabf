// Who sees what: a viewer gets no write actions, a librarian scoped to her school cannot open another
// school's device; an ended session and a refused CSRF token send the person to sign in and back.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkA11y, Daemon, launch, newPage, PASSWORD, scan, seed, signIn } from './harness.mjs';

let d, browser;

before(async () => {
  d = await Daemon.start({ seedInventory: false });
  await seed(d);
  await d.createUser('vic', 'viewer');
  await d.createUser('lena', 'technician', ['Maple Elementary']);
  await d.createUser('sam', 'technician');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

const WRITE_BUTTONS = ['Check out', 'Return', 'Open repair', 'Give loaner', 'Resolve', 'Transition', 'Edit fields'];

test('a viewer sees cards and lists but no write button', async () => {
  await d.api('POST', '/api/v1/checkouts', { device: 'tag:CB-1005', person: 'S1001' });
  const wo = await d.api('POST', '/api/v1/work-orders', { device: 'tag:CB-1006', category: 'battery', description: 'drains fast' });
  const page = await newPage(browser);
  await signIn(page, d.base, 'vic');
  for (const tag of ['CB-1004', 'CB-1005']) {
    await scan(page, tag);
    await page.getByRole('heading', { name: tag, exact: true }).waitFor();
    await page.getByRole('heading', { name: 'History' }).waitFor();
    for (const name of WRITE_BUTTONS) assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `${name} on ${tag}`);
  }
  await scan(page, 'S1001');
  await page.getByRole('heading', { name: 'Ada Park', exact: true }).waitFor();
  assert.equal(await page.getByRole('heading', { name: /Check out to/ }).count(), 0);
  await page.goto(d.base + '/#/repairs/' + wo.id);
  await page.getByRole('heading', { name: new RegExp(`^#${wo.id} `) }).waitFor();
  for (const name of [...WRITE_BUTTONS, 'Add part', 'Add note'])
    assert.equal(await page.getByRole('button', { name, exact: true }).count(), 0, `${name} on the work order`);
  await page.goto(d.base + '/#/loans');
  await page.getByRole('link', { name: 'CB-1005', exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: /^Return/ }).count(), 0);
  await page.goto(d.base + '/#/sources');
  await page.getByRole('heading', { name: 'inventory' }).waitFor();
  assert.equal(await page.getByRole('button', { name: /Poll now/ }).count(), 0);
  await page.context().close();
});

test('a librarian scoped to her school cannot open another school’s device', async () => {
  const other = await d.api('GET', '/api/v1/devices/tag:CB-9001');
  const page = await newPage(browser);
  await signIn(page, d.base, 'lena');
  await scan(page, 'CB-1001');
  await page.getByRole('heading', { name: 'CB-1001', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Check out', exact: true }).waitFor();
  await scan(page, 'CB-9001');
  await page.getByRole('heading', { name: /Not found/ }).waitFor();
  await page.goto(d.base + '/#/device/' + other.id);
  await page.getByRole('heading', { name: 'Device not available' }).waitFor();
  assert.equal(await page.getByRole('heading', { name: 'CB-9001' }).count(), 0);
  // Fees are refused to a scoped user: her person cards have no fees part, and no error either.
  const ledger = page.waitForResponse((r) => r.url().includes('/ledger'));
  await scan(page, 'S1001');
  assert.equal((await ledger).status(), 403);
  await page.getByRole('heading', { name: 'Ada Park', exact: true }).waitFor();
  await page.getByText('Loading fees…').waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('heading', { name: 'Fees', exact: true }).count(), 0);
  assert.equal(await page.getByRole('alert').count(), 0);
  await page.context().close();
});

test('an ended session sends the person to sign in, then back where they were', async () => {
  const page = await newPage(browser);
  await signIn(page, d.base, 'sam');
  await page.getByRole('link', { name: 'Repairs', exact: true }).click();
  await page.getByRole('heading', { name: 'Repairs', exact: true }).waitFor();
  // The session cookie is gone (expired): the next call answers 401.
  await page.context().clearCookies();
  await page.getByRole('link', { name: 'Loans', exact: true }).click();
  await page.waitForURL(/\/login\?next=/);
  await page.getByText('Sign in again to go back to where you were.').waitFor();
  await checkA11y(page, 'sign-in after expiry');
  await page.getByLabel('Name').fill('sam');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(/#\/loans$/);
  await page.getByRole('heading', { name: 'Loans', exact: true }).waitFor();
  await page.context().close();
});

test('a refused CSRF token is handled by signing in again, and nothing was written', async () => {
  const page = await newPage(browser);
  await signIn(page, d.base, 'sam');
  await scan(page, 'CB-1007');
  await page.getByRole('heading', { name: 'CB-1007', exact: true }).waitFor();
  // The token on the wire no longer matches the session (as after a restart of the session elsewhere).
  await page.route('**/api/v1/checkouts', (route) =>
    route.continue({ headers: { ...route.request().headers(), 'x-csrf-token': 'forged' } }),
  );
  await page.getByRole('button', { name: 'Check out', exact: true }).click();
  await page.getByLabel('Student or staff ID').fill('S1001');
  const refused = page.waitForResponse((r) => r.url().endsWith('/api/v1/checkouts'));
  // Watched from before the click, so a quick round trip through sign-in cannot be missed.
  const toSignIn = page.waitForURL(/\/login\?next=/, { waitUntil: 'commit' });
  await page.getByRole('button', { name: 'Check out', exact: true }).last().click();
  assert.equal((await refused).status(), 403);
  assert.equal((await d.api('GET', '/api/v1/devices/tag:CB-1007')).status, 'in_stock');
  // The desk goes through sign-in: the session itself is still good, so /login takes the session's
  // current token from /auth/me and returns to the card at once; the retried checkout goes through.
  // Until the card is back, the old page is still on screen and would take the clicks below.
  await toSignIn;
  await page.waitForURL((u) => u.pathname === '/' && u.hash.startsWith('#/device/'));
  await page.unroute('**/api/v1/checkouts');
  await page.getByRole('heading', { name: 'CB-1007', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Check out', exact: true }).click();
  await page.getByLabel('Student or staff ID').fill('S1001');
  await page.getByRole('button', { name: 'Check out', exact: true }).last().click();
  await page.getByText(/Checked out to Ada Park/).waitFor();
  assert.equal((await d.api('GET', '/api/v1/devices/tag:CB-1007')).holder.external_id, 'S1001');
  await page.context().close();
});

test('with web.enabled: false the desk is not served and the API keeps working', async () => {
  const off = await Daemon.start({ seedInventory: false, extra: 'web:\n  enabled: false\n' });
  try {
    assert.equal((await fetch(off.base + '/')).status, 404);
    assert.equal((await fetch(off.base + '/login')).status, 404);
    // No seeded inventory; the CSV source's first poll may already have added its one device.
    assert.deepEqual((await off.api('GET', '/api/v1/devices?limit=5')).items.map((x) => x.asset_tag).filter((t) => t !== 'SRC-1'), []);
    const unknown = await fetch(d.base + '/assets/desk-NOTAHASH.js');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.headers.get('x-content-type-options'), 'nosniff');
  } finally {
    await off.stop();
  }
});
