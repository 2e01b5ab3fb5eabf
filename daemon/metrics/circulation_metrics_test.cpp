#include "metrics/circulation_metrics.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "metrics/fleet_metrics.hpp"
#include "store/checkout_store.hpp"
#include "store/device_store.hpp"
#include "store/people_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

class CirculationMetricsTest : public test::StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StoreTest::SetUp());
    metrics_ = std::make_unique<CirculationMetrics>(registry_, *db_, [this] { return today_; });
  }
  double value(const std::string& name) {
    for (const auto& family : registry_.Collect())
      if (family.name == name) return family.metric.at(0).gauge.value;
    ADD_FAILURE() << name << " not registered";
    return -1;
  }
  void addDevice(const std::string& tag, bool loaner) {
    DeviceDraft d;
    d.asset_tag = tag;
    d.loaner = loaner;
    ASSERT_TRUE(DeviceStore(*db_).create(d, "token:t"));
  }

  prometheus::Registry registry_;
  std::unique_ptr<CirculationMetrics> metrics_;
  std::string today_ = "2026-11-27";
};

TEST_F(CirculationMetricsTest, CountsOpenOverdueAndLoaners) {
  addDevice("CB-1", false);
  addDevice("L-1", true);
  addDevice("L-2", true);
  PersonDraft p;
  p.external_id = "S1";
  p.name = "Ada";
  p.role = PersonRole::student;
  ASSERT_TRUE(PeopleStore(*db_).create(p));
  metrics_->refresh(false);
  EXPECT_EQ(value("fleetkeep_checkouts_open"), 0);
  EXPECT_EQ(value("fleetkeep_loaners_available"), 2);

  CheckoutStore checkouts(*db_);
  ASSERT_TRUE(
      checkouts.checkOut({{DeviceRef::By::asset_tag, 0, "CB-1"}, "S1", "", "2026-11-28", {}, ""}, "t"));
  ASSERT_TRUE(
      checkouts.checkOut({{DeviceRef::By::asset_tag, 0, "L-1"}, "", "Cart 1", "2026-12-31", {}, ""}, "t"));
  metrics_->refresh(false);
  EXPECT_EQ(value("fleetkeep_checkouts_open"), 2);
  EXPECT_EQ(value("fleetkeep_checkouts_overdue"), 0);
  EXPECT_EQ(value("fleetkeep_loaners_available"), 1);

  // No write, but two days later the first loan is overdue: the day change alone triggers a refresh.
  today_ = "2026-11-29";
  metrics_->refresh(false);
  EXPECT_EQ(value("fleetkeep_checkouts_overdue"), 1);

  ASSERT_TRUE(checkouts.returnDevice({DeviceRef::By::asset_tag, 0, "L-1"}, {}, "t"));
  metrics_->refresh(false);
  EXPECT_EQ(value("fleetkeep_checkouts_open"), 1);
  EXPECT_EQ(value("fleetkeep_loaners_available"), 2);
}

TEST_F(CirculationMetricsTest, NoRequeryWithoutWriteOrNewDay) {
  addDevice("L-1", true);
  metrics_->refresh(false);
  EXPECT_EQ(value("fleetkeep_loaners_available"), 1);
  // A write that skips noteWrite() stands in for "nothing changed": the gauge keeps its value.
  exec("UPDATE devices SET loaner = 0");
  metrics_->refresh(false);
  EXPECT_EQ(value("fleetkeep_loaners_available"), 1);
  metrics_->refresh(true);
  EXPECT_EQ(value("fleetkeep_loaners_available"), 0);
}

}  // namespace
}  // namespace fk
