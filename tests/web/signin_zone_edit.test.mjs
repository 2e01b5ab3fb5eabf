// Sign-in with the district's Google (OpenID Connect through a local provider that approves at once),
// times shown in the district's zone whatever the browser's, and an edit that raced someone else's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Daemon, launch, newPage, root, scan, seed, signIn } from './harness.mjs';

const ZONE = 'Pacific/Auckland';
let d, browser;

before(async () => {
  d = await Daemon.start({ seedInventory: false, extra: `timezone: ${ZONE}\n` });
  await seed(d);
  await d.createUser('sam', 'technician');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await d?.stop();
});

test('without OpenID Connect configured the sign-in page offers only the password form', async () => {
  const page = await newPage(browser);
  await page.goto(d.base + '/login');
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  assert.equal((await d.api('GET', '/auth/options')).oidc, false);
  assert.equal(await page.getByRole('link', { name: /Sign in with Google/ }).count(), 0);
  await page.context().close();
});

// The hour and minute an instant reads in `zone` (the browser and node may differ in ICU's spacing,
// so compare the clock, not the whole string).
function clockIn(at, zone) {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hour: 'numeric', minute: '2-digit', hour12: true }).formatToParts(new Date(at));
  const get = (t) => parts.find((p) => p.type === t).value;
  return `${get('hour')}:${get('minute')}`;
}

test("times show in the district's zone, not the browser's", async () => {
  await d.api('POST', '/api/v1/checkouts', { device: 'tag:CB-1011', person: 'S1001' });
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, timezoneId: 'America/Los_Angeles', locale: 'en-US' });
  const page = await context.newPage();
  await signIn(page, d.base, 'sam');
  await scan(page, 'CB-1011');
  const first = page.locator('ol time, ul time').first();
  await first.waitFor();
  const at = await first.getAttribute('datetime');
  const shown = (await first.textContent()).replace(/\s+/g, ' ');
  const district = clockIn(at, ZONE);
  const browserClock = clockIn(at, 'America/Los_Angeles');
  assert.notEqual(district, browserClock, 'the two zones are hours apart');
  assert.ok(shown.includes(district), `"${shown}" shows ${district} (${ZONE})`);
  assert.ok(!shown.includes(browserClock), `"${shown}" does not show the browser's ${browserClock}`);
  await context.close();
});

test('a stale edit shows what someone else changed and saves on top of it', async () => {
  const page = await newPage(browser);
  await signIn(page, d.base, 'sam');
  await scan(page, 'CB-1012');
  await page.getByRole('heading', { name: 'CB-1012', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Edit fields', exact: true }).click();
  const dialog = page.getByRole('group', { name: 'Edit fields' });
  await dialog.getByLabel('Location', { exact: true }).fill('Maple Elementary / Room 12');

  // Meanwhile someone at another desk writes a note on the same device.
  const before = await d.api('GET', '/api/v1/devices/tag:CB-1012');
  await d.api('PATCH', `/api/v1/devices/${before.id}`, { version: before.version, notes: 'screen hinge loose' });

  await dialog.getByRole('button', { name: 'Save', exact: true }).click();
  const alert = dialog.getByRole('alert');
  await alert.getByText(/Someone changed this device/).waitFor();
  await alert.getByText(/notes: .* → screen hinge loose/).waitFor();
  // Nothing of ours was written by the refused save.
  assert.equal((await d.api('GET', '/api/v1/devices/tag:CB-1012')).location, before.location);

  await dialog.getByRole('button', { name: 'Save again', exact: true }).click();
  await page.getByText('Saved.').waitFor();
  const after = await d.api('GET', '/api/v1/devices/tag:CB-1012');
  assert.equal(after.location, 'Maple Elementary / Room 12');
  assert.equal(after.notes, 'screen hinge loose', 'their note survives our save');
  assert.deepEqual(page.jsErrors, []);
  await page.context().close();
});

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

test('Sign in with Google: the button appears when OpenID Connect is configured and signs the person in', async () => {
  const python = process.env.FK_PYTHON ?? 'python3';
  const provider = spawn(python, [path.join(root, 'tests', 'fake_oidc.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
  let out = '';
  provider.stdout.on('data', (b) => (out += b));
  const lines = await (async () => {
    const end = Date.now() + 30_000;
    while (out.split('\n').length < 3) {
      if (provider.exitCode !== null || Date.now() > end) throw new Error('the fake provider did not start: ' + out);
      await once(provider.stdout, 'data').catch(() => undefined);
    }
    return out.split('\n');
  })();
  const issuer = lines[0].trim();
  const [clientId, clientSecret] = lines[1].trim().split(' ');
  // The provider sends the browser back to redirect_url, so the daemon's port must be known before it starts.
  const port = await freePort();
  const secret = path.join(d.dir, 'oidc-secret');
  await writeFile(secret, clientSecret + '\n', { mode: 0o600 });
  const g = await Daemon.start({
    seedInventory: false,
    port,
    extra: `web:\n  oidc:\n    issuer: ${issuer}\n    client_id: ${clientId}\n    client_secret_file: ${secret}\n` +
      `    redirect_url: http://127.0.0.1:${port}/auth/oidc/callback\n    allowed_domains: [example.org]\n`,
  });
  try {
    await g.createUser('ms.rivera', 'technician', [], 'rivera@example.org');
    const page = await newPage(browser);
    await page.goto(g.base + '/login');
    const google = page.getByRole('link', { name: /Sign in with Google/ });
    await google.waitFor();
    await google.click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const me = await page.evaluate(async () => (await fetch('/auth/me')).json());
    assert.equal(me.name, 'ms.rivera');
    assert.equal(me.kind, 'user');
    assert.deepEqual(page.jsErrors, []);
    await page.context().close();
  } finally {
    await g.stop();
    provider.stdin.end();
    if (provider.exitCode === null) await once(provider, 'exit');
  }
});
