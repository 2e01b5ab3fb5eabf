#include "store/database.hpp"

namespace fk {

namespace {

// v1: the registry, its audit trail and API tokens.
// CHECKs spell value lists as OR chains: SQLite evaluates "x IN (three or more values)" by building a
// temporary index on every row written, which made bulk imports spend most of their time in malloc.
constexpr const char* kV1 = R"sql(
CREATE TABLE devices (
  -- AUTOINCREMENT: ids are never reused, so a list cursor (last id seen) stays meaningful.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  asset_tag TEXT UNIQUE,
  serial TEXT UNIQUE,
  kind TEXT NOT NULL DEFAULT 'other'
    CHECK (kind = 'chromebook' OR kind = 'laptop' OR kind = 'tablet' OR kind = 'desktop' OR kind = 'other'),
  manufacturer TEXT,
  model TEXT,
  purchase_date TEXT,
  purchase_price_cents INTEGER,
  vendor TEXT,
  po_number TEXT,
  funding_source TEXT,
  warranty_end TEXT,
  aue_date TEXT,
  location TEXT,
  org_unit TEXT,
  loaner INTEGER NOT NULL DEFAULT 0 CHECK (loaner IN (0, 1)),
  status TEXT NOT NULL DEFAULT 'in_stock'
    CHECK (status = 'on_order' OR status = 'in_stock' OR status = 'deployed' OR status = 'in_repair' OR
           status = 'lost' OR status = 'stolen' OR status = 'retired' OR status = 'disposed'),
  notes TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (asset_tag IS NOT NULL OR serial IS NOT NULL)
);

-- WITHOUT ROWID: the key is the row, which saves one b-tree insert per MAC on bulk imports.
CREATE TABLE device_macs (
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  mac TEXT NOT NULL,
  PRIMARY KEY (device_id, mac)
) WITHOUT ROWID;
CREATE INDEX device_macs_mac ON device_macs(mac);

-- No AUTOINCREMENT: events are never deleted, so rowids are never reused anyway, and it would cost
-- a sqlite_sequence write per event.
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  device_id INTEGER NOT NULL REFERENCES devices(id),
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  changes TEXT NOT NULL DEFAULT '[]',
  reason TEXT
);
CREATE INDEX events_device ON events(device_id, id);

-- The history is the audit trail: nothing in it may change once written.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TABLE tokens (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role = 'viewer' OR role = 'technician' OR role = 'admin'),
  hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_used_at TEXT
);
)sql";

// v2: model catalog, per-source sightings and the indexes behind the list filters.
constexpr const char* kV2 = R"sql(
CREATE TABLE models (
  model TEXT PRIMARY KEY,
  kind TEXT NOT NULL DEFAULT 'other'
    CHECK (kind = 'chromebook' OR kind = 'laptop' OR kind = 'tablet' OR kind = 'desktop' OR kind = 'other'),
  unit_cost_cents INTEGER,
  life_years INTEGER,
  aue_date TEXT,
  updated_at TEXT NOT NULL
);

CREATE TABLE device_seen (
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  source TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  source_id TEXT,
  fields TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (device_id, source)
);

-- Each index also carries the rowid, so "filter = ? AND id > ? ORDER BY id" is one range scan.
CREATE INDEX devices_status ON devices(status);
CREATE INDEX devices_kind ON devices(kind);
CREATE INDEX devices_model ON devices(model);
CREATE INDEX devices_location ON devices(location);
)sql";


// v3: the circulation desk (people, checkouts) and the repair bench (work orders, parts, notes).
constexpr const char* kV3 = R"sql(
CREATE TABLE people (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  external_id TEXT NOT NULL UNIQUE,  -- student number or email: the roster's key
  name TEXT NOT NULL,
  email TEXT,
  role TEXT NOT NULL CHECK (role = 'student' OR role = 'staff'),
  grade TEXT,
  homeroom TEXT,
  location TEXT,
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX people_name ON people(name COLLATE NOCASE);

CREATE TABLE work_orders (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id INTEGER NOT NULL REFERENCES devices(id),
  category TEXT NOT NULL
    CHECK (category = 'screen' OR category = 'keyboard' OR category = 'battery' OR category = 'charging' OR
           category = 'liquid' OR category = 'hinge' OR category = 'software' OR category = 'other'),
  description TEXT NOT NULL,
  priority TEXT NOT NULL DEFAULT 'normal'
    CHECK (priority = 'low' OR priority = 'normal' OR priority = 'high' OR priority = 'urgent'),
  status TEXT NOT NULL DEFAULT 'open'
    CHECK (status = 'open' OR status = 'diagnosing' OR status = 'waiting_parts' OR status = 'in_repair' OR
           status = 'resolved' OR status = 'unrepairable' OR status = 'cancelled'),
  reported_by TEXT,
  assignee TEXT,
  payer TEXT CHECK (payer IS NULL OR payer = 'warranty' OR payer = 'insurance' OR payer = 'student_fee' OR
                    payer = 'district'),
  labour_minutes INTEGER NOT NULL DEFAULT 0 CHECK (labour_minutes >= 0),
  labour_cost_cents INTEGER NOT NULL DEFAULT 0 CHECK (labour_cost_cents >= 0),
  parts_cost_cents INTEGER NOT NULL DEFAULT 0 CHECK (parts_cost_cents >= 0),
  estimated_cost_cents INTEGER CHECK (estimated_cost_cents IS NULL OR estimated_cost_cents >= 0),
  -- Where the device was when the order opened: cancelling puts it back there, and the checkout it was
  -- out on stays linked so the repaired device can go back to the same person.
  prior_status TEXT NOT NULL,
  checkout_id INTEGER REFERENCES checkouts(id),
  resolution TEXT,
  opened_by TEXT NOT NULL,
  opened_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  closed_at TEXT,  -- set when the order reaches resolved, unrepairable or cancelled
  version INTEGER NOT NULL DEFAULT 1
);
-- One open order per device: the device is in_repair until it closes.
CREATE UNIQUE INDEX work_orders_open_device ON work_orders(device_id) WHERE closed_at IS NULL;
CREATE INDEX work_orders_device ON work_orders(device_id, id);
CREATE INDEX work_orders_status ON work_orders(status, id);

CREATE TABLE work_order_parts (
  id INTEGER PRIMARY KEY,
  work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
  part TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  unit_cost_cents INTEGER NOT NULL CHECK (unit_cost_cents >= 0),
  added_by TEXT NOT NULL,
  added_at TEXT NOT NULL
);
CREATE INDEX work_order_parts_order ON work_order_parts(work_order_id, id);

CREATE TABLE work_order_notes (
  id INTEGER PRIMARY KEY,
  work_order_id INTEGER NOT NULL REFERENCES work_orders(id),
  author TEXT NOT NULL,
  at TEXT NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX work_order_notes_order ON work_order_notes(work_order_id, id);

CREATE TABLE checkouts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  device_id INTEGER NOT NULL REFERENCES devices(id),
  person_id INTEGER REFERENCES people(id),
  location TEXT,                                    -- a cart or classroom instead of a person
  work_order_id INTEGER REFERENCES work_orders(id), -- set for a loaner lent while that order is open
  due TEXT NOT NULL,
  checked_out_at TEXT NOT NULL,
  checked_out_by TEXT NOT NULL,
  condition_out TEXT,
  notes_out TEXT,
  returned_at TEXT,
  returned_by TEXT,
  condition_in TEXT
    CHECK (condition_in IS NULL OR condition_in = 'good' OR condition_in = 'damaged' OR condition_in = 'missing_parts'),
  notes_in TEXT,
  CHECK ((person_id IS NULL) <> (location IS NULL))
);
-- At most one open checkout per device, enforced here so two concurrent requests cannot both win.
CREATE UNIQUE INDEX checkouts_open_device ON checkouts(device_id) WHERE returned_at IS NULL;
CREATE INDEX checkouts_open_due ON checkouts(due) WHERE returned_at IS NULL;
CREATE INDEX checkouts_person ON checkouts(person_id, id);
CREATE INDEX checkouts_device ON checkouts(device_id, id);
CREATE INDEX checkouts_work_order ON checkouts(work_order_id) WHERE work_order_id IS NOT NULL;

-- Lifetime repair cost, kept on the device so reads and the replacement plan need no join.
ALTER TABLE devices ADD COLUMN repair_cost_cents INTEGER NOT NULL DEFAULT 0;
)sql";

}  // namespace

// Later versions live beside their feature: v4 sources (migrations_sources.cpp), v5 network presence
// (migrations_network.cpp), v6 bulk import (migrations_import.cpp), v7 poll outcomes
// (migrations_poll_outcome.cpp).
const char* migrationSources();
const char* migrationNetwork();
const char* migrationImport();
const char* migrationPollOutcome();
const char* migrationNotifications();  // migrations_notifications.cpp
const char* migrationUsers();  // migrations_users.cpp: users, sessions, token scopes
const char* migrationDataIn();  // migrations_datain.cpp
const char* migrationAudits();  // migrations_audits.cpp
const char* migrationFees();  // migrations_fees.cpp
const char* migrationWriteBack();  // migrations_write_back.cpp
const char* migrationRoster();  // migrations_roster.cpp
const char* migrationSummary();  // migrations_summary.cpp

const std::vector<std::string>& migrations() {
  // One entry per line, appended in the order features landed.
  static const std::vector<std::string> kAll{
      kV1, kV2, kV3, migrationSources(), migrationNetwork(), migrationImport(), migrationPollOutcome(),
      migrationNotifications(),
      migrationUsers(),
      migrationDataIn(),
      migrationAudits(),
      migrationFees(),
      migrationWriteBack(),
      migrationRoster(),
      migrationSummary(),
  };
  return kAll;
}

Status migrate(SQLite::Database& db, int target_version) {
  const int latest = static_cast<int>(migrations().size());
  if (target_version < 0) target_version = latest;
  if (target_version > latest) {
    return std::unexpected(
        Error::internal("no migration to schema version " + std::to_string(target_version)));
  }
  try {
    for (;;) {
      // IMMEDIATE and re-reading the version inside the transaction: two processes opening the same
      // fresh file must not both apply a migration.
      SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
      int current = db.execAndGet("PRAGMA user_version").getInt();
      if (current > latest) {
        return std::unexpected(Error::internal(
            "schema version " + std::to_string(current) + " is newer than this fleetkeepd supports (" +
            std::to_string(latest) + "); use a newer fleetkeepd or restore a backup"));
      }
      if (current >= target_version) return {};
      db.exec(migrations()[current]);
      db.exec("PRAGMA user_version = " + std::to_string(current + 1));
      tx.commit();
    }
  } catch (const std::exception& e) {
    return std::unexpected(Error::internal(std::string("schema migration failed: ") + e.what()));
  }
}

}  // namespace fk
