#include "store/audit_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/values.hpp"
#include "store/device_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

constexpr const char* kCart = "Maple / Cart 3";

using test::byTag;

class AuditStoreTest : public test::StoreTest {
 protected:
  void SetUp() override {
    test::StoreTest::SetUp();
    add("A1", kCart);
    add("A2", kCart);
    add("A3", std::string(kCart) + " / Slot 3");
    add("A4", kCart, DeviceStatus::in_repair);
    add("L1", kCart, DeviceStatus::lost);      // not in service: not expected
    add("C30", "Maple / Cart 30");             // another cart: not expected
    add("R1", "Oak / Room 1");
    add("X1", "Oak / Room 1", DeviceStatus::retired);
  }
  void add(const std::string& tag, const std::string& location, DeviceStatus status = DeviceStatus::in_stock) {
    auto d = test::draft("SN-" + tag, tag);
    d.location = location;
    d.status = status;
    ASSERT_TRUE(DeviceStore(db()).create(d, "token:t"));
  }
  Device device(const std::string& tag) { return *DeviceStore(db()).get(byTag(tag)); }
  std::int64_t start(const std::string& name = "Cart 3 check") {
    auto r = AuditStore(db()).start(name, kCart, "token:t", seenSince(std::chrono::hours(24 * 14)));
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->audit.id : 0;
  }
  ScanResult scan(std::int64_t id, const std::string& code) {
    auto r = AuditStore(db()).scan(id, code, "token:t");
    EXPECT_TRUE(r) << r.error().message;
    return r ? r->result : ScanResult::unknown;
  }
  AuditCounts counts(std::int64_t id) {
    return AuditStore(db()).report(id, seenSince(std::chrono::hours(24 * 14)), false)->counts;
  }
};

TEST_F(AuditStoreTest, StartSnapshotsInServiceDevicesWithinThePlace) {
  const auto id = start();
  EXPECT_EQ(counts(id).expected, 4);  // A1, A2, A3 (a slot of the cart), A4 (on the bench)
  EXPECT_EQ(scalar("SELECT count(*) FROM audit_expected WHERE device_id = (SELECT id FROM devices WHERE "
                   "asset_tag = 'C30')"),
            0);
  auto dup = AuditStore(db()).start("Cart 3 check", kCart, "token:t", seenSince(std::chrono::hours(1)));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
}

TEST_F(AuditStoreTest, LaterMovesDoNotChangeWhatWasExpected) {
  const auto id = start();
  auto a2 = device("A2");
  DeviceDraft move;
  move.location = "Oak / Room 1";
  ASSERT_TRUE(DeviceStore(db()).update(byTag("A2"), move, a2.version, "token:t"));
  DeviceDraft in;
  in.location = kCart;
  ASSERT_TRUE(DeviceStore(db()).update(byTag("R1"), in, device("R1").version, "token:t"));
  EXPECT_EQ(counts(id).expected, 4);
  EXPECT_EQ(scan(id, "A2"), ScanResult::found);      // expected at the start: found wherever it is now
  EXPECT_EQ(scan(id, "R1"), ScanResult::misplaced);  // moved in after the start: not in the snapshot
}

TEST_F(AuditStoreTest, ScansClassifyAndRepeatsChangeNothing) {
  const auto id = start();
  EXPECT_EQ(scan(id, "A1"), ScanResult::found);
  EXPECT_EQ(scan(id, "SN-A2"), ScanResult::found);  // by serial
  EXPECT_EQ(scan(id, "A1"), ScanResult::repeat);
  EXPECT_EQ(scan(id, "tag:A2"), ScanResult::repeat);
  EXPECT_EQ(scan(id, "R1"), ScanResult::misplaced);
  EXPECT_EQ(scan(id, "C30"), ScanResult::misplaced);
  EXPECT_EQ(scan(id, "X1"), ScanResult::unexpected);
  auto lost = AuditStore(db()).scan(id, "L1", "token:t");
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->result, ScanResult::unexpected);
  EXPECT_TRUE(lost->lost_found);
  EXPECT_EQ(scan(id, "NOPE-1"), ScanResult::unknown);
  EXPECT_EQ(scan(id, "NOPE-1"), ScanResult::repeat);
  auto c = counts(id);
  EXPECT_EQ(c.found, 2);
  EXPECT_EQ(c.misplaced, 2);
  EXPECT_EQ(c.unexpected, 2);
  EXPECT_EQ(c.unknown, 1);
  EXPECT_EQ(c.missing, 2);
  EXPECT_EQ(scalar("SELECT count(*) FROM audit_scans"), 7);
}

TEST_F(AuditStoreTest, SeenBySourceIsAMissingDeviceARecentSightingNames) {
  const auto id = start();
  const auto a3 = device("A3").id, a4 = device("A4").id;
  exec("INSERT INTO device_seen (device_id, source, first_seen, last_seen) VALUES (" + std::to_string(a3) +
       ", 'lan', '2020-01-01T00:00:00Z', '" + nowInstant() + "')");
  exec("INSERT INTO device_seen (device_id, source, first_seen, last_seen) VALUES (" + std::to_string(a4) +
       ", 'google', '2020-01-01T00:00:00Z', '2020-01-02T00:00:00Z')");  // too long ago
  auto r = AuditStore(db()).report(id, seenSince(std::chrono::hours(24 * 14)), true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->counts.seen_by_source, 1);
  EXPECT_EQ(r->counts.missing, 4);
  int seen = 0;
  for (const auto& it : r->items) {
    if (it.state != "missing") continue;
    if (it.device_id == a3) {
      EXPECT_TRUE(it.seen_by_source);
      EXPECT_EQ(it.seen_source, "lan");
      ++seen;
    }
    if (it.device_id == a4) {
      EXPECT_FALSE(it.seen_by_source);
      EXPECT_EQ(it.seen_source, "google");  // shown, but too old to count
    }
  }
  EXPECT_EQ(seen, 1);
  scan(id, "A3");
  EXPECT_EQ(counts(id).seen_by_source, 0);  // scanned: no longer missing
}

TEST_F(AuditStoreTest, ConcurrentScansCountEachDeviceOnce) {
  const auto id = start();
  std::atomic<int> found{0}, repeats{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (const char* code : {"A1", "A2", "A3", "A4", "R1", "NOPE"}) {
        auto r = AuditStore(db()).scan(id, code, "token:t");
        if (!r) continue;
        if (r->result == ScanResult::found) ++found;
        if (r->result == ScanResult::repeat) ++repeats;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(found.load(), 4);
  EXPECT_EQ(repeats.load(), 18);  // 24 scans, 6 distinct codes
  EXPECT_EQ(scalar("SELECT count(*) FROM audit_scans"), 6);
  auto c = counts(id);
  EXPECT_EQ(c.found, 4);
  EXPECT_EQ(c.missing, 0);
}

TEST_F(AuditStoreTest, CloseMovesMisplacedAndMarksMissingLostWithEvents) {
  const auto id = start();
  scan(id, "A1");
  scan(id, "R1");
  auto closed = AuditStore(db()).close(id, {true, MissingTo::lost}, "token:t", seenSince(std::chrono::hours(1)));
  ASSERT_TRUE(closed) << closed.error().message;
  EXPECT_FALSE(closed->audit.open());
  EXPECT_EQ(device("R1").location, kCart);
  EXPECT_EQ(device("A2").status, DeviceStatus::lost);
  EXPECT_EQ(device("A3").status, DeviceStatus::lost);
  EXPECT_EQ(device("A4").status, DeviceStatus::in_repair);  // the lifecycle has no in_repair -> lost
  EXPECT_EQ(device("A1").status, DeviceStatus::in_stock);
  EXPECT_EQ(closed->audit.close_result["marked_lost"].size(), 2u);
  EXPECT_EQ(closed->audit.close_result["moved"].size(), 1u);
  ASSERT_EQ(closed->audit.close_result["skipped"].size(), 1u);
  EXPECT_EQ(closed->audit.close_result["skipped"][0]["device"], "tag:A4");
  EXPECT_EQ(scalar("SELECT count(*) FROM events WHERE reason = 'audit: Cart 3 check'"), 3);

  // Read-only once closed.
  auto again = AuditStore(db()).scan(id, "A2", "token:t");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
  EXPECT_EQ(AuditStore(db()).close(id, {}, "token:t", "").error().code, Errc::conflict);
}

TEST_F(AuditStoreTest, CloseIsOneTransaction) {
  const auto id = start();
  scan(id, "R1");
  // A trigger that fails the third write of the close: nothing of it may remain.
  exec("CREATE TRIGGER fail_third AFTER UPDATE OF status ON devices WHEN NEW.status = 'lost' AND "
       "(SELECT count(*) FROM events WHERE reason LIKE 'audit:%') >= 2 BEGIN SELECT RAISE(ABORT, 'boom'); END");
  auto closed = AuditStore(db()).close(id, {true, MissingTo::lost}, "token:t", "");
  ASSERT_FALSE(closed);
  exec("DROP TRIGGER fail_third");
  EXPECT_EQ(scalar("SELECT count(*) FROM events WHERE reason LIKE 'audit:%'"), 0);
  EXPECT_EQ(device("R1").location, "Oak / Room 1");
  EXPECT_EQ(scalar("SELECT count(*) FROM devices WHERE status = 'lost'"), 1);  // only L1, as before
  EXPECT_TRUE(AuditStore(db()).report(id, "", false)->audit.open());
}

TEST_F(AuditStoreTest, UnknownAuditIsNotFound) {
  EXPECT_EQ(AuditStore(db()).scan(99, "A1", "t").error().code, Errc::not_found);
  EXPECT_EQ(AuditStore(db()).report(99, "", true).error().code, Errc::not_found);
}

}  // namespace
}  // namespace fk
