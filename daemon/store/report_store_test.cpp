#include "store/report_store.hpp"

#include <gtest/gtest.h>

#include "store/device_store.hpp"
#include "store/model_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

class ReportStoreTest : public test::StoreTest {
 protected:
  Device add(const std::string& serial, DeviceKind kind, const std::string& model,
             const std::string& location, const std::string& aue,
             DeviceStatus status = DeviceStatus::in_stock) {
    DeviceStore store(db());
    DeviceDraft d = test::draft(serial);
    d.kind = kind;
    if (!model.empty()) d.model = model;
    if (!location.empty()) d.location = location;
    if (!aue.empty()) d.aue_date = aue;
    d.status = status;
    auto created = store.create(d, "system");
    EXPECT_TRUE(created.has_value()) << (created ? "" : created.error().message);
    return created.value_or(Device{});
  }
};

TEST_F(ReportStoreTest, CountsByStatusKindModelAndLocation) {
  add("1", DeviceKind::chromebook, "CB", "Lincoln", "");
  add("2", DeviceKind::chromebook, "CB", "Lincoln", "", DeviceStatus::deployed);
  add("3", DeviceKind::laptop, "Lat", "Roosevelt", "", DeviceStatus::deployed);
  add("4", DeviceKind::laptop, "", "", "", DeviceStatus::retired);
  auto c = readFleetCounts(db(), "2026-11-27");
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->total, 4);
  EXPECT_EQ((c->by_status_kind[{"in_stock", "chromebook"}]), 1);
  EXPECT_EQ((c->by_status_kind[{"deployed", "chromebook"}]), 1);
  EXPECT_EQ((c->by_status_kind[{"deployed", "laptop"}]), 1);
  EXPECT_EQ((c->by_status_kind[{"retired", "laptop"}]), 1);
  EXPECT_EQ(c->by_status_kind.size(), 4u);
  EXPECT_EQ((c->by_model_status[{"CB", "deployed"}]), 1);
  EXPECT_EQ((c->by_model_status[{"", "retired"}]), 1);
  EXPECT_EQ(c->by_location["Lincoln"], 2);
  EXPECT_EQ(c->by_location[""], 1);
  EXPECT_EQ(c->by_location.size(), 3u);
}

TEST_F(ReportStoreTest, AueBucketsAreCumulativeAndSkipDevicesOutOfService) {
  const std::string today = "2026-11-27";
  add("past", DeviceKind::chromebook, "", "", "2026-11-26");
  add("today", DeviceKind::chromebook, "", "", "2026-11-27");  // within 90
  add("d89", DeviceKind::chromebook, "", "", "2027-02-24");    // today + 89
  add("d90", DeviceKind::chromebook, "", "", "2027-02-25");    // today + 90: not within 90
  add("d200", DeviceKind::chromebook, "", "", "2027-06-15");
  add("d400", DeviceKind::chromebook, "", "", "2028-01-01");
  add("d800", DeviceKind::chromebook, "", "", "2029-02-04");  // beyond 730
  add("retired", DeviceKind::chromebook, "", "", "2020-01-01", DeviceStatus::retired);
  add("lost", DeviceKind::chromebook, "", "", "2026-12-01", DeviceStatus::lost);
  add("no-aue", DeviceKind::laptop, "", "", "");

  auto c = readFleetCounts(db(), today);
  ASSERT_TRUE(c.has_value()) << c.error().message;
  EXPECT_EQ(c->aue_within_days["0"], 1);
  EXPECT_EQ(c->aue_within_days["90"], 2);
  EXPECT_EQ(c->aue_within_days["180"], 3);
  EXPECT_EQ(c->aue_within_days["365"], 4);
  EXPECT_EQ(c->aue_within_days["730"], 5);
  EXPECT_EQ(c->aue_within_days.size(), 5u);
}

TEST_F(ReportStoreTest, TheCatalogFillsInAueOnlyWhereTheDeviceHasNone) {
  ModelStore models(db());
  CatalogModel m;
  m.model = "Old CB";
  m.kind = DeviceKind::chromebook;
  m.aue_date = "2025-06-01";
  ASSERT_TRUE(models.put(m));
  add("inherits", DeviceKind::chromebook, "Old CB", "", "");
  add("own", DeviceKind::chromebook, "Old CB", "", "2027-01-15");
  add("uncatalogued", DeviceKind::chromebook, "Other", "", "");
  auto c = readFleetCounts(db(), "2026-11-27");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->aue_within_days["0"], 1);
  EXPECT_EQ(c->aue_within_days["90"], 1);
  EXPECT_EQ(c->aue_within_days["730"], 1);
}

TEST_F(ReportStoreTest, AnEmptyRegistryReportsZeros) {
  auto c = readFleetCounts(db(), "2026-11-27");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->total, 0);
  EXPECT_TRUE(c->by_status_kind.empty());
  EXPECT_EQ(c->aue_within_days["0"], 0);
  EXPECT_EQ(c->aue_within_days["730"], 0);
}

TEST_F(ReportStoreTest, TodayMustBeADate) {
  auto c = readFleetCounts(db(), "27/11/2026");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, Errc::invalid);
}

}  // namespace
}  // namespace fk
