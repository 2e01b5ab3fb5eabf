#pragma once

// People from a roster source's poll, applied inside that poll's transaction (store/reconcile_store):
// created and updated by external_id, the ones a complete listing no longer names made inactive,
// and every open checkout of an inactive person the source knows given a return date. Never a delete.

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "api/source.hpp"
#include "store/write_tx.hpp"

namespace fk {

struct PeoplePoll {
  std::string source;
  std::vector<api::PersonObservation> people;
  bool complete_listing = false;  // people this source listed before and not now have left
  std::string today;              // the desk's local date, for return dates
  int return_within_days = 10;    // roster.return_within
};

struct PeopleSummary {
  std::size_t observed = 0;
  std::size_t created = 0, updated = 0, unchanged = 0;
  std::size_t left = 0;            // became inactive (marked by the roster or missing from it)
  std::size_t returned = 0;        // inactive people the roster lists as active again
  std::size_t return_dates = 0;    // open checkouts given an earlier due date
  std::size_t problems_count = 0;  // values dropped and records refused
  std::vector<std::string> problems;  // the first few, "users.csv line 4: email: ..."
  bool wrote() const { return created + updated + left + returned + return_dates > 0; }
};

// Runs inside the caller's write transaction, whose instant the events carry; throws SQLite::Exception
// on a database error (the caller's transaction then rolls back).
PeopleSummary reconcilePeople(WriteTx& tx, const PeoplePoll& poll);

// Inactive people who still hold at least one device (an open checkout to them).
std::int64_t countInactiveHoldingDevices(SQLite::Database& db);

}  // namespace fk
