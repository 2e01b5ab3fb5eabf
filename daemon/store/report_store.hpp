#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
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

Result<FleetCounts> readFleetCounts(Database& db, const std::string& today /* YYYY-MM-DD */);

}  // namespace fk
