#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/scope.hpp"
#include "store/database.hpp"

namespace fk {

// Aggregates read with GROUP BY queries; used by /reports/fleet-summary and by the metrics refresher.
struct FleetCounts {
  std::map<std::pair<std::string, std::string>, std::int64_t> by_status_kind;   // (status, kind)
  std::map<std::pair<std::string, std::string>, std::int64_t> by_model_status;  // (model, status)
  std::map<std::string, std::int64_t> by_location;
  // In-service devices (not retired/disposed/lost/stolen) whose AUE (own, else catalog) is already
  // past ("0") or within 90/180/365/730 days of `today`. Cumulative: 180 includes 90.
  std::map<std::string, std::int64_t> aue_within_days;
  std::int64_t total = 0;
};

// `scope`: only devices (and their orders and loans) in it; the metrics pass none (district-wide).
Result<FleetCounts> readFleetCounts(Database& db, const std::string& today /* YYYY-MM-DD */,
                                   const Scope& scope = {});

// The repair bench and the circulation desk, for /reports/fleet-summary. Repair spend is parts plus
// labour of the work orders opened in [from, to) (dates YYYY-MM-DD), whatever their status.
struct ServiceCounts {
  std::int64_t open_work_orders = 0;
  std::int64_t overdue_checkouts = 0;  // open, due before today
};
Result<ServiceCounts> readServiceCounts(Database& db, const std::string& today, const Scope& scope = {});
Result<std::int64_t> readRepairSpendCents(Database& db, const std::string& from, const std::string& to,
                                          const Scope& scope = {});

}  // namespace fk
