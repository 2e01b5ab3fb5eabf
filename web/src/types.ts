// The API's JSON as docs/api.md gives it (only the fields the desk reads).

export interface DeviceRefJson {
  id: number;
  asset_tag: string | null;
  serial: string | null;
}

export interface Holder {
  type: 'person' | 'location';
  external_id?: string;
  name?: string;
  location?: string;
  checkout_id: number;
  due: string;
}

export interface Seen {
  first_seen: string;
  last_seen: string;
  source_id: string | null;
  fields: Record<string, unknown>;
}

export interface Device extends DeviceRefJson {
  kind: string;
  manufacturer: string | null;
  model: string | null;
  purchase_date: string | null;
  purchase_price: string | null;
  warranty_end: string | null;
  aue_date: string | null;
  location: string | null;
  org_unit: string | null;
  macs: string[];
  loaner: boolean;
  status: string;
  holder: Holder | null;
  repair_cost: string;
  notes: string | null;
  version: number;
  updated_at: string;
  seen?: Record<string, Seen>;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface DeviceEvent {
  id: number;
  at: string;
  actor: string;
  action: string;
  changes: Array<{ field: string; old: unknown; new: unknown }>;
  reason: string | null;
}

export interface Person {
  id: number;
  external_id: string;
  name: string;
  email: string | null;
  role: string;
  grade: string | null;
  homeroom: string | null;
  location: string | null;
  active: boolean;
}

export interface Checkout {
  id: number;
  device: DeviceRefJson;
  person: { external_id: string; name: string } | null;
  location: string | null;
  work_order_id: number | null;
  due: string;
  open: boolean;
  overdue: boolean;
  checked_out_at: string;
  checked_out_by: string;
  condition_out: string | null;
  returned_at: string | null;
  condition_in: string | null;
  opened_work_order_id?: number | null;
}

export interface Part {
  id: number;
  part: string;
  quantity: number;
  unit_cost: string;
  cost: string;
  added_by: string;
  added_at: string;
}

export interface WorkOrder {
  id: number;
  device: DeviceRefJson;
  category: string;
  description: string;
  priority: string;
  status: string;
  open: boolean;
  allowed_statuses: string[];
  reported_by: string | null;
  assignee: string | null;
  payer: string | null;
  labour_minutes: number;
  cost: { parts: string; labour: string; total: string };
  estimated_cost: string | null;
  holder: { type: string; external_id?: string; name?: string; location?: string } | null;
  loaner: { id: number; device: DeviceRefJson; open: boolean; due: string } | null;
  parts: Part[];
  notes: Array<{ id: number; author: string; at: string; text: string }>;
  resolution: string | null;
  opened_by: string;
  opened_at: string;
  closed_at: string | null;
  version: number;
}

export interface CatalogModel {
  model: string;
  kind: string;
  unit_cost: string | null;
  life_years: number | null;
  aue_date: string | null;
}

export interface SourceJson {
  name: string;
  plugin: string;
  interval_seconds: number;
  running: boolean;
  polls: number;
  last_result: 'ok' | 'failed' | null;
  last_reason: string | null;
  last_error: string | null;
  last_success: string | null;
  last_end: string | null;
  next_poll: string | null;
  consecutive_failures: number;
  observed: number;
  created: number;
  updated: number;
  unchanged: number;
  flagged: number;
  conflicts: number;
}

export interface AuditCounts {
  expected: number;
  found: number;
  misplaced: number;
  unexpected: number;
  missing: number;
  unknown: number;
  seen_by_source: number;
}

export interface AuditItem {
  state: string;
  device_id: number | null;
  asset_tag: string | null;
  serial: string | null;
  model: string | null;
  status: string | null;
  expected_location: string | null;
  location: string | null;
  last_seen: { source: string; at: string } | null;
  code?: string;
  scanned_at?: string;
  lost_found?: boolean;
}

export interface Audit {
  id: number;
  name: string;
  location: string;
  status: 'open' | 'closed';
  created_at: string;
  created_by: string;
  closed_at: string | null;
  closed_by: string | null;
  close_result: { moved: unknown[]; marked_lost: unknown[]; skipped: unknown[] } | null;
  counts: AuditCounts;
  lists?: Record<string, AuditItem[]>;
}

export interface ScanResult {
  result: string;
  code: string;
  device: Device | null;
  expected_location?: string | null;
  lost_found?: boolean;
}

export interface OutstandingLoan {
  checkout_id: number;
  holder: { external_id: string; name: string; grade: string | null; homeroom: string | null; location: string | null };
  device: { id: number; asset_tag: string | null; serial: string | null; model: string | null };
  due: string;
  overdue: boolean;
  last_seen: { source: string; at: string } | null;
}

export interface Collection {
  id: number;
  name: string;
  deadline: string;
  scope: { location: string | null; grades: string[]; roles: string[] };
  status: 'open' | 'closed';
  deadline_passed: boolean;
  behind: boolean;
  expected: number;
  returned: number;
  counts: { expected: number; returned: number; outstanding: number };
  outstanding: OutstandingLoan[] | number;
}

export interface LedgerEntry {
  id: number;
  kind: 'charge' | 'payment' | 'waiver' | 'refund';
  amount: string;
  reason: string;
  basis: string | null;
  method: string | null;
  reference: string | null;
  note: string | null;
  device: string | null;
  actor: string;
  at: string;
  balance_after: string;
}

export interface Ledger {
  balance: string;
  charged: string;
  credited: string;
  oldest_charge: string | null;
  on_hold: boolean;
  hold_at: string | null;
  entries: LedgerEntry[];
}

export interface BalanceRow {
  external_id: string;
  name: string;
  household: string | null;
  location: string | null;
  balance: string;
  oldest_charge: string | null;
  on_hold: boolean;
}

export interface WriteBackChange {
  device_id: number;
  asset_tag: string | null;
  action: string;
  field: string;
  google: string | null;
  fleetkeep: string | null;
  reason: string | null;
  held: boolean;
  last_error: string | null;
}

export interface WriteBack {
  source: string;
  dry_run: boolean;
  pending: number;
  cap_hit: boolean;
  last_run: string | null;
  last_result: string | null;
  stopped: boolean;
  stopped_message: string | null;
  changes: WriteBackChange[];
}
