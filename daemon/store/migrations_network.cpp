namespace fk {

// v5: network presence, unknown MACs and sightings of lost devices (issue 5). Written by
// sources/presence.cpp inside each network poll's transaction.
const char* migrationNetwork() {
  return R"sql(
-- Per device, the latest sighting on the network by any network source (neighbour table, DHCP).
CREATE TABLE device_presence (
  device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  source TEXT NOT NULL,
  ip TEXT,
  interface TEXT
);
CREATE INDEX device_presence_last_seen ON device_presence(last_seen);

-- MACs on the network that match no device: bounded (network.unknown_mac_limit, oldest evicted) and
-- expiring (network.unknown_mac_ttl), so a guest Wi-Fi cannot grow it without end.
CREATE TABLE unknown_macs (
  mac TEXT PRIMARY KEY,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  source TEXT NOT NULL,
  ip TEXT,
  interface TEXT,
  hostname TEXT
) WITHOUT ROWID;
CREATE INDEX unknown_macs_last_seen ON unknown_macs(last_seen);

-- The latest sighting of a lost or stolen device since it was marked so. marked_event_id is the event
-- that set that status: a device marked lost again starts afresh.
CREATE TABLE lost_sightings (
  device_id INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
  marked_event_id INTEGER NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  source TEXT NOT NULL,
  ip TEXT,
  interface TEXT,
  org_unit TEXT
);

-- ?seen_since= reads device_seen by time.
CREATE INDEX device_seen_last_seen ON device_seen(last_seen);
)sql";
}

}  // namespace fk
