#include "core/planning.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/date_test_support.hpp"
#include "core/planning_test_support.hpp"
#include "core/values.hpp"

namespace fk {
namespace {

using namespace std::chrono;

using namespace test;  // kToday, rules(), device(): planning_test_support.hpp; d(): date_test_support.hpp

std::vector<std::string> reasons(const Assessment& a) {
  return a.reasons.names();
}

using Names = std::vector<std::string>;

// --- in service, dates, reasons -----------------------------------------------------------------

TEST(Planning, OnlyDevicesInServiceArePlanned) {
  for (auto s : allStatuses()) {
    const bool expected = s != DeviceStatus::retired && s != DeviceStatus::disposed &&
                          s != DeviceStatus::lost && s != DeviceStatus::stolen;
    EXPECT_EQ(isInService(s), expected) << toString(s);
  }
  PlanDevice p = device(1);
  p.aue_date = "2020-01-01";
  p.status = DeviceStatus::retired;
  auto a = assess(p, rules(), kToday);
  EXPECT_FALSE(a.due_date.has_value());
  EXPECT_FALSE(a.unplannable);
}

TEST(Planning, TheDevicesOwnAueBeatsTheCatalogs) {
  PlanDevice p = device(1, DeviceKind::desktop);  // desktops have no default life: AUE only
  p.model_aue_date = "2027-01-01";
  auto a = assess(p, rules(), kToday);
  ASSERT_TRUE(a.due_date);
  EXPECT_EQ(formatDate(*a.due_date), "2027-01-01");
  EXPECT_EQ(a.fiscal_year, 2027);
  EXPECT_EQ(reasons(a), (Names{"aue"}));

  p.aue_date = "2028-03-01";
  a = assess(p, rules(), kToday);
  EXPECT_EQ(formatDate(*a.due_date), "2028-03-01");
  EXPECT_EQ(a.fiscal_year, 2028);
}

TEST(Planning, AgeUsesTheCatalogLifeElseTheKindsDefault) {
  PlanDevice p = device(1);
  p.purchase_date = "2022-08-15";
  auto a = assess(p, rules(), kToday);  // chromebook default: 5 years
  EXPECT_EQ(formatDate(*a.end_of_life), "2027-08-15");
  EXPECT_EQ(a.fiscal_year, 2028);
  EXPECT_EQ(reasons(a), (Names{"age"}));

  p.model_life_years = 6;
  a = assess(p, rules(), kToday);
  EXPECT_EQ(formatDate(*a.due_date), "2028-08-15");
  EXPECT_EQ(a.fiscal_year, 2029);

  PlanDevice laptop = device(2, DeviceKind::laptop);
  laptop.purchase_date = "2023-06-30";
  a = assess(laptop, rules(), kToday);
  EXPECT_EQ(formatDate(*a.due_date), "2027-06-30");
  EXPECT_EQ(a.fiscal_year, 2027);
}

TEST(Planning, ALeapDayPurchaseAgesToTheTwentyEighth) {
  PlanDevice p = device(1);
  p.purchase_date = "2024-02-29";
  auto a = assess(p, rules(), kToday);
  EXPECT_EQ(formatDate(*a.due_date), "2029-02-28");
  EXPECT_EQ(a.fiscal_year, 2029);
  PlanDevice laptop = device(2, DeviceKind::laptop);
  laptop.purchase_date = "2024-02-29";
  EXPECT_EQ(formatDate(*assess(laptop, rules(), kToday).due_date), "2028-02-29");
}

TEST(Planning, TheEarlierDateDecidesAndEveryReasonDueByThatYearIsListed) {
  PlanDevice p = device(1);
  p.purchase_date = "2022-08-15";  // end of life 2027-08-15, FY2028 (ends 2028-06-30)
  p.aue_date = "2029-06-01";
  auto a = assess(p, rules(), kToday);
  EXPECT_EQ(formatDate(*a.due_date), "2027-08-15");
  EXPECT_EQ(reasons(a), (Names{"age"}));  // AUE is after FY2028

  p.aue_date = "2028-06-30";  // last day of FY2028: both hold in that year
  a = assess(p, rules(), kToday);
  EXPECT_EQ(formatDate(*a.due_date), "2027-08-15");
  EXPECT_EQ(a.fiscal_year, 2028);
  EXPECT_EQ(reasons(a), (Names{"aue", "age"}));

  p.aue_date = "2027-03-01";
  a = assess(p, rules(), kToday);
  EXPECT_EQ(formatDate(*a.due_date), "2027-03-01");
  EXPECT_EQ(a.fiscal_year, 2027);
  EXPECT_EQ(reasons(a), (Names{"aue"}));
}

TEST(Planning, ADateBeforeTheCurrentYearIsDueNowAndOverdue) {
  PlanDevice p = device(1, DeviceKind::desktop);
  p.aue_date = "2026-06-30";  // last day of FY2026
  auto a = assess(p, rules(), kToday);
  EXPECT_EQ(a.fiscal_year, 2027);
  EXPECT_EQ(formatDate(*a.due_date), "2026-06-30");  // the date it fell due, for the planner
  EXPECT_EQ(reasons(a), (Names{"aue", "overdue"}));

  p.aue_date = "2026-07-01";  // first day of FY2027: due this year, not overdue
  a = assess(p, rules(), kToday);
  EXPECT_EQ(a.fiscal_year, 2027);
  EXPECT_EQ(reasons(a), (Names{"aue"}));

  p.aue_date = "";
  p.kind = DeviceKind::laptop;
  p.purchase_date = "2019-01-10";
  a = assess(p, rules(), kToday);
  EXPECT_EQ(a.fiscal_year, 2027);
  EXPECT_EQ(reasons(a), (Names{"age", "overdue"}));
}

TEST(Planning, ANonJulyStartMovesWhatIsOverdue) {
  PlanDevice p = device(1, DeviceKind::desktop);
  p.aue_date = "2026-09-15";
  auto a = assess(p, rules(), kToday);
  EXPECT_EQ(reasons(a), (Names{"aue"}));  // FY2027 began 2026-07-01

  PlanningRules october = rules();
  october.fiscal_year_start = {10, 1};  // FY2027 began 2026-10-01
  a = assess(p, october, kToday);
  EXPECT_EQ(a.fiscal_year, 2027);
  EXPECT_EQ(reasons(a), (Names{"aue", "overdue"}));

  p.aue_date = "2027-09-30";
  EXPECT_EQ(assess(p, october, kToday).fiscal_year, 2027);
  p.aue_date = "2027-10-01";
  EXPECT_EQ(assess(p, october, kToday).fiscal_year, 2028);
}

TEST(Planning, RepairCostAtTheShareMakesItDueToday) {
  PlanDevice p = device(1);
  p.purchase_date = "2025-08-01";  // end of life 2030: far away
  p.model_unit_cost_cents = 28900;
  p.repair_cost_cents = 14449;  // one cent short of half
  auto a = assess(p, rules(), kToday);
  EXPECT_EQ(a.fiscal_year, 2031);
  EXPECT_FALSE(a.reasons.has(DueReason::repair_cost));

  p.repair_cost_cents = 14450;  // exactly half
  a = assess(p, rules(), kToday);
  EXPECT_EQ(formatDate(*a.due_date), "2026-11-27");
  EXPECT_EQ(a.fiscal_year, 2027);
  EXPECT_EQ(reasons(a), (Names{"repair_cost"}));
}

TEST(Planning, RepairCostNeedsAKnownReplacementCost) {
  PlanDevice p = device(1, DeviceKind::laptop);  // no replacement model for laptops
  p.repair_cost_cents = 100000;
  auto a = assess(p, rules(), kToday);
  EXPECT_FALSE(a.due_date.has_value());
  EXPECT_TRUE(a.unplannable);

  p.purchase_price_cents = 150000;  // the purchase price prices it
  a = assess(p, rules(), kToday);
  EXPECT_EQ(reasons(a), (Names{"repair_cost"}));

  PlanDevice free_model = device(2);
  free_model.model_unit_cost_cents = 0;  // a zero cost must not make every device due
  free_model.purchase_date = "2025-08-01";
  EXPECT_FALSE(assess(free_model, rules(), kToday).reasons.has(DueReason::repair_cost));
}

TEST(Planning, TheShareComparisonIsExact) {
  EXPECT_TRUE(reachesShare(333, 1000, 0.333));
  EXPECT_FALSE(reachesShare(332, 1000, 0.333));
  EXPECT_TRUE(reachesShare(100, 100, 1.0));
  EXPECT_FALSE(reachesShare(99, 100, 1.0));
  // Large amounts do not overflow: 10 billion units at 0.45.
  EXPECT_TRUE(reachesShare(450'000'000'000'00, 1'000'000'000'000'00, 0.45));
  EXPECT_FALSE(reachesShare(449'999'999'999'99, 1'000'000'000'000'00, 0.45));
}

TEST(Planning, WorkOrdersInTheLastYearAtTheLimitMakeItDue) {
  PlanDevice p = device(1);
  p.purchase_date = "2025-08-01";
  p.work_orders_last_year = 2;
  EXPECT_FALSE(assess(p, rules(), kToday).reasons.has(DueReason::repair_count));
  p.work_orders_last_year = 3;
  auto a = assess(p, rules(), kToday);
  EXPECT_EQ(reasons(a), (Names{"repair_count"}));
  EXPECT_EQ(a.fiscal_year, 2027);
  EXPECT_EQ(formatDate(*a.due_date), "2026-11-27");

  // Together with an overdue date: the earlier date stays the due date, and every reason is listed.
  p.aue_date = "2025-01-01";
  p.model_unit_cost_cents = 10000;
  p.repair_cost_cents = 6000;
  a = assess(p, rules(), kToday);
  EXPECT_EQ(formatDate(*a.due_date), "2025-01-01");
  EXPECT_EQ(reasons(a), (Names{"aue", "repair_cost", "repair_count", "overdue"}));
}

TEST(Planning, TheWorkOrderWindowIsOneYearBack) {
  EXPECT_EQ(formatDate(workOrderWindowStart(kToday)), "2025-11-27");
  EXPECT_EQ(formatDate(workOrderWindowStart(d("2028-02-29"))), "2027-02-28");
}

TEST(Planning, NoDateAndNoRepairReasonIsUnplannable) {
  PlanDevice p = device(1);  // chromebook with neither purchase date nor AUE
  auto a = assess(p, rules(), kToday);
  EXPECT_TRUE(a.unplannable);
  EXPECT_FALSE(a.due_date.has_value());

  PlanDevice desktop = device(2, DeviceKind::desktop);  // a purchase date but no life for its kind
  desktop.purchase_date = "2015-01-01";
  EXPECT_TRUE(assess(desktop, rules(), kToday).unplannable);

  p.work_orders_last_year = 5;
  a = assess(p, rules(), kToday);
  EXPECT_FALSE(a.unplannable);
  EXPECT_EQ(reasons(a), (Names{"repair_count"}));
}

TEST(Planning, ACorruptDateCountsAsMissing) {
  PlanDevice p = device(1);
  p.aue_date = "2027-02-30";
  p.purchase_date = "soon";
  EXPECT_TRUE(assess(p, rules(), kToday).unplannable);
}

// --- replacement cost ---------------------------------------------------------------------------

TEST(Planning, ReplacementCostFallsBackInOrder) {
  PlanDevice p = device(1);
  p.model_unit_cost_cents = 31900;
  p.purchase_price_cents = 25000;
  auto c = replacementCost(p, rules());
  EXPECT_EQ(c.cents, 31900);
  EXPECT_EQ(c.source, CostSource::model);

  p.model_unit_cost_cents.reset();
  c = replacementCost(p, rules());
  EXPECT_EQ(c.cents, 28900);
  EXPECT_EQ(c.source, CostSource::replacement_model);

  p.kind = DeviceKind::laptop;  // no replacement model for laptops
  c = replacementCost(p, rules());
  EXPECT_EQ(c.cents, 25000);
  EXPECT_EQ(c.source, CostSource::purchase_price);

  p.purchase_price_cents.reset();
  c = replacementCost(p, rules());
  EXPECT_FALSE(c.cents.has_value());
  EXPECT_EQ(c.source, CostSource::unknown);
  EXPECT_EQ(toString(c.source), "unknown");
}

TEST(Planning, RulesComeFromTheConfigAndTheCatalog) {
  Config config;
  config.fiscal_year_start_month = 10;
  config.fiscal_year_start_day = 1;
  config.planning.default_life_years = {{"chromebook", 6}, {"laptop", 3}};
  config.planning.replacement_model = {
      {"chromebook", "CB New"}, {"laptop", "Not In Catalog"}, {"tablet", "Priceless"}};
  CatalogModel cb{.model = "CB New", .kind = DeviceKind::chromebook, .unit_cost_cents = 31900};
  CatalogModel priceless{.model = "Priceless", .kind = DeviceKind::tablet};
  std::vector<CatalogModel> catalog{cb, priceless};
  auto r = planningRules(config, catalog);
  EXPECT_EQ(r.fiscal_year_start.month, 10);
  EXPECT_EQ(r.default_life_years.at(DeviceKind::chromebook), 6);
  EXPECT_EQ(r.default_life_years.at(DeviceKind::laptop), 3);
  EXPECT_FALSE(r.default_life_years.contains(DeviceKind::tablet));
  EXPECT_EQ(r.replacement_unit_cost_cents.size(), 1u);
  EXPECT_EQ(r.replacement_unit_cost_cents.at(DeviceKind::chromebook), 31900);
}

// --- priority -----------------------------------------------------------------------------------

TEST(Planning, PriorityIsPastAueThenAueSoonestThenOldestThenRepairCost) {
  const sys_days today{kToday};
  auto key = [](std::int64_t id, const char* aue, const char* bought, std::int64_t repair) {
    PriorityKey k;
    k.id = id;
    if (*aue) k.aue = sys_days{d(aue)};
    if (*bought) k.purchased = sys_days{d(bought)};
    k.repair_cost_cents = repair;
    return k;
  };
  std::vector<PriorityKey> keys = {
      key(1, "", "", 0),               // nothing known: last
      key(2, "", "2019-01-01", 0),     // no AUE, oldest of those
      key(3, "", "2021-01-01", 5000),  // no AUE, same age as 4 but more repair cost
      key(4, "", "2021-01-01", 100),
      key(5, "2027-03-01", "2024-01-01", 0),  // AUE ahead, soonest of the future ones
      key(6, "2028-01-01", "2018-01-01", 0),
      key(7, "2026-11-26", "2024-01-01", 0),   // AUE past (yesterday)
      key(8, "2024-06-01", "2023-01-01", 0),   // AUE longest past: first
      key(9, "2026-11-27", "2017-01-01", 0),   // AUE today: not past yet
      key(10, "2027-03-01", "2022-01-01", 0),  // same AUE as 5, older: before 5
      key(11, "", "2021-01-01", 100),          // ties with 4 except id
  };
  std::sort(keys.begin(), keys.end(),
            [&](const auto& a, const auto& b) { return higherPriority(a, b, today); });
  std::vector<std::int64_t> order;
  for (const auto& k : keys) order.push_back(k.id);
  EXPECT_EQ(order, (std::vector<std::int64_t>{8, 7, 9, 10, 5, 6, 2, 3, 4, 11, 1}));
}

// --- repair or replace --------------------------------------------------------------------------

PlanDevice healthyChromebook() {
  PlanDevice p = device(1);
  p.purchase_date = "2025-08-01";
  p.aue_date = "2031-06-01";
  p.model_unit_cost_cents = 28900;
  return p;
}

TEST(Planning, RepairWhenCheapAndYoung) {
  auto a = adviseRepair(healthyChromebook(), rules(), kToday, 5400, 0);
  EXPECT_FALSE(a.replace);
  EXPECT_EQ(a.reasons, (Names{"below_share"}));
  EXPECT_EQ(a.repair_cost_cents, 5400);
  EXPECT_EQ(a.replacement.cents, 28900);
  EXPECT_NE(a.message.find("54.00"), std::string::npos) << a.message;
}

TEST(Planning, ReplaceWhenThisOrderPlusEarlierRepairsReachTheShare) {
  auto a = adviseRepair(healthyChromebook(), rules(), kToday, 9000, 5449);  // 144.49 of 289.00
  EXPECT_FALSE(a.replace);
  a = adviseRepair(healthyChromebook(), rules(), kToday, 9000, 5450);  // 144.50: exactly half
  EXPECT_TRUE(a.replace);
  EXPECT_EQ(a.reasons, (Names{"repair_cost"}));
  EXPECT_EQ(a.repair_cost_cents, 14450);
  EXPECT_NE(a.message.find("144.50"), std::string::npos) << a.message;
}

TEST(Planning, ReplaceWhenAueIsWithinTheWarningWindowOrPast) {
  // A calendar fiscal year keeps "due this year" (FY2026 ends 2026-12-31) out of the way of the window.
  PlanningRules calendar = rules();
  calendar.fiscal_year_start = {1, 1};
  PlanDevice p = healthyChromebook();
  p.aue_date = "2027-05-27";  // today + 181 days
  EXPECT_FALSE(adviseRepair(p, calendar, kToday, 1000, 0).replace);
  p.aue_date = "2027-05-26";  // today + 180 days
  auto a = adviseRepair(p, calendar, kToday, 1000, 0);
  EXPECT_TRUE(a.replace);
  EXPECT_EQ(a.reasons, (Names{"aue"}));
  EXPECT_NE(a.message.find("within 180 days"), std::string::npos) << a.message;

  // With the July year the same AUE falls in FY2027, so the device is also due this year.
  EXPECT_EQ(adviseRepair(p, rules(), kToday, 1000, 0).reasons, (Names{"aue", "due"}));

  p.aue_date = "2027-08-01";  // 247 days away, in FY2028
  EXPECT_FALSE(adviseRepair(p, rules(), kToday, 1000, 0).replace);
  PlanningRules wide = rules();
  wide.aue_warning_days = 365;
  EXPECT_EQ(adviseRepair(p, wide, kToday, 1000, 0).reasons, (Names{"aue"}));

  p.aue_date = "2026-01-01";
  a = adviseRepair(p, rules(), kToday, 1000, 0);
  EXPECT_EQ(a.reasons, (Names{"aue", "due"}));
  EXPECT_NE(a.message.find("has passed"), std::string::npos) << a.message;
}

TEST(Planning, ReplaceWhenAlreadyDueThisYear) {
  PlanDevice p = healthyChromebook();
  p.kind = DeviceKind::laptop;
  p.purchase_date = "2022-09-01";  // 4-year life ended 2026-09-01
  auto a = adviseRepair(p, rules(), kToday, 1000, 0);
  EXPECT_TRUE(a.replace);
  EXPECT_EQ(a.reasons, (Names{"due"}));
  EXPECT_NE(a.message.find("FY2027 (age)"), std::string::npos) << a.message;

  p.purchase_date = "2023-07-01";  // ends 2027-07-01: FY2028
  EXPECT_FALSE(adviseRepair(p, rules(), kToday, 1000, 0).replace);
}

TEST(Planning, RepairWhenNothingPricesAReplacement) {
  PlanDevice p = device(1, DeviceKind::laptop);
  p.purchase_date = "2025-08-01";
  auto a = adviseRepair(p, rules(), kToday, 1000000, 0);
  EXPECT_FALSE(a.replace);
  EXPECT_EQ(a.reasons, (Names{"cost_unknown"}));
  EXPECT_FALSE(a.replacement.cents.has_value());
}

TEST(Planning, AdviceAsJson) {
  auto j = repairAdviceJson(adviseRepair(healthyChromebook(), rules(), kToday, 9000, 5450));
  EXPECT_EQ(j["advice"], "replace");
  EXPECT_EQ(j["reasons"], nlohmann::json::array({"repair_cost"}));
  EXPECT_EQ(j["repair_cost"], "144.50");
  EXPECT_EQ(j["replacement_cost"], "289.00");
  EXPECT_TRUE(j["summary"].get<std::string>().starts_with("replace: "));
  PlanDevice unknown = device(2, DeviceKind::laptop);
  j = repairAdviceJson(adviseRepair(unknown, rules(), kToday, 100, 0));
  EXPECT_EQ(j["advice"], "repair");
  EXPECT_TRUE(j["replacement_cost"].is_null());
}

}  // namespace
}  // namespace fk
