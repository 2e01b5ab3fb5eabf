#include "core/reconcile.hpp"

#include <gtest/gtest.h>

namespace fk::reconcile {
namespace {

api::Observation obs(std::map<std::string, std::string> fields, std::vector<std::string> macs = {},
                     std::string source_id = "") {
  api::Observation o;
  o.fields = std::move(fields);
  o.macs = std::move(macs);
  o.source_id = std::move(source_id);
  o.origin = "line 2";
  return o;
}

Index sampleIndex() {
  Index idx;
  idx.devices[1] = {"SER1", "CB-1", 3};
  idx.devices[2] = {"SER2", "CB-2", 1};
  idx.devices[3] = {"", "CB-3", 1};
  idx.by_serial = {{"SER1", 1}, {"SER2", 2}};
  idx.by_tag = {{"CB-1", 1}, {"CB-2", 2}, {"CB-3", 3}};
  idx.by_mac = {{"aa:bb:cc:00:00:01", {1}}, {"aa:bb:cc:00:00:09", {1, 2}}};
  idx.by_source_id = {{"g-2", 2}};
  return idx;
}

TEST(ReadObservation, CanonicalisesAndDropsBadFields) {
  auto r = readObservation(obs({{"kind", "Chromebook"},
                                {"purchase_price", "$1,234.5"},
                                {"loaner", "yes"},
                                {"aue_date", "2028-02-30"},
                                {"colour", "red"},
                                {"location", ""},
                                {"serial", " padded"}},
                               {"AA-BB-CC-00-00-01", "aabb.cc00.0001", "nonsense"}));
  EXPECT_EQ(r.fields.at("kind"), "chromebook");
  EXPECT_EQ(r.fields.at("purchase_price"), "1234.50");
  EXPECT_EQ(r.fields.at("loaner"), "true");
  EXPECT_FALSE(r.fields.count("aue_date"));
  EXPECT_FALSE(r.fields.count("colour"));
  EXPECT_FALSE(r.fields.count("location")) << "empty means unset";
  EXPECT_FALSE(r.fields.count("serial")) << "the registry refuses surrounding spaces";
  EXPECT_EQ(r.macs, std::vector<std::string>{"aa:bb:cc:00:00:01"});
  ASSERT_EQ(r.problems.size(), 4u);
}

TEST(ReadObservation, HashChangesWithWhatTheSourceSaidOnly) {
  auto a = readObservation(obs({{"serial", "S"}, {"model", "M"}}));
  auto b = readObservation(obs({{"serial", "S"}, {"model", "M"}}));
  b.origin = "line 99";
  EXPECT_EQ(a.hash, readObservation(obs({{"model", "M"}, {"serial", "S"}})).hash);
  auto o = obs({{"serial", "S"}, {"model", "M"}});
  o.extra["os_version"] = "120";
  EXPECT_NE(a.hash, readObservation(o).hash);
  o = obs({{"serial", "S"}, {"model", "M"}});
  o.last_sync = api::Clock::now();
  EXPECT_NE(a.hash, readObservation(o).hash);
  EXPECT_NE(a.hash, readObservation(obs({{"serial", "S"}, {"model", "N"}})).hash);
  EXPECT_GE(static_cast<std::int64_t>(a.hash), 0) << "fits an SQLite integer";
}

TEST(Match, BySourceIdThenSerialThenTagThenMac) {
  const Index idx = sampleIndex();
  EXPECT_EQ(match(idx, readObservation(obs({{"serial", "SER1"}}, {}, "g-2"))).device_id, 2);
  EXPECT_EQ(match(idx, readObservation(obs({{"serial", "SER1"}}, {}, "g-2"))).by, Match::By::source_id);
  auto m = match(idx, readObservation(obs({{"serial", "SER1"}, {"asset_tag", "CB-2"}})));
  EXPECT_EQ(m.by, Match::By::serial);
  EXPECT_EQ(m.device_id, 1);
  m = match(idx, readObservation(obs({{"asset_tag", "CB-3"}, {"serial", "NEW"}})));
  EXPECT_EQ(m.by, Match::By::asset_tag) << "device 3 has no serial, so the tag decides";
  EXPECT_EQ(m.device_id, 3);
  m = match(idx, readObservation(obs({{"serial", "NEW"}}, {"aa:bb:cc:00:00:01"})));
  EXPECT_EQ(m.by, Match::By::none) << "device 1's MAC, but device 1 has another serial";
  m = match(idx, readObservation(obs({}, {"aa:bb:cc:00:00:01"})));
  EXPECT_EQ(m.by, Match::By::mac);
  EXPECT_EQ(m.device_id, 1);
}

TEST(Match, TagOfAnotherSerialIsAConflictAndSharedMacMatchesNothing) {
  const Index idx = sampleIndex();
  auto m = match(idx, readObservation(obs({{"serial", "OTHER"}, {"asset_tag", "CB-1"}})));
  EXPECT_EQ(m.by, Match::By::none);
  EXPECT_NE(m.conflict.find("CB-1"), std::string::npos);
  EXPECT_EQ(match(idx, readObservation(obs({}, {"aa:bb:cc:00:00:09"}))).by, Match::By::none);
}

TEST(Plan, CreatesFlagsAndSetsDuplicatesAside) {
  const Index idx = sampleIndex();
  std::vector<Record> records{
      readObservation(obs({{"serial", "NEW1"}})), readObservation(obs({{"serial", "DUP"}})),
      readObservation(obs({{"serial", "DUP"}})),  readObservation(obs({}, {"11:22:33:44:55:66"})),
      readObservation(obs({{"serial", "SER1"}})), readObservation(obs({}, {"aa:bb:cc:00:00:01"}))};
  records[2].origin = "line 4";
  Plan p = plan(idx, records, Policy{});
  EXPECT_EQ(p.steps[0].action, Action::create);
  EXPECT_EQ(p.steps[1].action, Action::duplicate);
  EXPECT_EQ(p.steps[2].action, Action::duplicate);
  EXPECT_EQ(p.steps[3].action, Action::flag) << "nothing to create it by";
  EXPECT_EQ(p.steps[4].action, Action::review) << "no bookkeeping yet";
  EXPECT_EQ(p.steps[5].action, Action::conflict) << "device 1 is already claimed";
  ASSERT_EQ(p.duplicates.size(), 1u);
  EXPECT_EQ(p.duplicates[0].key, "serial DUP");
  EXPECT_EQ(p.duplicates[0].origins, (std::vector<std::string>{"line 2", "line 4"}));

  Plan flagged = plan(idx, {readObservation(obs({{"serial", "NEW1"}}))}, Policy{.create_unknown = false});
  EXPECT_EQ(flagged.steps[0].action, Action::flag);
}

TEST(Plan, UnchangedOnlyWhenHashAndDeviceVersionBothMatch) {
  Index idx = sampleIndex();
  Record r = readObservation(obs({{"serial", "SER1"}}));
  idx.seen[1] = {"", r.hash, 3, true};
  EXPECT_EQ(plan(idx, {r}, {}).steps[0].action, Action::unchanged);
  idx.devices[1].version = 4;  // someone edited the device since
  EXPECT_EQ(plan(idx, {r}, {}).steps[0].action, Action::review);
  idx.devices[1].version = 3;
  idx.seen[1].hash ^= 1;
  EXPECT_EQ(plan(idx, {r}, {}).steps[0].action, Action::review);
}

Device device1() {
  Device d;
  d.id = 1;
  d.serial = "SER1";
  d.asset_tag = "CB-1";
  d.location = "Room 12";
  d.model = "Old";
  d.macs = {"aa:bb:cc:00:00:01"};
  return d;
}

const std::string kActor = "source:google";
const std::string kPoll = "2026-11-27T10:00:00Z";

TEST(Decide, SourceValueWinsOverOlderEdits) {
  Record r = readObservation(obs({{"serial", "SER1"}, {"location", "Room 14"}, {"model", "Old"}}));
  History h{{"location", {"2026-11-01T00:00:00Z", "token:alice"}}};
  Decision d = decide(device1(), r, {}, h, sampleIndex(), {}, kActor, kPoll);
  EXPECT_TRUE(d.changes);
  EXPECT_EQ(d.draft.location, "Room 14");
  EXPECT_FALSE(d.draft.model) << "unchanged fields are not in the draft";
  EXPECT_EQ(d.asserted.at("location").since, kPoll);
}

TEST(Decide, PersonsNewerEditIsKeptUnlessOverwriteManual) {
  Record r = readObservation(obs({{"location", "Room 12b"}}));
  Asserted prior{{"location", {"Room 12b", "2026-11-01T00:00:00Z"}}};
  History h{{"location", {"2026-11-20T09:00:00Z", "token:alice"}}};
  Decision d = decide(device1(), r, prior, h, sampleIndex(), {}, kActor, kPoll);
  EXPECT_FALSE(d.changes);
  ASSERT_EQ(d.kept.size(), 1u);
  EXPECT_EQ(d.kept[0].registry_value, "Room 12");
  EXPECT_EQ(d.kept[0].set.actor, "token:alice");
  EXPECT_EQ(d.asserted.at("location").since, "2026-11-01T00:00:00Z") << "since is kept while the value is";

  Decision forced = decide(device1(), r, prior, h, sampleIndex(), {.overwrite_manual = true}, kActor, kPoll);
  EXPECT_EQ(forced.draft.location, "Room 12b");

  // The source changing its value after the edit is news: it wins.
  Record newer = readObservation(obs({{"location", "Room 30"}}));
  Decision d2 = decide(device1(), newer, prior, h, sampleIndex(), {}, kActor, kPoll);
  EXPECT_EQ(d2.draft.location, "Room 30");
}

TEST(Decide, ObservedAtDecidesAgainstAnEditBetweenWriteAndPoll) {
  auto o = obs({{"location", "Library"}});
  o.observed_at = api::Clock::from_time_t(1'763'000'000);  // 2025-11-13, before the edit
  Record r = readObservation(o);
  History h{{"location", {"2026-01-01T00:00:00Z", "token:bob"}}};
  EXPECT_EQ(decide(device1(), r, {}, h, sampleIndex(), {}, kActor, kPoll).kept.size(), 1u);
  History own{{"location", {"2026-01-01T00:00:00Z", kActor}}};
  EXPECT_TRUE(decide(device1(), r, {}, own, sampleIndex(), {}, kActor, kPoll).changes)
      << "the source's own earlier write is no reason to hold back";
}

TEST(Decide, MacsAreAddedNeverRemovedAndTakenKeysRefused) {
  Record r = readObservation(obs({{"asset_tag", "CB-2"}, {"serial", "SER1"}}, {"11:22:33:44:55:66"}));
  Decision d = decide(device1(), r, {}, {}, sampleIndex(), {}, kActor, kPoll);
  ASSERT_TRUE(d.draft.macs);
  EXPECT_EQ(*d.draft.macs, (std::vector<std::string>{"11:22:33:44:55:66", "aa:bb:cc:00:00:01"}));
  EXPECT_FALSE(d.draft.asset_tag);
  ASSERT_EQ(d.refused.size(), 1u);
  EXPECT_EQ(d.refused[0].field, "asset_tag");

  Record same = readObservation(obs({}, {"aa:bb:cc:00:00:01"}));
  EXPECT_FALSE(decide(device1(), same, {}, {}, sampleIndex(), {}, kActor, kPoll).changes);
}

TEST(Decide, StatusIsNotAssertedOnExistingDevices) {
  Record r = readObservation(obs({{"status", "retired"}}));
  Decision d = decide(device1(), r, {}, {}, sampleIndex(), {}, kActor, kPoll);
  EXPECT_FALSE(d.changes);
  EXPECT_FALSE(d.asserted.count("status"));
  EXPECT_FALSE(assertedAtCreation(r, kPoll).count("status"));
}

}  // namespace
}  // namespace fk::reconcile
