namespace fk {

// Write-back to a source's records (store/write_back_store.cpp, docs/sources.md).
const char* migrationWriteBack() {
  return R"sql(
-- Devices fleetkeep disabled on a source: only these are re-enabled when found or returned, so a device
-- an administrator disabled for a reason of their own stays disabled.
CREATE TABLE write_back_disabled (
  source TEXT NOT NULL,
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (source, device_id)
);
-- What write-back sent since the source's last successful poll: the plan counts it as done until the
-- next listing, which then says whether the source really took it (moveDevicesToOu accepts unknown
-- IDs silently, so only the listing can tell).
CREATE TABLE write_back_sent (
  source TEXT NOT NULL,
  device_id INTEGER NOT NULL REFERENCES devices(id) ON DELETE CASCADE,
  field TEXT NOT NULL,  -- api/write_back.hpp's extra key: asset_id, location, user, org_unit, status
  value TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (source, device_id, field)
);
)sql";
}

}  // namespace fk
