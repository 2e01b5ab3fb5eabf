#include "store/device_store.hpp"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "store/test_support.hpp"

namespace fk {
namespace {

using test::draft;

DeviceRef byId(std::int64_t id) {
  return {DeviceRef::By::id, id, ""};
}
DeviceRef bySerial(const std::string& s) {
  return {DeviceRef::By::serial, 0, s};
}
using test::byTag;

class DeviceStoreTest : public test::StoreTest {
 protected:
  Device make(DeviceDraft d) {
    auto created = store().create(d, "token:tech");
    EXPECT_TRUE(created.has_value()) << (created ? "" : created.error().message);
    return created.value_or(Device{});
  }
  DeviceStore& store() {
    if (!store_) store_ = std::make_unique<DeviceStore>(db());
    return *store_;
  }
  std::unique_ptr<DeviceStore> store_;
};

TEST_F(DeviceStoreTest, CreateStoresTheDeviceAndItsCreationEvent) {
  DeviceDraft d = draft("5CD1234", "CB-1001");
  d.kind = DeviceKind::chromebook;
  d.model = "HP Chromebook 11 G9 EE";
  d.purchase_price_cents = std::optional<std::int64_t>(28900);
  d.macs = std::vector<std::string>{"aa:bb:cc:dd:ee:02", "aa:bb:cc:dd:ee:01"};
  Device created = make(d);
  EXPECT_GT(created.id, 0);
  EXPECT_EQ(created.version, 1);
  EXPECT_EQ(created.status, DeviceStatus::in_stock);
  EXPECT_EQ(created.macs, (std::vector<std::string>{"aa:bb:cc:dd:ee:01", "aa:bb:cc:dd:ee:02"}));
  EXPECT_EQ(created.purchase_price_cents, 28900);
  EXPECT_FALSE(created.created_at.empty());
  EXPECT_EQ(created.created_at, created.updated_at);

  auto history = store().events(byTag("CB-1001"));
  ASSERT_TRUE(history.has_value());
  ASSERT_EQ(history->size(), 1u);
  const DeviceEvent& e = history->front();
  EXPECT_EQ(e.action, "created");
  EXPECT_EQ(e.actor, "token:tech");
  EXPECT_EQ(e.device_id, created.id);
  std::set<std::string> fields;
  for (const FieldChange& c : e.changes) {
    fields.insert(c.field);
    EXPECT_TRUE(c.old_value.is_null()) << c.field;
  }
  for (const char* f : {"serial", "asset_tag", "kind", "model", "purchase_price", "macs", "status"}) {
    EXPECT_TRUE(fields.contains(f)) << f;
  }
}

TEST_F(DeviceStoreTest, TheCreationHistoryKeepsAwkwardTextExactly) {
  DeviceDraft d = draft("SN-\"q\"", "TAG\\1");
  d.notes = "line one\nline \"two\"\ttabbed \xc3\xa9";
  d.loaner = true;
  Device created = make(d);
  auto history = store().events(byId(created.id));
  ASSERT_TRUE(history.has_value());
  std::map<std::string, nlohmann::json> set;
  for (const FieldChange& c : history->front().changes) set[c.field] = c.new_value;
  EXPECT_EQ(set["serial"], "SN-\"q\"");
  EXPECT_EQ(set["asset_tag"], "TAG\\1");
  EXPECT_EQ(set["notes"], *d.notes);
  EXPECT_EQ(set["loaner"], true);
  EXPECT_EQ(set["status"], "in_stock");
}

TEST_F(DeviceStoreTest, InitialStatusComesFromTheDraft) {
  DeviceDraft d = draft("PO-1");
  d.status = DeviceStatus::on_order;
  EXPECT_EQ(make(d).status, DeviceStatus::on_order);
}

TEST_F(DeviceStoreTest, DuplicateSerialOrTagIsAConflictNamingTheField) {
  make(draft("SN1", "TAG1"));
  auto dup_serial = store().create(draft("SN1", "TAG2"), "system");
  ASSERT_FALSE(dup_serial.has_value());
  EXPECT_EQ(dup_serial.error().code, Errc::conflict);
  EXPECT_EQ(dup_serial.error().details["field"], "serial");
  EXPECT_EQ(dup_serial.error().details["value"], "SN1");

  auto dup_tag = store().create(draft("SN2", "TAG1"), "system");
  ASSERT_FALSE(dup_tag.has_value());
  EXPECT_EQ(dup_tag.error().code, Errc::conflict);
  EXPECT_EQ(dup_tag.error().details["field"], "asset_tag");
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM events"), 1);
}

TEST_F(DeviceStoreTest, ADeviceNeedsASerialOrAnAssetTag) {
  DeviceDraft d;
  d.model = "Nameless";
  auto r = store().create(d, "system");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 0);
}

TEST_F(DeviceStoreTest, GetFindsByIdTagOrSerialAndReportsMissing) {
  Device d = make(draft("SN9", "TAG9"));
  EXPECT_EQ(store().get(byId(d.id))->serial, "SN9");
  EXPECT_EQ(store().get(byTag("TAG9"))->id, d.id);
  EXPECT_EQ(store().get(bySerial("SN9"))->id, d.id);
  for (const DeviceRef& missing : {byId(d.id + 1), byTag("SN9"), bySerial("nope")}) {
    auto r = store().get(missing);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::not_found);
  }
}

TEST_F(DeviceStoreTest, UpdateBumpsTheVersionAndRecordsOnlyWhatChanged) {
  Device d = make(draft("SN1", "TAG1"));
  DeviceDraft change;
  change.location = "Room 12";
  change.asset_tag = "TAG1";  // same value: not a change
  auto updated = store().update(byId(d.id), change, 1, "token:alice");
  ASSERT_TRUE(updated.has_value()) << updated.error().message;
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->location, "Room 12");
  auto history = store().events(byId(d.id));
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ(history->back().action, "updated");
  EXPECT_EQ(history->back().actor, "token:alice");
  ASSERT_EQ(history->back().changes.size(), 1u);
  EXPECT_EQ(history->back().changes[0].field, "location");
  EXPECT_EQ(history->back().changes[0].new_value, "Room 12");
}

TEST_F(DeviceStoreTest, AStaleVersionIsAConflictCarryingTheCurrentOne) {
  Device d = make(draft("SN1"));
  DeviceDraft change;
  change.notes = "first";
  ASSERT_TRUE(store().update(byId(d.id), change, 1, "system"));
  change.notes = "second";
  auto stale = store().update(byId(d.id), change, 1, "system");
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, Errc::conflict);
  EXPECT_EQ(stale.error().details["current_version"], 2);
  EXPECT_EQ(store().get(byId(d.id))->notes, "first");
}

TEST_F(DeviceStoreTest, AnUpdateThatChangesNothingWritesNothing) {
  Device d = make(draft("SN1", "TAG1"));
  DeviceDraft same = draft("SN1", "TAG1");
  std::uint64_t generation = db().generation();
  auto r = store().update(byId(d.id), same, 1, "system");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->version, 1);
  EXPECT_EQ(r->updated_at, d.updated_at);
  EXPECT_EQ(store().events(byId(d.id))->size(), 1u);
  EXPECT_EQ(db().generation(), generation);
}

TEST_F(DeviceStoreTest, UpdateRefusesTakingAnotherDevicesKeyOrDroppingBoth) {
  make(draft("SN1", "TAG1"));
  Device other = make(draft("SN2", "TAG2"));
  auto taken = store().update(byId(other.id), draft("SN1"), 1, "system");
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().code, Errc::conflict);
  EXPECT_EQ(taken.error().details["field"], "serial");

  DeviceDraft clear;
  clear.serial = "";
  clear.asset_tag = "";
  auto empty = store().update(byId(other.id), clear, 1, "system");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().code, Errc::invalid);
  EXPECT_EQ(store().get(byId(other.id))->version, 1);
}

TEST_F(DeviceStoreTest, StatusChangesOnlyThroughTransitions) {
  Device d = make(draft("SN1"));
  DeviceDraft change;
  change.status = DeviceStatus::deployed;
  auto r = store().update(byId(d.id), change, 1, "system");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid);
  EXPECT_EQ(r.error().details["field"], "status");
}

TEST_F(DeviceStoreTest, TransitionFollowsTheLifecycleAndKeepsTheReason) {
  Device d = make(draft("SN1"));
  auto moved = store().transition(byId(d.id), DeviceStatus::retired, "cracked frame", "token:bob");
  ASSERT_TRUE(moved.has_value()) << moved.error().message;
  EXPECT_EQ(moved->status, DeviceStatus::retired);
  EXPECT_EQ(moved->version, 2);
  auto history = store().events(byId(d.id));
  const DeviceEvent& e = history->back();
  EXPECT_EQ(e.action, "transition");
  EXPECT_EQ(e.reason, "cracked frame");
  ASSERT_EQ(e.changes.size(), 1u);
  EXPECT_EQ(e.changes[0].old_value, "in_stock");
  EXPECT_EQ(e.changes[0].new_value, "retired");

  auto refused = store().transition(byId(d.id), DeviceStatus::deployed, "", "system");
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, Errc::conflict);
  EXPECT_EQ(store().get(byId(d.id))->status, DeviceStatus::retired);
  EXPECT_EQ(store().events(byId(d.id))->size(), 2u);
}

TEST_F(DeviceStoreTest, TheHistoryCannotBeRewritten) {
  Device d = make(draft("SN1"));
  ASSERT_TRUE(store().transition(byId(d.id), DeviceStatus::deployed, "", "system"));
  EXPECT_THROW(exec("UPDATE events SET actor = 'someone else'"), SQLite::Exception);
  EXPECT_THROW(exec("DELETE FROM events"), SQLite::Exception);
  EXPECT_EQ(scalar("SELECT count(*) FROM events WHERE actor = 'system'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM events"), 2);
}

TEST_F(DeviceStoreTest, ConcurrentWritersLoseNoUpdate) {
  Device d = make(draft("COUNTER"));
  DeviceDraft zero;
  zero.notes = "0";
  ASSERT_TRUE(store().update(byId(d.id), zero, 1, "system"));
  constexpr int kPerThread = 40;
  std::atomic<int> conflicts{0};
  auto worker = [&] {
    DeviceStore mine(db());
    for (int done = 0; done < kPerThread;) {
      Device current = mine.get(byId(d.id)).value();
      DeviceDraft next;
      next.notes = std::to_string(std::stoi(current.notes) + 1);
      auto r = mine.update(byId(d.id), next, current.version, "system");
      if (r) {
        ++done;
      } else {
        ASSERT_EQ(r.error().code, Errc::conflict) << r.error().message;
        ++conflicts;
      }
    }
  };
  std::thread a(worker), b(worker);
  a.join();
  b.join();
  Device final_state = store().get(byId(d.id)).value();
  EXPECT_EQ(final_state.notes, std::to_string(2 * kPerThread));
  EXPECT_EQ(final_state.version, 2 + 2 * kPerThread);
  EXPECT_EQ(store().events(byId(d.id))->size(), static_cast<std::size_t>(2 + 2 * kPerThread));
}

TEST_F(DeviceStoreTest, ListFiltersCombineWithAnd) {
  auto add = [&](const std::string& serial, DeviceKind kind, const std::string& model,
                 const std::string& location, const std::string& notes) {
    DeviceDraft d = draft(serial, "T-" + serial);
    d.kind = kind;
    d.model = model;
    d.location = location;
    d.notes = notes;
    return make(d);
  };
  add("A1", DeviceKind::chromebook, "CB 11", "Lincoln", "");
  add("A2", DeviceKind::chromebook, "CB 11", "Roosevelt", "Cracked SCREEN");
  add("A3", DeviceKind::laptop, "Latitude", "Lincoln", "100% charged");
  Device a4 = add("A4", DeviceKind::chromebook, "CB 11", "Lincoln", "");
  ASSERT_TRUE(store().transition(byId(a4.id), DeviceStatus::deployed, "", "system"));

  auto serials = [&](DeviceFilter f) {
    std::vector<std::string> out;
    auto page = store().list(f);
    EXPECT_TRUE(page.has_value());
    if (page) {
      for (const Device& d : page->items) out.push_back(d.serial);
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(serials({.kind = DeviceKind::chromebook, .location = "Lincoln"}), (V{"A1", "A4"}));
  EXPECT_EQ(
      serials({.status = DeviceStatus::in_stock, .kind = DeviceKind::chromebook, .location = "Lincoln"}),
      (V{"A1"}));
  EXPECT_EQ(serials({.model = "Latitude"}), (V{"A3"}));
  EXPECT_EQ(serials({.code = "T-A2"}), (V{"A2"}));
  EXPECT_EQ(serials({.code = "A2"}), (V{"A2"}));
  EXPECT_EQ(serials({.q = "screen"}), (V{"A2"}));
  EXPECT_EQ(serials({.q = "LINC"}), (V{"A1", "A3", "A4"}));
  // LIKE wildcards in the query are literal characters.
  EXPECT_EQ(serials({.q = "0%"}), (V{"A3"}));
  EXPECT_EQ(serials({.q = "_"}), (V{}));
  EXPECT_EQ(serials({.kind = DeviceKind::tablet}), (V{}));
}

TEST_F(DeviceStoreTest, ListRefusesAnOutOfRangeLimit) {
  for (int limit : {0, -1, 1001}) {
    auto r = store().list({.limit = limit});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().details["field"], "limit");
  }
}

TEST_F(DeviceStoreTest, PagingNeitherSkipsNorRepeatsWhileRowsAreAdded) {
  for (int i = 0; i < 10; ++i) {
    DeviceDraft d = draft("P" + std::to_string(i));
    d.macs = std::vector<std::string>{"aa:bb:cc:00:00:" + std::to_string(10 + i)};
    make(d);
  }
  std::vector<std::int64_t> seen;
  DeviceFilter f{.limit = 3};
  int pages = 0;
  int added = 0;
  for (;;) {
    auto page = store().list(f);
    ASSERT_TRUE(page.has_value());
    ++pages;
    for (const Device& d : page->items) {
      seen.push_back(d.id);
      // MACs come with the page: the first ten devices have one each, the later ones none.
      EXPECT_EQ(d.macs.size(), d.serial.starts_with("P") ? 1u : 0u) << d.serial;
    }
    if (!page->next_after_id) break;
    f.after_id = *page->next_after_id;
    if (added < 4) make(draft("NEW" + std::to_string(added++)));
  }
  EXPECT_EQ(seen.size(), 14u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::set<std::int64_t>(seen.begin(), seen.end()).size(), seen.size());
  EXPECT_EQ(pages, 5);
}

TEST_F(DeviceStoreTest, ALastPageThatIsExactlyFullHasNoCursor) {
  for (int i = 0; i < 4; ++i) make(draft("E" + std::to_string(i)));
  auto first = store().list({.limit = 2});
  ASSERT_TRUE(first->next_after_id.has_value());
  auto second = store().list({.limit = 2, .after_id = *first->next_after_id});
  EXPECT_EQ(second->items.size(), 2u);
  EXPECT_FALSE(second->next_after_id.has_value());
}

TEST_F(DeviceStoreTest, IdsAreNeverReused) {
  Device a = make(draft("R1"));
  // Deleting is not an API operation yet, but the schema must keep cursors valid if it becomes one.
  db().with([](SQLite::Database& c) {
    c.exec("DROP TRIGGER events_no_delete; DELETE FROM events; DELETE FROM devices");
  });
  Device b = make(draft("R1"));
  EXPECT_GT(b.id, a.id);
}

TEST_F(DeviceStoreTest, SightingsAreReadPerSource) {
  Device d = make(draft("S1"));
  exec("INSERT INTO device_seen (device_id, source, first_seen, last_seen, source_id, fields) VALUES (" +
       std::to_string(d.id) +
       ", 'lan', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', NULL, '{\"ip\":\"10.0.0.5\"}')");
  auto seen = store().sightings(d.id);
  ASSERT_TRUE(seen.has_value());
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ(seen->front().source, "lan");
  EXPECT_EQ(seen->front().last_seen, "2026-02-01T00:00:00Z");
  EXPECT_EQ(seen->front().fields["ip"], "10.0.0.5");
  EXPECT_TRUE(store().sightings(d.id + 1)->empty());
}

TEST_F(DeviceStoreTest, GetWithSightingsReadsBothAndLeavesNoTransactionOpen) {
  DeviceDraft dr = draft("S1", "CB-1");
  dr.macs = std::vector<std::string>{"aa:bb:cc:dd:ee:01"};
  Device d = make(dr);
  exec("INSERT INTO device_seen (device_id, source, first_seen, last_seen, source_id, fields) VALUES (" +
       std::to_string(d.id) + ", 'lan', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z', 'x', '{}')");
  for (int i = 0; i < 6; ++i) {  // more than the pool has connections, so every one serves a read
    auto read = store().getWithSightings(DeviceRef{DeviceRef::By::asset_tag, 0, "CB-1"});
    ASSERT_TRUE(read.has_value()) << read.error().message;
    EXPECT_EQ(read->device.id, d.id);
    EXPECT_EQ(read->device.macs, std::vector<std::string>{"aa:bb:cc:dd:ee:01"});
    ASSERT_TRUE(read->sightings.has_value());
    ASSERT_EQ(read->sightings->size(), 1u);
    EXPECT_EQ(read->sightings->front().source_id, "x");
  }
  auto missing = store().getWithSightings(DeviceRef{DeviceRef::By::asset_tag, 0, "CB-404"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::not_found);
  // A read transaction left open on a pooled connection would pin its snapshot: the write below would
  // then be invisible to it.
  DeviceDraft patch;
  patch.notes = "after";
  ASSERT_TRUE(store().update(DeviceRef{DeviceRef::By::id, d.id, ""}, patch, d.version, "test"));
  for (int conn : test::onEveryConnection(db(), "SELECT count(*) FROM devices WHERE notes = 'after'")) EXPECT_EQ(conn, 1);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(store().getWithSightings(DeviceRef{DeviceRef::By::id, d.id, ""})->device.notes, "after");
}

}  // namespace
}  // namespace fk
