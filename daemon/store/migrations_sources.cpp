namespace fk {

// v4: what the source scheduler and reconciliation keep between polls.
//
// device_seen.last_seen is not rewritten for every device on every poll (100k rows a minute for
// nothing new). A row with in_last_poll = 1 was in the source's latest successful poll, whose time is
// source_state.last_success_at; the device_sightings view gives each row its true last_seen. Rows
// are written only when what the source says about the device changes, the device enters or leaves
// the source's listing, or the device itself changed since the source last reconciled it.
const char* migrationSources() {
  return R"sql(
CREATE TABLE source_state (
  source TEXT PRIMARY KEY,
  state TEXT NOT NULL DEFAULT '',  -- the plugin's cursor, saved only with the successful poll that made it
  last_success_at TEXT,
  last_full_sync_at TEXT,          -- last poll that listed everything the source knows
  updated_at TEXT NOT NULL
);

ALTER TABLE device_seen ADD COLUMN last_sync TEXT;  -- when the device last checked in with the source
ALTER TABLE device_seen ADD COLUMN obs_hash INTEGER NOT NULL DEFAULT 0;        -- of the source's record
ALTER TABLE device_seen ADD COLUMN device_version INTEGER NOT NULL DEFAULT 0;  -- devices.version then
ALTER TABLE device_seen ADD COLUMN asserted TEXT NOT NULL DEFAULT '{}';        -- {field: [value, since]}
ALTER TABLE device_seen ADD COLUMN in_last_poll INTEGER NOT NULL DEFAULT 0 CHECK (in_last_poll IN (0, 1));
CREATE INDEX device_seen_source ON device_seen(source, in_last_poll);

-- Readers use this rather than device_seen: it resolves last_seen for rows the latest poll confirmed.
CREATE VIEW device_sightings AS
SELECT s.device_id, s.source, s.first_seen,
       CASE WHEN s.in_last_poll = 1 AND st.last_success_at IS NOT NULL THEN st.last_success_at
            ELSE s.last_seen END AS last_seen,
       s.source_id, s.fields, s.last_sync
FROM device_seen s LEFT JOIN source_state st ON st.source = s.source;

-- Devices a source lists that the registry lacks, kept for a person when the source has
-- on_unknown: flag (or the record has no serial or asset tag to create a device by).
CREATE TABLE source_unknown (
  source TEXT NOT NULL,
  key TEXT NOT NULL,  -- "id:SOURCE_ID", "serial:...", "tag:..." or "mac:..."
  source_id TEXT,
  serial TEXT,
  asset_tag TEXT,
  macs TEXT NOT NULL DEFAULT '[]',
  fields TEXT NOT NULL DEFAULT '{}',
  origin TEXT,
  reason TEXT NOT NULL,
  obs_hash INTEGER NOT NULL DEFAULT 0,
  first_seen TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (source, key)
) WITHOUT ROWID;
)sql";
}

}  // namespace fk
