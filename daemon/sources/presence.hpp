#pragma once

#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "api/source.hpp"
#include "core/error.hpp"

namespace fk {

// Network presence (ObservationKind::network): MACs seen on the LAN by the neighbour-table and DHCP
// sources. Reconciliation calls this inside the poll's transaction, after a successful poll only; it
// records per-device presence (last seen, IP, which source), keeps unknown MACs in their bounded table,
// and appends a sighting event on devices marked lost or stolen.
Status recordPresence(SQLite::Database& db, const std::string& source, const std::vector<api::Observation>& seen,
                      api::TimePoint poll_time);

}  // namespace fk
