// Report routes. fleet-summary reads the same aggregates as the metrics, so the two never disagree.
#include <chrono>

#include "core/device.hpp"
#include "core/fiscal_year.hpp"
#include "core/values.hpp"
#include "http/api_routes.hpp"
#include "http/summary_body.hpp"
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
  Response r;
  r.body = fleetSummaryBody(*counts, *service, *spend);
  return r;
}

}  // namespace

void registerReportRoutes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/reports/fleet-summary",
             {.min_role = Role::viewer, .body = RouteOptions::Body::none},
             [&ctx](Request& req) { return fleetSummary(ctx, req); });
}

}  // namespace fk
