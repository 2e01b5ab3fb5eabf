#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <functional>
#include <string>
#include <vector>

#include "api/source.hpp"
#include "core/error.hpp"
#include "core/reconcile.hpp"
#include "store/database.hpp"

namespace fk {

// Everything one successful poll produced, ready to be applied.
struct PollObservations {
  std::string source;
  reconcile::Policy policy;
  std::vector<api::Observation> managed;
  std::vector<api::Observation> network;
  bool complete_listing = false;  // devices the source no longer lists leave its listing
  std::string next_state;         // saved as the source's state
  api::TimePoint poll_time;       // when the poll started: the sightings' time and events' `at`
};

struct ReconcileSummary {
  std::size_t observed = 0;  // managed records
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::size_t flagged = 0;
  std::size_t conflicts = 0;
  std::size_t duplicates = 0;      // records set aside because another record shares their serial or id
  std::size_t kept_manual = 0;     // fields left as a person set them
  std::size_t field_problems = 0;  // values dropped as invalid
  std::size_t left_listing = 0;    // devices a complete listing no longer had
  std::size_t listed = 0;          // devices the source currently lists (known and flagged)
  std::vector<reconcile::Duplicate> duplicate_keys;  // the first few
  std::vector<std::string> problems;                 // the first few messages, "line 4: ..."
};

// Records network observations (sources/presence.cpp) inside the poll's transaction.
using PresenceWriter = std::function<Status(SQLite::Database&, const std::string& source,
                                            const std::vector<api::Observation>&, api::TimePoint)>;
// Notes a managed record's check-in (it has a last_sync) on a device marked lost or stolen.
using LostSightingWriter =
    std::function<Status(SQLite::Database&, std::int64_t device_id, DeviceStatus status,
                         const std::string& source, const reconcile::Record& record)>;

// What other modules record inside the poll's transaction; the sources module supplies them.
struct ReconcileHooks {
  PresenceWriter presence;
  LostSightingWriter lost_sighting;
};

// Applies a successful poll in one transaction: registry changes with their events (actor
// "source:NAME"), the per-source sightings, flagged unknowns and the source's saved state. Either all
// of it commits or none.
class ReconcileStore {
 public:
  explicit ReconcileStore(Database& db) : db_(db) {}
  // By value: pass the poll with std::move, and its observations are read without copies.
  Result<ReconcileSummary> apply(PollObservations poll, const ReconcileHooks& hooks = {});

 private:
  Database& db_;
};

}  // namespace fk
