// The replacement plan: GET /api/v1/reports/replacement-plan, as JSON or CSV. The arithmetic is
// core/planning; this file reads the query and runs computePlan (the metrics tally the same rows with
// DueTotals); http/plan_body writes the body.
#include <array>
#include <memory>

#include "core/planning.hpp"
#include "core/values.hpp"
#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "http/plan_body.hpp"
#include "store/planning_store.hpp"
#include "core/time_zone.hpp"

namespace fk {

namespace {

constexpr std::array<std::string_view, 4> kPlanParams = {"years", "budget", "budgets", "format"};
constexpr int kDefaultYears = 5;
constexpr std::size_t kPlanRowsPerPiece = 1000;

struct PlanQuery {
  PlanOptions options;
  bool csv = false;
};

Result<PlanQuery> planQueryFrom(const Request& req, FiscalYearStart start,
                                std::chrono::year_month_day today) {
  if (auto st = checkQueryParams(req, kPlanParams); !st) return std::unexpected(st.error());
  PlanQuery q;
  q.options.years = kDefaultYears;
  if (auto years = req.queryValue("years")) {
    auto n = parseIntIn(*years, 1, kMaxPlanYears);
    if (!n)
      return std::unexpected(
          Error::invalid("years", "years must be an integer from 1 to " + std::to_string(kMaxPlanYears)));
    q.options.years = static_cast<int>(*n);
  }
  const auto budget = req.queryValue("budget");
  const auto budgets = req.queryValue("budgets");
  if (budget && budgets)
    return std::unexpected(
        Error::invalid("budgets", "give budget (every year) or budgets (per year), not both"));
  if (budget) {
    auto cents = parseMoney(*budget);
    if (!cents)
      return std::unexpected(
          Error::invalid("budget", "budget must be an amount such as 150000 or 150000.00"));
    q.options.budget_cents = *cents;
  }
  if (budgets) {
    auto parsed = parseBudgets(*budgets);
    if (!parsed) return std::unexpected(parsed.error());
    // A budget for a year the plan does not show would silently do nothing.
    const int first = fiscalYearOf(today, start);
    const int last = first + q.options.years - 1;
    for (const auto& [fy, cents] : *parsed) {
      if (fy < first || fy > last)
        return std::unexpected(Error::invalid("budgets", fiscalYearLabel(fy) + " is outside the plan (" +
                                                             fiscalYearLabel(first) + " to " +
                                                             fiscalYearLabel(last) + ")"));
    }
    q.options.budgets_cents = std::move(*parsed);
  }
  if (auto format = req.queryValue("format")) {
    if (*format != "json" && *format != "csv")
      return std::unexpected(Error::invalid("format", "format must be json or csv"));
    q.csv = *format == "csv";
  }
  return q;
}

Response replacementPlan(ApiContext& ctx, Request& req) {
  const auto config = ctx.config();
  const FiscalYearStart start{config->fiscal_year_start_month, config->fiscal_year_start_day};
  const auto today = districtTodayDate();
  auto query = planQueryFrom(req, start, today);
  if (!query) return errorResponse(query.error());
  auto computed = computePlan(ctx.db, *config, today, query->options, req.scope());
  if (!computed) return errorResponse(computed.error());
  // Written as the client reads it: the plan stays in memory, its text (~125 bytes a device as CSV,
  // ~250 as JSON: a quarter of a gigabyte at a million devices) need not.
  auto owned = std::make_shared<const ComputedPlan>(std::move(*computed));
  if (query->csv) {
    auto pieces = std::make_shared<PlanCsvPieces>(owned->plan, owned->inputs.devices);
    Response r = csvResponse({}, "replacement-plan.csv");
    r.stream = [owned, pieces](std::string& out) { return pieces->next(out, kPlanRowsPerPiece); };
    return r;
  }
  auto pieces = std::make_shared<PlanJsonPieces>(owned->plan, owned->inputs.devices, start);
  Response r;
  r.status = 200;
  r.content_type = "application/json";
  r.stream = [owned, pieces](std::string& out) { return pieces->next(out, kPlanRowsPerPiece); };
  return r;
}

}  // namespace

void registerPlanningRoutes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/reports/replacement-plan",
             {.min_role = Role::viewer, .body = RouteOptions::Body::none},
             [&ctx](Request& req) { return replacementPlan(ctx, req); });
}

}  // namespace fk
