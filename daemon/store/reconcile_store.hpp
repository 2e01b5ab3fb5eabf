#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/source.hpp"
#include "core/error.hpp"
#include "core/reconcile.hpp"
#include "core/source_status.hpp"
#include "store/database.hpp"
#include "store/people_reconcile.hpp"

namespace fk {

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
  PeopleSummary people;                              // a roster source's people (store/people_reconcile)
};

// Everything one successful poll produced, ready to be applied.
struct PollObservations {
  std::string source;
  reconcile::Policy policy;
  std::vector<api::Observation> managed;
  std::vector<api::Observation> network;
  bool complete_listing = false;  // devices the source no longer lists leave its listing
  std::string next_state;         // saved as the source's state
  api::TimePoint poll_time;       // when the poll started: the sightings' time and events' `at`
  // The poll's outcome as its runner will show it (SourceStore::recordOutcome's row), recorded in the
  // same transaction: a successful poll is one commit. Called once, after the registry is reconciled.
  std::function<SourceStatus(const ReconcileSummary&)> outcome;
  // A roster source's people. Reconciled only when the poll has some: a roster that lists nobody
  // never deactivates everyone.
  std::vector<api::PersonObservation> people;
  std::string today;            // the desk's local date, for return dates ("" = localToday())
  int return_within_days = 10;  // roster.return_within
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
// "source:NAME"), the per-source sightings, flagged unknowns, the source's saved state and outcome.
// Either all of it commits or none.
//
// Keep one store per source (its runner does): between polls it keeps the registry's keys as its own
// last poll left them, and the next poll reuses them when nothing else has written the database since.
// Reading 100k devices' keys was half of an unchanged re-sync.
class ReconcileStore {
 public:
  explicit ReconcileStore(Database& db) : db_(db) {}
  // By value: pass the poll with std::move, and its observations are read without copies.
  Result<ReconcileSummary> apply(PollObservations poll, const ReconcileHooks& hooks = {});

  // The keys a poll of `source` starts from when it keeps nothing.
  static Result<reconcile::Index> loadIndex(Database& db, const std::string& source);
  // For tests and the bench: the index kept for `source`'s next poll, and how often apply() read the
  // keys from the database or reused the kept ones.
  std::optional<reconcile::Index> keptIndex(const std::string& source) const;
  std::uint64_t indexLoads() const;
  std::uint64_t indexReuses() const;

 private:
  // What the database looked like when the index was last right: the write generation, and the newest
  // event. Every change to a device appends an event inside its own transaction, so the event id also
  // catches a write whose generation bump (after its commit) had not happened yet when this poll began.
  struct Stamp {
    std::uint64_t generation = 0;
    std::int64_t last_event = 0;
    bool operator==(const Stamp&) const = default;
  };
  struct Kept {
    std::string source;
    Stamp stamp;
    reconcile::Index index;
  };

  Database& db_;
  mutable std::mutex mutex_;  // one apply at a time; guards everything below
  std::optional<Kept> kept_;
  std::uint64_t loads_ = 0, reuses_ = 0;
};

}  // namespace fk
