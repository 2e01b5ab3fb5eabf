#include "store/reconcile_store.hpp"

#include <gtest/gtest.h>

#include "core/values.hpp"
#include "store/device_store.hpp"
#include "store/source_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using namespace std::chrono_literals;

api::Observation device(const std::string& serial, std::map<std::string, std::string> fields = {},
                        std::vector<std::string> macs = {}) {
  api::Observation o;
  o.fields = std::move(fields);
  o.fields["serial"] = serial;
  o.macs = std::move(macs);
  o.origin = "record " + serial;
  return o;
}

class ReconcileStoreTest : public test::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    // Every row written to the registry tables lands here, so a test can tell "no writes" from few.
    exec("CREATE TABLE writes (what TEXT)");
    for (const char* table : {"devices", "device_seen", "events", "device_macs", "source_unknown"}) {
      for (const char* op : {"INSERT", "UPDATE", "DELETE"}) {
        exec(std::string("CREATE TRIGGER count_") + table + "_" + op + " AFTER " + op + " ON " + table +
             " BEGIN INSERT INTO writes VALUES ('" + table + "'); END");
      }
    }
  }

  ReconcileSummary poll(std::vector<api::Observation> seen, api::TimePoint at, bool complete = true,
                        reconcile::Policy policy = {}, std::string state = "s1") {
    PollObservations p{.source = "inv",
                       .policy = policy,
                       .managed = std::move(seen),
                       .network = {},
                       .complete_listing = complete,
                       .next_state = std::move(state),
                       .poll_time = at};
    // One store for the test, as a runner keeps one: every test also runs on the index it keeps.
    if (!store_) store_ = std::make_unique<ReconcileStore>(db());
    auto r = store_->apply(p);
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().message);
    return r ? *r : ReconcileSummary{};
  }

  // The index the store keeps for the next poll holds what a fresh load reads, owners' order aside.
  void expectKeptIndexIsFresh(const ReconcileStore& store, const std::string& source = "inv") {
    auto kept = store.keptIndex(source);
    auto fresh = ReconcileStore::loadIndex(db(), source);
    ASSERT_TRUE(kept.has_value()) << "an index was kept for " << source;
    ASSERT_TRUE(fresh.has_value());
    for (auto* idx : {&*kept, &*fresh})
      for (auto& [mac, owners] : idx->by_mac) std::sort(owners.begin(), owners.end());
    EXPECT_EQ(kept->devices, fresh->devices);
    EXPECT_EQ(kept->by_serial, fresh->by_serial);
    EXPECT_EQ(kept->by_tag, fresh->by_tag);
    EXPECT_EQ(kept->by_mac, fresh->by_mac);
    EXPECT_EQ(kept->by_source_id, fresh->by_source_id);
    EXPECT_EQ(kept->seen, fresh->seen);
  }

  std::int64_t writes() { return scalar("SELECT count(*) FROM writes"); }

  api::TimePoint t0_ = api::Clock::now() - 24h;
  std::unique_ptr<ReconcileStore> store_;
};

TEST_F(ReconcileStoreTest, UnknownDevicesAreCreatedInStockWithTheSourceAsActor) {
  auto s = poll(
      {device("S1", {{"model", "HP Chromebook 11 G9 EE"}, {"location", "Room 12"}}, {"AA-BB-CC-00-00-01"}),
       device("S2", {{"status", "deployed"}})},
      t0_);
  EXPECT_EQ(s.created, 2u);
  EXPECT_EQ(s.listed, 2u);
  DeviceStore store(db());
  auto d = store.get({DeviceRef::By::serial, 0, "S1"});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, DeviceStatus::in_stock);
  EXPECT_EQ(d->macs, std::vector<std::string>{"aa:bb:cc:00:00:01"});
  EXPECT_EQ(store.get({DeviceRef::By::serial, 0, "S2"})->status, DeviceStatus::deployed)
      << "an inventory may say where a new device stands";
  auto events = store.events({DeviceRef::By::serial, 0, "S1"});
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].actor, "source:inv");
  EXPECT_EQ((*events)[0].action, "created");
  auto seen = store.sightings(d->id);
  ASSERT_EQ(seen->size(), 1u);
  EXPECT_EQ((*seen)[0].source, "inv");
  EXPECT_EQ((*seen)[0].first_seen, formatInstant(t0_));
  EXPECT_EQ(SourceStore(db()).bookkeeping("inv")->state, "s1");
}

TEST_F(ReconcileStoreTest, AnUnchangedPollWritesNothingButBookkeeping) {
  std::vector<api::Observation> fleet;
  for (int i = 0; i < 50; ++i) fleet.push_back(device("S" + std::to_string(i), {{"location", "Room 1"}}));
  poll(fleet, t0_);
  const std::int64_t before = writes();
  auto s = poll(fleet, t0_ + 1h, true, {}, "s2");
  EXPECT_EQ(s.unchanged, 50u);
  EXPECT_EQ(writes(), before) << "no registry row written for an unchanged listing";
  EXPECT_EQ(SourceStore(db()).bookkeeping("inv")->state, "s2");

  // last_seen still moves: the view resolves it from the source's last successful poll.
  DeviceStore store(db());
  auto d = store.get({DeviceRef::By::serial, 0, "S7"});
  EXPECT_EQ((*store.sightings(d->id))[0].last_seen, formatInstant(t0_ + 1h));
}

// ?seen_since= and ?stale=true read the true last_seen: for a row the latest poll merely confirmed,
// device_seen.last_seen lags and the source's last successful poll says when it was seen.
TEST_F(ReconcileStoreTest, SeenSinceAndStaleUseTheLastPollThatConfirmedADevice) {
  const std::vector<api::Observation> both{device("S1", {{"status", "deployed"}}),
                                           device("S2", {{"status", "deployed"}})};
  poll(both, t0_);
  poll(both, t0_ + 2h);
  ASSERT_EQ(scalar("SELECT count(*) FROM device_seen WHERE last_seen = '" + formatInstant(t0_) + "'"), 2)
      << "the confirmed rows were not rewritten, so their stored last_seen lags";
  // A later failed poll records its outcome but is no sighting.
  SourceStatus failed;
  failed.name = "inv";
  failed.last_start = failed.last_end = t0_ + 3h;
  failed.last_result = "failed";
  ASSERT_TRUE(SourceStore(db()).recordOutcome(failed));

  DeviceStore store(db());
  auto serials = [&](DeviceFilter f) {
    std::vector<std::string> out;
    auto page = store.list(f);
    EXPECT_TRUE(page.has_value()) << (page ? "" : page.error().message);
    if (page)
      for (const Device& d : page->items) out.push_back(d.serial);
    return out;
  };
  auto since = [&](api::TimePoint t) { return serials({.seen_since = formatInstant(t)}); };
  auto staleBefore = [&](api::TimePoint t) {
    return serials({.stale_before = formatInstant(t), .stale_sources = {"inv"}});
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(since(t0_ + 1h), (V{"S1", "S2"}));
  EXPECT_EQ(since(t0_ + 2h), (V{"S1", "S2"}));
  EXPECT_EQ(since(t0_ + 2h + 1s), V{}) << "the failed poll at +3h saw nothing";
  EXPECT_EQ(staleBefore(t0_ + 1h), V{}) << "confirmed at +2h, not stale since +1h";
  EXPECT_EQ(staleBefore(t0_ + 2h + 1s), (V{"S1", "S2"}));

  // S2 leaves the listing: its last_seen freezes at the last poll that had it.
  poll({both[0]}, t0_ + 4h);
  EXPECT_EQ(since(t0_ + 2h), (V{"S1", "S2"}));
  EXPECT_EQ(since(t0_ + 3h), V{"S1"});
  EXPECT_EQ(staleBefore(t0_ + 3h), V{"S2"});
  EXPECT_EQ(staleBefore(t0_ + 1h), V{});
}

TEST_F(ReconcileStoreTest, SightingFieldsKeepQuotesControlCharactersAndUnicode) {
  api::Observation o = device("S1", {{"location", "Room \"12\" \\ east"}});
  o.extra["user"] = "zo\xc3\xab@example.org";
  o.extra["note"] = "tab\there";
  o.extra["plain"] = "120.0.6099.235";
  poll({o}, t0_);
  DeviceStore store(db());
  auto d = store.get({DeviceRef::By::serial, 0, "S1"});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->location, "Room \"12\" \\ east");
  const auto seen = store.sightings(d->id);
  ASSERT_EQ(seen->size(), 1u);
  const nlohmann::json fields = (*seen)[0].fields;
  EXPECT_EQ(fields["user"], "zo\xc3\xab@example.org");
  EXPECT_EQ(fields["note"], "tab\there");
  EXPECT_EQ(fields["plain"], "120.0.6099.235");
  const std::string asserted =
      db().with([](SQLite::Database& c) { return c.execAndGet("SELECT asserted FROM device_seen").getString(); });
  EXPECT_EQ(nlohmann::json::parse(asserted)["location"][0], "Room \"12\" \\ east");
}

TEST_F(ReconcileStoreTest, ChangedFieldsBecomeOneEventAndOthersStayUntouched) {
  poll({device("S1", {{"location", "Room 1"}}), device("S2", {{"location", "Room 2"}})}, t0_);
  const std::int64_t before = writes();
  auto s = poll({device("S1", {{"location", "Room 9"}}), device("S2", {{"location", "Room 2"}})}, t0_ + 1h);
  EXPECT_EQ(s.updated, 1u);
  EXPECT_EQ(s.unchanged, 1u);
  EXPECT_EQ(writes() - before, 3) << "the device, its event and its sighting";
  auto events = DeviceStore(db()).events({DeviceRef::By::serial, 0, "S1"});
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[1].actor, "source:inv");
  ASSERT_EQ((*events)[1].changes.size(), 1u);
  EXPECT_EQ((*events)[1].changes[0].field, "location");
  EXPECT_EQ((*events)[1].changes[0].new_value, "Room 9");
}

TEST_F(ReconcileStoreTest, APersonsNewerEditIsNotOverwritten) {
  poll({device("S1", {{"location", "Room 1"}})}, t0_);
  DeviceStore store(db());
  auto d = store.get({DeviceRef::By::serial, 0, "S1"});
  DeviceDraft edit;
  edit.location = "Principal's office";
  ASSERT_TRUE(store.update({DeviceRef::By::id, d->id, ""}, edit, d->version, "token:alice"));

  auto s = poll({device("S1", {{"location", "Room 1"}})}, api::Clock::now() + 1h);
  EXPECT_EQ(s.kept_manual, 1u);
  EXPECT_EQ(store.get({DeviceRef::By::id, d->id, ""})->location, "Principal's office");
  const std::int64_t before = writes();
  poll({device("S1", {{"location", "Room 1"}})}, api::Clock::now() + 2h);
  EXPECT_EQ(writes(), before) << "decided once, not re-examined every poll";

  // The source changing its own value is news, and newer than the edit.
  s = poll({device("S1", {{"location", "Room 30"}})}, api::Clock::now() + 3h);
  EXPECT_EQ(s.updated, 1u);
  EXPECT_EQ(store.get({DeviceRef::By::id, d->id, ""})->location, "Room 30");
}

TEST_F(ReconcileStoreTest, OverwriteManualLetsTheSourceWin) {
  poll({device("S1", {{"location", "Room 1"}})}, t0_);
  DeviceStore store(db());
  auto d = store.get({DeviceRef::By::serial, 0, "S1"});
  DeviceDraft edit;
  edit.location = "Elsewhere";
  ASSERT_TRUE(store.update({DeviceRef::By::id, d->id, ""}, edit, d->version, "token:alice"));
  poll({device("S1", {{"location", "Room 1"}})}, api::Clock::now() + 1h, true, {.overwrite_manual = true});
  EXPECT_EQ(store.get({DeviceRef::By::id, d->id, ""})->location, "Room 1");
}

TEST_F(ReconcileStoreTest, FlaggedUnknownsAreListedNotCreatedAndLeaveWithTheListing) {
  auto s = poll({device("NEW1", {{"model", "X"}})}, t0_, true, {.create_unknown = false});
  EXPECT_EQ(s.flagged, 1u);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 0);
  auto flagged = SourceStore(db()).flagged("inv", 10);
  ASSERT_EQ(flagged->size(), 1u);
  EXPECT_EQ((*flagged)[0].serial, "NEW1");
  EXPECT_EQ((*flagged)[0].fields["model"], "X");
  const std::int64_t before = writes();
  poll({device("NEW1", {{"model", "X"}})}, t0_ + 1h, true, {.create_unknown = false});
  EXPECT_EQ(writes(), before);
  poll({}, t0_ + 2h, true, {.create_unknown = false});
  EXPECT_EQ(*SourceStore(db()).flaggedCount("inv"), 0);
}

TEST_F(ReconcileStoreTest, DuplicateSerialsAreReportedAndNotMerged) {
  auto a = device("DUP", {{"asset_tag", "A-1"}});
  auto b = device("DUP", {{"asset_tag", "A-2"}});
  b.origin = "record 2";
  auto s = poll({a, b, device("OK1")}, t0_);
  EXPECT_EQ(s.duplicates, 2u);
  EXPECT_EQ(s.created, 1u);
  ASSERT_EQ(s.duplicate_keys.size(), 1u);
  EXPECT_EQ(s.duplicate_keys[0].key, "serial DUP");
  EXPECT_EQ(scalar("SELECT count(*) FROM devices WHERE serial = 'DUP'"), 0);
}

TEST_F(ReconcileStoreTest, ACompleteListingWithoutADeviceFreezesItsLastSeen) {
  poll({device("S1"), device("S2")}, t0_);
  poll({device("S1")}, t0_ + 1h, /*complete=*/false);
  DeviceStore store(db());
  auto s2 = store.get({DeviceRef::By::serial, 0, "S2"});
  EXPECT_EQ((*store.sightings(s2->id))[0].last_seen, formatInstant(t0_ + 1h))
      << "an incremental poll is no news";
  auto s = poll({device("S1")}, t0_ + 2h);
  EXPECT_EQ(s.left_listing, 1u);
  EXPECT_EQ(s.listed, 1u);
  poll({device("S1")}, t0_ + 3h);
  EXPECT_EQ((*store.sightings(s2->id))[0].last_seen, formatInstant(t0_ + 1h));
  EXPECT_EQ(store.get({DeviceRef::By::serial, 0, "S2"})->status, DeviceStatus::in_stock)
      << "nothing marked missing";
}

TEST_F(ReconcileStoreTest, MatchesAnExistingDeviceByMacAndAddsItsSerialAndSourceId) {
  DeviceStore store(db());
  DeviceDraft d = test::draft("", "CB-7");
  d.macs = std::vector<std::string>{"aa:bb:cc:dd:ee:07"};
  ASSERT_TRUE(store.create(d, "token:alice"));
  auto o = device("SER7", {}, {"AABBCCDDEE07"});
  o.source_id = "g-7";
  auto s = poll({o}, t0_);
  EXPECT_EQ(s.updated, 1u);
  EXPECT_EQ(store.get({DeviceRef::By::asset_tag, 0, "CB-7"})->serial, "SER7");
  // Next time the source id alone finds it, whatever the record's serial says.
  o.fields["serial"] = "SER7-NEW";
  s = poll({o}, t0_ + 1h);
  EXPECT_EQ(s.updated, 1u);
  EXPECT_EQ(store.get({DeviceRef::By::asset_tag, 0, "CB-7"})->serial, "SER7-NEW");
}

TEST_F(ReconcileStoreTest, AFailureInsideThePollsTransactionLeavesEverythingAsItWas) {
  PollObservations p{.source = "inv", .managed = {device("S1")}, .next_state = "never", .poll_time = t0_};
  api::Observation net;
  net.kind = api::ObservationKind::network;
  net.macs = {"aa:bb:cc:dd:ee:ff"};
  p.network = {net};
  ReconcileHooks failing{
      .presence = [](SQLite::Database&, const std::string&, const std::vector<api::Observation>&,
                     api::TimePoint) -> Status { return std::unexpected(Error::internal("disk full")); }};
  auto r = ReconcileStore(db()).apply(p, failing);
  ASSERT_FALSE(r);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM source_state"), 0);
}

TEST_F(ReconcileStoreTest, ALostDeviceThatChecksInIsReportedToTheSightingHook) {
  poll({device("S1"), device("S2")}, t0_);
  DeviceStore store(db());
  auto lost = store.get({DeviceRef::By::serial, 0, "S1"});
  ASSERT_TRUE(
      store.transition({DeviceRef::By::id, lost->id, ""}, DeviceStatus::lost, "left on bus", "token:alice"));
  std::vector<std::int64_t> sighted;
  ReconcileHooks hooks{.lost_sighting = [&](SQLite::Database&, std::int64_t id, DeviceStatus status,
                                            const std::string& source, const reconcile::Record& r) -> Status {
    EXPECT_EQ(status, DeviceStatus::lost);
    EXPECT_EQ(source, "inv");
    EXPECT_FALSE(r.last_sync.empty());
    sighted.push_back(id);
    return {};
  }};
  auto a = device("S1"), b = device("S2");
  a.last_sync = b.last_sync = t0_ + 1h;
  PollObservations p{.source = "inv", .managed = {a, b}, .next_state = "s", .poll_time = t0_ + 2h};
  ASSERT_TRUE(ReconcileStore(db()).apply(p, hooks));
  EXPECT_EQ(sighted, std::vector<std::int64_t>{lost->id});
}

TEST_F(ReconcileStoreTest, BadFieldValuesAreDroppedAndReported) {
  auto s = poll({device("S1", {{"aue_date", "someday"}, {"model", "M"}})}, t0_);
  EXPECT_EQ(s.created, 1u);
  EXPECT_EQ(s.field_problems, 1u);
  ASSERT_FALSE(s.problems.empty());
  EXPECT_NE(s.problems[0].find("aue_date"), std::string::npos);
}

// Between polls of a source its store keeps the registry's keys (reading them was half of an unchanged
// 100k re-sync) and keeps them true through the poll's own writes.
TEST_F(ReconcileStoreTest, TheNextPollReusesTheIndexThePreviousOneLeft) {
  std::vector<api::Observation> fleet;
  for (int i = 0; i < 20; ++i) {
    auto o = device("S" + std::to_string(i), {{"location", "Room 1"}},
                    {"aa:bb:cc:00:00:" + std::to_string(10 + i)});
    o.source_id = "g-" + std::to_string(i);
    fleet.push_back(o);
  }
  poll(fleet, t0_);
  EXPECT_EQ(store_->indexLoads(), 1u);
  expectKeptIndexIsFresh(*store_);

  auto s = poll(fleet, t0_ + 1h);
  EXPECT_EQ(s.unchanged, 20u);
  EXPECT_EQ(store_->indexLoads(), 1u);
  EXPECT_EQ(store_->indexReuses(), 1u);

  // Every kind of change a poll makes to the keys: a new device, a serial and a source id that move, a
  // MAC added, a tag asserted, devices leaving the listing.
  fleet[0].fields["serial"] = "S0-NEW";
  fleet[1].source_id = "g-1-renumbered";
  fleet[2].macs.push_back("aa:bb:cc:00:01:02");
  fleet[3].fields["asset_tag"] = "CB-3";
  fleet.push_back(device("S-NEW", {}, {"aa:bb:cc:00:00:10"}));  // a MAC S0 has too: two owners
  fleet.erase(fleet.begin() + 10, fleet.begin() + 15);
  s = poll(fleet, t0_ + 2h);
  EXPECT_EQ(s.created, 1u);
  EXPECT_EQ(s.updated, 3u) << "serial, MAC and tag; a new source id alone changes no device";
  EXPECT_EQ(s.left_listing, 5u);
  EXPECT_EQ(store_->indexReuses(), 2u);
  expectKeptIndexIsFresh(*store_);

  // The next poll finds them by the new keys, from the kept index.
  fleet[0].source_id.clear();  // found by its new serial alone
  s = poll(fleet, t0_ + 3h);
  EXPECT_EQ(s.created, 0u);
  EXPECT_EQ(s.conflicts, 0u);
  EXPECT_EQ(store_->indexReuses(), 3u);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 21);
  expectKeptIndexIsFresh(*store_);
}

// A person's write between two polls (a device created, a serial or MACs changed) is matched on the next
// poll: the kept index is dropped, not trusted.
TEST_F(ReconcileStoreTest, WritesByOthersBetweenPollsAreSeenByTheNextPoll) {
  DeviceStore devices(db());
  poll({device("S1", {}, {"aa:bb:cc:00:00:01"}), device("S2", {}, {"aa:bb:cc:00:00:02"})}, t0_);
  ASSERT_EQ(store_->indexLoads(), 1u);

  // Created by a person: the source's record with its serial is that device, not a new one.
  auto made = devices.create(test::draft("P1"), "token:alice");
  ASSERT_TRUE(made);
  auto s = poll({device("S1", {}, {"aa:bb:cc:00:00:01"}), device("S2", {}, {"aa:bb:cc:00:00:02"}),
                 device("P1", {{"model", "M"}})},
                t0_ + 1h);
  EXPECT_EQ(s.created, 0u);
  EXPECT_EQ(s.conflicts, 0u);
  EXPECT_EQ(store_->indexLoads(), 2u);
  EXPECT_EQ(scalar("SELECT count(*) FROM device_seen WHERE device_id = " + std::to_string(made->id)), 1);

  // A serial changed by a person: the source listing the new serial finds the same device.
  auto s1 = devices.get({DeviceRef::By::serial, 0, "S1"});
  DeviceDraft rename;
  rename.serial = "S1-FIXED";
  ASSERT_TRUE(devices.update({DeviceRef::By::id, s1->id, ""}, rename, s1->version, "token:alice"));
  s = poll({device("S1-FIXED", {}, {"aa:bb:cc:00:00:01"}), device("S2", {}, {"aa:bb:cc:00:00:02"}),
            device("P1", {{"model", "M"}})},
           t0_ + 2h);
  EXPECT_EQ(s.created, 0u) << "not a new device with the fixed serial";
  EXPECT_EQ(s.conflicts, 0u);
  EXPECT_EQ(store_->indexLoads(), 3u);

  // MACs changed by a person: a record known only by its tag (new to the registry) and the new MAC
  // is that device, and takes the tag.
  auto s2 = devices.get({DeviceRef::By::serial, 0, "S2"});
  DeviceDraft remac;
  remac.macs = std::vector<std::string>{"aa:bb:cc:00:00:99"};
  ASSERT_TRUE(devices.update({DeviceRef::By::id, s2->id, ""}, remac, s2->version, "token:alice"));
  api::Observation by_mac;
  by_mac.fields["asset_tag"] = "CB-99";
  by_mac.macs = {"AA:BB:CC:00:00:99"};
  by_mac.origin = "record CB-99";
  s = poll({device("S1-FIXED", {}, {"aa:bb:cc:00:00:01"}), by_mac, device("P1", {{"model", "M"}})}, t0_ + 3h);
  EXPECT_EQ(s.created, 0u);
  EXPECT_EQ(s.conflicts, 0u);
  EXPECT_EQ(devices.get({DeviceRef::By::id, s2->id, ""})->asset_tag, "CB-99");
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 3);
  EXPECT_EQ(store_->indexLoads(), 4u);
  expectKeptIndexIsFresh(*store_);
}

// A writer's noteWrite() comes after its commit, so a poll can begin in between, with the generation
// not yet moved: the newest event tells it the registry changed.
TEST_F(ReconcileStoreTest, ADeviceWrittenBeforeItsWriterNotedItStillDropsTheIndex) {
  poll({device("S1")}, t0_);
  const std::uint64_t generation = db().generation();
  exec("INSERT INTO devices (serial, kind, status, version, created_at, updated_at) "
       "VALUES ('Z1', 'chromebook', 'in_stock', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
  exec("INSERT INTO events (device_id, at, actor, action, changes) "
       "SELECT id, '2026-01-01T00:00:00Z', 'token:alice', 'created', '[]' FROM devices WHERE serial = 'Z1'");
  ASSERT_EQ(db().generation(), generation);
  auto s = poll({device("S1"), device("Z1")}, t0_ + 1h);
  EXPECT_EQ(s.created, 0u);
  EXPECT_EQ(store_->indexLoads(), 2u);
}

// Each source's store keeps its own index; a poll of one source that changes the registry drops the
// other's, and a store polled for two sources never hands one the other's index.
TEST_F(ReconcileStoreTest, TwoSourcesDoNotShareAStaleIndex) {
  ReconcileStore a(db()), b(db());
  auto apply = [&](ReconcileStore& store, const std::string& source, std::vector<api::Observation> seen,
                   api::TimePoint at) {
    auto r = store.apply(PollObservations{
        .source = source, .managed = std::move(seen), .complete_listing = true, .poll_time = at});
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : ReconcileSummary{};
  };
  apply(a, "google", {device("S1")}, t0_);
  apply(b, "csv", {device("S1")}, t0_);
  apply(a, "google", {device("S1"), device("S5")}, t0_ + 1h);  // creates S5
  auto s = apply(b, "csv", {device("S1"), device("S5")}, t0_ + 1h);
  EXPECT_EQ(s.created, 0u) << "csv finds the device google created";
  EXPECT_EQ(b.indexLoads(), 2u);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 2);
  apply(a, "google", {device("S1"), device("S5")}, t0_ + 2h);
  EXPECT_EQ(a.indexLoads(), 3u) << "csv's sightings were a write by someone else";
  expectKeptIndexIsFresh(a, "google");
  expectKeptIndexIsFresh(b, "csv");
}

TEST_F(ReconcileStoreTest, OneStorePolledForTwoSourcesKeepsOnlyTheLastOnesIndex) {
  ReconcileStore shared(db());
  std::size_t created = 0;
  for (const char* source : {"google", "csv", "google"}) {
    auto r = shared.apply(PollObservations{.source = source, .managed = {device("S1")}, .poll_time = t0_});
    ASSERT_TRUE(r) << r.error().message;
    created += r->created;
  }
  EXPECT_EQ(created, 1u);
  EXPECT_EQ(shared.indexLoads(), 3u);
  EXPECT_FALSE(shared.keptIndex("csv"));
  expectKeptIndexIsFresh(shared, "google");
}

TEST_F(ReconcileStoreTest, ASuccessfulPollsOutcomeIsRecordedInItsTransaction) {
  PollObservations p{.source = "inv", .managed = {device("S1")}, .next_state = "s1", .poll_time = t0_};
  std::size_t seen_created = 0;
  p.outcome = [&](const ReconcileSummary& r) {
    seen_created = r.created;
    SourceStatus s;
    s.name = "inv";
    s.last_start = t0_;
    s.last_end = s.last_success = t0_ + 5s;
    s.last_result = "ok";
    s.last_duration_seconds = 5;
    s.summary.created = r.created;
    return s;
  };
  ASSERT_TRUE(ReconcileStore(db()).apply(p));
  EXPECT_EQ(seen_created, 1u);
  auto kept = SourceStore(db()).bookkeeping("inv");
  EXPECT_EQ(kept->state, "s1");
  EXPECT_EQ(kept->last_result, "ok");
  EXPECT_EQ(kept->summary.created, 1u);
  EXPECT_EQ(kept->last_success_end_at, formatInstant(t0_ + 5s));

  // And a poll whose transaction fails records no outcome either.
  api::Observation net;
  net.kind = api::ObservationKind::network;
  net.macs = {"aa:bb:cc:dd:ee:ff"};
  p.network = {net};
  p.managed = {device("S2")};
  p.poll_time = t0_ + 1h;
  ReconcileHooks failing{
      .presence = [](SQLite::Database&, const std::string&, const std::vector<api::Observation>&,
                     api::TimePoint) -> Status { return std::unexpected(Error::internal("disk full")); }};
  seen_created = 0;
  ASSERT_FALSE(ReconcileStore(db()).apply(p, failing));
  EXPECT_EQ(SourceStore(db()).bookkeeping("inv")->last_start_at, formatInstant(t0_));
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 1);
}

}  // namespace
}  // namespace fk
