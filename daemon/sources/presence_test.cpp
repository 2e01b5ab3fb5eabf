#include "sources/presence.hpp"

#include <gtest/gtest.h>

#include "core/values.hpp"
#include "store/device_store.hpp"
#include "store/network_queries.hpp"
#include "store/network_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using namespace std::chrono_literals;

const api::TimePoint kT0 = api::TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 10 / 6)) + 12h;

api::Observation neighbour(const std::string& mac, const std::string& ip, api::TimePoint at,
                           const std::string& interface = "eth0") {
  api::Observation o;
  o.kind = api::ObservationKind::network;
  o.macs = {mac};
  o.observed_at = at;
  o.extra = {{"ip", ip}, {"interface", interface}, {"state", "reachable"}};
  return o;
}

class PresenceTest : public test::StoreTest {
 protected:
  std::int64_t device(const std::string& serial, std::vector<std::string> macs) {
    DeviceDraft d = test::draft(serial);
    d.macs = std::move(macs);
    auto created = DeviceStore(db()).create(d, "token:test");
    EXPECT_TRUE(created) << created.error().message;
    return created->id;
  }

  void record(const std::vector<api::Observation>& seen, api::TimePoint poll_time,
              const std::string& source = "lan", const Config::Network& network = {}) {
    auto st = db().with([&](SQLite::Database& conn) -> Status {
      SQLite::Transaction tx(conn);
      auto r = recordPresence(conn, source, seen, poll_time, network);
      if (r) tx.commit();
      return r;
    });
    ASSERT_TRUE(st) << st.error().message;
  }

  void transition(std::int64_t id, DeviceStatus to) {
    auto r = DeviceStore(db()).transition(DeviceRef{DeviceRef::By::id, id, {}}, to, "test", "token:test");
    ASSERT_TRUE(r) << r.error().message;
  }

  std::int64_t sightedEvents(std::int64_t id) {
    return scalar("SELECT count(*) FROM events WHERE action = 'sighted' AND device_id = " +
                  std::to_string(id));
  }

  std::vector<std::int64_t> listIds(const DeviceFilter& filter) {
    auto page = DeviceStore(db()).list(filter);
    EXPECT_TRUE(page) << page.error().message;
    std::vector<std::int64_t> ids;
    if (page)
      for (const auto& d : page->items) ids.push_back(d.id);
    return ids;
  }
};

TEST_F(PresenceTest, MatchesByNormalisedMacAndKeepsTheRestAsUnknown) {
  const auto id = device("SN-1", {"3c:22:fb:12:34:56"});
  device("SN-2", {"aa:bb:cc:00:00:02"});
  device("SN-3", {"aa:bb:cc:00:00:02"});  // a shared USB adapter
  record({neighbour("3C-22-FB-12-34-56", "10.0.0.21", kT0), neighbour("aa:bb:cc:00:00:02", "10.0.0.22", kT0),
          neighbour("52:54:00:ab:cd:ef", "10.0.0.40", kT0), neighbour("garbage", "10.0.0.41", kT0)},
         kT0);
  EXPECT_EQ(scalar("SELECT count(*) FROM device_presence"), 1);
  EXPECT_EQ(scalar("SELECT device_id FROM device_presence WHERE ip = '10.0.0.21' AND source = 'lan'"), id);
  auto sightings = DeviceStore(db()).sightings(id);
  ASSERT_TRUE(sightings);
  ASSERT_EQ(sightings->size(), 1u);
  EXPECT_EQ((*sightings)[0].source, "lan");
  EXPECT_EQ((*sightings)[0].last_seen, "2026-10-06T12:00:00Z");
  EXPECT_EQ((*sightings)[0].fields["ip"], "10.0.0.21");
  EXPECT_EQ((*sightings)[0].fields["interface"], "eth0");

  auto unknown = NetworkStore(db()).unknownMacs("2026-01-01T00:00:00Z", "", 100);
  ASSERT_TRUE(unknown);
  ASSERT_EQ(unknown->items.size(), 1u);  // the shared MAC is neither known nor unknown
  EXPECT_EQ(unknown->items[0].mac, "52:54:00:ab:cd:ef");
  EXPECT_EQ(unknown->items[0].ip, "10.0.0.40");
  EXPECT_EQ(unknown->items[0].source, "lan");
}

TEST_F(PresenceTest, KeepsFirstSeenAndPrefersIpv4) {
  const auto id = device("SN-1", {"3c:22:fb:12:34:56"});
  record({neighbour("3c:22:fb:12:34:56", "10.0.0.21", kT0)}, kT0);
  record({neighbour("3c:22:fb:12:34:56", "fe80::1", kT0 + 5min),
          neighbour("3c:22:fb:12:34:56", "10.0.0.99", kT0 + 4min)},
         kT0 + 5min);
  EXPECT_EQ(scalar("SELECT count(*) FROM device_presence WHERE first_seen = '2026-10-06T12:00:00Z' AND "
                   "last_seen = '2026-10-06T12:05:00Z' AND ip = '10.0.0.99' AND device_id = " +
                   std::to_string(id)),
            1);
  // An older observation (a lease file's last contact) never moves presence back in time.
  record({neighbour("3c:22:fb:12:34:56", "10.0.0.50", kT0 - 1h)}, kT0 + 10min, "dhcp");
  EXPECT_EQ(scalar("SELECT count(*) FROM device_presence WHERE last_seen = '2026-10-06T12:05:00Z'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM device_seen WHERE source = 'dhcp'"), 1);
}

TEST_F(PresenceTest, UnknownMacsExpireAndStayBounded) {
  Config::Network network;
  network.unknown_mac_ttl = 24h;
  network.unknown_mac_limit = 3;
  record({neighbour("aa:00:00:00:00:01", "10.0.0.1", kT0)}, kT0, "lan", network);
  std::vector<api::Observation> burst;
  for (int i = 2; i <= 6; ++i)
    burst.push_back(
        neighbour("aa:00:00:00:00:0" + std::to_string(i), "10.0.0." + std::to_string(i), kT0 + i * 1min));
  record(burst, kT0 + 2h, "lan", network);
  EXPECT_EQ(scalar("SELECT count(*) FROM unknown_macs"), 3);
  EXPECT_EQ(
      scalar("SELECT count(*) FROM unknown_macs WHERE mac IN ('aa:00:00:00:00:04', 'aa:00:00:00:00:05', "
             "'aa:00:00:00:00:06')"),
      3);  // the most recently seen survive
  record({}, kT0 + 2h + 25h, "lan", network);
  EXPECT_EQ(scalar("SELECT count(*) FROM unknown_macs"), 0);
}

TEST_F(PresenceTest, MacAddedToTheRegistryStopsBeingUnknown) {
  record({neighbour("aa:00:00:00:00:01", "10.0.0.1", kT0)}, kT0);
  device("SN-9", {"aa:00:00:00:00:01"});
  record({neighbour("aa:00:00:00:00:01", "10.0.0.1", kT0 + 5min)}, kT0 + 5min);
  EXPECT_EQ(scalar("SELECT count(*) FROM unknown_macs"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM device_presence"), 1);
}

TEST_F(PresenceTest, LostDeviceSightedOncePerEpisode) {
  const auto id = device("SN-L", {"3c:22:fb:12:34:56"});
  transition(id, DeviceStatus::lost);  // marked now (real clock), so sightings must be later
  const auto now = std::chrono::system_clock::now();
  DeviceFilter lost_seen;
  lost_seen.lost_seen = true;
  EXPECT_TRUE(listIds(lost_seen).empty());

  record({neighbour("3c:22:fb:12:34:56", "10.0.0.21", now - 1h)}, now - 1h);  // before it was marked
  EXPECT_EQ(sightedEvents(id), 0);
  record({neighbour("3c:22:fb:12:34:56", "10.0.0.21", now + 1min)}, now + 1min);
  record({neighbour("3c:22:fb:12:34:56", "10.0.0.22", now + 6min, "wlan0")}, now + 6min);
  EXPECT_EQ(sightedEvents(id), 1);
  EXPECT_EQ(listIds(lost_seen), std::vector<std::int64_t>{id});

  auto events = DeviceStore(db()).events(DeviceRef{DeviceRef::By::id, id, {}});
  ASSERT_TRUE(events);
  const DeviceEvent& e = events->back();
  EXPECT_EQ(e.action, "sighted");
  EXPECT_EQ(e.actor, "source:lan");
  EXPECT_NE(e.reason.find("10.0.0.21"), std::string::npos) << e.reason;
  EXPECT_NE(e.reason.find("eth0"), std::string::npos);
  EXPECT_EQ(scalar("SELECT count(*) FROM lost_sightings WHERE ip = '10.0.0.22' AND interface = 'wlan0'"), 1);

  record({neighbour("3c:22:fb:12:34:56", "10.0.0.23", now + 13h)}, now + 13h);  // back after a night away
  EXPECT_EQ(sightedEvents(id), 2);

  // Found, then lost again: a new loss, a new first sighting.
  transition(id, DeviceStatus::in_stock);
  EXPECT_TRUE(listIds(lost_seen).empty());
  transition(id, DeviceStatus::stolen);
  EXPECT_TRUE(listIds(lost_seen).empty());
  record({neighbour("3c:22:fb:12:34:56", "10.0.0.24", now + 14h)}, now + 14h);
  EXPECT_EQ(sightedEvents(id), 3);
  EXPECT_EQ(listIds(lost_seen), std::vector<std::int64_t>{id});
}

TEST_F(PresenceTest, ManagedSightingUsesTheLastSync) {
  const auto id = device("SN-M", {});
  transition(id, DeviceStatus::stolen);
  const auto now = std::chrono::system_clock::now();
  auto note = [&](api::TimePoint at, DeviceStatus status) {
    return db().with([&](SQLite::Database& conn) {
      return noteLostSighting(conn, id, status, {"intune", formatInstant(at), "", "", "/Students/HS"});
    });
  };
  ASSERT_TRUE(note(now - 2h, DeviceStatus::stolen));  // synced before it was reported stolen
  EXPECT_EQ(sightedEvents(id), 0);
  ASSERT_TRUE(note(now + 1h, DeviceStatus::deployed));  // other statuses are not sightings
  EXPECT_EQ(sightedEvents(id), 0);
  ASSERT_TRUE(note(now + 1h, DeviceStatus::stolen));
  ASSERT_TRUE(note(now + 1h, DeviceStatus::stolen));  // the same sync listed again
  EXPECT_EQ(sightedEvents(id), 1);
  auto events = DeviceStore(db()).events(DeviceRef{DeviceRef::By::id, id, {}});
  EXPECT_NE(events->back().reason.find("/Students/HS"), std::string::npos);
}

TEST_F(PresenceTest, SeenSinceFilter) {
  const auto a = device("SN-A", {"aa:00:00:00:00:0a"});
  const auto b = device("SN-B", {"aa:00:00:00:00:0b"});
  device("SN-C", {});
  record({neighbour("aa:00:00:00:00:0a", "10.0.0.1", kT0),
          neighbour("aa:00:00:00:00:0b", "10.0.0.2", kT0 - 48h)},
         kT0);
  DeviceFilter f;
  f.seen_since = "2026-10-06T00:00:00Z";
  EXPECT_EQ(listIds(f), std::vector<std::int64_t>{a});
  f.seen_since = "2026-10-01T00:00:00Z";
  EXPECT_EQ(listIds(f), (std::vector<std::int64_t>{a, b}));
}

TEST(NetworkSql, ParsesSince) {
  EXPECT_EQ(network_sql::parseSince("2026-11-27"), "2026-11-27T00:00:00Z");
  EXPECT_EQ(network_sql::parseSince("2026-11-27T08:30:00Z"), "2026-11-27T08:30:00Z");
  EXPECT_FALSE(network_sql::parseSince("2026-11-31"));
  EXPECT_FALSE(network_sql::parseSince("2026-11-27T24:00:00Z"));
  EXPECT_FALSE(network_sql::parseSince("2026-11-27T08:30:00+01:00"));
  EXPECT_FALSE(network_sql::parseSince("yesterday"));
}

}  // namespace
}  // namespace fk
