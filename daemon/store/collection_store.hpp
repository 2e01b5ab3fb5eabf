#pragma once

// Collection campaigns: the figures come straight from checkouts (no hook in the return path), so every
// ordinary return (single, by device, batch, a damaged return that opens a repair) counts.
// Expected = open checkouts held by people in scope, plus those returned since the campaign began.

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/collection.hpp"
#include "core/error.hpp"
#include "store/database.hpp"

namespace fk {

struct Collection {
  std::int64_t id = 0;
  std::string name;
  std::string deadline;  // YYYY-MM-DD, the last day to return
  CollectionScope scope;
  double alert_below = 0.9;
  std::string created_at, created_by;
  std::string closed_at, closed_by;  // "" while open

  bool open() const { return closed_at.empty(); }
};

struct CollectionCounts {
  std::int64_t expected = 0, returned = 0, outstanding = 0;
};

// An open loan the campaign still waits for.
struct OutstandingLoan {
  std::int64_t checkout_id = 0;
  std::string person_external_id, person_name, grade, homeroom, person_location, email;
  std::int64_t device_id = 0;
  std::string asset_tag, serial, model;
  std::string due;
  std::string seen_source, seen_at;  // the latest sighting of the device by any source ("" = never)
};

struct CollectionReport {
  Collection collection;
  CollectionCounts counts;
  std::vector<OutstandingLoan> outstanding;  // only when asked for
};

// A device still held on an open checkout that an open campaign expects, after that campaign's deadline.
struct CampaignStraggler {
  std::int64_t device_id = 0;
  std::string collection, deadline;  // the campaign with the earliest deadline, when several expect it
};

class CollectionStore {
 public:
  explicit CollectionStore(Database& db) : db_(db) {}

  // 409 on a duplicate name; scope and deadline already checked.
  Result<CollectionReport> create(const Collection& draft, const std::string& actor);
  Result<CollectionReport> report(std::int64_t id, bool with_outstanding);
  Result<std::vector<CollectionReport>> list(std::optional<bool> open);
  // Ends the campaign: its metrics go and its loans stop counting as overdue by its deadline. 409 when closed.
  Result<CollectionReport> close(std::int64_t id, const std::string& actor);
  // Every straggler once, by device id, for write-back's disable_unreturned. The deadline is the last day to
  // return, so a campaign's loans become stragglers the day after it (`today` is YYYY-MM-DD, local).
  Result<std::vector<CampaignStraggler>> stragglers(const std::string& today);

 private:
  Database& db_;
};

// SQL condition, over `c` (checkouts) LEFT JOIN `p` (people), true when an open checkout is overdue by a
// campaign: held by someone in the scope of an open campaign whose deadline is before the date bound
// to parameter `today_param` (e.g. "?3").
std::string collectionOverdueCondition(const std::string& today_param);

}  // namespace fk
