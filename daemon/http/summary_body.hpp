#pragma once

// GET /api/v1/reports/fleet-summary's body, written straight into a string: at a million devices the
// district has tens of thousands of locations, and building and dumping them as a JSON tree cost a
// quarter of the request. Byte for byte what the tree gave (summary_body_test.cpp keeps it as the
// reference): keys in nlohmann's sorted order, every status and kind present, "" shown as "(none)".

#include <nlohmann/json.hpp>
#include <string>

#include "store/report_store.hpp"

namespace fk {

// `repair_spend` is the small object the handler builds; the body ends with a newline, as jsonResponse's.
std::string fleetSummaryBody(const FleetCounts& counts, const ServiceCounts& service,
                             const nlohmann::json& repair_spend);

}  // namespace fk
