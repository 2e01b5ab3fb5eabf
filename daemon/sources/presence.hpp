#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <vector>

#include "api/source.hpp"
#include "core/config.hpp"
#include "core/device.hpp"
#include "core/error.hpp"

namespace fk {

// Network presence (ObservationKind::network): MACs seen on the LAN by the neighbour-table and DHCP
// sources. Reconciliation calls this inside the poll's transaction, after a successful poll only; it
// records per-device presence (last seen, IP, which source: device_presence and the device's
// seen[source]), keeps unknown MACs in their bounded table (`network` limits; expired ones dropped),
// and appends a sighting event on devices marked lost or stolen.
Status recordPresence(SQLite::Database& db, const std::string& source,
                      const std::vector<api::Observation>& seen, api::TimePoint poll_time,
                      const Config::Network& network = {});

// Where and when a source saw a device.
struct Sighting {
  std::string source;
  std::string at;  // RFC 3339: when the device was there (network: observed; managed: its last sync)
  std::string ip;
  std::string interface;
  std::string org_unit;
};

// The hook for managed observations: reconciliation calls it, in the poll's transaction, for each
// matched device whose `status` is lost or stolen and whose record has a last_sync (a listing alone is
// no sighting). Does nothing for other statuses or for a sync from before the device was marked. The
// first sighting after a gap of kSightingEpisodeGap appends one "sighted" event; the rest only move
// the sighting's time, so a lost laptop on the LAN all day is one event, not one per poll.
Status noteLostSighting(SQLite::Database& db, std::int64_t device_id, DeviceStatus status,
                        const Sighting& sighting);

inline constexpr std::chrono::hours kSightingEpisodeGap{12};

}  // namespace fk
