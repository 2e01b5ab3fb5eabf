#include "metrics/fleet_metrics.hpp"

#include <chrono>
#include <map>

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include "core/values.hpp"
#include "metrics/http_metrics.hpp"
#include "store/device_store.hpp"
#include "metrics/test_support.hpp"
#include "store/model_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

const std::string kCatalogModel = "HP Chromebook 11 G9 EE";

std::string dayOffset(int days) {
  auto today = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  return formatDate(std::chrono::year_month_day{today + std::chrono::days(days)});
}

using test::samples;

std::map<std::string, double> withPrefix(const std::map<std::string, double>& all, const std::string& prefix) {
  std::map<std::string, double> out;
  for (const auto& [k, v] : all)
    if (k.rfind(prefix, 0) == 0) out[k] = v;
  return out;
}

class FleetMetricsTest : public test::StoreTest {
 protected:
  Device add(std::string tag, DeviceKind kind, std::string model, DeviceStatus status, std::string aue = "") {
    DeviceDraft d;
    d.asset_tag = tag;
    d.serial = "S-" + tag;
    d.kind = kind;
    d.model = std::move(model);
    d.status = status;
    if (!aue.empty()) d.aue_date = std::move(aue);
    auto created = DeviceStore(*db_).create(d, "system");
    EXPECT_TRUE(created.has_value()) << created.error().message;
    return created.value_or(Device{});
  }

  void seedCatalog(std::vector<std::string> models) {
    std::vector<CatalogModel> entries;
    for (auto& m : models) entries.push_back(CatalogModel{.model = m, .kind = DeviceKind::chromebook});
    ASSERT_TRUE(ModelStore(*db_).seed(entries).has_value());
  }

  prometheus::Registry registry_;
};

TEST_F(FleetMetricsTest, ExportsAggregatesWithBoundedLabels) {
  seedCatalog({kCatalogModel});
  add("CB-1", DeviceKind::chromebook, kCatalogModel, DeviceStatus::in_stock, dayOffset(2000));
  add("CB-2", DeviceKind::chromebook, kCatalogModel, DeviceStatus::deployed, dayOffset(30));
  add("LT-1", DeviceKind::laptop, "Dell Latitude 3420", DeviceStatus::in_stock, dayOffset(-10));
  add("X-1", DeviceKind::other, "", DeviceStatus::retired, dayOffset(-10));

  FleetMetrics metrics(registry_, *db_);
  metrics.refresh(true);
  auto all = samples(renderMetrics(registry_));

  EXPECT_EQ(all.at("fleetkeep_build_info{version=\"0.1.0\"}"), 1);

  auto devices = withPrefix(all, "fleetkeep_devices{");
  EXPECT_EQ(devices.size(), 8u * 5u) << "every status x kind is exported, zeros included";
  double sum = 0;
  for (const auto& [k, v] : devices) sum += v;
  EXPECT_EQ(sum, 4);
  EXPECT_EQ(devices.at("fleetkeep_devices{kind=\"chromebook\",status=\"in_stock\"}"), 1);
  EXPECT_EQ(devices.at("fleetkeep_devices{kind=\"chromebook\",status=\"deployed\"}"), 1);
  EXPECT_EQ(devices.at("fleetkeep_devices{kind=\"laptop\",status=\"in_stock\"}"), 1);
  EXPECT_EQ(devices.at("fleetkeep_devices{kind=\"other\",status=\"retired\"}"), 1);
  EXPECT_EQ(devices.at("fleetkeep_devices{kind=\"tablet\",status=\"on_order\"}"), 0);

  auto by_model = withPrefix(all, "fleetkeep_devices_by_model{");
  std::map<std::string, double> expected_by_model{
      {"fleetkeep_devices_by_model{model=\"" + kCatalogModel + "\",status=\"deployed\"}", 1},
      {"fleetkeep_devices_by_model{model=\"" + kCatalogModel + "\",status=\"in_stock\"}", 1},
      {"fleetkeep_devices_by_model{model=\"other\",status=\"in_stock\"}", 1},
      {"fleetkeep_devices_by_model{model=\"other\",status=\"retired\"}", 1},
  };
  EXPECT_EQ(by_model, expected_by_model);

  auto aue = withPrefix(all, "fleetkeep_devices_reaching_aue{");
  std::map<std::string, double> expected_aue{
      {"fleetkeep_devices_reaching_aue{within_days=\"0\"}", 1},  // LT-1; the retired X-1 is out of service
      {"fleetkeep_devices_reaching_aue{within_days=\"90\"}", 1},
      {"fleetkeep_devices_reaching_aue{within_days=\"180\"}", 1},
      {"fleetkeep_devices_reaching_aue{within_days=\"365\"}", 1},
      {"fleetkeep_devices_reaching_aue{within_days=\"730\"}", 1},
  };
  EXPECT_EQ(aue, expected_aue);
}

TEST_F(FleetMetricsTest, RefreshFollowsWritesAndZeroesEmptiedSeries) {
  seedCatalog({kCatalogModel});
  auto cb = add("CB-1", DeviceKind::chromebook, kCatalogModel, DeviceStatus::deployed);
  FleetMetrics metrics(registry_, *db_);
  metrics.refresh(true);

  DeviceRef ref{.by = DeviceRef::By::id, .id = cb.id};
  ASSERT_TRUE(DeviceStore(*db_).transition(ref, DeviceStatus::in_stock, "back", "system").has_value());
  metrics.refresh(false);  // the write moved the generation, so this recomputes

  auto all = samples(renderMetrics(registry_));
  EXPECT_EQ(all.at("fleetkeep_devices{kind=\"chromebook\",status=\"deployed\"}"), 0);
  EXPECT_EQ(all.at("fleetkeep_devices{kind=\"chromebook\",status=\"in_stock\"}"), 1);
  EXPECT_EQ(all.at("fleetkeep_devices_by_model{model=\"" + kCatalogModel + "\",status=\"deployed\"}"), 0);
  EXPECT_EQ(all.at("fleetkeep_devices_by_model{model=\"" + kCatalogModel + "\",status=\"in_stock\"}"), 1);
}

TEST_F(FleetMetricsTest, NoRecomputeWithoutWrites) {
  add("CB-1", DeviceKind::chromebook, "", DeviceStatus::in_stock);
  FleetMetrics metrics(registry_, *db_);
  metrics.refresh(true);
  // A change that bypasses noteWrite() stays invisible to the cheap path and shows after a forced
  // refresh: proof that refresh(false) does not query when nothing was written.
  exec("UPDATE devices SET status = 'deployed'");
  metrics.refresh(false);
  const std::string in_stock = "fleetkeep_devices{kind=\"chromebook\",status=\"in_stock\"}";
  EXPECT_EQ(samples(renderMetrics(registry_)).at(in_stock), 1);
  metrics.refresh(true);
  EXPECT_EQ(samples(renderMetrics(registry_)).at(in_stock), 0);
}

TEST_F(FleetMetricsTest, CatalogBeyondCapFoldsIntoOther) {
  std::vector<std::string> models;
  for (int i = 0; i <= 50; ++i) models.push_back((i < 10 ? "M0" : "M") + std::to_string(i));
  seedCatalog(models);
  add("A", DeviceKind::chromebook, "M00", DeviceStatus::in_stock);
  add("B", DeviceKind::chromebook, "M49", DeviceStatus::in_stock);
  add("C", DeviceKind::chromebook, "M50", DeviceStatus::in_stock);  // 51st model by name: over the cap

  FleetMetrics metrics(registry_, *db_);
  metrics.refresh(true);
  auto by_model = withPrefix(samples(renderMetrics(registry_)), "fleetkeep_devices_by_model{");
  std::map<std::string, double> expected{
      {"fleetkeep_devices_by_model{model=\"M00\",status=\"in_stock\"}", 1},
      {"fleetkeep_devices_by_model{model=\"M49\",status=\"in_stock\"}", 1},
      {"fleetkeep_devices_by_model{model=\"other\",status=\"in_stock\"}", 1},
  };
  EXPECT_EQ(by_model, expected);
}

TEST(HttpMetricsTest, CountsByRouteAndCode) {
  prometheus::Registry registry;
  HttpMetrics http(registry);
  http.observe("/api/v1/devices/{ref}", 200, 0.002);
  http.observe("/api/v1/devices/{ref}", 200, 0.004);
  http.observe("unmatched", 404, 0.0001);
  auto all = samples(renderMetrics(registry));
  EXPECT_EQ(all.at("fleetkeep_http_requests_total{code=\"200\",route=\"/api/v1/devices/{ref}\"}"), 2);
  EXPECT_EQ(all.at("fleetkeep_http_requests_total{code=\"404\",route=\"unmatched\"}"), 1);
  EXPECT_EQ(all.at("fleetkeep_http_request_duration_seconds_count{route=\"/api/v1/devices/{ref}\"}"), 2);
  EXPECT_EQ(all.at("fleetkeep_http_request_duration_seconds_bucket{route=\"/api/v1/devices/{ref}\",le=\"0.0025\"}"), 1);
  EXPECT_EQ(all.at("fleetkeep_http_request_duration_seconds_bucket{route=\"/api/v1/devices/{ref}\",le=\"0.005\"}"), 2);
}

}  // namespace
}  // namespace fk
