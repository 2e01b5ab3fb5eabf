#include "store/write_back_store.hpp"

#include <gtest/gtest.h>

#include "core/values.hpp"
#include "store/device_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using api::WriteBackAction;

class WriteBackStoreTest : public test::StoreTest {
 protected:
  // A device Google listed in the last poll (at 10:00) with these values.
  std::int64_t listed(const std::string& serial, const std::string& tag, const std::string& seen_json) {
    auto d = DeviceStore(db()).create(test::draft(serial, tag), "test");
    EXPECT_TRUE(d.has_value());
    exec("INSERT INTO device_seen (device_id, source, first_seen, last_seen, source_id, fields, in_last_poll) "
         "VALUES (" + std::to_string(d->id) + ", 'google', '2026-12-01T10:00:00Z', '2026-12-01T10:00:00Z', 'g-" +
         serial + "', '" + seen_json + "', 1)");
    return d->id;
  }
  void polledAt(const std::string& at) {
    exec("INSERT INTO source_state (source, last_success_at, updated_at) VALUES ('google', '" + at + "', '" +
         at + "') ON CONFLICT (source) DO UPDATE SET last_success_at = excluded.last_success_at");
  }
  write_back::Change change(std::int64_t id, const std::string& serial, WriteBackAction a, std::string value,
                            std::string previous, std::string field) {
    write_back::Change c;
    c.device_id = id;
    c.change = {"g-" + serial, a, std::move(value), std::move(previous)};
    c.field = std::move(field);
    c.reason = a == WriteBackAction::disable ? "marked lost in fleetkeep" : "";
    return c;
  }
  api::TimePoint at(const char* t) { return *parseInstant(t); }
};

TEST_F(WriteBackStoreTest, ReadsBothSidesAndTheHolder) {
  polledAt("2026-12-01T10:00:00Z");
  auto id = listed("S1", "CB-1", R"({"asset_id":"OLD","status":"ACTIVE","org_unit":"/Students","user":"u@x.org"})");
  exec("INSERT INTO people (external_id, name, email, role, created_at, updated_at) "
       "VALUES ('p1', 'Pat', 'pat@students.example.org', 'student', 'x', 'x')");
  exec("INSERT INTO checkouts (device_id, person_id, due, checked_out_at, checked_out_by) VALUES (" +
       std::to_string(id) + ", 1, '2027-06-01', '2026-12-01T09:00:00Z', 'test')");
  auto ds = WriteBackStore(db()).devices("google");
  ASSERT_TRUE(ds.has_value());
  ASSERT_EQ(ds->size(), 1u);
  const auto& d = ds->front();
  EXPECT_EQ(d.source_id, "g-S1");
  EXPECT_EQ(d.asset_tag, "CB-1");
  EXPECT_EQ(d.remote_asset_id, "OLD");
  EXPECT_EQ(d.remote_status, "ACTIVE");
  EXPECT_EQ(d.remote_org_unit, "/Students");
  EXPECT_EQ(d.remote_user, "u@x.org");
  EXPECT_EQ(d.holder_email, "pat@students.example.org");
  EXPECT_FALSE(d.disabled_by_fleetkeep);
}

TEST_F(WriteBackStoreTest, AppliedChangesAreEventsAndCountAsDoneUntilTheSourceSaysOtherwise) {
  polledAt("2026-12-01T10:00:00Z");
  auto id = listed("S1", "CB-1", R"({"asset_id":"OLD","status":"ACTIVE"})");
  WriteBackStore store(db());
  ASSERT_TRUE(store
                  .recordApplied("google",
                                 {change(id, "S1", WriteBackAction::set_asset_id, "CB-1", "OLD", "annotatedAssetId"),
                                  change(id, "S1", WriteBackAction::disable, "", "ACTIVE", "status")},
                                 at("2026-12-01T10:01:00Z"))
                  .has_value());
  EXPECT_EQ(scalar("SELECT count(*) FROM events WHERE action = 'write-back' AND actor = 'source:google write-back' "
                   "AND changes = '[[\"google.annotatedAssetId\",\"OLD\",\"CB-1\"]]'"),
            1);
  EXPECT_EQ(scalar("SELECT count(*) FROM events WHERE action = 'write-back' AND reason = 'marked lost in fleetkeep' "
                   "AND changes = '[[\"google.status\",\"ACTIVE\",\"DISABLED\"]]'"),
            1);
  auto ds = store.devices("google");
  ASSERT_TRUE(ds.has_value());
  EXPECT_EQ(ds->front().remote_asset_id, "CB-1");
  EXPECT_EQ(ds->front().remote_status, "DISABLED");
  EXPECT_TRUE(ds->front().disabled_by_fleetkeep);

  polledAt("2026-12-01T11:00:00Z");  // an incremental poll that left the device out says nothing new
  ds = store.devices("google");
  EXPECT_EQ(ds->front().remote_asset_id, "CB-1");
  EXPECT_EQ(ds->front().remote_status, "DISABLED");

  // The source relisted the device with a changed record: its listing is the truth again.
  exec("UPDATE device_seen SET last_seen = '2026-12-01T11:30:00Z', "
       "fields = '{\"asset_id\":\"CB-1\",\"status\":\"DISABLED\"}' WHERE source = 'google'");
  ds = store.devices("google");
  EXPECT_EQ(ds->front().remote_asset_id, "CB-1");
  EXPECT_TRUE(ds->front().disabled_by_fleetkeep);

  ASSERT_TRUE(store
                  .recordApplied("google", {change(id, "S1", WriteBackAction::reenable, "", "DISABLED", "status")},
                                 at("2026-12-01T11:45:00Z"))
                  .has_value());
  EXPECT_FALSE(store.devices("google")->front().disabled_by_fleetkeep);
  EXPECT_EQ(store.devices("google")->front().remote_status, "ACTIVE");

  // A full listing shows everything as Google has it, an administrator's revert included, and what was
  // sent before it is pruned at the next apply.
  exec("UPDATE source_state SET last_full_sync_at = '2026-12-01T12:00:00Z' WHERE source = 'google'");
  EXPECT_EQ(store.devices("google")->front().remote_status, "DISABLED");
  ASSERT_TRUE(store
                  .recordApplied("google", {change(id, "S1", WriteBackAction::set_location, "Room 1", "", "annotatedLocation")},
                                 at("2026-12-01T12:01:00Z"))
                  .has_value());
  EXPECT_EQ(scalar("SELECT count(*) FROM write_back_sent WHERE at < '2026-12-01T12:00:00Z'"), 0) << "pruned";
  EXPECT_EQ(scalar("SELECT count(*) FROM write_back_sent"), 1);
}

}  // namespace
}  // namespace fk
