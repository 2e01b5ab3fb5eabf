// Unit tests of the desk's own rules (src/logic.ts), bundled on the fly by esbuild: node's test runner
// cannot read TypeScript on Node 18.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = await mkdtemp(path.join(tmpdir(), 'fk-logic-'));
const outfile = path.join(dir, 'logic.mjs');
await build({ entryPoints: [path.join(here, '..', 'src', 'logic.ts')], bundle: true, format: 'esm', outfile, logLevel: 'error' });
const L = await import(pathToFileURL(outfile).href);
await rm(dir, { recursive: true, force: true });

test('money: cents both ways, thousands and signs', () => {
  assert.equal(L.toCents('54.00'), 5400);
  assert.equal(L.toCents('54.5'), 5450);
  assert.equal(L.toCents('-3.07'), -307);
  assert.equal(L.toCents('12.345'), null);
  assert.equal(L.toCents('abc'), null);
  assert.equal(L.toCents(null), null);
  assert.equal(L.formatCents(123450), '1,234.50');
  assert.equal(L.formatCents(5), '0.05');
  assert.equal(L.formatCents(-150000000), '-1,500,000.00');
  assert.equal(L.money('289.00'), '289.00');
  assert.equal(L.money(null), '—');
});

test('dates: days until, adding days across months and years', () => {
  assert.equal(L.daysUntil('2027-01-01', '2026-12-31'), 1);
  assert.equal(L.daysUntil('2026-12-01', '2026-12-31'), -30);
  assert.equal(L.addDays('2026-12-28', 7), '2027-01-04');
  assert.equal(L.isoDate(new Date(2027, 1, 3)), '2027-02-03');
});

test('ago: coarse as a person says it', () => {
  const now = new Date('2026-12-07T12:00:00Z');
  assert.equal(L.ago('2026-12-07T11:59:30Z', now), 'just now');
  assert.equal(L.ago('2026-12-07T11:15:00Z', now), '45 min ago');
  assert.equal(L.ago('2026-12-07T10:00:00Z', now), '2 h ago');
  assert.equal(L.ago('2026-12-06T10:00:00Z', now), 'yesterday');
  assert.equal(L.ago('2026-11-27T10:00:00Z', now), '10 days ago');
});

test('AUE: past, near within the warning window, fine, unknown', () => {
  assert.equal(L.aueState('2026-06-01', '2026-12-07').level, 'past');
  assert.equal(L.aueState('2027-03-01', '2026-12-07').level, 'near');
  assert.equal(L.aueState('2027-03-01', '2026-12-07', 30).level, 'ok');
  assert.equal(L.aueState(null, '2026-12-07').level, 'none');
});

test('due state: overdue the day after, today, this week, later', () => {
  assert.equal(L.dueState('2026-12-06', '2026-12-07'), 'overdue');
  assert.equal(L.dueState('2026-12-07', '2026-12-07'), 'today');
  assert.equal(L.dueState('2026-12-14', '2026-12-07'), 'soon');
  assert.equal(L.dueState('2026-12-15', '2026-12-07'), 'later');
});

test('repair or replace: the cost share rule and a past AUE', () => {
  const fine = L.aueState('2030-01-01', '2026-12-07');
  assert.equal(L.repairAdvice({ repairCost: '54.00', replacementCost: '289.00', aue: fine }).verdict, 'repair');
  assert.equal(L.repairAdvice({ repairCost: '150.00', replacementCost: '289.00', aue: fine }).verdict, 'replace');
  assert.equal(L.repairAdvice({ repairCost: '0.00', replacementCost: '289.00', aue: L.aueState('2025-01-01', '2026-12-07') }).verdict, 'replace');
  assert.equal(L.repairAdvice({ repairCost: '0.00', replacementCost: null, aue: fine }).verdict, 'unknown');
  assert.match(L.repairAdvice({ repairCost: '54.00', replacementCost: '289.00', aue: fine }).text, /90\.50 left/);
});

test('actions: by status and role; viewers get none', () => {
  assert.deepEqual(L.deviceActions({ status: 'in_stock', holder: null }, 'viewer', null), []);
  const stock = L.deviceActions({ status: 'in_stock', holder: null }, 'technician', null);
  assert.ok(stock.includes('checkout') && stock.includes('repair') && !stock.includes('return'));
  const lent = L.deviceActions({ status: 'deployed', holder: { type: 'person' } }, 'technician', null);
  assert.ok(lent.includes('return') && lent.includes('repair') && !lent.includes('checkout'));
  const bench = L.deviceActions({ status: 'in_repair', holder: { type: 'person' } }, 'technician', { loaner: null });
  assert.ok(bench.includes('loaner') && !bench.includes('repair'));
  assert.ok(!L.deviceActions({ status: 'in_repair', holder: { type: 'person' } }, 'admin', { loaner: { id: 1 } }).includes('loaner'));
  assert.deepEqual(L.manualTransitions('deployed'), ['lost', 'stolen']);
  assert.deepEqual(L.manualTransitions('lost'), ['in_stock', 'retired']);
  assert.deepEqual(L.manualTransitions('disposed'), []);
});

test('API errors land beside their fields, batch items by index, 409 moves listed', () => {
  const one = L.fieldErrors({ code: 'invalid', message: 'due must be a date', details: { field: 'due' } });
  assert.deepEqual(one.fields, { due: 'due must be a date' });
  assert.equal(one.general, null);
  const many = L.fieldErrors({ code: 'invalid', message: 'bad', details: { field: 'serial', errors: [{ field: 'serial', message: 'too long' }, { field: 'kind', message: 'unknown kind' }] } });
  assert.deepEqual(many.fields, { serial: 'too long', kind: 'unknown kind' });
  const batch = L.fieldErrors({ code: 'conflict', message: 'refused', details: { errors: [{ index: 3, field: 'device', message: 'is deployed' }] } });
  assert.deepEqual(batch.items, { 3: 'is deployed' });
  const move = L.fieldErrors({ code: 'conflict', message: 'cannot move from disposed to in_stock', details: { from: 'disposed', to: 'in_stock', allowed: [] } });
  assert.match(move.general, /Allowed moves: none/);
  const status = L.fieldErrors({ code: 'conflict', message: 'cannot', details: { field: 'status', allowed: ['diagnosing', 'cancelled'] } });
  assert.match(status.fields.status, /diagnosing, cancelled/);
  assert.equal(L.fieldErrors({ code: 'internal', message: 'internal error', details: {} }).general, 'internal error');
});

test('stale edits: what someone else changed', () => {
  const c = L.changedFields({ location: 'A', notes: null, version: 1 }, { location: 'B', notes: null, version: 2 }, ['location', 'notes']);
  assert.deepEqual(c, [{ field: 'location', was: 'A', now: 'B' }]);
});

test('cart: no duplicates; batch errors mark their items and clear the others', () => {
  let { cart } = L.addToCart([], { code: 'A', ref: '1', label: 'A', problem: null });
  const again = L.addToCart(cart, { code: 'A', ref: '1', label: 'A', problem: null });
  assert.equal(again.duplicate, true);
  cart = L.addToCart(cart, { code: 'B', ref: '2', label: 'B', problem: 'old' }).cart;
  assert.deepEqual(L.applyBatchErrors(cart, { 0: 'deployed' }).map((c) => c.problem), ['deployed', null]);
});

test('routes: hash paths to screens, unknown to the desk; sign-in only returns inside the app', () => {
  assert.deepEqual(L.parseRoute(''), { screen: 'desk' });
  assert.deepEqual(L.parseRoute('#/device/27'), { screen: 'device', ref: '27' });
  assert.deepEqual(L.parseRoute('#/person/S%2012'), { screen: 'person', id: 'S 12' });
  assert.deepEqual(L.parseRoute('#/repairs/12'), { screen: 'work-order', id: 12 });
  assert.deepEqual(L.parseRoute('#/repairs/12/slip'), { screen: 'slip', id: 12 });
  assert.deepEqual(L.parseRoute('#/repairs/x'), { screen: 'repairs' });
  assert.deepEqual(L.parseRoute('#/loans/overdue'), { screen: 'loans', tab: 'overdue' });
  assert.deepEqual(L.parseRoute('#/loans/5/receipt'), { screen: 'receipt', id: 5 });
  assert.deepEqual(L.parseRoute('#/nowhere'), { screen: 'desk' });
  assert.equal(L.safeNext('#/repairs/3'), '#/repairs/3');
  assert.equal(L.safeNext('https://evil.example/'), '#/desk');
  assert.equal(L.safeNext('//evil.example'), '#/desk');
  assert.equal(L.safeNext(null), '#/desk');
});

test('repair queue: open statuses only, oldest first, filters', () => {
  const o = (id, status, category, assignee, opened_at) => ({ id, status, category, assignee, opened_at });
  const q = L.queue([o(3, 'open', 'screen', 'sam', '2026-12-03T00:00:00Z'), o(1, 'open', 'battery', null, '2026-12-01T00:00:00Z'), o(2, 'resolved', 'screen', null, '2026-11-01T00:00:00Z'), o(4, 'in_repair', 'screen', 'sam', '2026-12-02T00:00:00Z')], {});
  assert.deepEqual(q.open.map((x) => x.id), [1, 3]);
  assert.deepEqual(q.in_repair.map((x) => x.id), [4]);
  assert.equal(Object.values(q).flat().length, 3);
  assert.deepEqual(L.queue([o(3, 'open', 'screen', 'sam', 'a'), o(1, 'open', 'battery', null, 'b')], { category: 'screen' }).open.map((x) => x.id), [3]);
  assert.deepEqual(L.queue([o(3, 'open', 'screen', 'sam', 'a'), o(1, 'open', 'battery', null, 'b')], { assignee: 'sam' }).open.map((x) => x.id), [3]);
});

test('planning rows: the plan as given, or recounted for a school or model', () => {
  const years = [
    { fiscal_year: 'FY2027', count: 2, cost: '578.00', budget: null, deferred: { count: 0, cost: '0.00' }, by_reason: { aue: { count: 1, cost: '289.00' } },
      devices: [
        { id: 1, model: 'M1', location: 'Maple / Cart 1', reasons: ['aue'], cost: '289.00' },
        { id: 2, model: 'M2', location: 'Elm', reasons: ['age'], cost: '289.00' },
      ] },
  ];
  assert.deepEqual(L.planRows(years, {}), [{ fiscal_year: 'FY2027', count: 2, cents: 57800, aue: 1, deferred: 0, budget: null }]);
  assert.deepEqual(L.planRows(years, { location: 'Maple' })[0], { fiscal_year: 'FY2027', count: 1, cents: 28900, aue: 1, deferred: 0, budget: null });
  assert.equal(L.planRows(years, { model: 'M2' })[0].aue, 0);
  assert.equal(L.csvLine(['a,b', 'say "hi"', null, 3]), '"a,b","say ""hi""",,3');
  // Formula injection: neutralised like the daemon's exports; numbers stay numbers.
  assert.equal(L.csvLine(['=1+1', '@x', '-54.00', -3, "'=y", "'twas", '+44 20']), "'=1+1,'@x,-54.00,-3,''=y,'twas,'+44 20");
  assert.equal(L.csvLine(['\t=cmd']), "'\t=cmd");
  assert.equal(L.school('Maple Elementary / Cart 3'), 'Maple Elementary');
});

test('routes: audits, campaigns, collection mode and the return receipt', () => {
  assert.deepEqual(L.parseRoute('#/audits'), { screen: 'audits' });
  assert.deepEqual(L.parseRoute('#/audits/4'), { screen: 'audit', id: 4 });
  assert.deepEqual(L.parseRoute('#/audits/x'), { screen: 'audits' });
  assert.deepEqual(L.parseRoute('#/collections/2'), { screen: 'collection', id: 2 });
  assert.deepEqual(L.parseRoute('#/collections/2/collect'), { screen: 'collect', id: 2 });
  assert.deepEqual(L.parseRoute('#/collections/2/receipt/77'), { screen: 'return-receipt', id: 2, checkout: 77 });
  assert.deepEqual(L.parseRoute('#/collections/2/receipt/zz'), { screen: 'collection', id: 2 });
  assert.deepEqual(L.parseRoute('#/collections'), { screen: 'audits' });
});

test('an audit scan says what it found; a lost device found is loud', () => {
  assert.deepEqual(L.scanMessage({ result: 'found', code: 'CB-1' }), { kind: 'ok', text: 'CB-1: found, where it should be.' });
  assert.equal(L.scanMessage({ result: 'misplaced', code: 'CB-2', expected_location: 'Oak / Room 1' }).text, 'CB-2: misplaced; the registry has it at Oak / Room 1.');
  assert.deepEqual(L.scanMessage({ result: 'unexpected', code: 'CB-3', lost_found: true, device: { status: 'stolen' } }), {
    kind: 'error',
    text: 'LOST DEVICE FOUND: CB-3 is marked stolen.',
  });
  assert.equal(L.scanMessage({ result: 'unexpected', code: 'CB-4', device: { status: 'on_order' } }).text, 'CB-4: unexpected, its status is on order.');
  assert.equal(L.scanMessage({ result: 'unknown', code: 'X' }).kind, 'error');
  assert.equal(L.scanMessage({ result: 'repeat', code: 'CB-1' }).kind, 'info');
});

test('percent: whole percents, rounded down; nothing expected is all back', () => {
  assert.equal(L.percent(180, 212), '84%');
  assert.equal(L.percent(212, 212), '100%');
  assert.equal(L.percent(0, 0), '100%');
});

test("the district's today is the date in its zone, not the browser's", () => {
  // 2026-12-07 03:30 UTC is still the evening of the 6th in Chicago and already the 7th in Auckland.
  const at = new Date('2026-12-07T03:30:00Z');
  assert.equal(L.isoDateIn(at, 'America/Chicago'), '2026-12-06');
  assert.equal(L.isoDateIn(at, 'Pacific/Auckland'), '2026-12-07');
  assert.equal(L.isoDateIn(at, 'UTC'), '2026-12-07');
  // Midnight exactly belongs to the new day (Intl can print it as hour 24 in some locales; dates are safe).
  assert.equal(L.isoDateIn(new Date('2026-07-01T05:00:00Z'), 'America/Chicago'), '2026-07-01');
});
