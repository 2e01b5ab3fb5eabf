#pragma once

#include <SQLiteCpp/Database.h>

#include <cstdint>
#include <string>
#include <vector>

#include "api/source.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "store/presence_store.hpp"

namespace fk {

// Network presence (ObservationKind::network): MACs seen on the LAN by the neighbour-table and DHCP
// sources. Reconciliation calls this inside the poll's transaction, after a successful poll only; it
// records per-device presence (last seen, IP, which source: device_presence and the device's
// seen[source]), keeps unknown MACs in their bounded table (`network` limits; expired ones dropped),
// and appends a sighting event on devices marked lost or stolen.
Status recordPresence(SQLite::Database& db, const std::string& source,
                      const std::vector<api::Observation>& seen, api::TimePoint poll_time,
                      const Config::Network& network = {});

// The hook for managed observations (store/presence_store.hpp): reconciliation calls noteLostSighting,
// in the poll's transaction, for each matched device whose `status` is lost or stolen and whose record
// has a last_sync (a listing alone is no sighting).

}  // namespace fk
