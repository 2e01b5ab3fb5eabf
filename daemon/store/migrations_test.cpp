#include <gtest/gtest.h>

#include <set>

#include "store/database.hpp"
#include "store/source_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using test::TempDir;

std::set<std::string> schemaObjects(SQLite::Database& db) {
  std::set<std::string> out;
  SQLite::Statement st(db, "SELECT type || ':' || name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'");
  while (st.executeStep()) out.insert(st.getColumn(0).getString());
  return out;
}

int userVersion(SQLite::Database& db) {
  return db.execAndGet("PRAGMA user_version").getInt();
}

const std::set<std::string> kLatestObjects{
    "table:devices",       "table:device_macs",        "index:device_macs_mac",    "table:events",
    "index:events_device", "trigger:events_no_update", "trigger:events_no_delete", "table:tokens",
    "table:models",        "table:device_seen",        "index:devices_status",     "index:devices_kind",
    "index:devices_model", "index:devices_location",
};

// Rows only the v1 schema can hold; each older version gets the rows its tables allow.
void insertRowsAtVersion(SQLite::Database& db, int version) {
  if (version >= 1) {
    db.exec(
        "INSERT INTO devices (id, asset_tag, serial, kind, status, model, version, created_at, updated_at) "
        "VALUES (7, 'CB-7', 'SN7', 'chromebook', 'deployed', 'Model X', 3, '2026-01-01T00:00:00Z', "
        "'2026-01-02T00:00:00Z')");
    db.exec("INSERT INTO device_macs (device_id, mac) VALUES (7, 'aa:bb:cc:dd:ee:07')");
    db.exec(
        "INSERT INTO events (device_id, at, actor, action, changes) "
        "VALUES (7, '2026-01-01T00:00:00Z', 'system', 'created', '[]')");
    db.exec(
        "INSERT INTO tokens (name, role, hash, created_at) VALUES ('admin', 'admin', 'abc', "
        "'2026-01-01T00:00:00Z')");
  }
  if (version >= 2) {
    db.exec(
        "INSERT INTO models (model, kind, updated_at) VALUES ('Model X', 'chromebook', "
        "'2026-01-01T00:00:00Z')");
  }
}

TEST(Migrations, AnEmptyFileMigratesToTheCompleteSchema) {
  TempDir dir;
  { SQLite::Database raw(dir / "empty.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE); }
  auto db = Database::open(dir / "empty.db");
  ASSERT_TRUE(db.has_value()) << db.error().message;
  EXPECT_EQ((*db)->schemaVersion(), Database::latestSchemaVersion());
  auto objects = (*db)->with([](SQLite::Database& c) { return schemaObjects(c); });
  for (const auto& name : kLatestObjects) EXPECT_TRUE(objects.contains(name)) << name;
}

TEST(Migrations, EveryOlderVersionMigratesWithItsRowsIntact) {
  const int latest = Database::latestSchemaVersion();
  for (int from = 0; from < latest; ++from) {
    SCOPED_TRACE("from version " + std::to_string(from));
    TempDir dir;
    {
      SQLite::Database raw(dir / "old.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
      ASSERT_TRUE(migrate(raw, from));
      ASSERT_EQ(userVersion(raw), from);
      insertRowsAtVersion(raw, from);
    }
    auto db = Database::open(dir / "old.db");
    ASSERT_TRUE(db.has_value()) << db.error().message;
    EXPECT_EQ((*db)->schemaVersion(), latest);
    (*db)->with([&](SQLite::Database& c) {
      auto objects = schemaObjects(c);
      for (const auto& name : kLatestObjects) EXPECT_TRUE(objects.contains(name)) << name;
      if (from == 0) return;
      SQLite::Statement dev(c, "SELECT serial, status, version, updated_at FROM devices WHERE id = 7");
      ASSERT_TRUE(dev.executeStep());
      EXPECT_EQ(dev.getColumn(0).getString(), "SN7");
      EXPECT_EQ(dev.getColumn(1).getString(), "deployed");
      EXPECT_EQ(dev.getColumn(2).getInt(), 3);
      EXPECT_EQ(dev.getColumn(3).getString(), "2026-01-02T00:00:00Z");
      EXPECT_EQ(c.execAndGet("SELECT mac FROM device_macs WHERE device_id = 7").getString(),
                "aa:bb:cc:dd:ee:07");
      EXPECT_EQ(c.execAndGet("SELECT count(*) FROM events WHERE device_id = 7").getInt(), 1);
      EXPECT_EQ(c.execAndGet("SELECT role FROM tokens WHERE name = 'admin'").getString(), "admin");
      // Later tables work against the old rows.
      c.exec(
          "INSERT INTO device_seen (device_id, source, first_seen, last_seen) "
          "VALUES (7, 'lan', '2026-02-01T00:00:00Z', '2026-02-01T00:00:00Z')");
    });
  }
}

// v7 adds the last poll's outcome to source_state; a v6 source keeps its state and sightings' time.
TEST(Migrations, V6SourceBookkeepingGainsThePollOutcome) {
  TempDir dir;
  {
    SQLite::Database raw(dir / "v6.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    ASSERT_TRUE(migrate(raw, 6));
    raw.exec(
        "INSERT INTO source_state (source, state, last_success_at, last_full_sync_at, updated_at) VALUES "
        "('google', 'cursor', '2026-11-01T10:00:00Z', '2026-10-30T10:00:00Z', '2026-11-01T10:00:05Z')");
  }
  auto db = Database::open(dir / "v6.db");
  ASSERT_TRUE(db.has_value()) << db.error().message;
  ASSERT_EQ((*db)->schemaVersion(), Database::latestSchemaVersion());
  SourceStore store(**db);
  auto before = store.bookkeeping("google");
  ASSERT_TRUE(before.has_value()) << before.error().message;
  EXPECT_EQ(before->state, "cursor");
  EXPECT_EQ(before->last_success_at, "2026-11-01T10:00:00Z");
  EXPECT_EQ(before->last_full_sync_at, "2026-10-30T10:00:00Z");
  EXPECT_EQ(before->last_result, "") << "no outcome was recorded before v7";
  EXPECT_EQ(before->last_start_at, "");
  EXPECT_EQ(before->last_success_end_at, "2026-11-01T10:00:00Z") << "falls back to when it started";

  SourceStatus failed;
  failed.name = "google";
  failed.last_start = std::chrono::sys_days(std::chrono::year{2026} / 11 / 2) + std::chrono::hours(9);
  failed.last_end = *failed.last_start + std::chrono::seconds(4);
  failed.last_result = "failed";
  failed.last_reason = "forbidden";
  failed.last_error = "403 forbidden";
  failed.last_duration_seconds = 4.25;
  failed.summary.listed = 12;
  failed.summary.duplicate_keys = {{"serial 5CD1", {"page 1 item 2", "page 3 item 1"}}};
  ASSERT_TRUE(store.recordOutcome(failed));
  auto after = store.bookkeeping("google");
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->state, "cursor") << "an outcome never touches the plugin's state";
  EXPECT_EQ(after->last_success_at, "2026-11-01T10:00:00Z");
  EXPECT_EQ(after->last_start_at, "2026-11-02T09:00:00Z");
  EXPECT_EQ(after->last_end_at, "2026-11-02T09:00:04Z");
  EXPECT_EQ(after->last_result, "failed");
  EXPECT_EQ(after->last_reason, "forbidden");
  EXPECT_EQ(after->last_error, "403 forbidden");
  EXPECT_DOUBLE_EQ(after->last_duration_seconds, 4.25);
  EXPECT_EQ(after->last_success_end_at, "2026-11-01T10:00:00Z") << "no success in this outcome";
  EXPECT_EQ(after->summary.listed, 12u);
  ASSERT_EQ(after->summary.duplicate_keys.size(), 1u);
  EXPECT_EQ(after->summary.duplicate_keys[0].origins[1], "page 3 item 1");
  (*db)->with([](SQLite::Database& c) {
    EXPECT_THROW(c.exec("UPDATE source_state SET last_result = 'maybe'"), SQLite::Exception);
  });
}

TEST(Migrations, ReopeningALatestDatabaseChangesNothing) {
  TempDir dir;
  int schema_counter = 0;
  std::set<std::string> objects;
  {
    auto db = Database::open(dir / "f.db");
    ASSERT_TRUE(db.has_value());
    (*db)->with([&](SQLite::Database& c) {
      schema_counter = c.execAndGet("PRAGMA schema_version").getInt();
      objects = schemaObjects(c);
    });
  }
  auto again = Database::open(dir / "f.db");
  ASSERT_TRUE(again.has_value());
  (*again)->with([&](SQLite::Database& c) {
    // schema_version counts every schema change; an idle migrate must not bump it.
    EXPECT_EQ(c.execAndGet("PRAGMA schema_version").getInt(), schema_counter);
    EXPECT_EQ(schemaObjects(c), objects);
    EXPECT_EQ(userVersion(c), Database::latestSchemaVersion());
  });
}

TEST(Migrations, ADatabaseFromANewerVersionIsRefused) {
  TempDir dir;
  const int newer = Database::latestSchemaVersion() + 1;
  {
    SQLite::Database raw(dir / "new.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    raw.exec("CREATE TABLE future (x)");
    raw.exec("PRAGMA user_version = " + std::to_string(newer));
  }
  auto db = Database::open(dir / "new.db");
  ASSERT_FALSE(db.has_value());
  EXPECT_NE(db.error().message.find("newer"), std::string::npos) << db.error().message;
  EXPECT_NE(db.error().message.find(std::to_string(newer)), std::string::npos) << db.error().message;
  SQLite::Database raw(dir / "new.db", SQLite::OPEN_READONLY);
  EXPECT_EQ(userVersion(raw), newer);
}

TEST(Migrations, AFailingMigrationLeavesTheVersionBeforeIt) {
  TempDir dir;
  {
    SQLite::Database raw(dir / "half.db", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    ASSERT_TRUE(migrate(raw, 1));
    // A stray table with a v2 name makes migration 2 fail halfway through its script.
    raw.exec("CREATE TABLE device_seen (x)");
  }
  auto db = Database::open(dir / "half.db");
  ASSERT_FALSE(db.has_value());
  SQLite::Database raw(dir / "half.db", SQLite::OPEN_READONLY);
  EXPECT_EQ(userVersion(raw), 1);
  // Statements of migration 2 that ran before the failure were rolled back with it.
  EXPECT_FALSE(raw.tableExists("models"));
}

TEST(Migrations, SchemaRefusesRowsThatBreakTheRules) {
  TempDir dir;
  auto db = Database::open(dir / "f.db");
  ASSERT_TRUE(db.has_value());
  (*db)->with([](SQLite::Database& c) {
    const char* now = "'2026-01-01T00:00:00Z'";
    auto insert = [&](const std::string& cols, const std::string& values) {
      c.exec("INSERT INTO devices (" + cols + ", created_at, updated_at) VALUES (" + values + ", " + now +
             ", " + now + ")");
    };
    EXPECT_THROW(insert("kind", "'laptop'"), SQLite::Exception);  // neither tag nor serial
    EXPECT_THROW(insert("serial, status", "'A', 'borrowed'"), SQLite::Exception);
    EXPECT_THROW(insert("serial, kind", "'A', 'phone'"), SQLite::Exception);
    insert("serial", "'A'");
    EXPECT_THROW(insert("serial", "'A'"), SQLite::Exception);
    EXPECT_THROW(c.exec("INSERT INTO device_macs (device_id, mac) VALUES (999, 'aa')"), SQLite::Exception);
  });
}

}  // namespace
}  // namespace fk
