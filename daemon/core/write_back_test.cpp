#include "core/write_back.hpp"

#include <gtest/gtest.h>

namespace fk::write_back {
namespace {

using api::WriteBackAction;

WriteBackConfig everything() {
  WriteBackConfig c;
  c.asset_id = c.location = c.user = c.disable_lost = c.disable_unreturned = true;
  c.org_unit_for_status = {{DeviceStatus::retired, "/Retired"}};
  return c;
}

// A device on which the registry and Google agree.
DeviceState agreeing(std::int64_t id = 1) {
  DeviceState d;
  d.device_id = id;
  d.source_id = "dev-" + std::to_string(id);
  d.asset_tag = d.remote_asset_id = "CB-" + std::to_string(id);
  d.location = d.remote_location = "Lincoln MS / Cart 2";
  d.holder_email = d.remote_user = "s1@students.example.org";
  d.status = DeviceStatus::deployed;
  d.remote_org_unit = "/Students/Lincoln MS";
  d.remote_status = "ACTIVE";
  return d;
}

std::vector<WriteBackAction> actions(const Plan& p) {
  std::vector<WriteBackAction> out;
  for (const auto& c : p.changes) out.push_back(c.change.action);
  return out;
}

TEST(WriteBackPlan, NothingWhenGoogleAlreadyAgrees) {
  EXPECT_TRUE(plan(everything(), {agreeing()}, {}).changes.empty());
}

TEST(WriteBackPlan, EachAnnotationThatDiffers) {
  DeviceState d = agreeing();
  d.remote_asset_id = "";
  d.remote_location = "Old room";
  d.remote_user = "someone@students.example.org";
  Plan p = plan(everything(), {d}, {});
  ASSERT_EQ(p.changes.size(), 3u);
  EXPECT_EQ(p.changes[0].change.action, WriteBackAction::set_asset_id);
  EXPECT_EQ(p.changes[0].field, "annotatedAssetId");
  EXPECT_EQ(p.changes[0].change.value, "CB-1");
  EXPECT_EQ(p.changes[0].change.previous, "");
  EXPECT_EQ(p.changes[0].change.source_id, "dev-1");
  EXPECT_EQ(p.changes[1].field, "annotatedLocation");
  EXPECT_EQ(p.changes[1].change.value, "Lincoln MS / Cart 2");
  EXPECT_EQ(p.changes[1].change.previous, "Old room");
  EXPECT_EQ(p.changes[2].field, "annotatedUser");
  EXPECT_EQ(p.changes[2].change.value, "s1@students.example.org");
}

TEST(WriteBackPlan, OnlyTheConfiguredFields) {
  DeviceState d = agreeing();
  d.remote_asset_id = "X";
  d.remote_location = "Y";
  d.remote_user = "z@example.org";
  WriteBackConfig c;
  c.location = true;
  EXPECT_EQ(actions(plan(c, {d}, {})), std::vector{WriteBackAction::set_location});
}

TEST(WriteBackPlan, AnEmptyFleetkeepValueNeverClearsGoogles) {
  DeviceState d = agreeing();
  d.asset_tag = d.location = d.holder_email = "";
  d.remote_asset_id = "CB-OLD";
  EXPECT_TRUE(plan(everything(), {d}, {}).changes.empty());
}

TEST(WriteBackPlan, UserAndOrgUnitCompareWithoutCase) {
  DeviceState d = agreeing();
  d.remote_user = "S1@Students.Example.org";
  d.status = DeviceStatus::retired;
  d.remote_org_unit = "/retired";
  EXPECT_TRUE(plan(everything(), {d}, {}).changes.empty());
}

TEST(WriteBackPlan, LostAndStolenAreDisabledWithTheirReason) {
  DeviceState lost = agreeing(1), stolen = agreeing(2);
  lost.status = DeviceStatus::lost;
  stolen.status = DeviceStatus::stolen;
  Plan p = plan(everything(), {lost, stolen}, {});
  ASSERT_EQ(actions(p), (std::vector{WriteBackAction::disable, WriteBackAction::disable}));
  EXPECT_EQ(p.changes[0].reason, "marked lost in fleetkeep");
  EXPECT_EQ(p.changes[1].reason, "marked stolen in fleetkeep");
  EXPECT_EQ(p.changes[0].field, "status");
  EXPECT_EQ(p.disables, 2u);
  EXPECT_FALSE(p.cap_hit);
  EXPECT_FALSE(p.changes[0].held);
}

TEST(WriteBackPlan, AlreadyDisabledIsNotDisabledAgain) {
  DeviceState d = agreeing();
  d.status = DeviceStatus::lost;
  d.remote_status = "DISABLED";
  d.disabled_by_fleetkeep = true;
  EXPECT_TRUE(plan(everything(), {d}, {}).changes.empty());
}

TEST(WriteBackPlan, LostWithoutDisableLostIsLeftAlone) {
  DeviceState d = agreeing();
  d.status = DeviceStatus::lost;
  WriteBackConfig c = everything();
  c.disable_lost = false;
  EXPECT_TRUE(plan(c, {d}, {}).changes.empty());
  d.remote_status = "DISABLED";
  d.disabled_by_fleetkeep = true;
  EXPECT_TRUE(plan(c, {d}, {}).changes.empty()) << "still lost: not re-enabled because the option went off";
}

TEST(WriteBackPlan, FoundAgainIsReenabled) {
  DeviceState d = agreeing();
  d.status = DeviceStatus::in_stock;
  d.remote_status = "DISABLED";
  d.disabled_by_fleetkeep = true;
  Plan p = plan(everything(), {d}, {});
  ASSERT_EQ(actions(p), std::vector{WriteBackAction::reenable});
  EXPECT_EQ(p.changes[0].reason, "now in_stock in fleetkeep; fleetkeep disabled it");
}

TEST(WriteBackPlan, ADeviceAnAdministratorDisabledStaysDisabled) {
  DeviceState d = agreeing();
  d.remote_status = "DISABLED";
  d.disabled_by_fleetkeep = false;
  EXPECT_TRUE(plan(everything(), {d}, {}).changes.empty());
}

TEST(WriteBackPlan, StragglersOnlyWithDisableUnreturned) {
  DeviceState d = agreeing(7);
  std::vector<Straggler> late{{7, "collection \"June\" closed 2027-06-05, still out"}};
  Plan p = plan(everything(), {d}, late);
  ASSERT_EQ(actions(p), std::vector{WriteBackAction::disable});
  EXPECT_EQ(p.changes[0].reason, "collection \"June\" closed 2027-06-05, still out");
  WriteBackConfig c = everything();
  c.disable_unreturned = false;
  EXPECT_TRUE(plan(c, {d}, late).changes.empty());
}

TEST(WriteBackPlan, ReturnedStragglerIsReenabled) {
  DeviceState d = agreeing(7);
  d.remote_status = "DISABLED";
  d.disabled_by_fleetkeep = true;
  EXPECT_TRUE(plan(everything(), {d}, {{7, "still out"}}).changes.empty()) << "still out: stays disabled";
  EXPECT_EQ(actions(plan(everything(), {d}, {})), std::vector{WriteBackAction::reenable});
}

TEST(WriteBackPlan, DeprovisionedGetsNoStatusChange) {
  DeviceState d = agreeing();
  d.status = DeviceStatus::lost;
  d.remote_status = "DEPROVISIONED";
  EXPECT_TRUE(plan(everything(), {d}, {}).changes.empty());
}

TEST(WriteBackPlan, OrgUnitForStatus) {
  DeviceState d = agreeing();
  d.status = DeviceStatus::retired;
  Plan p = plan(everything(), {d}, {});
  ASSERT_EQ(actions(p), std::vector{WriteBackAction::move_org_unit});
  EXPECT_EQ(p.changes[0].change.value, "/Retired");
  EXPECT_EQ(p.changes[0].change.previous, "/Students/Lincoln MS");
  EXPECT_EQ(p.changes[0].field, "orgUnitPath");
  d.status = DeviceStatus::deployed;
  EXPECT_TRUE(plan(everything(), {d}, {}).changes.empty()) << "no OU named for deployed";
}

TEST(WriteBackPlan, OverTheCapEveryDisableIsHeldAndOthersGoOn) {
  WriteBackConfig c = everything();
  c.max_disables_per_poll = 2;
  std::vector<DeviceState> ds;
  for (int i = 1; i <= 3; ++i) {
    ds.push_back(agreeing(i));
    ds.back().status = DeviceStatus::lost;
  }
  ds[0].remote_asset_id = "";
  Plan p = plan(c, ds, {});
  EXPECT_TRUE(p.cap_hit);
  EXPECT_EQ(p.disables, 3u);
  for (const auto& ch : p.changes)
    EXPECT_EQ(ch.held, ch.change.action == WriteBackAction::disable) << ch.field;
  c.max_disables_per_poll = 3;
  Plan at_cap = plan(c, ds, {});
  EXPECT_FALSE(at_cap.cap_hit);
  for (const auto& ch : at_cap.changes) EXPECT_FALSE(ch.held);
}

TEST(WriteBackPlan, RecordsWithoutASourceIdAreSkipped) {
  DeviceState d = agreeing();
  d.source_id = "";
  d.remote_asset_id = "X";
  EXPECT_TRUE(plan(everything(), {d}, {}).changes.empty());
}

}  // namespace
}  // namespace fk::write_back
