#include "http/plan_body.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/csv.hpp"
#include "core/values.hpp"

namespace fk {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;
using namespace std::chrono;

const year_month_day kToday = *parseDate("2026-11-27");

// --- the reference: the body as the handler built it before, from nlohmann::json objects ----------
// The summaries were nlohmann objects (keys sorted) dumped and spliced open for "fiscal_years",
// "devices" and "backlog"; each device is an ordered object here, in the order the API documents.

json bucketJson(const PlanBucket& b) {
  return {{"count", b.count}, {"cost", formatMoney(b.cost_cents)}, {"unknown_cost", b.unknown_cost}};
}

json splitJson(const std::map<std::string, PlanBucket>& split) {
  json out = json::object();
  for (const auto& [key, bucket] : split) out[key.empty() ? "(none)" : key] = bucketJson(bucket);
  return out;
}

template <typename J>
std::string dump(const J& j) {
  return j.dump(-1, ' ', false, J::error_handler_t::replace);
}

ordered_json textOrNull(const std::string& s) {
  return s.empty() ? ordered_json(nullptr) : ordered_json(s);
}

ordered_json entryJson(const PlanEntry& e, const PlanDevice& d) {
  ordered_json reasons = ordered_json::array();
  for (const auto& r : e.reasons.names()) reasons.push_back(r);
  return {{"id", d.id},
          {"asset_tag", textOrNull(d.asset_tag)},
          {"serial", textOrNull(d.serial)},
          {"kind", std::string(toString(d.kind))},
          {"model", textOrNull(d.model)},
          {"location", textOrNull(d.location)},
          {"reasons", reasons},
          {"due_date", formatDate(e.due_date)},
          {"due_fiscal_year", fiscalYearLabel(e.due_fiscal_year)},
          {"cost", e.cost.cents ? ordered_json(formatMoney(*e.cost.cents)) : ordered_json(nullptr)},
          {"cost_source", std::string(toString(e.cost.source))}};
}

std::string entriesJson(const std::vector<PlanEntry>& entries, const std::vector<PlanDevice>& devices) {
  ordered_json out = ordered_json::array();
  for (const auto& e : entries) out.push_back(entryJson(e, devices[e.device]));
  return dump(out);
}

void openObject(std::string& out, const json& object) {
  out += dump(object);
  out.pop_back();
  if (!object.empty()) out += ',';
}

std::string referenceJson(const Plan& p, const std::vector<PlanDevice>& devices, FiscalYearStart start) {
  std::string out;
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
    out += "\"devices\":" + entriesJson(y.devices, devices) + '}';
  }
  out += "],\"backlog\":";
  openObject(out, bucketJson(p.backlog_total));
  out += "\"devices\":" + entriesJson(p.backlog, devices) + "}}\n";
  return out;
}

// --- a fleet that exercises every branch of the writer ------------------------------------------

PlanningRules rules(FiscalYearStart start) {
  PlanningRules r;
  r.fiscal_year_start = start;
  r.default_life_years = {{DeviceKind::chromebook, 5}, {DeviceKind::laptop, 4}};
  r.replacement_unit_cost_cents = {{DeviceKind::chromebook, 28900}};
  return r;
}

std::vector<PlanDevice> variedFleet() {
  // Names chosen for the escaper and for nlohmann's key order: quotes, backslashes, control
  // characters, UTF-8, invalid UTF-8, empty (shown as "(none)"), a real "(none)", and keys that sort
  // before and after "(none)".
  const std::vector<std::string> models = {
      "CB \"11\" G9", "Lat\\3140",       "Caf\xc3\xa9 Book", "",      "(none)", " Spare", "tab\there",
      "bad\xff\xfe",  "line\nbreak\x01", "Z\xe2\x82\xac",    "!first"};
  const std::vector<std::string> locations = {"Lincoln, Room 4",
                                              "",
                                              "\xc5\xa0kola",
                                              "Say \"hi\"",
                                              "\x7f"
                                              "del",
                                              "A\\B",
                                              "(none)"};
  std::vector<PlanDevice> out;
  for (int i = 0; i < 60; ++i) {
    PlanDevice d;
    d.id = 1000 + i * 7;
    d.asset_tag = i % 9 == 0 ? "" : "T-" + std::to_string(i) + (i % 5 == 0 ? "\"q\"" : "");
    d.serial = i % 11 == 0 ? "" : "S\xc3\xb8" + std::to_string(i);
    d.kind = i % 3 == 0 ? DeviceKind::laptop : (i % 7 == 0 ? DeviceKind::tablet : DeviceKind::chromebook);
    d.model = models[static_cast<std::size_t>(i) % models.size()];
    d.location = locations[static_cast<std::size_t>(i) % locations.size()];
    d.purchase_date =
        i % 13 == 0 ? ""
                    : formatDate(year_month_day{year{2019 + i % 8}, month{1u + i % 12u}, day{1u + i % 28u}});
    if (i % 4 != 0) d.purchase_price_cents = i % 17 == 0 ? -1250 : 15000 + 999 * i;
    if (i % 6 == 0) d.aue_date = formatDate(year_month_day{year{2025 + i % 6}, month{6}, day{1}});
    d.repair_cost_cents = i % 5 == 0 ? 20000 : 0;
    d.work_orders_last_year = i % 8 == 0 ? 3 : 0;
    if (i % 4 == 2 || i % 20 == 0) d.model_unit_cost_cents = i % 10 == 0 ? 123456789012 : 28900 + i;
    if (i % 10 == 0) d.model_life_years = 3;
    out.push_back(std::move(d));
  }
  return out;
}

void expectSameAsReference(FiscalYearStart start, const PlanOptions& options) {
  const auto devices = variedFleet();
  const Plan plan = buildPlan(devices, rules(start), kToday, options);
  const std::string body = planJsonBody(plan, devices, start);
  EXPECT_EQ(body, referenceJson(plan, devices, start));
  EXPECT_TRUE(json::accept(body));
}

TEST(PlanBody, JsonMatchesTheNlohmannDocumentWithoutABudget) {
  expectSameAsReference({7, 1}, PlanOptions{.years = 5});
  expectSameAsReference({1, 1}, PlanOptions{.years = 15});
  expectSameAsReference({10, 15}, PlanOptions{.years = 1});
}

TEST(PlanBody, JsonMatchesTheNlohmannDocumentWithBudgets) {
  // Small enough to defer most devices: deferred ids in every year and a backlog at the end.
  expectSameAsReference({7, 1}, PlanOptions{.years = 3, .budget_cents = 100000});
  expectSameAsReference({7, 1}, PlanOptions{.years = 4, .budgets_cents = {{2027, 0}, {2029, 500000}}});
  expectSameAsReference({7, 1}, PlanOptions{.years = 2, .budget_cents = 0});
}

TEST(PlanBody, TheFleetCoversTheCasesItIsMeantTo) {
  // Guards the test above: a change to buildPlan must not quietly empty the cases being compared.
  const auto devices = variedFleet();
  const Plan plan =
      buildPlan(devices, rules({7, 1}), kToday, PlanOptions{.years = 3, .budget_cents = 100000});
  EXPECT_FALSE(plan.backlog.empty());
  EXPECT_FALSE(plan.years[0].deferred.empty());
  EXPECT_GT(plan.unknown_cost, 0);
  const std::string body = planJsonBody(plan, devices, {7, 1});
  for (const char* text : {"\\\"", "\\\\", "\\n", "\\t", "\\u0001", "Caf\xc3\xa9", "\xef\xbf\xbd",
                           "\"(none)\":", "\"cost\":null", "\"asset_tag\":null", "\"-12.50\""})
    EXPECT_NE(body.find(text), std::string::npos) << text;
  const Plan open = buildPlan(devices, rules({7, 1}), kToday, PlanOptions{.years = 5});
  const auto& split = open.years[0].by_model;
  EXPECT_TRUE(split.contains("") && split.contains("(none)") && split.contains(" Spare"));
}

TEST(PlanBody, AnEmptyModelIsShownAsNoneInItsSortedPlace) {
  // Without a real "(none)" model the empty one is listed under that name, after " Spare" and "!x".
  std::vector<PlanDevice> devices;
  for (const char* model : {"", " Spare", "!x", "Acer"}) {
    PlanDevice d;
    d.id = static_cast<std::int64_t>(devices.size()) + 1;
    d.model = model;
    d.aue_date = "2026-01-01";
    d.model_unit_cost_cents = 100;
    devices.push_back(d);
  }
  const Plan plan = buildPlan(devices, rules({7, 1}), kToday, PlanOptions{.years = 1});
  const std::string body = planJsonBody(plan, devices, {7, 1});
  EXPECT_EQ(body, referenceJson(plan, devices, {7, 1}));
  const std::string one = "{\"cost\":\"1.00\",\"count\":1,\"unknown_cost\":0}";
  EXPECT_NE(body.find("\"by_model\":{\" Spare\":" + one + ",\"!x\":" + one + ",\"(none)\":" + one +
                      ",\"Acer\":" + one + "}"),
            std::string::npos);
}

// The streamed bodies are the whole bodies cut anywhere: every piece size gives the same bytes, and no
// piece holds more devices than asked for (`per_device` marks one; `in_head` times in the first piece
// besides, as the CSV header's line end).
template <class Pieces, class... Extra>
void expectPiecesMakeTheBody(const Plan& plan, const std::vector<PlanDevice>& devices, const std::string& whole,
                             std::string_view per_device, std::size_t in_head, Extra... extra) {
  for (std::size_t size : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{1000}}) {
    Pieces pieces(plan, devices, extra...);
    std::string joined;
    std::size_t calls = 0;
    bool more = true;
    while (more) {
      std::string piece;
      more = pieces.next(piece, size);
      std::size_t rows = 0;
      for (auto at = piece.find(per_device); at != std::string::npos; at = piece.find(per_device, at + 1)) ++rows;
      EXPECT_LE(rows, size + (calls == 0 ? in_head : 0)) << "piece " << calls;
      joined += piece;
      ASSERT_LT(++calls, 100000u);
    }
    EXPECT_EQ(joined, whole) << "pieces of " << size;
    std::string after;
    EXPECT_FALSE(pieces.next(after, size));
    EXPECT_EQ(after, "");
  }
}

TEST(PlanBody, JsonAndCsvInPiecesAreTheWholeBodies) {
  const auto devices = variedFleet();
  for (const PlanOptions& options : {PlanOptions{.years = 5}, PlanOptions{.years = 3, .budget_cents = 100000},
                                     PlanOptions{.years = 2, .budget_cents = 0}}) {
    const Plan plan = buildPlan(devices, rules({7, 1}), kToday, options);
    expectPiecesMakeTheBody<PlanJsonPieces>(plan, devices, planJsonBody(plan, devices, {7, 1}),
                                            "\"cost_source\":", 0, FiscalYearStart{7, 1});
    expectPiecesMakeTheBody<PlanCsvPieces>(plan, devices, planCsvBody(plan, devices), "\r\n", 1);
  }
  // No device at all: the head, empty years and an empty backlog.
  const std::vector<PlanDevice> none;
  const Plan empty = buildPlan(none, rules({7, 1}), kToday, PlanOptions{.years = 3});
  expectPiecesMakeTheBody<PlanJsonPieces>(empty, none, planJsonBody(empty, none, {7, 1}), "\"cost_source\":",
                                          0, FiscalYearStart{7, 1});
  EXPECT_EQ(planJsonBody(empty, none, {7, 1}), referenceJson(empty, none, {7, 1}));
}

TEST(PlanBody, CsvHasOneRowPerDeviceQuotedWhereNeeded) {
  const auto devices = variedFleet();
  const Plan plan =
      buildPlan(devices, rules({7, 1}), kToday, PlanOptions{.years = 2, .budget_cents = 100000});
  std::string expected;
  appendCsvRow(expected, {"fiscal_year", "id", "asset_tag", "serial", "kind", "model", "location", "due_date",
                          "due_fiscal_year", "reasons", "cost", "cost_source"});
  auto row = [&](const std::string& fy, const PlanEntry& e) {
    const PlanDevice& d = devices[e.device];
    std::string reasons;
    for (const auto& r : e.reasons.names()) reasons += (reasons.empty() ? "" : ";") + r;
    appendCsvRow(expected,
                 {fy, std::to_string(d.id), d.asset_tag, d.serial, std::string(toString(d.kind)), d.model,
                  d.location, formatDate(e.due_date), fiscalYearLabel(e.due_fiscal_year), reasons,
                  e.cost.cents ? formatMoney(*e.cost.cents) : "", std::string(toString(e.cost.source))});
  };
  for (const auto& y : plan.years)
    for (const auto& e : y.devices) row(fiscalYearLabel(y.fiscal_year), e);
  for (const auto& e : plan.backlog) row("backlog", e);
  ASSERT_FALSE(plan.backlog.empty());
  EXPECT_EQ(planCsvBody(plan, devices), expected);
}

}  // namespace
}  // namespace fk
