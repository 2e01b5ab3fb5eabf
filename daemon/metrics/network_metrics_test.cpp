#include "metrics/network_metrics.hpp"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "core/values.hpp"
#include "store/device_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using namespace std::chrono_literals;

class NetworkMetricsTest : public test::StoreTest {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StoreTest::SetUp());
    config_ = std::make_shared<Config>();
    config_->alerts.stale_sync_days = 30;
    for (auto [name, plugin] :
         {std::pair{"google", "google_admin"}, {"intune", "intune"}, {"lan", "network_neighbors"}}) {
      SourceConfig s;
      s.name = name;
      s.plugin = plugin;
      s.reports_check_ins = s.plugin != "network_neighbors";  // what loadConfig learns from the plugins
      config_->sources.push_back(s);
    }
    metrics_ = std::make_unique<NetworkMetrics>(registry_, *db_, [this] { return config_; });
  }

  std::int64_t device(const std::string& serial, DeviceStatus status) {
    DeviceDraft d;
    d.serial = serial;
    d.status = status;
    auto created = DeviceStore(*db_).create(d, "token:test");
    EXPECT_TRUE(created) << created.error().message;
    return created->id;
  }
  // Unlike StoreTest::exec, tells the collector: these rows stand for writes it must see.
  void exec(const std::string& sql) {
    StoreTest::exec(sql);
    db_->noteWrite();
  }
  void seen(std::int64_t id, const std::string& source, std::chrono::hours ago, bool with_sync = true) {
    const std::string at = formatInstant(std::chrono::system_clock::now() - ago);
    exec("INSERT INTO device_seen (device_id, source, first_seen, last_seen, last_sync) VALUES (" +
         std::to_string(id) + ", '" + source + "', '" + at + "', '" +
         formatInstant(std::chrono::system_clock::now()) + "', " +
         (with_sync ? "'" + at + "'" : std::string("NULL")) + ")");
  }
  std::string text() {
    metrics_->refresh(true);
    return prometheus::TextSerializer{}.Serialize(registry_.Collect());
  }

  std::shared_ptr<Config> config_;
  prometheus::Registry registry_;
  std::unique_ptr<NetworkMetrics> metrics_;
};

// absent() and rate() need the series before anything is stale, and before the first refresh.
TEST_F(NetworkMetricsTest, EveryManagementSourceHasItsSeriesAtZeroFromTheStart) {
  const std::string t = prometheus::TextSerializer{}.Serialize(registry_.Collect());
  EXPECT_NE(t.find("fleetkeep_devices_stale_sync{source=\"google\"} 0"), std::string::npos) << t;
  EXPECT_NE(t.find("fleetkeep_devices_stale_sync{source=\"intune\"} 0"), std::string::npos) << t;
  EXPECT_EQ(t.find("source=\"lan\""), std::string::npos);
}

TEST_F(NetworkMetricsTest, StaleCountsDeployedDevicesPerManagementSource) {
  const auto old_sync = device("S1", DeviceStatus::deployed);
  seen(old_sync, "google", 40 * 24h);
  const auto fresh = device("S2", DeviceStatus::deployed);
  seen(fresh, "google", 2h);
  const auto stocked = device("S3", DeviceStatus::in_stock);
  seen(stocked, "google", 40 * 24h);  // not deployed: not counted
  const auto laptop = device("S4", DeviceStatus::deployed);
  seen(laptop, "intune", 31 * 24h);
  seen(laptop, "lan", 40 * 24h);  // not a management source
  const std::string t = text();
  EXPECT_NE(t.find("fleetkeep_devices_stale_sync{source=\"google\"} 1"), std::string::npos) << t;
  EXPECT_NE(t.find("fleetkeep_devices_stale_sync{source=\"intune\"} 1"), std::string::npos);
  EXPECT_EQ(t.find("source=\"lan\""), std::string::npos);

  // ?stale=true lists the same devices.
  DeviceFilter f;
  f.stale_before = formatInstant(std::chrono::system_clock::now() - 30 * 24h);
  f.stale_sources = {"google", "intune"};
  auto page = DeviceStore(*db_).list(f);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, old_sync);
  EXPECT_EQ(page->items[1].id, laptop);

  // A source removed from the config takes its series with it.
  auto smaller = std::make_shared<Config>(*config_);
  smaller->sources.erase(smaller->sources.begin());
  config_ = smaller;
  EXPECT_EQ(text().find("source=\"google\""), std::string::npos);
}

TEST_F(NetworkMetricsTest, UnmanagedAndLostSeen) {
  const auto unmanaged = device("U1", DeviceStatus::deployed);
  const auto managed = device("U2", DeviceStatus::deployed);
  const auto long_ago = device("U3", DeviceStatus::deployed);
  seen(managed, "intune", 1h);
  const std::string now = formatInstant(std::chrono::system_clock::now());
  const std::string old = formatInstant(std::chrono::system_clock::now() - 90 * 24h);
  for (auto [id, at] : {std::pair{unmanaged, now}, {managed, now}, {long_ago, old}})
    exec("INSERT INTO device_presence (device_id, first_seen, last_seen, source) VALUES (" +
         std::to_string(id) + ", '" + at + "', '" + at + "', 'lan')");
  EXPECT_NE(text().find("fleetkeep_devices_unmanaged_on_network 1"), std::string::npos);

  const auto lost = device("L1", DeviceStatus::deployed);
  auto moved =
      DeviceStore(*db_).transition({DeviceRef::By::id, lost, {}}, DeviceStatus::lost, "", "token:test");
  ASSERT_TRUE(moved);
  EXPECT_NE(text().find("fleetkeep_devices_lost_seen 0"), std::string::npos);
  exec("INSERT INTO lost_sightings (device_id, marked_event_id, first_seen, last_seen, source) SELECT " +
       std::to_string(lost) + ", max(id), '" + now + "', '" + now +
       "', 'lan' FROM events WHERE device_id = " + std::to_string(lost));
  EXPECT_NE(text().find("fleetkeep_devices_lost_seen 1"), std::string::npos);
  // Found again: no longer counted, though its sighting row stays.
  ASSERT_TRUE(
      DeviceStore(*db_).transition({DeviceRef::By::id, lost, {}}, DeviceStatus::in_stock, "", "token:test"));
  EXPECT_NE(text().find("fleetkeep_devices_lost_seen 0"), std::string::npos);
}

}  // namespace
}  // namespace fk
