#pragma once

// Internal to daemon/store: the writing half of ReconcileStore::apply.

#include <SQLiteCpp/SQLiteCpp.h>

#include "core/reconcile.hpp"
#include "store/reconcile_store.hpp"

namespace fk {

struct PollWrite {
  ReconcileSummary summary;
  bool wrote_registry = false;  // a device, sighting, event or listing row changed
};

// Inside the caller's write transaction: plans the poll's managed records against `index`, writes the
// devices, MACs, events and sightings it decides, the flagged unknowns, what a complete listing no
// longer has, network presence (hooks.presence) and the source's saved state. `index` ends as a fresh
// load would read the registry, so the caller may keep it for the source's next poll. Throws on a
// storage failure; the caller's transaction then rolls back and the index must be dropped.
PollWrite writePoll(SQLite::Database& db, PollObservations& poll, const ReconcileHooks& hooks,
                    reconcile::Index& index);

}  // namespace fk
