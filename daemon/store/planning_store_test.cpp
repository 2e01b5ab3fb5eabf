#include "store/planning_store.hpp"

#include <gtest/gtest.h>

#include "core/values.hpp"
#include "store/device_store.hpp"
#include "store/model_store.hpp"
#include "store/report_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

const std::chrono::year_month_day kToday = *parseDate("2026-11-27");

class PlanningStoreTest : public test::StoreTest {
 protected:
  std::int64_t add(const std::string& serial, DeviceKind kind, const std::string& model,
                   const std::string& aue, const std::string& bought,
                   DeviceStatus status = DeviceStatus::deployed) {
    DeviceStore store(db());
    DeviceDraft d = test::draft(serial, "T-" + serial);
    d.kind = kind;
    if (!model.empty()) d.model = model;
    if (!aue.empty()) d.aue_date = aue;
    if (!bought.empty()) d.purchase_date = bought;
    d.purchase_price_cents = std::optional<std::int64_t>(20000);
    d.location = "Lincoln";
    d.status = status;
    auto created = store.create(d, "system");
    EXPECT_TRUE(created.has_value()) << (created ? "" : created.error().message);
    return created ? created->id : 0;
  }
  // Work orders straight into the v3 table: the planning store only reads them.
  void workOrder(std::int64_t device, const std::string& opened_at, const std::string& status,
                 std::int64_t parts_cents = 0, std::int64_t labour_cents = 0) {
    const bool closed = status == "resolved" || status == "cancelled" || status == "unrepairable";
    exec(
        "INSERT INTO work_orders (device_id, category, description, status, prior_status, opened_by, "
        "opened_at, "
        "updated_at, closed_at, parts_cost_cents, labour_cost_cents) VALUES (" +
        std::to_string(device) + ", 'screen', 'cracked', '" + status + "', 'deployed', 'test', '" +
        opened_at + "', '" + opened_at + "', " + (closed ? "'" + opened_at + "'" : "NULL") + ", " +
        std::to_string(parts_cents) + ", " + std::to_string(labour_cents) + ")");
  }
  void putModel(const std::string& name, std::optional<std::int64_t> cost, std::optional<int> life,
                const std::string& aue) {
    CatalogModel m;
    m.model = name;
    m.kind = DeviceKind::chromebook;
    m.unit_cost_cents = cost;
    m.life_years = life;
    m.aue_date = aue;
    ASSERT_TRUE(ModelStore(db()).put(m));
  }
};

TEST_F(PlanningStoreTest, LoadsDevicesInServiceWithTheirCatalogEntry) {
  putModel("CB11", 28900, 6, "2028-06-01");
  const auto a = add("A", DeviceKind::chromebook, "CB11", "", "2022-08-01");
  add("B", DeviceKind::laptop, "Unknown", "2027-01-01", "");
  add("R", DeviceKind::chromebook, "CB11", "", "", DeviceStatus::retired);
  add("L", DeviceKind::chromebook, "CB11", "", "", DeviceStatus::lost);
  exec("UPDATE devices SET repair_cost_cents = 5400 WHERE serial = 'A'");

  auto in = loadPlanInputs(db(), kToday);
  ASSERT_TRUE(in) << in.error().message;
  ASSERT_EQ(in->devices.size(), 2u);
  const PlanDevice& p = in->devices[0];
  EXPECT_EQ(p.id, a);
  EXPECT_EQ(p.asset_tag, "T-A");
  EXPECT_EQ(p.serial, "A");
  EXPECT_EQ(p.kind, DeviceKind::chromebook);
  EXPECT_EQ(p.model, "CB11");
  EXPECT_EQ(p.location, "Lincoln");
  EXPECT_EQ(p.purchase_date, "2022-08-01");
  EXPECT_EQ(p.purchase_price_cents, 20000);
  EXPECT_EQ(p.aue_date, "");
  EXPECT_EQ(p.repair_cost_cents, 5400);
  EXPECT_EQ(p.model_unit_cost_cents, 28900);
  EXPECT_EQ(p.model_life_years, 6);
  EXPECT_EQ(p.model_aue_date, "2028-06-01");

  const PlanDevice& b = in->devices[1];
  EXPECT_EQ(b.aue_date, "2027-01-01");
  EXPECT_FALSE(b.model_unit_cost_cents.has_value());
  EXPECT_FALSE(b.model_life_years.has_value());
  EXPECT_EQ(b.model_aue_date, "");
  ASSERT_EQ(in->catalog.size(), 1u);
  EXPECT_EQ(in->catalog[0].unit_cost_cents, 28900);
}

TEST_F(PlanningStoreTest, CountsWorkOrdersOfTheLastTwelveMonthsButNotCancelledOnes) {
  const auto a = add("A", DeviceKind::chromebook, "", "", "2024-01-01");
  const auto b = add("B", DeviceKind::chromebook, "", "", "2024-01-01");
  workOrder(a, "2025-11-26T23:59:59Z", "resolved");  // a day before the window
  workOrder(a, "2025-11-27T00:00:00Z", "resolved");  // first moment of the window
  workOrder(a, "2026-03-01T10:00:00Z", "cancelled");
  workOrder(a, "2026-11-27T08:00:00Z", "open");
  workOrder(b, "2026-05-01T08:00:00Z", "unrepairable");

  auto in = loadPlanInputs(db(), kToday);
  ASSERT_TRUE(in) << in.error().message;
  ASSERT_EQ(in->devices.size(), 2u);
  EXPECT_EQ(in->devices[0].work_orders_last_year, 2);
  EXPECT_EQ(in->devices[1].work_orders_last_year, 1);

  auto one = loadPlanDevice(db(), a, kToday);
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->work_orders_last_year, 2);
}

TEST_F(PlanningStoreTest, OneDeviceLoadsInAnyStatusAndUnknownIsNotFound) {
  const auto r = add("R", DeviceKind::chromebook, "", "", "", DeviceStatus::retired);
  auto one = loadPlanDevice(db(), r, kToday);
  ASSERT_TRUE(one) << one.error().message;
  EXPECT_EQ(one->status, DeviceStatus::retired);
  auto missing = loadPlanDevice(db(), 9999, kToday);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
}

TEST_F(PlanningStoreTest, ComputePlanPricesWithTheReplacementModelFromTheCatalog) {
  putModel("CB New", 31900, std::nullopt, "");
  add("OLD", DeviceKind::chromebook, "Gone From Catalog", "2026-01-01", "");
  add("NODATE", DeviceKind::chromebook, "", "", "");
  Config config;
  config.planning.replacement_model = {{"chromebook", "CB New"}};
  auto computed = computePlan(db(), config, kToday, PlanOptions{});
  ASSERT_TRUE(computed) << computed.error().message;
  const Plan& plan = computed->plan;
  EXPECT_EQ(plan.in_service, 2);
  EXPECT_EQ(plan.unplannable, 1);
  ASSERT_EQ(plan.years[0].devices.size(), 1u);
  EXPECT_EQ(plan.years[0].devices[0].cost.cents, 31900);
  EXPECT_EQ(plan.years[0].devices[0].cost.source, CostSource::replacement_model);
  EXPECT_EQ(computed->inputs.devices[plan.years[0].devices[0].device].serial, "OLD");
}

TEST_F(PlanningStoreTest, DueTotalsForTheMetricsAreThePlansYearTotals) {
  // Alternating devices: one with a priced catalog model and four work orders this year (due now for
  // repairs), the next with neither and no purchase price. The tally reuses one PlanDevice for every
  // row, so anything it carried over from the one before would show as a known cost or a due device.
  putModel("CB11", 28900, 5, "2027-06-01");
  for (int i = 0; i < 12; ++i) {
    const std::string n = std::to_string(i);
    if (i % 2 == 0) {
      const auto id = add("P" + n, DeviceKind::chromebook, "CB11", "", "2023-0" + std::to_string(1 + i % 9) + "-01");
      for (int w = 0; w < 4; ++w) workOrder(id, "2026-0" + std::to_string(1 + w) + "-10T10:00:00Z", "resolved");
    } else {
      add("U" + n, DeviceKind::laptop, "", i % 3 == 0 ? "2027-09-01" : "", "2026-01-01");
    }
  }
  add("RET", DeviceKind::chromebook, "CB11", "2026-12-01", "2019-01-01", DeviceStatus::retired);
  exec("UPDATE devices SET purchase_price_cents = NULL");
  Config config;
  for (int years : {1, 3}) {
    auto plan = computePlan(db(), config, kToday, PlanOptions{.years = years});
    auto totals = computeDueTotals(db(), config, kToday, years);
    ASSERT_TRUE(plan && totals);
    ASSERT_EQ(totals->years().size(), plan->plan.years.size());
    for (std::size_t y = 0; y < totals->years().size(); ++y) {
      EXPECT_EQ(totals->years()[y].count, plan->plan.years[y].total.count) << years << "/" << y;
      EXPECT_EQ(totals->years()[y].cost_cents, plan->plan.years[y].total.cost_cents) << years << "/" << y;
      EXPECT_EQ(totals->years()[y].unknown_cost, plan->plan.years[y].total.unknown_cost) << years << "/" << y;
    }
    // The six priced devices are due this year for their repairs; the unpriced ones later or never.
    EXPECT_EQ(totals->years()[0].count, 6);
    EXPECT_EQ(totals->years()[0].cost_cents, 6 * 28900);
    EXPECT_EQ(totals->years()[0].unknown_cost, 0);
  }
}

TEST_F(PlanningStoreTest, ServiceCountsAndRepairSpendForTheSummary) {
  const auto a = add("A", DeviceKind::chromebook, "", "", "");
  const auto b = add("B", DeviceKind::chromebook, "", "", "");
  workOrder(a, "2026-06-30T23:00:00Z", "resolved", 5400, 2000);  // FY2026
  workOrder(a, "2026-07-01T00:00:00Z", "resolved", 1000, 0);     // FY2027
  workOrder(b, "2026-11-01T09:00:00Z", "open", 0, 1500);
  exec(
      "INSERT INTO people (external_id, name, role, created_at, updated_at) VALUES ('S1', 'Ann', 'student', "
      "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
  exec("INSERT INTO checkouts (device_id, person_id, due, checked_out_at, checked_out_by) VALUES (" +
       std::to_string(a) + ", 1, '2026-11-26', '2026-09-01T00:00:00Z', 'test')");
  exec("INSERT INTO checkouts (device_id, person_id, due, checked_out_at, checked_out_by) VALUES (" +
       std::to_string(b) + ", 1, '2026-11-27', '2026-09-01T00:00:00Z', 'test')");

  auto s = readServiceCounts(db(), "2026-11-27");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->open_work_orders, 1);
  EXPECT_EQ(s->overdue_checkouts, 1);  // due yesterday; the one due today is not late yet

  auto fy27 = readRepairSpendCents(db(), "2026-07-01", "2027-07-01");
  ASSERT_TRUE(fy27);
  EXPECT_EQ(*fy27, 2500);
  auto fy26 = readRepairSpendCents(db(), "2025-07-01", "2026-07-01");
  ASSERT_TRUE(fy26);
  EXPECT_EQ(*fy26, 7400);
  EXPECT_FALSE(readRepairSpendCents(db(), "July", "2026-07-01"));
}

TEST_F(PlanningStoreTest, WorkOrderAdviceTakesThisOrderOutOfTheLifetimeCost) {
  putModel("CB11", 28900, std::nullopt, "2031-06-01");
  const auto a = add("A", DeviceKind::chromebook, "CB11", "", "2025-08-01");
  // Lifetime 160.00, of which this order's parts and labour are 100.00: earlier repairs 60.00.
  exec("UPDATE devices SET repair_cost_cents = 16000 WHERE id = " + std::to_string(a));
  Config config;
  auto advice = adviseWorkOrder(db(), config, a, 10000, std::nullopt, kToday);
  ASSERT_TRUE(advice) << advice.error().message;
  EXPECT_EQ(advice->repair_cost_cents, 16000);
  EXPECT_TRUE(advice->replace);
  // The lifetime cost alone already makes it due this year.
  EXPECT_EQ(advice->reasons, (std::vector<std::string>{"repair_cost", "due"}));

  // Nothing spent yet: the estimate stands in for the order's cost.
  exec("UPDATE devices SET repair_cost_cents = 0 WHERE id = " + std::to_string(a));
  advice = adviseWorkOrder(db(), config, a, 0, 5400, kToday);
  ASSERT_TRUE(advice);
  EXPECT_EQ(advice->repair_cost_cents, 5400);
  EXPECT_FALSE(advice->replace);
  advice = adviseWorkOrder(db(), config, a, 0, 14450, kToday);
  ASSERT_TRUE(advice);
  EXPECT_TRUE(advice->replace);

  EXPECT_EQ(adviseWorkOrder(db(), config, 9999, 0, std::nullopt, kToday).error().code, Errc::not_found);
}

}  // namespace
}  // namespace fk
