#include <gtest/gtest.h>

#include "core/planning.hpp"
#include "core/planning_test_support.hpp"
#include "core/values.hpp"

namespace fk {
namespace {

// The plan over a fleet and the budget: the per-device rules are pinned in planning_test.cpp.

using namespace std::chrono;

using namespace test;  // kToday, rules(), device(): planning_test_support.hpp

// --- the plan -----------------------------------------------------------------------------------

struct Fleet {
  std::vector<PlanDevice> devices;
  PlanDevice& add(std::int64_t id, DeviceKind kind, const char* model, const char* location, const char* aue,
                  const char* bought, std::optional<std::int64_t> unit_cost) {
    PlanDevice p = device(id, kind);
    p.model = model;
    p.location = location;
    p.aue_date = aue;
    p.purchase_date = bought;
    p.model_unit_cost_cents = unit_cost;
    devices.push_back(p);
    return devices.back();
  }
};

std::vector<std::int64_t> ids(const std::vector<PlanEntry>& entries, const std::vector<PlanDevice>& devices) {
  std::vector<std::int64_t> out;
  for (const auto& e : entries) out.push_back(devices[e.device].id);
  return out;
}

Fleet sampleFleet() {
  Fleet f;
  f.add(1, DeviceKind::chromebook, "CB11", "Lincoln", "2026-06-01", "2021-08-01", 28900);  // overdue
  f.add(2, DeviceKind::chromebook, "CB11", "Lincoln", "2027-06-01", "2022-08-01", 28900);  // FY2027 aue
  f.add(3, DeviceKind::chromebook, "CB11", "Roosevelt", "2027-06-01", "2022-08-01", 28900);
  f.add(4, DeviceKind::laptop, "Lat3140", "Roosevelt", "", "2023-09-01", 89900);  // 2027-09-01: FY2028
  f.add(5, DeviceKind::laptop, "", "", "", "2024-01-15", std::nullopt)            // FY2028, unknown cost
      .purchase_price_cents = std::nullopt;
  f.add(6, DeviceKind::chromebook, "CB14", "Lincoln", "2031-06-01", "2026-08-01", 39900);  // FY2031 aue
  f.add(7, DeviceKind::chromebook, "CB14", "Lincoln", "2033-06-01", "2026-08-01", 39900);  // FY2032: beyond 5
  f.add(8, DeviceKind::desktop, "Opti", "Office", "", "2020-01-01", 70000);  // no life for desktops
  f.add(9, DeviceKind::other, "", "", "", "", std::nullopt);                 // nothing known
  f.add(10, DeviceKind::chromebook, "CB11", "Lincoln", "2020-01-01", "2019-01-01", 28900).status =
      DeviceStatus::retired;
  return f;
}

TEST(Planning, ThePlanSplitsEachYearByModelLocationAndReason) {
  Fleet f = sampleFleet();
  auto plan = buildPlan(f.devices, rules(), kToday, PlanOptions{});
  EXPECT_EQ(plan.current_fiscal_year, 2027);
  ASSERT_EQ(plan.years.size(), 5u);
  EXPECT_EQ(plan.years[0].fiscal_year, 2027);
  EXPECT_EQ(formatDate(plan.years[0].begins), "2026-07-01");
  EXPECT_EQ(formatDate(plan.years[4].ends), "2031-06-30");
  EXPECT_FALSE(plan.budgeted);
  EXPECT_EQ(plan.in_service, 9);
  EXPECT_EQ(plan.unplannable, 2);     // 8 and 9
  EXPECT_EQ(plan.beyond_horizon, 1);  // 7

  const auto& fy27 = plan.years[0];
  EXPECT_EQ(ids(fy27.devices, f.devices), (std::vector<std::int64_t>{1, 2, 3}));  // past AUE first
  EXPECT_EQ(fy27.total.count, 3);
  EXPECT_EQ(fy27.total.cost_cents, 3 * 28900);
  EXPECT_EQ(fy27.by_model.at("CB11").count, 3);
  EXPECT_EQ(fy27.by_location.at("Lincoln").count, 2);
  EXPECT_EQ(fy27.by_location.at("Roosevelt").cost_cents, 28900);
  EXPECT_EQ(fy27.by_reason.at("aue").count, 3);
  EXPECT_EQ(fy27.by_reason.at("overdue").count, 1);
  EXPECT_EQ(fy27.by_reason.at("age").count, 1);  // 1 was bought 2021-08-01: five years end in FY2027
  EXPECT_TRUE(fy27.devices[0].reasons.has(DueReason::overdue));
  EXPECT_EQ(formatDate(fy27.devices[0].due_date), "2026-06-01");

  const auto& fy28 = plan.years[1];
  EXPECT_EQ(ids(fy28.devices, f.devices), (std::vector<std::int64_t>{4, 5}));
  EXPECT_EQ(fy28.total.count, 2);
  EXPECT_EQ(fy28.total.cost_cents, 89900);
  EXPECT_EQ(fy28.total.unknown_cost, 1);
  EXPECT_EQ(fy28.by_model.at("").unknown_cost, 1);
  EXPECT_EQ(fy28.by_reason.at("age").count, 2);

  EXPECT_TRUE(plan.years[2].devices.empty());
  EXPECT_TRUE(plan.years[3].devices.empty());
  EXPECT_EQ(ids(plan.years[4].devices, f.devices), (std::vector<std::int64_t>{6}));

  EXPECT_EQ(plan.total.count, 6);
  EXPECT_EQ(plan.total.cost_cents, 3 * 28900 + 89900 + 39900);
  EXPECT_EQ(plan.unknown_cost, 1);
  EXPECT_TRUE(plan.backlog.empty());
}

TEST(Planning, TheHorizonIsClampedAndCountsWhatLiesBeyond) {
  Fleet f = sampleFleet();
  auto one = buildPlan(f.devices, rules(), kToday, PlanOptions{.years = 1});
  ASSERT_EQ(one.years.size(), 1u);
  EXPECT_EQ(one.beyond_horizon, 4);  // 4, 5, 6, 7
  auto many = buildPlan(f.devices, rules(), kToday, PlanOptions{.years = 99});
  EXPECT_EQ(many.years.size(), static_cast<std::size_t>(kMaxPlanYears));
  EXPECT_EQ(many.beyond_horizon, 0);
  EXPECT_EQ(many.years[5].fiscal_year, 2032);
  EXPECT_EQ(ids(many.years[5].devices, f.devices), (std::vector<std::int64_t>{7}));
}

TEST(Planning, ABudgetDefersTheLowestPriorityToTheNextYear) {
  Fleet f;
  f.add(1, DeviceKind::chromebook, "CB", "A", "2027-05-01", "2022-01-01", 30000);
  f.add(2, DeviceKind::chromebook, "CB", "A", "2026-01-01", "2022-01-01", 30000);  // past AUE: first
  f.add(3, DeviceKind::chromebook, "CB", "A", "2027-02-01", "2022-01-01", 30000);
  f.add(4, DeviceKind::chromebook, "CB", "A", "2027-06-01", "2022-01-01", 10000);  // cheap but last
  f.add(5, DeviceKind::chromebook, "CB", "B", "2028-01-01", "2023-06-01", 30000);  // FY2028
  PlanOptions o;
  o.years = 3;
  o.budget_cents = 60000;
  auto plan = buildPlan(f.devices, rules(), kToday, o);
  EXPECT_TRUE(plan.budgeted);

  const auto& fy27 = plan.years[0];
  EXPECT_EQ(fy27.budget_cents, 60000);
  EXPECT_EQ(ids(fy27.devices, f.devices), (std::vector<std::int64_t>{2, 3}));
  // 1 does not fit; 4 would, but it waits behind 1.
  EXPECT_EQ(ids(fy27.deferred, f.devices), (std::vector<std::int64_t>{1, 4}));
  EXPECT_EQ(fy27.deferred_total.count, 2);
  EXPECT_EQ(fy27.deferred_total.cost_cents, 40000);
  EXPECT_EQ(fy27.total.cost_cents, 60000);

  // FY2028: the two carried in rank with 5 by priority (AUE 2027-05 and 2027-06 before 2028-01).
  const auto& fy28 = plan.years[1];
  EXPECT_EQ(ids(fy28.devices, f.devices), (std::vector<std::int64_t>{1, 4}));
  EXPECT_EQ(fy28.devices[0].due_fiscal_year, 2027);
  EXPECT_EQ(fy28.devices[0].fiscal_year, 2028);
  EXPECT_EQ(ids(fy28.deferred, f.devices), (std::vector<std::int64_t>{5}));

  EXPECT_EQ(ids(plan.years[2].devices, f.devices), (std::vector<std::int64_t>{5}));
  EXPECT_TRUE(plan.backlog.empty());
  EXPECT_EQ(plan.total.count, 5);
  EXPECT_EQ(plan.total.cost_cents, 130000);
}

TEST(Planning, WhatNoYearCanFundIsTheBacklog) {
  Fleet f;
  for (int i = 1; i <= 5; ++i) f.add(i, DeviceKind::chromebook, "CB", "A", "2026-01-01", "2021-01-01", 30000);
  PlanOptions o;
  o.years = 2;
  o.budget_cents = 30000;
  auto plan = buildPlan(f.devices, rules(), kToday, o);
  EXPECT_EQ(ids(plan.years[0].devices, f.devices), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(ids(plan.years[1].devices, f.devices), (std::vector<std::int64_t>{2}));
  EXPECT_EQ(ids(plan.years[1].deferred, f.devices), (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_EQ(ids(plan.backlog, f.devices), (std::vector<std::int64_t>{3, 4, 5}));
  EXPECT_EQ(plan.backlog_total.count, 3);
  EXPECT_EQ(plan.backlog_total.cost_cents, 90000);
  EXPECT_EQ(plan.backlog[0].fiscal_year, 0);
  EXPECT_EQ(plan.total.count, 2);

  o.budget_cents = 0;
  plan = buildPlan(f.devices, rules(), kToday, o);
  EXPECT_EQ(plan.total.count, 0);
  EXPECT_EQ(plan.backlog.size(), 5u);
}

TEST(Planning, PerYearBudgetsLimitOnlyTheYearsTheyName) {
  Fleet f;
  for (int i = 1; i <= 4; ++i) f.add(i, DeviceKind::chromebook, "CB", "A", "2026-01-01", "2021-01-01", 30000);
  PlanOptions o;
  o.years = 3;
  o.budgets_cents = {{2027, 30000}, {2029, 0}};
  auto plan = buildPlan(f.devices, rules(), kToday, o);
  EXPECT_EQ(plan.years[0].budget_cents, 30000);
  EXPECT_FALSE(plan.years[1].budget_cents.has_value());
  EXPECT_EQ(plan.years[2].budget_cents, 0);
  EXPECT_EQ(plan.years[0].devices.size(), 1u);
  EXPECT_EQ(plan.years[1].devices.size(), 3u);  // no limit in FY2028: everything carried is funded
  EXPECT_TRUE(plan.backlog.empty());

  o.budget_cents = 1;  // the per-year map wins over the flat budget where both speak
  plan = buildPlan(f.devices, rules(), kToday, o);
  EXPECT_EQ(plan.years[1].budget_cents, 1);
}

TEST(Planning, DevicesWithUnknownCostNeverBreakABudget) {
  Fleet f;
  f.add(1, DeviceKind::laptop, "", "A", "2026-01-01", "2021-01-01", std::nullopt);
  f.add(2, DeviceKind::laptop, "", "A", "2026-02-01", "2021-01-01", 50000);
  PlanOptions o;
  o.years = 1;
  o.budget_cents = 50000;
  auto plan = buildPlan(f.devices, rules(), kToday, o);
  EXPECT_EQ(plan.years[0].devices.size(), 2u);
  EXPECT_EQ(plan.years[0].total.unknown_cost, 1);
  EXPECT_EQ(plan.unknown_cost, 1);
}

TEST(Planning, BudgetsParseFromFiscalYearAmountPairs) {
  auto b = parseBudgets("FY2027:150000,FY2028:90000.50,fy2029:0");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(*b, (std::map<int, std::int64_t>{{2027, 15000000}, {2028, 9000050}, {2029, 0}}));
  for (const char* bad : {"", "FY2027", "FY2027:", "2027:100", "FY2027:abc", "FY2027:-5", "FY2027:1,",
                          "FY2027:1,FY2027:2", ",FY2027:1", "FY2027:1.234"}) {
    auto r = parseBudgets(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().details.value("field", ""), "budgets") << bad;
  }
}

// --- the metrics' tally ---------------------------------------------------------------------------

// A fleet of every kind of case the totals can meet: each status, own and catalog AUE (past, near, far,
// none), purchase dates or none, planned replacement dates, repair costs and counts, known and unknown
// costs, kinds without a default life.
std::vector<PlanDevice> mixedFleet() {
  std::vector<PlanDevice> out;
  const DeviceStatus statuses[] = {DeviceStatus::deployed, DeviceStatus::in_stock, DeviceStatus::in_repair,
                                   DeviceStatus::retired,  DeviceStatus::lost,     DeviceStatus::on_order};
  const DeviceKind kinds[] = {DeviceKind::chromebook, DeviceKind::laptop, DeviceKind::tablet, DeviceKind::desktop};
  for (int i = 1; i <= 600; ++i) {
    PlanDevice d = device(i, kinds[i % 4]);
    d.status = statuses[i % 6];
    d.model = "M" + std::to_string(i % 7);
    if (i % 9 != 0) d.purchase_date = formatDate(year_month_day{year{2016 + i % 11}, month{1u + i % 12}, day{1u + i % 28}});
    if (i % 5 == 0) d.aue_date = formatDate(year_month_day{year{2024 + i % 9}, month{6}, day{1}});
    if (i % 6 == 1) d.model_aue_date = formatDate(year_month_day{year{2025 + i % 8}, month{1}, day{15}});
    if (i % 13 == 0) d.replacement_date = formatDate(year_month_day{year{2027 + i % 4}, month{3}, day{1}});
    if (i % 3 != 0) d.model_unit_cost_cents = 20000 + 137 * i;
    if (i % 17 == 0) d.purchase_price_cents = 45000;
    if (i % 11 == 0) d.model_life_years = 3;
    d.repair_cost_cents = i % 8 == 0 ? 90000 : 0;
    d.work_orders_last_year = i % 10 == 0 ? 4 : 0;
    out.push_back(std::move(d));
  }
  return out;
}

TEST(DueTotals, AreTheUnbudgetedPlansYearTotals) {
  const auto fleet = mixedFleet();
  for (int years : {1, 3, 5, kMaxPlanYears}) {
    const Plan plan = buildPlan(fleet, rules(), kToday, PlanOptions{.years = years});
    DueTotals tally(rules(), kToday, years);
    for (const auto& d : fleet) tally.add(d);
    ASSERT_EQ(tally.years().size(), plan.years.size()) << years;
    EXPECT_EQ(tally.firstFiscalYear(), plan.current_fiscal_year);
    std::int64_t counted = 0;
    for (std::size_t y = 0; y < plan.years.size(); ++y) {
      const PlanBucket& want = plan.years[y].total;
      const PlanBucket& got = tally.years()[y];
      EXPECT_EQ(got.count, want.count) << years << " years, year " << y;
      EXPECT_EQ(got.cost_cents, want.cost_cents) << years << " years, year " << y;
      EXPECT_EQ(got.unknown_cost, want.unknown_cost) << years << " years, year " << y;
      counted += got.count;
    }
    // Guards the comparison: devices fall in more than one year and some are left out.
    EXPECT_GT(plan.years.front().total.count, 0);
    EXPECT_GT(plan.years.front().total.unknown_cost, 0);
    if (years > 1) {
      EXPECT_GT(plan.years[1].total.count, 0);
    }
    EXPECT_LT(counted, static_cast<std::int64_t>(fleet.size()));
  }
}

}  // namespace
}  // namespace fk
