// The replacement plan: GET /api/v1/reports/replacement-plan, as JSON or CSV. The arithmetic is
// core/planning; this file reads the query, runs computePlan (the same call the metrics make) and maps.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>

#include "core/csv.hpp"
#include "core/planning.hpp"
#include "core/values.hpp"
#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "store/planning_store.hpp"

namespace fk {

using nlohmann::json;

namespace {

constexpr std::array<std::string_view, 4> kPlanParams = {"years", "budget", "budgets", "format"};
constexpr int kDefaultYears = 5;

// Per-device formatting without snprintf or temporaries: a 100k-device plan formats half a million
// dates and amounts per request.
void appendInt(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

void appendDate(std::string& out, std::chrono::year_month_day d) {
  const int y = static_cast<int>(d.year());
  const unsigned m = static_cast<unsigned>(d.month()), day = static_cast<unsigned>(d.day());
  if (y < 0 || y > 9999) {
    out += formatDate(d);
    return;
  }
  const char text[10] = {char('0' + y / 1000),
                         char('0' + y / 100 % 10),
                         char('0' + y / 10 % 10),
                         char('0' + y % 10),
                         '-',
                         char('0' + m / 10),
                         char('0' + m % 10),
                         '-',
                         char('0' + day / 10),
                         char('0' + day % 10)};
  out.append(text, sizeof text);
}

void appendMoney(std::string& out, std::int64_t cents) {
  if (cents < 0) {
    out += formatMoney(cents);
    return;
  }
  appendInt(out, cents / 100);
  out += '.';
  out += char('0' + cents % 100 / 10);
  out += char('0' + cents % 10);
}

void appendFiscalYear(std::string& out, int fy) {
  out += "FY";
  appendInt(out, fy);
}

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

json bucketJson(const PlanBucket& b) {
  return {{"count", b.count}, {"cost", formatMoney(b.cost_cents)}, {"unknown_cost", b.unknown_cost}};
}

json splitJson(const std::map<std::string, PlanBucket>& split) {
  json out = json::object();
  for (const auto& [key, bucket] : split) out[key.empty() ? "(none)" : key] = bucketJson(bucket);
  return out;
}

// The device lists are most of a 100k-device plan, so they are written straight into the body
// instead of building a JSON tree first (that tree made the response ~5x slower).
void appendString(std::string& out, std::string_view s) {
  const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x80 && c != '"' &&
           c != '\\';
  });
  if (plain) {
    out += '"';
    out += s;
    out += '"';
  } else {
    // Escapes, non-ASCII and any invalid UTF-8 (replaced, as jsonResponse does) go through the library.
    out += json(std::string(s)).dump(-1, ' ', false, json::error_handler_t::replace);
  }
}

void appendStringOrNull(std::string& out, std::string_view s) {
  if (s.empty())
    out += "null";
  else
    appendString(out, s);
}

void appendEntry(std::string& out, const PlanEntry& e, const PlanDevice& d) {
  out += "{\"id\":";
  appendInt(out, d.id);
  out += ",\"asset_tag\":";
  appendStringOrNull(out, d.asset_tag);
  out += ",\"serial\":";
  appendStringOrNull(out, d.serial);
  out += ",\"kind\":";
  appendString(out, toString(d.kind));
  out += ",\"model\":";
  appendStringOrNull(out, d.model);
  out += ",\"location\":";
  appendStringOrNull(out, d.location);
  out += ",\"reasons\":[";
  bool first = true;
  for (auto r : allDueReasons()) {
    if (!e.reasons.has(r)) continue;
    if (!first) out += ',';
    first = false;
    appendString(out, toString(r));
  }
  out += "],\"due_date\":\"";
  appendDate(out, e.due_date);
  out += "\",\"due_fiscal_year\":\"";
  appendFiscalYear(out, e.due_fiscal_year);
  out += "\",\"cost\":";
  if (e.cost.cents) {
    out += '"';
    appendMoney(out, *e.cost.cents);
    out += '"';
  } else {
    out += "null";
  }
  out += ",\"cost_source\":";
  appendString(out, toString(e.cost.source));
  out += '}';
}

void appendEntries(std::string& out, const std::vector<PlanEntry>& entries,
                   const std::vector<PlanDevice>& devices) {
  out += '[';
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (i) out += ',';
    appendEntry(out, entries[i], devices[entries[i].device]);
  }
  out += ']';
}

// Opens `object` in `out` for more members: its dump without the closing brace, plus a comma when
// it has members already. The caller appends "key":value pairs and the closing brace.
void openObject(std::string& out, const json& object) {
  out += object.dump(-1, ' ', false, json::error_handler_t::replace);
  out.pop_back();
  if (!object.empty()) out += ',';
}

// Everything is written into one reserved string: copying a 20 MB body between intermediate strings
// cost more than formatting it.
std::string planJson(const ComputedPlan& c, FiscalYearStart start) {
  const Plan& p = c.plan;
  const auto& devices = c.inputs.devices;
  std::string out;
  out.reserve(256 * static_cast<std::size_t>(p.total.count + p.backlog_total.count) + 16384);
  char start_text[8];
  std::snprintf(start_text, sizeof start_text, "%02d-%02d", start.month, start.day);
  openObject(out, {{"today", formatDate(p.today)},
                   {"fiscal_year_start", start_text},
                   {"current_fiscal_year", fiscalYearLabel(p.current_fiscal_year)},
                   {"years", p.years.size()},
                   {"budgeted", p.budgeted},
                   {"in_service", p.in_service},
                   {"unplannable", p.unplannable},
                   {"beyond_horizon", p.beyond_horizon},
                   {"unknown_cost", p.unknown_cost},
                   {"total", bucketJson(p.total)}});
  out += "\"fiscal_years\":[";
  for (std::size_t i = 0; i < p.years.size(); ++i) {
    const auto& y = p.years[i];
    if (i) out += ',';
    // Deferred devices appear in full where they are funded (or in the backlog); here only their ids.
    json deferred = bucketJson(y.deferred_total);
    json ids = json::array();
    for (const auto& e : y.deferred) ids.push_back(devices[e.device].id);
    deferred["device_ids"] = std::move(ids);
    openObject(out, {{"fiscal_year", fiscalYearLabel(y.fiscal_year)},
                     {"begins", formatDate(y.begins)},
                     {"ends", formatDate(y.ends)},
                     {"budget", y.budget_cents ? json(formatMoney(*y.budget_cents)) : json(nullptr)},
                     {"count", y.total.count},
                     {"cost", formatMoney(y.total.cost_cents)},
                     {"unknown_cost", y.total.unknown_cost},
                     {"by_model", splitJson(y.by_model)},
                     {"by_location", splitJson(y.by_location)},
                     {"by_reason", splitJson(y.by_reason)},
                     {"deferred", std::move(deferred)}});
    out += "\"devices\":";
    appendEntries(out, y.devices, devices);
    out += '}';
  }
  out += "],\"backlog\":";
  openObject(out, bucketJson(p.backlog_total));
  out += "\"devices\":";
  appendEntries(out, p.backlog, devices);
  out += "}}\n";
  return out;
}

const std::vector<std::string>& csvHeader() {
  static const std::vector<std::string> kHeader = {
      "fiscal_year", "id",       "asset_tag",       "serial",  "kind", "model",
      "location",    "due_date", "due_fiscal_year", "reasons", "cost", "cost_source"};
  return kHeader;
}

void appendCsvField(std::string& out, std::string_view field) {
  if (field.find_first_of(",\"\r\n \t") == std::string_view::npos)
    out += field;
  else
    out += csvEscape(field);
}

void appendEntryRow(std::string& out, std::string_view fiscal_year, const PlanEntry& e, const PlanDevice& d) {
  out += fiscal_year;
  out += ',';
  appendInt(out, d.id);
  for (std::string_view text : {std::string_view(d.asset_tag), std::string_view(d.serial), toString(d.kind),
                                std::string_view(d.model), std::string_view(d.location)}) {
    out += ',';
    appendCsvField(out, text);
  }
  out += ',';
  appendDate(out, e.due_date);
  out += ',';
  appendFiscalYear(out, e.due_fiscal_year);
  out += ',';
  bool first = true;
  for (auto r : allDueReasons()) {
    if (!e.reasons.has(r)) continue;
    if (!first) out += ';';
    first = false;
    out += toString(r);
  }
  out += ',';
  if (e.cost.cents) appendMoney(out, *e.cost.cents);
  out += ',';
  out += toString(e.cost.source);
  out += "\r\n";
}

// One row per device with the fiscal year that funds it; devices no year could fund say "backlog".
Response planCsv(const ComputedPlan& c) {
  std::string out;
  out.reserve(128 * (c.plan.total.count + c.plan.backlog_total.count + 1));
  appendCsvRow(out, csvHeader());
  for (const auto& y : c.plan.years) {
    const std::string label = fiscalYearLabel(y.fiscal_year);
    for (const auto& e : y.devices) appendEntryRow(out, label, e, c.inputs.devices[e.device]);
  }
  for (const auto& e : c.plan.backlog) appendEntryRow(out, "backlog", e, c.inputs.devices[e.device]);
  return csvResponse(std::move(out), "replacement-plan.csv");
}

Response replacementPlan(ApiContext& ctx, Request& req) {
  const auto config = ctx.config();
  const FiscalYearStart start{config->fiscal_year_start_month, config->fiscal_year_start_day};
  const auto today = todayUtcDate();
  auto query = planQueryFrom(req, start, today);
  if (!query) return errorResponse(query.error());
  auto computed = computePlan(ctx.db, *config, today, query->options);
  if (!computed) return errorResponse(computed.error());
  if (query->csv) return planCsv(*computed);
  Response r;
  r.status = 200;
  r.content_type = "application/json";
  r.body = planJson(*computed, start);
  return r;
}

}  // namespace

void registerPlanningRoutes(Router& router, ApiContext& ctx) {
  router.add("GET", "/api/v1/reports/replacement-plan",
             {.min_role = Role::viewer, .body = RouteOptions::Body::none},
             [&ctx](Request& req) { return replacementPlan(ctx, req); });
}

}  // namespace fk
