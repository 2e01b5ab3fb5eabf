// Shared by the browser tests: the real fleetkeepd on port 0 in a temp dir with a seeded database, its
// users, Debian's Chromium through playwright-core, sign-in, axe checks and screenshots.
//   FLEETKEEPD   the daemon binary (build/bin/fleetkeepd; ctest sets it)
//   FK_CHROMIUM  the browser (default /usr/bin/chromium)
//   FK_SHOTS     where screenshots go (default build/web-screenshots)
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..');
// The packages live in web/node_modules (npm ci from web/package-lock.json).
const requireWeb = createRequire(path.join(root, 'web', 'package.json'));
export const { chromium } = requireWeb('playwright-core');
const { default: AxeBuilder } = requireWeb('@axe-core/playwright');

export const PASSWORD = 'desk-test-password-1';
export const daemonPath = process.env.FLEETKEEPD ?? path.join(root, 'build', 'bin', 'fleetkeepd');
export const shotsDir = process.env.FK_SHOTS ?? path.join(root, 'build', 'web-screenshots');

// Generous: a loaded 2-core machine runs the C++ tests beside these.
export const TIMEOUT = 30_000;

async function waitFor(what, fn, timeout = TIMEOUT) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}${last ? ': ' + last.message : ''}`);
}

const MODELS = `models:
  - {model: "HP Chromebook 11 G9 EE", kind: chromebook, unit_cost: "289.00", life_years: 5, aue_date: 2028-06-01}
  - {model: "Lenovo 300e Chromebook Gen 3", kind: chromebook, unit_cost: "329.00", life_years: 5, aue_date: 2030-06-01}
  - {model: "Acer Chromebook Spin 511", kind: chromebook, unit_cost: "379.00", life_years: 5, aue_date: 2030-06-01}
  - {model: "Dell Latitude 3120", kind: laptop, unit_cost: "649.00", life_years: 4}
  - {model: "Dell Latitude 3440", kind: laptop, unit_cost: "899.00", life_years: 4}
  - {model: "Apple iPad (9th generation)", kind: tablet, unit_cost: "329.00", life_years: 4}
planning:
  replacement_model: {chromebook: "HP Chromebook 11 G9 EE", laptop: "Dell Latitude 3440", tablet: "Apple iPad (9th generation)"}
`;

export class Daemon {
  constructor(dir, proc, port) {
    this.dir = dir;
    this.proc = proc;
    this.port = port;
    this.base = `http://127.0.0.1:${port}`;
    this.stateDir = path.join(dir, 'var');
    this.config = path.join(dir, 'fleetkeepd.yaml');
  }

  // Starts fleetkeepd with the sample inventory (300 devices), a CSV source to poll, and `extra` YAML.
  static async start({ extra = '', seedInventory = true, port: listenPort = 0 } = {}) {
    const dir = await mkdtemp(path.join(tmpdir(), 'fk-web-'));
    await writeFile(path.join(dir, 'source.csv'), 'asset_tag,serial,kind,model,location\nSRC-1,SRCSERIAL1,chromebook,HP Chromebook 11 G9 EE,Technology Center / Storage\n');
    const config = `listen: 127.0.0.1:${listenPort}
state_dir: var
log_level: warn
${seedInventory ? `seed_inventory: ${path.join(root, 'config', 'sample-inventory.csv')}\n` : ''}${MODELS}sources:
  - {name: inventory, plugin: csv_import, interval: 1d, path: source.csv}
${extra}`;
    await writeFile(path.join(dir, 'fleetkeepd.yaml'), config);
    const proc = spawn(daemonPath, ['--config', path.join(dir, 'fleetkeepd.yaml')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    proc.stderr.on('data', (b) => (log += b));
    const portFile = path.join(dir, 'var', 'port');
    const port = await waitFor('fleetkeepd to listen', async () => {
      if (proc.exitCode !== null) throw new Error('fleetkeepd exited: ' + log);
      return Number((await readFile(portFile, 'utf8')).trim());
    });
    const d = new Daemon(dir, proc, port);
    d.log = () => log;
    await waitFor('/readyz', async () => (await fetch(d.base + '/readyz')).ok);
    d.token = (await readFile(path.join(d.stateDir, 'admin.token'), 'utf8')).trim();
    return d;
  }

  async stop() {
    if (this.proc.exitCode === null) {
      const done = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      await done;
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  // The API with the admin token (setting up and checking what the browser did).
  async api(method, p, body, contentType = 'application/json') {
    const res = await fetch(this.base + p, {
      method,
      headers: { Authorization: 'Bearer ' + this.token, ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
      body: body === undefined ? undefined : contentType === 'application/json' ? JSON.stringify(body) : body,
    });
    const text = await res.text();
    const json = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return json;
  }

  tool(...args) {
    return spawnSync(daemonPath, ['--config', this.config, ...args], { encoding: 'utf8', timeout: 60_000 });
  }

  async createUser(name, role, scopes = [], email = null) {
    const file = path.join(this.dir, 'pw-' + name);
    await writeFile(file, PASSWORD + '\n', { mode: 0o600 });
    const r = this.tool('user', 'create', '--name', name, '--role', role, ...scopes.flatMap((s) => ['--scope', s]),
      ...(email ? ['--email', email] : []), '--password-file', file);
    assert.equal(r.status, 0, `user create ${name}: ${r.stderr}`);
  }

  async adminPassword() {
    return (await readFile(path.join(this.stateDir, 'admin.password'), 'utf8')).trim();
  }
}

// People and devices the flows use, beside the sample inventory.
export async function seed(d) {
  await d.api(
    'POST',
    '/api/v1/people:import',
    [
      'external_id,name,email,role,grade,homeroom,location',
      'S1001,Ada Park,ada.park@example.org,student,7,7B,Maple Elementary',
      'S1002,Ben Ortiz,ben.ortiz@example.org,student,7,7B,Maple Elementary',
      'T2001,Maria Rivera,m.rivera@example.org,staff,,,Maple Elementary',
      'S3001,Chloe Nguyen,chloe.nguyen@example.org,student,8,8A,Elm Valley Middle',
    ].join('\n') + '\n',
    'text/csv',
  );
  const rows = ['asset_tag,serial,kind,manufacturer,model,purchase_date,purchase_price,aue_date,location,loaner,status'];
  for (let i = 1; i <= 30; i++)
    rows.push(`CB-${1000 + i},5CD${String(1000 + i)},chromebook,HP,HP Chromebook 11 G9 EE,2023-07-15,289.00,2028-06-01,Maple Elementary / Library Cart,false,in_stock`);
  for (let i = 1; i <= 3; i++) rows.push(`LOANER-${i},LN${i},chromebook,HP,HP Chromebook 11 G9 EE,2023-07-15,289.00,2028-06-01,Maple Elementary / Loaner Shelf,true,in_stock`);
  rows.push('CB-9001,5CD9001,chromebook,Lenovo,Lenovo 300e Chromebook Gen 3,2022-06-10,329.00,2030-06-01,Elm Valley Middle / Room 5,false,in_stock');
  await d.api('POST', '/api/v1/devices:import', rows.join('\n') + '\n', 'text/csv');
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.FK_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    // No network here but loopback: keep Chromium from reaching for Google's services.
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions'],
  });
}

export async function newPage(browser, viewport = { width: 1366, height: 768 }) {
  const context = await browser.newContext({ viewport, reducedMotion: 'reduce' });
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    // The API's refusals (4xx) are part of the flows; anything else the console reports is a fault.
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  page.jsErrors = errors;
  return page;
}

export async function signIn(page, base, name, password = PASSWORD) {
  await page.goto(base + '/login');
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

// Scans from the desk (going there first from another screen, as `/` does).
export async function scan(page, code) {
  const box = page.getByLabel('Scan a tag, serial or student ID');
  if (!(await box.count())) await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Desk', exact: true }).click();
  await box.fill(code);
  await box.press('Enter');
}

// Focus moves in an effect after the element renders, so wait for it rather
// than read it once. With `empty`, the field must also be cleared.
export async function waitFocused(locator, { empty = false } = {}) {
  const handle = await locator.elementHandle({ timeout: TIMEOUT });
  await locator.page().waitForFunction(
    ([el, mustBeEmpty]) => el === document.activeElement && (!mustBeEmpty || el.value === ''),
    [handle, empty],
    { timeout: TIMEOUT },
  );
}

// No serious or critical axe violations (WCAG 2.1 A and AA rules) on the page as it is now.
export async function checkA11y(page, screen) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `accessibility problems on ${screen}`,
  );
}

export async function shot(page, name, opts = {}) {
  await mkdir(shotsDir, { recursive: true });
  // A full-page capture draws the sticky header where the scroll left it, over the content below.
  if (opts.fullPage) await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(shotsDir, name + '.png'), fullPage: opts.fullPage ?? false });
}
