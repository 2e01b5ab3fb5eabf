// Write-back on the Sources screen, in Chromium against the real fleetkeepd polling the local fake of
// Google (tests/fake_google.py): the pending change with Google's value beside fleetkeep's, "Apply" for
// an admin (sent; nothing left pending), and no Apply for a viewer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { checkA11y, Daemon, launch, newPage, root, shot, signIn, TIMEOUT } from './harness.mjs';

let fake, d, browser, page;

async function until(what, fn) {
  const end = Date.now() + TIMEOUT;
  while (Date.now() < end) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for ' + what);
}

// The fake prints its listing URL, then its token URL and key file, once it listens.
async function startFake() {
  const proc = spawn('python3', [path.join(root, 'tests', 'fake_google.py'), '--devices', '4'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (b) => (out += b));
  const m = await until('the fake Google to listen', () => /list:\s+(http:\/\/127\.0\.0\.1:\d+)\/\S+\ntoken: (\S+)\s+key: (\S+)\n/.exec(out));
  return { proc, base: m[1], token: m[2], key: m[3] };
}

const wb = () => d.api('GET', '/api/v1/sources/google/write-back');
const google = async () => (await d.api('GET', '/api/v1/sources')).items.find((s) => s.name === 'google');

before(async () => {
  fake = await startFake();
  d = await Daemon.start({
    extra: `  - {name: google, plugin: google_admin, interval: 1d, timeout: 30s, customer_id: my_customer, credentials_file: ${fake.key}, subject: admin@district.example.org, api_base_url: "${fake.base}", token_url: "${fake.token}", write_back: {asset_id: true}}\n`,
  });
  await d.createUser('vic', 'viewer');
  await until('the first Google poll', async () => (await google())?.last_result === 'ok');
  // The registry's tag for one device changes: Google still shows the old one.
  const dev = await d.api('GET', '/api/v1/devices/serial:5CD0000001');
  await d.api('PATCH', '/api/v1/devices/' + dev.id, { asset_tag: 'MAPLE-0001', version: dev.version });
  browser = await launch();
  page = await newPage(browser);
  await signIn(page, d.base, 'admin', await d.adminPassword());
});

after(async () => {
  await browser?.close();
  await d?.stop();
  if (fake && fake.proc.exitCode === null) {
    const done = new Promise((r) => fake.proc.once('exit', r));
    fake.proc.kill('SIGINT');
    await done;
  }
});

test('a source with write-back shows its pending changes, Google’s value beside fleetkeep’s', async () => {
  const plan = await wb();
  assert.equal(plan.pending, 1);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sources', exact: true }).click();
  const table = page.getByRole('table', { name: 'Changes pending for google' });
  await table.getByRole('row', { name: /MAPLE-0001 asset id annotatedAssetId CB-000001 MAPLE-0001/ }).waitFor();
  assert.equal(await table.locator('tbody tr').count(), plan.changes.length);
  await page.getByText(/dry run/).first().waitFor();
  // The CSV source has no write-back: no such section.
  assert.equal(await page.getByRole('heading', { name: /Write-back to inventory/ }).count(), 0);
  await checkA11y(page, 'sources with write-back');
  await shot(page, 'write-back', { fullPage: true });
});

test('an admin applies: the change is sent and nothing is left pending', async () => {
  await page.getByRole('button', { name: 'Apply write-back: google' }).click();
  await page.getByText(/^Write-back: applied; 0 changes pending\.$/).waitFor();
  assert.equal(await page.getByRole('table', { name: 'Changes pending for google' }).count(), 0);
  const after = await wb();
  assert.equal(after.last_result, 'applied');
  assert.equal(after.last_applied, 1);
  assert.equal(after.pending, 0);
  assert.deepEqual(page.jsErrors, []);
});

test('a viewer sees the changes but no Apply', async () => {
  const dev = await d.api('GET', '/api/v1/devices/serial:5CD0000002');
  await d.api('PATCH', '/api/v1/devices/' + dev.id, { asset_tag: 'MAPLE-0002', version: dev.version });
  const v = await newPage(browser);
  await signIn(v, d.base, 'vic');
  await v.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sources', exact: true }).click();
  await v.getByRole('table', { name: 'Changes pending for google' }).getByRole('row', { name: /MAPLE-0002/ }).waitFor();
  assert.equal(await v.getByRole('button', { name: /Apply/ }).count(), 0);
  assert.equal(await v.getByRole('button', { name: /Poll now/ }).count(), 0);
  await checkA11y(v, 'sources (viewer)');
  assert.deepEqual(v.jsErrors, []);
  await v.context().close();
});
