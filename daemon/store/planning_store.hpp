#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/scope.hpp"
#include "core/planning.hpp"
#include "store/database.hpp"

namespace fk {

// What the replacement plan is computed from, read in one snapshot.
struct PlanInputs {
  std::vector<PlanDevice> devices;  // in service only, by id
  std::vector<CatalogModel> catalog;
};

// One pass over the devices in service joined with their catalog model, and the work orders opened in
// the last 12 months (not cancelled) counted per device, in one read transaction.
Result<PlanInputs> loadPlanInputs(Database& db, std::chrono::year_month_day today, const Scope& scope = {});

// One device in any status, as the plan sees it (for repair advice). 404 if it does not exist.
Result<PlanDevice> loadPlanDevice(Database& db, std::int64_t device_id, std::chrono::year_month_day today);

// Inputs, rules and the plan together: the API and the CLI (through the API) build the plan through
// this one function; the metrics read the same rows through the same scan (computeDueTotals), and a
// test holds their figures equal.
struct ComputedPlan {
  PlanInputs inputs;
  PlanningRules rules;
  Plan plan;
};
// `scope`: only the devices in it (the API's scoped callers).
Result<ComputedPlan> computePlan(Database& db, const Config& config, std::chrono::year_month_day today,
                                 const PlanOptions& options, const Scope& scope = {});

// The metrics' figures: DueTotals over every device in service, read in one snapshot one device at a
// time (the same rows and joins as computePlan, none of them kept).
Result<DueTotals> computeDueTotals(Database& db, const Config& config, std::chrono::year_month_day today,
                                   int years);

// Repair-vs-replace for a work order on `device_id` (GET /api/v1/work-orders/{id}). The order's cost is
// its parts and labour when it has any, else its estimate. The device's lifetime repair cost already
// includes this order's parts and labour, so they are taken out of it to give the earlier repairs.
Result<RepairAdvice> adviseWorkOrder(Database& db, const Config& config, std::int64_t device_id,
                                     std::int64_t order_actual_cents,
                                     std::optional<std::int64_t> order_estimate_cents,
                                     std::chrono::year_month_day today);

}  // namespace fk
