// `fleetkeep plan`: the replacement plan per fiscal year, as tables, JSON (--json) or CSV (--csv).
#include <cstdio>
#include <iostream>
#include <memory>

#include "command_helpers.hpp"
#include "commands.hpp"
#include "format.hpp"
#include "table.hpp"

namespace fkcli {
namespace {

using nlohmann::json;

struct PlanOptions {
  int years = 0;  // 0 = the server's default
  std::string budget;
  std::string budgets;
  bool csv = false;
};

std::string planTarget(const PlanOptions& o) {
  std::string query;
  if (o.years > 0) addParam(query, "years", std::to_string(o.years));
  addParam(query, "budget", o.budget);
  addParam(query, "budgets", o.budgets);
  if (o.csv) addParam(query, "format", "csv");
  return "/api/v1/reports/replacement-plan" + query;
}

std::string text(const json& j, const char* key) {
  return displayValue(j.value(key, json()));
}

// A {"name": {"count", "cost"}} split as an indented table, in the server's (alphabetical) order.
void printSplit(const std::string& title, const json& split) {
  if (!split.is_object() || split.empty()) return;
  Table table({"  " + title, "DEVICES", "COST"});
  for (const auto& [name, bucket] : split.items()) {
    std::string cost = text(bucket, "cost");
    if (bucket.value("unknown_cost", 0) > 0) cost += " (+" + text(bucket, "unknown_cost") + " unknown)";
    table.add({"  " + name, text(bucket, "count"), cost});
  }
  table.print(std::cout);
}

void printDevices(const json& devices, bool with_year) {
  std::vector<std::string> header{"  ID",     "ASSET TAG", "SERIAL",  "MODEL",
                                  "LOCATION", "DUE",       "REASONS", "COST"};
  if (with_year) header.insert(header.begin() + 6, "DUE IN");
  Table table(header);
  for (const auto& d : devices) {
    std::vector<std::string> row{"  " + text(d, "id"), text(d, "asset_tag"), text(d, "serial"),
                                 text(d, "model"),     text(d, "location"),  text(d, "due_date"),
                                 text(d, "reasons"),   text(d, "cost")};
    if (with_year) row.insert(row.begin() + 6, text(d, "due_fiscal_year"));
    table.add(row);
  }
  table.print(std::cout);
}

void printPlan(const json& plan) {
  std::cout << "Replacement plan from " << text(plan, "current_fiscal_year") << " (today "
            << text(plan, "today") << ", fiscal years start " << text(plan, "fiscal_year_start") << ")\n";
  printKeyValues(std::cout, {{"devices in service", text(plan, "in_service")},
                             {"unplannable (missing purchase date / AUE)", text(plan, "unplannable")},
                             {"due after the last year shown", text(plan, "beyond_horizon")},
                             {"planned with unknown cost", text(plan, "unknown_cost")}});

  const bool budgeted = plan.value("budgeted", false);
  std::cout << '\n';
  std::vector<std::string> header{"FISCAL YEAR", "BEGINS", "ENDS", "DEVICES", "COST", "UNKNOWN COST"};
  if (budgeted) header.insert(header.end(), {"BUDGET", "DEFERRED"});
  Table years(header);
  for (const auto& y : plan.value("fiscal_years", json::array())) {
    std::vector<std::string> row{text(y, "fiscal_year"), text(y, "begins"), text(y, "ends"),
                                 text(y, "count"),       text(y, "cost"),   text(y, "unknown_cost")};
    if (budgeted)
      row.insert(row.end(), {text(y, "budget"), text(y.value("deferred", json::object()), "count")});
    years.add(row);
  }
  const json total = plan.value("total", json::object());
  std::vector<std::string> total_row{
      "total", "", "", text(total, "count"), text(total, "cost"), text(total, "unknown_cost")};
  if (budgeted) total_row.insert(total_row.end(), {"", ""});
  years.add(total_row);
  years.print(std::cout);

  for (const auto& y : plan.value("fiscal_years", json::array())) {
    std::cout << '\n'
              << text(y, "fiscal_year") << " (" << text(y, "begins") << " to " << text(y, "ends")
              << "): " << text(y, "count") << " devices, " << text(y, "cost");
    if (budgeted) std::cout << " of budget " << text(y, "budget");
    std::cout << '\n';
    const json devices = y.value("devices", json::array());
    if (devices.empty()) {
      std::cout << "  (nothing due)\n";
    } else {
      printDevices(devices, budgeted);
      printSplit("MODEL", y.value("by_model", json::object()));
      printSplit("LOCATION", y.value("by_location", json::object()));
      printSplit("REASON", y.value("by_reason", json::object()));
    }
    const json deferred = y.value("deferred", json::object());
    if (deferred.value("count", 0) > 0)
      std::cout << "  deferred to the next year (over budget): " << text(deferred, "count") << " devices, "
                << text(deferred, "cost") << '\n';
  }
  const json backlog = plan.value("backlog", json::object());
  if (backlog.value("count", 0) > 0) {
    std::cout << "\nbacklog (no year's budget could fund): " << text(backlog, "count") << " devices, "
              << text(backlog, "cost") << '\n';
    printDevices(backlog.value("devices", json::array()), true);
  }
}

int plan(Api& api, const GlobalOptions& global, const PlanOptions& o) {
  if (o.csv) {
    const int rc = api.download(planTarget(o), stdout);
    std::fflush(stdout);
    return rc;
  }
  return printAnswer(global, api.get(planTarget(o)), printPlan);
}

}  // namespace

void addPlanCommands(CLI::App& app, Cli& cli) {
  auto* cmd = app.add_subcommand("plan", "replacement plan and cost per fiscal year");
  auto o = std::make_shared<PlanOptions>();
  cmd->add_option("--years", o->years, "fiscal years to plan, from the current one (default 5)")
      ->check(CLI::Range(1, 15));
  auto* budget = cmd->add_option("--budget", o->budget, "the same budget every year, e.g. 150000");
  auto* budgets =
      cmd->add_option("--budgets", o->budgets, "budget per fiscal year, e.g. FY2027:150000,FY2028:90000");
  budget->excludes(budgets);
  cmd->add_flag("--csv", o->csv, "one CSV row per device with the fiscal year that funds it");
  setAction(cmd, cli, [o](Api& api, const GlobalOptions& global) { return plan(api, global, *o); });
}

}  // namespace fkcli
