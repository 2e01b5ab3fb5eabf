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

}  // namespace

const std::vector<std::string>& migrations() {
  static const std::vector<std::string> kAll{kV1, kV2};
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
