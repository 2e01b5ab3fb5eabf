#include "metrics/planning_metrics.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <chrono>
#include <map>
#include <sstream>

#include "core/values.hpp"
#include "store/device_store.hpp"
#include "store/model_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using namespace std::chrono;

// fiscal_year label -> value, for one metric name.
std::map<std::string, double> series(prometheus::Registry& registry, const std::string& name) {
  std::map<std::string, double> out;
  std::istringstream in(prometheus::TextSerializer{}.Serialize(registry.Collect()));
  std::string line;
  const std::string prefix = name + "{fiscal_year=\"";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) != 0) continue;
    const auto close = line.find('"', prefix.size());
    out[line.substr(prefix.size(), close - prefix.size())] = std::stod(line.substr(line.rfind(' ') + 1));
  }
  return out;
}

system_clock::time_point at(const char* date, int hour = 12) {
  return sys_days{*parseDate(date)} + hours(hour);
}

class PlanningMetricsTest : public test::StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StoreTest::SetUp());
    config_ = std::make_shared<Config>();
    metrics_ = std::make_unique<PlanningMetrics>(
        registry_, *db_, [this] { return config_; }, [this] { return now_; });
  }
  void add(const std::string& serial, const std::string& model, const std::string& aue,
           DeviceStatus status = DeviceStatus::deployed) {
    DeviceDraft d;
    d.serial = serial;
    d.kind = DeviceKind::chromebook;
    d.model = model;
    d.aue_date = aue;
    d.status = status;
    ASSERT_TRUE(DeviceStore(*db_).create(d, "system"));
  }
  // A write the collector has not been told about yet (no noteWrite): it must not see it until the
  // generation moves, the day changes or the hour is up.
  void quietlyRetire(const std::string& serial) {
    exec("UPDATE devices SET status = 'retired' WHERE serial = '" + serial + "'");
  }

  std::shared_ptr<const Config> config_;
  prometheus::Registry registry_;
  system_clock::time_point now_ = at("2026-11-27");
  std::unique_ptr<PlanningMetrics> metrics_;
};

TEST_F(PlanningMetricsTest, ExportsTheCurrentYearAndTheNextFour) {
  CatalogModel m{.model = "CB11", .kind = DeviceKind::chromebook, .unit_cost_cents = 28950};
  ASSERT_TRUE(ModelStore(*db_).put(m));
  add("A", "CB11", "2025-01-01");  // overdue: FY2027
  add("B", "CB11", "2027-06-30");  // FY2027
  add("C", "", "2029-03-01");      // FY2029, no cost known
  add("D", "CB11", "2031-07-01");  // FY2032: beyond the five years
  add("E", "CB11", "2020-01-01", DeviceStatus::retired);
  db_->noteWrite();
  metrics_->refresh(false);
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_devices"),
            (std::map<std::string, double>{
                {"FY2027", 2}, {"FY2028", 0}, {"FY2029", 1}, {"FY2030", 0}, {"FY2031", 0}}));
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_cost"),
            (std::map<std::string, double>{
                {"FY2027", 579.0}, {"FY2028", 0}, {"FY2029", 0}, {"FY2030", 0}, {"FY2031", 0}}));
}

TEST_F(PlanningMetricsTest, RecomputesOnWritesTheDayAndEveryHourButNotOtherwise) {
  add("A", "", "2026-01-01");
  add("B", "", "2026-02-01");
  db_->noteWrite();
  metrics_->refresh(false);
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_devices")["FY2027"], 2);

  quietlyRetire("A");
  now_ += minutes(30);
  metrics_->refresh(false);
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_devices")["FY2027"], 2);  // nothing moved

  now_ += minutes(30);  // an hour since the last computation
  metrics_->refresh(false);
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_devices")["FY2027"], 1);

  quietlyRetire("B");
  db_->noteWrite();
  metrics_->refresh(false);
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_devices")["FY2027"], 0);
}

TEST_F(PlanningMetricsTest, TheOldYearLeavesWhenTheFiscalYearRollsOver) {
  add("A", "", "2028-01-01");
  db_->noteWrite();
  metrics_->refresh(false);
  auto before = series(registry_, "fleetkeep_replacement_due_devices");
  EXPECT_TRUE(before.contains("FY2027"));
  EXPECT_FALSE(before.contains("FY2032"));

  now_ = at("2027-07-01", 0);  // first day of FY2028
  metrics_->refresh(false);
  auto after = series(registry_, "fleetkeep_replacement_due_devices");
  EXPECT_EQ(after.size(), 5u);
  EXPECT_FALSE(after.contains("FY2027"));
  EXPECT_EQ(after["FY2028"], 1);
  EXPECT_TRUE(after.contains("FY2032"));
  EXPECT_FALSE(series(registry_, "fleetkeep_replacement_due_cost").contains("FY2027"));
}

TEST_F(PlanningMetricsTest, AReloadedConfigIsPickedUp) {
  add("A", "", "2026-09-15");
  add("B", "", "2027-09-30");  // FY2028 with a July year, FY2027 with an October one
  db_->noteWrite();
  metrics_->refresh(false);
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_devices")["FY2027"], 1);
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_devices")["FY2028"], 1);
  auto october = std::make_shared<Config>();
  october->fiscal_year_start_month = 10;
  october->fiscal_year_start_day = 1;
  config_ = october;
  metrics_->refresh(false);  // no write: the new config alone triggers it
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_devices")["FY2027"], 2);
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_devices")["FY2028"], 0);
}

TEST_F(PlanningMetricsTest, ASlowPlanBacksOffBeforeTheNextRun) {
  // Every clock reading advances a second, so one computation "takes" a second: the next may not
  // start until ten seconds after it, however many writes land meanwhile.
  PlanningMetrics slow(
      registry_, *db_, [this] { return config_; }, [this] { return now_ += seconds(1); });
  add("A", "", "2026-01-01");
  slow.refresh(false);
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_devices")["FY2027"], 1);
  add("B", "", "2026-01-01");  // the store's noteWrite moves the generation
  slow.refresh(false);
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_devices")["FY2027"], 1);
  now_ += seconds(10);
  slow.refresh(false);
  EXPECT_EQ(series(registry_, "fleetkeep_replacement_due_devices")["FY2027"], 2);
}

}  // namespace
}  // namespace fk
