#pragma once

// The reads behind the database-fed metrics collectors (daemon/metrics/), so that SQL stays in the
// store. Each takes one read snapshot for all its figures.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "store/database.hpp"

namespace fk::metrics_sql {

struct CirculationCounts {
  std::int64_t open = 0;     // checkouts not yet returned
  std::int64_t overdue = 0;  // past due on `today`, or held past an open collection's deadline
  std::int64_t loaners = 0;  // loaner-pool devices in stock
};
Result<CirculationCounts> circulationCounts(Database& db, const std::string& today);

// A place in the sequence of closed work orders: closing is final (nothing moves out of a closed
// status), so (closed_at, id) only grows and each order is read once.
struct ClosedMark {
  std::string closed_at;
  std::int64_t id = 0;
};

struct ClosedCost {
  std::string payer;  // "unassigned" when it closed without one
  std::int64_t cents = 0;
};

struct RepairTotals {
  std::map<std::pair<std::string, std::string>, std::int64_t> open;  // (status, category) -> count
  std::map<std::string, std::int64_t> opened, resolved;              // category -> count
  std::optional<std::int64_t> oldest_open_epoch;                     // seconds
  std::vector<ClosedCost> closed;  // orders closed after `after`, each with its cost and payer
  ClosedMark last;                 // the newest closed order read (`after` when none)
};
Result<RepairTotals> repairTotals(Database& db, const ClosedMark& after);

struct NetworkCounts {
  std::map<std::string, std::int64_t> stale;  // by management source
  std::int64_t unmanaged = 0;
  std::int64_t lost_seen = 0;
};
// `sources`: the management sources; `stale_before`: the instant before which a last sync is stale.
Result<NetworkCounts> networkCounts(Database& db, const std::vector<std::string>& sources,
                                    const std::string& stale_before);

}  // namespace fk::metrics_sql
