#include "metrics/campaign_metrics.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "core/circulation.hpp"
#include "metrics/circulation_metrics.hpp"
#include "metrics/test_support.hpp"
#include "store/audit_store.hpp"
#include "store/checkout_store.hpp"
#include "store/collection_store.hpp"
#include "store/device_store.hpp"
#include "store/people_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

class CampaignMetricsTest : public test::StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StoreTest::SetUp());
    auto config = std::make_shared<const Config>();
    metrics_ = std::make_unique<CampaignMetrics>(registry_, *db_, [config] { return config; });
    for (const char* tag : {"CB-1", "CB-2", "CB-3"}) {
      auto d = test::draft(std::string("SN-") + tag, tag);
      d.location = "Maple / Cart 3";
      ASSERT_TRUE(DeviceStore(*db_).create(d, "t"));
    }
    PersonDraft p;
    p.external_id = "S1";
    p.name = "Ada";
    p.grade = "8";
    p.role = PersonRole::student;
    ASSERT_TRUE(PeopleStore(*db_).create(p));
  }
  std::map<std::string, double> now() {
    metrics_->refresh(true);
    return test::samples(registry_);
  }

  prometheus::Registry registry_;
  std::unique_ptr<CampaignMetrics> metrics_;
};

TEST_F(CampaignMetricsTest, OpenAuditsByStateAndClosedOnesDropOut) {
  auto a = AuditStore(*db_).start("Cart 3", "Maple / Cart 3", "t", "");
  ASSERT_TRUE(a);
  ASSERT_TRUE(AuditStore(*db_).scan(a->audit.id, "CB-1", "t"));
  ASSERT_TRUE(AuditStore(*db_).scan(a->audit.id, "ZZZ", "t"));
  auto s = now();
  EXPECT_EQ(s["fleetkeep_audit_devices{audit=\"Cart 3\",state=\"expected\"}"], 3);
  EXPECT_EQ(s["fleetkeep_audit_devices{audit=\"Cart 3\",state=\"found\"}"], 1);
  EXPECT_EQ(s["fleetkeep_audit_devices{audit=\"Cart 3\",state=\"missing\"}"], 2);
  EXPECT_EQ(s["fleetkeep_audit_devices{audit=\"Cart 3\",state=\"unknown\"}"], 1);
  ASSERT_TRUE(AuditStore(*db_).close(a->audit.id, {}, "t", ""));
  s = now();
  EXPECT_FALSE(s.contains("fleetkeep_audit_devices{audit=\"Cart 3\",state=\"expected\"}"));
}

TEST_F(CampaignMetricsTest, OpenCollectionsReturnedAndOutstanding) {
  const std::string today = localToday();
  CheckoutStore loans(*db_);
  for (const char* tag : {"CB-1", "CB-2"})
    ASSERT_TRUE(loans.checkOut({{DeviceRef::By::asset_tag, 0, tag}, "S1", "", addDays(today, 30), {}, ""}, "t"));
  Collection k;
  k.name = "June";
  k.deadline = "2027-06-10";
  k.scope.grades = {"08"};
  k.alert_below = 0.8;
  auto made = CollectionStore(*db_).create(k, "t");
  ASSERT_TRUE(made);
  ASSERT_TRUE(loans.returnDevice({DeviceRef::By::asset_tag, 0, "CB-1"}, {}, "t"));
  auto s = now();
  EXPECT_EQ(s["fleetkeep_collection_returned{collection=\"June\"}"], 1);
  EXPECT_EQ(s["fleetkeep_collection_outstanding{collection=\"June\"}"], 1);
  EXPECT_EQ(s["fleetkeep_collection_expected{collection=\"June\"}"], 2);
  EXPECT_DOUBLE_EQ(s["fleetkeep_collection_alert_below{collection=\"June\"}"], 0.8);
  EXPECT_DOUBLE_EQ(s["fleetkeep_collection_deadline_timestamp_seconds{collection=\"June\"}"],
                   localMidnight("2027-06-10"));
  ASSERT_TRUE(CollectionStore(*db_).close(made->collection.id, "t"));
  s = now();
  EXPECT_FALSE(s.contains("fleetkeep_collection_outstanding{collection=\"June\"}"));
}

TEST_F(CampaignMetricsTest, CheckoutsPastACampaignDeadlineCountAsOverdue) {
  const std::string today = localToday();
  CirculationMetrics circulation(registry_, *db_, [today] { return today; });
  ASSERT_TRUE(CheckoutStore(*db_).checkOut(
      {{DeviceRef::By::asset_tag, 0, "CB-1"}, "S1", "", addDays(today, 30), {}, ""}, "t"));
  circulation.refresh(true);
  EXPECT_EQ(test::samples(registry_)["fleetkeep_checkouts_overdue"], 0);
  Collection k;
  k.name = "Past";
  k.deadline = addDays(today, -1);
  ASSERT_TRUE(CollectionStore(*db_).create(k, "t"));
  circulation.refresh(true);
  EXPECT_EQ(test::samples(registry_)["fleetkeep_checkouts_overdue"], 1);
}

}  // namespace
}  // namespace fk
