#include <algorithm>
#include <iostream>
#include <memory>

#include "command_helpers.hpp"
#include "commands.hpp"
#include "format.hpp"
#include "table.hpp"

namespace fkcli {
namespace {

using nlohmann::json;

// A {"name": count} object as indented lines, largest first.
void printCounts(const std::string& title, const json& counts) {
  std::cout << '\n' << title << '\n';
  if (!counts.is_object() || counts.empty()) {
    std::cout << "  (none)\n";
    return;
  }
  std::vector<std::pair<std::string, long long>> rows;
  for (const auto& [key, value] : counts.items())
    rows.emplace_back(key, value.is_number() ? value.get<long long>() : 0);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  Table table({"  NAME", "COUNT"});
  for (const auto& [key, count] : rows)
    table.add({"  " + (key.empty() ? std::string("-") : key), std::to_string(count)});
  table.print(std::cout);
}

void printSummary(const json& s) {
  printKeyValues(std::cout, {{"devices", displayValue(s.value("total", json(0)))},
                             {"open work orders", displayValue(s.value("open_work_orders", json(0)))},
                             {"overdue checkouts", displayValue(s.value("overdue_checkouts", json(0)))}});
  const json aue = s.value("aue", json::object());
  std::cout << "\nauto-update expiration (devices in service)\n";
  Table horizon({"  WHEN", "COUNT"});
  for (const auto& [key, label] :
       std::vector<std::pair<std::string, std::string>>{{"past", "already past"},
                                                        {"within_90", "within 90 days"},
                                                        {"within_180", "within 180 days"},
                                                        {"within_365", "within 365 days"},
                                                        {"within_730", "within 730 days"}})
    horizon.add({"  " + label, displayValue(aue.value(key, json(0)))});
  horizon.print(std::cout);
  printCounts("by status", s.value("by_status", json::object()));
  printCounts("by kind", s.value("by_kind", json::object()));
  printCounts("by model", s.value("by_model", json::object()));
  printCounts("by location", s.value("by_location", json::object()));
}

void printModels(const json& models) {
  Table table({"MODEL", "KIND", "UNIT COST", "LIFE (YEARS)", "AUE"});
  for (const auto& m : models.value("items", json::array()))
    table.add({displayValue(m.value("model", json())), displayValue(m.value("kind", json())),
               displayValue(m.value("unit_cost", json())), displayValue(m.value("life_years", json())),
               displayValue(m.value("aue_date", json()))});
  table.print(std::cout);
}

void printModel(const json& model) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (const auto& [key, value] : model.items()) lines.emplace_back(key, displayValue(value));
  printKeyValues(std::cout, lines);
}

}  // namespace

void addReportCommands(CLI::App& app, Cli& cli) {
  auto* sum =
      app.add_subcommand("summary", "fleet summary: counts by status, kind, model, location; AUE horizon");
  setAction(sum, cli, [](Api& api, const GlobalOptions& global) {
    return printAnswer(global, api.get("/api/v1/reports/fleet-summary"), printSummary);
  });

  auto* models = app.add_subcommand("models", "the model catalog");
  models->require_subcommand(1);
  auto* list = models->add_subcommand("list", "list catalog models");
  setAction(list, cli, [](Api& api, const GlobalOptions& global) {
    return printAnswer(global, api.get("/api/v1/models"), printModels);
  });
  auto* show = models->add_subcommand("show", "show one catalog model");
  auto name = std::make_shared<std::string>();
  show->add_option("MODEL", *name, "model name")->required();
  setAction(show, cli, [name](Api& api, const GlobalOptions& global) {
    return printAnswer(global, api.get("/api/v1/models/" + encodeComponent(*name)), printModel);
  });
}

}  // namespace fkcli
