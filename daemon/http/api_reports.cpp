// Report routes. fleet-summary reads the same aggregates as the metrics, so the two never disagree.
#include <chrono>

#include "core/device.hpp"
#include "core/fiscal_year.hpp"
#include "core/values.hpp"
#include "http/api_routes.hpp"
#include "store/planning_store.hpp"
#include "store/report_store.hpp"
#include "core/time_zone.hpp"

namespace fk {

using nlohmann::json;

namespace {

// Parts and labour of the work orders opened in this fiscal year and the one before.
Result<json> repairSpendJson(ApiContext& ctx, const Scope& scope) {
  const auto config = ctx.config();
  const FiscalYearStart start{config->fiscal_year_start_month, config->fiscal_year_start_day};
  const int current = fiscalYearOf(districtTodayDate(), start);
  json out = {{"this_fiscal_year", fiscalYearLabel(current)}, {"last_fiscal_year", fiscalYearLabel(current - 1)}};
  for (int fy : {current, current - 1}) {
    auto cents = readRepairSpendCents(ctx.db, formatDate(fiscalYearBegin(fy, start)),
                                      formatDate(fiscalYearBegin(fy + 1, start)), scope);
    if (!cents) return std::unexpected(cents.error());
    out[fy == current ? "this_fy" : "last_fy"] = formatMoney(*cents);
  }
  return out;
}

Response fleetSummary(ApiContext& ctx, Request& req) {
  auto counts = readFleetCounts(ctx.db, districtToday(), req.scope());
  if (!counts) return errorResponse(counts.error());
  auto service = readServiceCounts(ctx.db, districtToday(), req.scope());
  if (!service) return errorResponse(service.error());
  auto spend = repairSpendJson(ctx, req.scope());
  if (!spend) return errorResponse(spend.error());
  // Every status and kind appears, zero or not, so dashboards and scripts need no "missing key" case.
  json by_status = json::object();
  for (auto s : allStatuses()) by_status[std::string(toString(s))] = 0;
  json by_kind = json::object();
  for (auto k : allKinds()) by_kind[std::string(toString(k))] = 0;
  for (const auto& [key, n] : counts->by_status_kind) {
    const auto& [status, kind] = key;
    by_status[status] = by_status.value(status, std::int64_t{0}) + n;
    by_kind[kind] = by_kind.value(kind, std::int64_t{0}) + n;
  }
  json by_model = json::object();
  for (const auto& [key, n] : counts->by_model_status) {
    const std::string model = key.first.empty() ? "(none)" : key.first;
    by_model[model] = by_model.value(model, std::int64_t{0}) + n;
  }
  json by_location = json::object();
  for (const auto& [location, n] : counts->by_location) {
    by_location[location.empty() ? "(none)" : location] = n;
  }
  auto aue = [&counts](const std::string& days) {
    auto it = counts->aue_within_days.find(days);
    return it == counts->aue_within_days.end() ? std::int64_t{0} : it->second;
  };
  return jsonResponse(200, {{"total", counts->total},
                            {"by_status", std::move(by_status)},
                            {"by_kind", std::move(by_kind)},
                            {"by_model", std::move(by_model)},
                            {"by_location", std::move(by_location)},
                            {"aue",
                             {{"past", aue("0")},
                              {"within_90", aue("90")},
                              {"within_180", aue("180")},
                              {"within_365", aue("365")},
                              {"within_730", aue("730")}}},
                            {"open_work_orders", service->open_work_orders},
                            {"overdue_checkouts", service->overdue_checkouts},
                            {"repair_spend", std::move(*spend)}});
}

}  // namespace

void registerReportRoutes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/reports/fleet-summary",
             {.min_role = Role::viewer, .body = RouteOptions::Body::none},
             [&ctx](Request& req) { return fleetSummary(ctx, req); });
}

}  // namespace fk
