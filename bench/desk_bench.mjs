#!/usr/bin/env node
// The web desk's speed in Debian's Chromium against the real fleetkeepd with a large fleet:
//   scan-to-card: Enter pressed in the scan box -> the device card on screen (User Timing measures the
//                 desk records: fk-scan-to-card, and fk-scan-to-full-card once history and repairs are in)
//   first load:   a fresh browser profile opening / (signed in) until the scan box has the focus
// Goals (issue 15): scan-to-card p95 < 100 ms, first load < 1 s on loopback.
//
//   node bench/desk_bench.mjs [--devices 100000] [--scans 200] [--loads 10] [--fleetkeepd build/bin/fleetkeepd]
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Daemon, launch, root, TIMEOUT } from '../tests/web/harness.mjs';

const { values: opt } = parseArgs({
  options: {
    devices: { type: 'string', default: '100000' },
    scans: { type: 'string', default: '200' },
    loads: { type: 'string', default: '10' },
    fleetkeepd: { type: 'string' },
  },
});
if (opt.fleetkeepd) process.env.FLEETKEEPD = path.resolve(opt.fleetkeepd);
const { Daemon: D } = { Daemon };
const devices = Number(opt.devices);
const scans = Number(opt.scans);

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
const fmt = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${pct(s, 50).toFixed(1)} ms, p95 ${pct(s, 95).toFixed(1)} ms, max ${s[s.length - 1].toFixed(1)} ms (n=${s.length})`;
};

const d = await D.start({ seedInventory: false });
const browser = await launch();
try {
  process.stderr.write(`generating and importing ${devices} devices...\n`);
  const csv = execFileSync('python3', [path.join(root, 'bench', 'gen_fleet.py'), '--count', String(devices), '--seed', '7'], {
    maxBuffer: 1 << 30,
  });
  const t0 = performance.now();
  await d.api('POST', '/api/v1/devices:import', csv, 'text/csv');
  process.stderr.write(`imported in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  const tags = csv
    .toString()
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(',')[0]);
  const password = await d.adminPassword();

  // First load: a new profile each time (empty cache), the session cookie set by signing in through the API.
  const loads = [];
  for (let i = 0; i < Number(opt.loads); i++) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const res = await context.request.post(d.base + '/auth/login', { data: { name: 'admin', password } });
    if (!res.ok()) throw new Error('sign-in failed: ' + res.status());
    const page = await context.newPage();
    const start = performance.now();
    await page.goto(d.base + '/');
    await page.waitForFunction(() => document.activeElement?.id === 'scan', null, { timeout: TIMEOUT });
    loads.push(performance.now() - start);
    await context.close();
  }

  // Scans: random tags of the fleet, one after another as at the desk.
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  await context.request.post(d.base + '/auth/login', { data: { name: 'admin', password } });
  const page = await context.newPage();
  await page.goto(d.base + '/');
  const box = page.getByLabel('Scan a tag, serial or student ID');
  await box.waitFor();
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = 0; i < scans + 5; i++) {
    const tag = tags[Math.floor(rand() * tags.length)];
    await box.fill(tag);
    await box.press('Enter');
    await page.getByRole('heading', { name: tag, exact: true }).waitFor({ timeout: TIMEOUT });
    await page.getByRole('heading', { name: 'History' }).waitFor({ timeout: TIMEOUT });
    await page.waitForFunction(() => performance.getEntriesByName('fk-scan', 'mark').length === 0, null, { timeout: TIMEOUT });
    if (i === 4) await page.evaluate(() => performance.clearMeasures()); // the first few warm the page up
  }
  const card = await page.evaluate(() => performance.getEntriesByName('fk-scan-to-card').map((e) => e.duration));
  const full = await page.evaluate(() => performance.getEntriesByName('fk-scan-to-full-card').map((e) => e.duration));
  const lines = [
    `fleet: ${devices.toLocaleString('en-US')} devices; ${scans} scans of random tags; chromium headless, loopback`,
    `scan-to-card:      ${fmt(card)}`,
    `scan-to-full-card: ${fmt(full)}`,
    `first load of / until the scan box has the focus (fresh profile): ${fmt(loads)}`,
  ];
  console.log(lines.join('\n'));
  if (process.env.FK_BENCH_OUT) await writeFile(process.env.FK_BENCH_OUT, lines.join('\n') + '\n');
} finally {
  await browser.close();
  await d.stop();
}
