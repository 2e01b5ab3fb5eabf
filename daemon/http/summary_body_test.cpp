#include "http/summary_body.hpp"

#include <gtest/gtest.h>

#include "core/device.hpp"

namespace fk {
namespace {

using nlohmann::json;

// The handler's tree before the body was written by hand, kept as the reference.
std::string viaTree(const FleetCounts& counts, const ServiceCounts& service, const json& spend) {
  json by_status = json::object();
  for (auto s : allStatuses()) by_status[std::string(toString(s))] = 0;
  json by_kind = json::object();
  for (auto k : allKinds()) by_kind[std::string(toString(k))] = 0;
  for (const auto& [key, n] : counts.by_status_kind) {
    const auto& [status, kind] = key;
    by_status[status] = by_status.value(status, std::int64_t{0}) + n;
    by_kind[kind] = by_kind.value(kind, std::int64_t{0}) + n;
  }
  json by_model = json::object();
  for (const auto& [key, n] : counts.by_model_status) {
    const std::string model = key.first.empty() ? "(none)" : key.first;
    by_model[model] = by_model.value(model, std::int64_t{0}) + n;
  }
  json by_location = json::object();
  for (const auto& [location, n] : counts.by_location) by_location[location.empty() ? "(none)" : location] = n;
  auto aue = [&counts](const std::string& days) {
    auto it = counts.aue_within_days.find(days);
    return it == counts.aue_within_days.end() ? std::int64_t{0} : it->second;
  };
  const json body = {{"total", counts.total},
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
                     {"open_work_orders", service.open_work_orders},
                     {"overdue_checkouts", service.overdue_checkouts},
                     {"repair_spend", spend}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
}

const json kSpend = {{"this_fiscal_year", "FY2027"}, {"last_fiscal_year", "FY2026"}, {"this_fy", "120.50"},
                     {"last_fy", "0.00"}};

TEST(SummaryBody, AnEmptyRegistryMatchesTheTree) {
  EXPECT_EQ(fleetSummaryBody({}, {}, kSpend), viaTree({}, {}, kSpend));
}

TEST(SummaryBody, AMixedFleetMatchesTheTree) {
  FleetCounts c;
  c.by_status_kind = {{{"deployed", "chromebook"}, 70000}, {{"in_stock", "laptop"}, 12},
                      {{"retired", "other"}, 3}, {{"not_a_status", "not_a_kind"}, 1}};
  c.total = 70016;
  c.by_model_status = {{{"", "deployed"}, 5}, {{"", "retired"}, 2}, {{"Acer \"Spin\" 511", "deployed"}, 9},
                       {{"HP 11 G9 EE", "in_stock"}, 4}, {{"HP 11 G9 EE", "deployed"}, 6},
                       {{"Lenovo 300e \xff", "deployed"}, 1}, {{"Ñandú", "deployed"}, 1}};
  c.aue_within_days = {{"0", 4}, {"90", 5}, {"180", 6}, {"365", 7}, {"730", 8}};
  ServiceCounts s{3, 2};
  // "" lands among keys that sort before and after "(none)", and control characters and invalid
  // UTF-8 go through the escaper.
  for (const auto& locations : std::vector<std::map<std::string, std::int64_t>>{
           {{"", 10}, {"!first", 1}, {"Lincoln MS / Cart 1", 2}, {"tab\there", 3}, {"\xc3", 4}},
           {{"", 10}},
           {{"Zeta", 1}},
           {{"", 10}, {"(none)", 99}, {"A", 1}},  // a location really named "(none)" wins, as before
           {{"", 10}, {"#", 1}, {"$", 2}},          // every key sorts before "(none)"
           {}}) {
    c.by_location = locations;
    EXPECT_EQ(fleetSummaryBody(c, s, kSpend), viaTree(c, s, kSpend));
  }
}

}  // namespace
}  // namespace fk
