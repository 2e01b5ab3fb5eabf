namespace fk {

// Audits (stocktakes) and collection campaigns (issue 17). Written by store/audit_store.cpp and
// store/collection_store.cpp.
const char* migrationAudits() {
  return R"sql(
CREATE TABLE audits (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,            -- also the metrics' `audit` label
  location TEXT NOT NULL,               -- the audited place (a prefix: core/audit.hpp locationWithin)
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  closed_at TEXT,                       -- NULL while open; a closed audit is read-only
  closed_by TEXT,
  close_result TEXT                     -- JSON: the options and what closing did
);

-- The expected set, snapshotted at start: later moves do not change what the audit expected.
CREATE TABLE audit_expected (
  audit_id INTEGER NOT NULL REFERENCES audits(id),
  device_id INTEGER NOT NULL REFERENCES devices(id),
  location TEXT NOT NULL,               -- the device's location at the start
  status TEXT NOT NULL,                 -- and its status
  PRIMARY KEY (audit_id, device_id)
) WITHOUT ROWID;

CREATE TABLE audit_scans (
  id INTEGER PRIMARY KEY,
  audit_id INTEGER NOT NULL REFERENCES audits(id),
  code TEXT NOT NULL,                   -- as scanned, trimmed
  device_id INTEGER REFERENCES devices(id),  -- NULL: unknown code
  result TEXT NOT NULL
    CHECK (result = 'found' OR result = 'misplaced' OR result = 'unexpected' OR result = 'unknown'),
  location TEXT,                        -- the device's location and status when scanned
  status TEXT,
  scanned_at TEXT NOT NULL,
  scanned_by TEXT NOT NULL
);
-- One scan counts per device (and per unknown code), however many technicians scan it at once.
CREATE UNIQUE INDEX audit_scans_device ON audit_scans(audit_id, device_id) WHERE device_id IS NOT NULL;
CREATE UNIQUE INDEX audit_scans_unknown ON audit_scans(audit_id, code) WHERE device_id IS NULL;
CREATE INDEX audit_scans_result ON audit_scans(audit_id, result);

-- A collection expects the open checkouts of people in its scope, whenever made: nothing is
-- snapshotted, the figures come from checkouts (returned = returned since created_at).
CREATE TABLE collections (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,            -- also the metrics' `collection` label
  deadline TEXT NOT NULL,               -- last day to return, YYYY-MM-DD
  location TEXT NOT NULL DEFAULT '',    -- scope: the person's location within it ('' = any)
  grades TEXT NOT NULL DEFAULT '',      -- comma-joined ('' = any)
  roles TEXT NOT NULL DEFAULT '',       -- comma-joined student/staff ('' = any)
  alert_below REAL NOT NULL,
  created_at TEXT NOT NULL,
  created_by TEXT NOT NULL,
  closed_at TEXT,
  closed_by TEXT
);
CREATE INDEX checkouts_returned_at ON checkouts(returned_at) WHERE returned_at IS NOT NULL;
)sql";
}

}  // namespace fk
