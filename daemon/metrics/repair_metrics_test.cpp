#include "metrics/repair_metrics.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "metrics/test_support.hpp"
#include "store/device_store.hpp"
#include "store/test_support.hpp"
#include "store/work_order_store.hpp"

namespace fk {
namespace {

using test::samples;

class RepairMetricsTest : public test::StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StoreTest::SetUp());
    metrics_ = std::make_unique<RepairMetrics>(registry_, *db_);
  }

  WorkOrder open(const std::string& serial, WorkOrderCategory category) {
    DeviceDraft d;
    d.serial = serial;
    auto device = DeviceStore(*db_).create(d, "t");
    EXPECT_TRUE(device);
    NewWorkOrder o;
    o.device = DeviceRef{DeviceRef::By::id, device->id, ""};
    o.category = category;
    o.description = "broken";
    auto w = WorkOrderStore(*db_).open(o, "t");
    EXPECT_TRUE(w) << w.error().message;
    return *w;
  }

  void patch(const WorkOrder& w, WorkOrderPatch p) {
    auto r = WorkOrderStore(*db_).update(w.id, p, std::nullopt, 6000, "t");
    ASSERT_TRUE(r) << r.error().message;
  }

  prometheus::Registry registry_;
  std::unique_ptr<RepairMetrics> metrics_;
};

TEST_F(RepairMetricsTest, EverySeriesExistsFromTheStart) {
  metrics_->refresh(true);
  auto s = samples(registry_);
  EXPECT_EQ(s.at("fleetkeep_work_orders_open{category=\"screen\",status=\"open\"}"), 0);
  EXPECT_EQ(s.at("fleetkeep_work_orders_open{category=\"other\",status=\"in_repair\"}"), 0);
  EXPECT_FALSE(s.contains("fleetkeep_work_orders_open{category=\"screen\",status=\"resolved\"}"));
  EXPECT_EQ(s.at("fleetkeep_work_order_oldest_open_age_seconds"), 0);
  EXPECT_EQ(s.at("fleetkeep_work_orders_opened_total{category=\"hinge\"}"), 0);
  EXPECT_EQ(s.at("fleetkeep_repair_cost_total{payer=\"unassigned\"}"), 0);
  EXPECT_EQ(s.at("fleetkeep_repair_cost_total{payer=\"student_fee\"}"), 0);
}

TEST_F(RepairMetricsTest, FollowsTheBench) {
  WorkOrder a = open("A", WorkOrderCategory::screen);
  WorkOrder b = open("B", WorkOrderCategory::screen);
  open("C", WorkOrderCategory::battery);
  ASSERT_TRUE(WorkOrderStore(*db_).addPart(a.id, {"LCD panel", 2, 5400}, "t"));
  WorkOrderPatch diag;
  diag.status = WorkOrderStatus::diagnosing;
  diag.labour_minutes = 30;  // 30.00 at 60.00/h
  patch(a, diag);
  metrics_->refresh(false);
  auto s = samples(registry_);
  EXPECT_EQ(s.at("fleetkeep_work_orders_open{category=\"screen\",status=\"open\"}"), 1);
  EXPECT_EQ(s.at("fleetkeep_work_orders_open{category=\"screen\",status=\"diagnosing\"}"), 1);
  EXPECT_EQ(s.at("fleetkeep_work_orders_open{category=\"battery\",status=\"open\"}"), 1);
  EXPECT_EQ(s.at("fleetkeep_work_orders_opened_total{category=\"screen\"}"), 2);
  EXPECT_EQ(s.at("fleetkeep_repair_cost_total{payer=\"unassigned\"}"), 0) << "still open: not yet counted";
  EXPECT_GE(s.at("fleetkeep_work_order_oldest_open_age_seconds"), 0);

  // Closed with its payer: counted once, under that payer.
  WorkOrderPatch pay;
  pay.payer = Payer::warranty;
  pay.status = WorkOrderStatus::resolved;
  patch(a, pay);
  WorkOrderPatch cancel;
  cancel.status = WorkOrderStatus::cancelled;
  patch(b, cancel);
  metrics_->refresh(false);
  s = samples(registry_);
  EXPECT_EQ(s.at("fleetkeep_repair_cost_total{payer=\"warranty\"}"), 138.0);
  EXPECT_EQ(s.at("fleetkeep_repair_cost_total{payer=\"unassigned\"}"), 0);
  EXPECT_EQ(s.at("fleetkeep_work_orders_resolved_total{category=\"screen\"}"), 1);
  EXPECT_EQ(s.at("fleetkeep_work_orders_opened_total{category=\"screen\"}"), 2);
  EXPECT_EQ(s.at("fleetkeep_work_orders_open{category=\"screen\",status=\"open\"}"), 0);
  EXPECT_EQ(s.at("fleetkeep_work_orders_open{category=\"screen\",status=\"diagnosing\"}"), 0);
}

// The normal workflow: parts are logged, then the payer is settled, then the order resolves. Its cost is
// counted once, under the final payer; summing over payers gives the spend.
TEST_F(RepairMetricsTest, AnOrdersCostCountsOnceUnderItsFinalPayer) {
  WorkOrder a = open("A", WorkOrderCategory::screen);
  ASSERT_TRUE(WorkOrderStore(*db_).addPart(a.id, {"LCD panel", 1, 5400}, "t"));
  metrics_->refresh(false);
  WorkOrderPatch district;
  district.payer = Payer::district;
  patch(a, district);
  metrics_->refresh(false);
  WorkOrderPatch insurance;
  insurance.payer = Payer::insurance;
  insurance.status = WorkOrderStatus::in_repair;
  patch(a, insurance);
  metrics_->refresh(false);
  WorkOrderPatch done;
  done.status = WorkOrderStatus::resolved;
  patch(a, done);
  metrics_->refresh(false);
  metrics_->refresh(true);
  auto s = samples(registry_);
  EXPECT_EQ(s.at("fleetkeep_repair_cost_total{payer=\"insurance\"}"), 54.0);
  double sum = 0;
  for (const char* payer : {"unassigned", "warranty", "insurance", "student_fee", "district"})
    sum += s.at("fleetkeep_repair_cost_total{payer=\"" + std::string(payer) + "\"}");
  EXPECT_EQ(sum, 54.0) << "no order counted twice";

  // A restart counts the closed orders again from zero, each once.
  prometheus::Registry fresh;
  RepairMetrics restarted(fresh, *db_);
  restarted.refresh(false);
  EXPECT_EQ(samples(fresh).at("fleetkeep_repair_cost_total{payer=\"insurance\"}"), 54.0);
}

TEST_F(RepairMetricsTest, OldestOpenAgeGrowsWithoutWrites) {
  WorkOrder a = open("A", WorkOrderCategory::screen);
  // Backdate the opening by an hour: the age must follow the clock, not the last write.
  exec("UPDATE work_orders SET opened_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-3600 seconds')");
  db_->noteWrite();
  metrics_->refresh(false);
  const double first = samples(registry_).at("fleetkeep_work_order_oldest_open_age_seconds");
  EXPECT_GE(first, 3600);
  EXPECT_LT(first, 3700);
  WorkOrderPatch cancel;
  cancel.status = WorkOrderStatus::cancelled;
  patch(a, cancel);
  metrics_->refresh(false);
  EXPECT_EQ(samples(registry_).at("fleetkeep_work_order_oldest_open_age_seconds"), 0);
}

TEST_F(RepairMetricsTest, RefreshWithoutWritesDoesNotRecount) {
  open("A", WorkOrderCategory::screen);
  metrics_->refresh(false);
  metrics_->refresh(false);
  metrics_->refresh(true);
  EXPECT_EQ(samples(registry_).at("fleetkeep_work_orders_opened_total{category=\"screen\"}"), 1);
}

}  // namespace
}  // namespace fk
