// The desk's own rules, free of the DOM and of fetch, so node's test runner checks them (test/).

export type Role = 'viewer' | 'technician' | 'admin';

export interface Me {
  name: string;
  role: Role;
  scopes: string[];
  csrf?: string;
}

export interface ApiErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

// Money comes from the API as a decimal string ("54.00"); sums are done in integer cents.
export function toCents(text: string | null | undefined): number | null {
  if (text == null) return null;
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(String(text).trim());
  if (!m) return null;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '0').padEnd(2, '0'));
  return m[1] ? -cents : cents;
}

export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.round(cents));
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

// "1234.50" -> "1,234.50"; null -> "—".
export function money(text: string | null | undefined): string {
  const c = toCents(text);
  return c == null ? '—' : formatCents(c);
}

const DAY = 86_400_000;

// Days from `today` (YYYY-MM-DD) to `date`; negative when past.
export function daysUntil(date: string, today: string): number {
  return Math.round((Date.parse(date + 'T00:00:00Z') - Date.parse(today + 'T00:00:00Z')) / DAY);
}

export function isoDate(d: Date): string {
  const y = d.getFullYear();
  const m = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${y}-${m}-${day}`;
}

// The calendar date of instant `d` in IANA zone `zone` (the district's "today"), as YYYY-MM-DD.
export function isoDateIn(d: Date, zone: string): string {
  if (!zone) return isoDate(d);
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

export function addDays(date: string, days: number): string {
  const t = new Date(Date.parse(date + 'T00:00:00Z') + days * DAY);
  return t.toISOString().slice(0, 10);
}

// "last seen 2 h ago": coarse, as a person says it.
export function ago(instant: string, now: Date): string {
  const s = Math.max(0, Math.round((now.getTime() - Date.parse(instant)) / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  const d = Math.floor(s / 86400);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

export type AueState = { level: 'none' | 'ok' | 'near' | 'past'; text: string };

// AUE (auto-update expiration): past means no more security updates; `warnDays` is the planning
// config's aue_warning_days (180 unless the district changed it).
export function aueState(aue: string | null | undefined, today: string, warnDays = 180): AueState {
  if (!aue) return { level: 'none', text: 'no AUE date' };
  const days = daysUntil(aue, today);
  if (days < 0) return { level: 'past', text: `AUE passed ${aue}: no more ChromeOS updates` };
  if (days <= warnDays) return { level: 'near', text: `AUE ${aue}, in ${days} days` };
  return { level: 'ok', text: `AUE ${aue}` };
}

export type DueState = 'overdue' | 'today' | 'soon' | 'later';

export function dueState(due: string | null | undefined, today: string): DueState {
  if (!due) return 'later';
  const d = daysUntil(due, today);
  if (d < 0) return 'overdue';
  if (d === 0) return 'today';
  if (d <= 7) return 'soon';
  return 'later';
}

export interface Advice {
  verdict: 'repair' | 'replace' | 'unknown';
  text: string;
}

// Repair or replace: the planning rule (lifetime repair cost reaching `share` of the replacement cost
// makes a device due) and a past AUE both say replace.
export function repairAdvice(opts: {
  repairCost: string | null | undefined;
  replacementCost: string | null | undefined;
  aue: AueState;
  share?: number;
}): Advice {
  const share = opts.share ?? 0.5;
  if (opts.aue.level === 'past') return { verdict: 'replace', text: 'Replace: past its AUE date, no more updates' };
  const spent = toCents(opts.repairCost) ?? 0;
  const cost = toCents(opts.replacementCost);
  if (cost == null || cost <= 0) return { verdict: 'unknown', text: 'No replacement cost known for this model' };
  const pct = Math.round((spent * 100) / cost);
  const budget = Math.floor(cost * share) - spent;
  if (spent >= cost * share)
    return { verdict: 'replace', text: `Replace: repairs ${formatCents(spent)} are ${pct}% of a new one (${formatCents(cost)})` };
  return {
    verdict: 'repair',
    text: `Repair: ${formatCents(spent)} spent so far (${pct}% of ${formatCents(cost)}); ${formatCents(budget)} left before replacing pays`,
  };
}

// Which device actions the desk offers, by the device's status and the user's role.
export type Action = 'checkout' | 'return' | 'repair' | 'loaner' | 'transition' | 'edit';

export const TRANSITIONS: Record<string, string[]> = {
  on_order: ['in_stock'],
  in_stock: ['deployed', 'in_repair', 'lost', 'stolen', 'retired'],
  deployed: ['in_stock', 'in_repair', 'lost', 'stolen'],
  in_repair: ['in_stock', 'deployed', 'retired'],
  lost: ['in_stock', 'retired'],
  stolen: ['in_stock', 'retired'],
  retired: ['disposed'],
  disposed: [],
};

// Moves the Transition menu offers: the ones the desk's own buttons do not cover (lending, returning
// and repairs move the status through their own calls).
export function manualTransitions(status: string): string[] {
  return (TRANSITIONS[status] ?? []).filter((to) => to !== 'deployed' && to !== 'in_repair' && !(status === 'deployed' && to === 'in_stock'));
}

export function deviceActions(
  d: { status: string; holder?: unknown | null },
  role: Role,
  openWorkOrder: { loaner?: unknown | null } | null,
): Action[] {
  if (role === 'viewer') return [];
  const out: Action[] = [];
  if (d.status === 'in_stock') out.push('checkout');
  if (d.holder) out.push('return');
  if ((d.status === 'in_stock' || d.status === 'deployed') && !openWorkOrder) out.push('repair');
  if (openWorkOrder && !openWorkOrder.loaner && d.holder) out.push('loaner');
  if (manualTransitions(d.status).length) out.push('transition');
  out.push('edit');
  return out;
}

export const canWrite = (me: Me | null) => !!me && me.role !== 'viewer';
export const isAdmin = (me: Me | null) => !!me && me.role === 'admin';

// An API error's `details` turned into messages per form field: `details.field` (one problem),
// `details.errors` (several, with `field`), and batch items (`index`) are kept apart.
export function fieldErrors(err: ApiErrorBody): { fields: Record<string, string>; items: Record<number, string>; general: string | null } {
  const fields: Record<string, string> = {};
  const items: Record<number, string> = {};
  const list = Array.isArray(err.details?.errors) ? (err.details.errors as Array<Record<string, unknown>>) : [];
  for (const e of list) {
    const msg = String(e.message ?? err.message);
    if (typeof e.index === 'number') items[e.index] = msg;
    else if (typeof e.field === 'string' && !(e.field in fields)) fields[e.field] = msg;
  }
  const field = err.details?.field;
  if (typeof field === 'string' && !(field in fields) && !list.length) fields[field] = err.message;
  let general: string | null = null;
  if (!Object.keys(fields).length && !Object.keys(items).length) general = err.message;
  if (Array.isArray(err.details?.allowed) && err.code === 'conflict') {
    const allowed = err.details.allowed as string[];
    const text = `${err.message}. Allowed moves: ${allowed.length ? allowed.join(', ') : 'none'}`;
    if (typeof field === 'string') fields[field] = text;
    else general = text;
  }
  return { fields, items, general };
}

// What changed between the version a person edited from and the one now stored (a stale edit).
export function changedFields(before: Record<string, unknown>, now: Record<string, unknown>, keys: string[]) {
  return keys
    .filter((k) => JSON.stringify(before[k] ?? null) !== JSON.stringify(now[k] ?? null))
    .map((k) => ({ field: k, was: before[k] ?? null, now: now[k] ?? null }));
}

// The batch (cart) of devices being lent in one go.
export interface CartItem {
  code: string;
  ref: string;           // what the API is sent: "id" when known, else the scanned code as a tag
  label: string;
  problem: string | null;
}

export function addToCart(cart: CartItem[], item: CartItem): { cart: CartItem[]; duplicate: boolean } {
  if (cart.some((c) => c.ref === item.ref)) return { cart, duplicate: true };
  return { cart: [...cart, item], duplicate: false };
}

export function applyBatchErrors(cart: CartItem[], items: Record<number, string>): CartItem[] {
  return cart.map((c, i) => ({ ...c, problem: items[i] ?? null }));
}

// Routes live in the hash (#/repairs/12) so one page serves them all; /login is a real path.
export type Route =
  | { screen: 'desk'; code?: string }
  | { screen: 'device'; ref: string }
  | { screen: 'person'; id: string }
  | { screen: 'repairs' }
  | { screen: 'work-order'; id: number }
  | { screen: 'slip'; id: number }
  | { screen: 'loans'; tab: 'open' | 'overdue' | 'week' }
  | { screen: 'receipt'; id: number }
  | { screen: 'planning' }
  | { screen: 'sources' }
  | { screen: 'audits' }
  | { screen: 'audit'; id: number }
  | { screen: 'collection'; id: number }
  | { screen: 'collect'; id: number }
  | { screen: 'return-receipt'; id: number; checkout: number }
  | { screen: 'fees' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [a, b, c] = parts;
  const id = Number(b);
  switch (a) {
    case undefined:
    case 'desk':
      return { screen: 'desk' };
    case 'device':
      return b ? { screen: 'device', ref: b } : { screen: 'desk' };
    case 'person':
      return b ? { screen: 'person', id: b } : { screen: 'desk' };
    case 'repairs':
      if (Number.isInteger(id) && id > 0) return c === 'slip' ? { screen: 'slip', id } : { screen: 'work-order', id };
      return { screen: 'repairs' };
    case 'loans':
      if (Number.isInteger(id) && id > 0 && c === 'receipt') return { screen: 'receipt', id };
      return { screen: 'loans', tab: b === 'overdue' ? 'overdue' : b === 'week' ? 'week' : 'open' };
    case 'planning':
      return { screen: 'planning' };
    case 'sources':
      return { screen: 'sources' };
    case 'audits':
      return Number.isInteger(id) && id > 0 ? { screen: 'audit', id } : { screen: 'audits' };
    case 'collections': {
      if (!(Number.isInteger(id) && id > 0)) return { screen: 'audits' };
      const checkout = Number(parts[3]);
      if (c === 'receipt' && Number.isInteger(checkout) && checkout > 0) return { screen: 'return-receipt', id, checkout };
      return c === 'collect' ? { screen: 'collect', id } : { screen: 'collection', id };
    }
    case 'fees':
      return { screen: 'fees' };
    default:
      return { screen: 'desk' };
  }
}

// Where sign-in sends someone back to: only a hash route of this app, never another origin.
export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith('#/')) return '#/desk';
  return next;
}

// Work-order queue: the open statuses, oldest first, with the desk's filters.
export const QUEUE_STATUSES = ['open', 'diagnosing', 'waiting_parts', 'in_repair'] as const;

export function queue<T extends { status: string; category: string; assignee: string | null; opened_at: string; id: number }>(
  orders: T[],
  filter: { category?: string; assignee?: string },
): Record<string, T[]> {
  const out: Record<string, T[]> = {};
  for (const s of QUEUE_STATUSES) out[s] = [];
  for (const o of orders) {
    if (!(o.status in out)) continue;
    if (filter.category && o.category !== filter.category) continue;
    if (filter.assignee && (o.assignee ?? '') !== filter.assignee) continue;
    out[o.status].push(o);
  }
  for (const s of QUEUE_STATUSES) out[s].sort((x, y) => x.opened_at.localeCompare(y.opened_at) || x.id - y.id);
  return out;
}

// Planning: a plan's years reduced to the devices a filter keeps, and the cap a what-if budget sets.
export interface PlanDevice {
  id: number;
  asset_tag: string | null;
  serial: string | null;
  model: string | null;
  location: string | null;
  reasons: string[];
  due_fiscal_year: string;
  cost: string | null;
}
export interface PlanYear {
  fiscal_year: string;
  count: number;
  cost: string;
  budget: string | null;
  devices: PlanDevice[];
  deferred: { count: number; cost: string };
  by_reason: Record<string, { count: number; cost: string }>;
}

export interface YearRow {
  fiscal_year: string;
  count: number;
  cents: number;
  aue: number;
  deferred: number;
  budget: string | null;
}

export function planRows(years: PlanYear[], filter: { location?: string; model?: string }): YearRow[] {
  const filtered = !!(filter.location || filter.model);
  return years.map((y) => {
    if (!filtered)
      return {
        fiscal_year: y.fiscal_year,
        count: y.count,
        cents: toCents(y.cost) ?? 0,
        aue: y.by_reason?.aue?.count ?? 0,
        deferred: y.deferred?.count ?? 0,
        budget: y.budget,
      };
    const keep = y.devices.filter(
      (d) =>
        (!filter.location || (d.location ?? '').startsWith(filter.location)) && (!filter.model || d.model === filter.model),
    );
    return {
      fiscal_year: y.fiscal_year,
      count: keep.length,
      cents: keep.reduce((s, d) => s + (toCents(d.cost) ?? 0), 0),
      aue: keep.filter((d) => d.reasons.includes('aue')).length,
      deferred: y.deferred?.count ?? 0,
      budget: y.budget,
    };
  });
}

// A cell a spreadsheet would run as a formula gets a leading quote; plain numbers ("-54.00") stay
// numbers. The daemon's rule (daemon/core/csv.hpp, docs/api.md "CSV and spreadsheets"), so a file
// saved here re-imports like one the daemon wrote.
export function csvCell(s: string): string {
  if (/^[=+\-@\t\r]/.test(s)) return /^[+-]?\d+(\.\d+)?$/.test(s) ? s : `'${s}`;
  return /^'+[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export function csvLine(values: Array<string | number | null>): string {
  return values
    .map((v) => {
      const s = v == null ? '' : typeof v === 'number' ? String(v) : csvCell(v);
      return /[",\n\r]/.test(s) || /^[ \t]|[ \t]$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}

// The school part of a location ("Maple Elementary / Cart 3" -> "Maple Elementary").
export function school(location: string | null | undefined): string {
  return (location ?? '').split(' / ')[0] || '(none)';
}

export function label(status: string): string {
  return status.replace(/_/g, ' ');
}

// A scan's result at an audit, as the counter and the list say it.
export const AUDIT_STATES = ['found', 'misplaced', 'unexpected', 'missing', 'unknown'] as const;

export function scanMessage(r: { result: string; code: string; expected_location?: string | null; lost_found?: boolean; device?: { status?: string } | null }): {
  kind: 'ok' | 'warn' | 'info' | 'error';
  text: string;
} {
  switch (r.result) {
    case 'found':
      return { kind: 'ok', text: `${r.code}: found, where it should be.` };
    case 'misplaced':
      return { kind: 'warn', text: `${r.code}: misplaced; the registry has it at ${r.expected_location ?? 'another place'}.` };
    case 'unexpected':
      return r.lost_found
        ? { kind: 'error', text: `LOST DEVICE FOUND: ${r.code} is marked ${r.device?.status ?? 'lost'}.` }
        : { kind: 'warn', text: `${r.code}: unexpected, its status is ${label(r.device?.status ?? 'unknown')}.` };
    case 'unknown':
      return { kind: 'error', text: `${r.code}: no device has this tag or serial.` };
    case 'repeat':
      return { kind: 'info', text: `${r.code}: already counted.` };
    default:
      return { kind: 'info', text: `${r.code}: ${r.result}` };
  }
}

// A share as a whole percent ("85%"); nothing expected is 100%.
export function percent(part: number, whole: number): string {
  return whole ? `${Math.floor((part * 100) / whole)}%` : '100%';
}
