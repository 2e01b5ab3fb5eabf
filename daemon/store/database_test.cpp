#include "store/database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <thread>

#include "store/device_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using test::StoreTest;

class DatabaseTest : public StoreTest {};

TEST_F(DatabaseTest, OpensAFreshFileAtTheLatestSchemaInWalMode) {
  EXPECT_EQ(db().schemaVersion(), Database::latestSchemaVersion());
  EXPECT_GE(Database::latestSchemaVersion(), 2);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "fleet.db"));
  EXPECT_EQ(db().with([](SQLite::Database& c) { return c.execAndGet("PRAGMA journal_mode").getString(); }),
            "wal");
}

TEST_F(DatabaseTest, ANewFileGetsLargePagesAnExistingOneKeepsItsOwn) {
  EXPECT_EQ(db().with([](SQLite::Database& c) { return c.execAndGet("PRAGMA page_size").getInt(); }),
            Database::kPageSize);

  const auto old_file = dir_ / "old.db";
  {
    SQLite::Database old(old_file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    old.exec("PRAGMA page_size = 4096");
    old.exec("CREATE TABLE kept (x)");
  }
  auto reopened = Database::open(old_file);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
  EXPECT_EQ((*reopened)->schemaVersion(), Database::latestSchemaVersion());
  EXPECT_EQ((*reopened)->with([](SQLite::Database& c) { return c.execAndGet("PRAGMA page_size").getInt(); }),
            4096);
}

TEST_F(DatabaseTest, EveryPooledConnectionEnforcesForeignKeys) {
  for (int on : test::onEveryConnection(db(), "PRAGMA foreign_keys")) EXPECT_EQ(on, 1);
}

TEST_F(DatabaseTest, EveryPooledConnectionHasTheConfiguredPageCache) {
  for (int kib : test::onEveryConnection(db(), "PRAGMA cache_size"))
    EXPECT_EQ(kib, -static_cast<int>(Database::kDefaultCacheBytes / 1024));
  auto opened = Database::open(dir_ / "lean.db", 2, 3ull << 20);
  ASSERT_TRUE(opened.has_value()) << opened.error().message;
  for (int kib : test::onEveryConnection(**opened, "PRAGMA cache_size", 2)) EXPECT_EQ(kib, -3072);
}

TEST_F(DatabaseTest, ABusyPoolMakesCallersWaitRatherThanShareAConnection) {
  auto opened = Database::open(dir_ / "small.db", 1);
  ASSERT_TRUE(opened.has_value());
  Database& small = **opened;
  auto held = std::make_unique<test::HeldConnection>(small);
  auto waiter = std::async(std::launch::async, [&] { return small.schemaVersion(); });
  EXPECT_EQ(waiter.wait_for(std::chrono::milliseconds(100)), std::future_status::timeout);
  held.reset();
  EXPECT_EQ(waiter.get(), Database::latestSchemaVersion());
}

TEST_F(DatabaseTest, ExceptionsInsideWithBecomeInternalErrors) {
  Result<int> r = db().with([](SQLite::Database& c) -> Result<int> {
    c.exec("SELECT * FROM no_such_table");
    return 1;
  });
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::internal);
  EXPECT_NE(r.error().message.find("no_such_table"), std::string::npos);
}

TEST_F(DatabaseTest, AWriteUnderAnotherWritersLockIsBusyNotInternal) {
  SQLite::Database other((dir_ / "fleet.db").string(), SQLite::OPEN_READWRITE);
  other.exec("BEGIN IMMEDIATE");
  // The reserved connections wait 200 ms for the lock, not the pool's 5 s.
  Database::ReservedScope reserved;
  Status r = db().with([](SQLite::Database& c) -> Status {
    c.exec("CREATE TABLE written_under_lock (x)");
    return {};
  });
  other.exec("ROLLBACK");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::unavailable);
  EXPECT_EQ(httpStatus(r.error().code), 503);
  // SQLite's own words stay inside.
  EXPECT_EQ(r.error().message.find("locked"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().details.value("retry_after_seconds", 0), kBusyRetryAfterSeconds);
}

TEST_F(DatabaseTest, AReservedScopeDoesNotWaitForTheBusyPool) {
  auto opened = Database::open(dir_ / "small.db", 1);
  ASSERT_TRUE(opened.has_value());
  Database& small = **opened;
  auto held = std::make_unique<test::HeldConnection>(small);
  // The pool's only connection is held: a reserved read still gets one and answers.
  auto reader = std::async(std::launch::async, [&] {
    Database::ReservedScope reserved;
    return small.schemaVersion();
  });
  const auto answered = reader.wait_for(std::chrono::seconds(30));
  held.reset();
  ASSERT_EQ(answered, std::future_status::ready);
  EXPECT_EQ(reader.get(), Database::latestSchemaVersion());
}

TEST_F(DatabaseTest, OpenReportsAnUnusablePath) {
  auto r = Database::open(dir_ / "missing-folder" / "x.db");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::internal);
  EXPECT_NE(r.error().message.find("missing-folder"), std::string::npos);
}

TEST_F(DatabaseTest, BackupProducesAReadableConsistentCopy) {
  DeviceStore devices(db());
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(devices.create(test::draft("SN" + std::to_string(i)), "system"));
  ASSERT_TRUE(db().backup(dir_ / "copy.db"));

  auto copy = Database::open(dir_ / "copy.db");
  ASSERT_TRUE(copy.has_value()) << copy.error().message;
  EXPECT_EQ((*copy)->schemaVersion(), Database::latestSchemaVersion());
  DeviceStore copied(**copy);
  auto page = copied.list({.limit = 1000});
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->items.size(), 50u);
  auto one = copied.get({DeviceRef::By::serial, 0, "SN7"});
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->serial, "SN7");
  // The copy is independent: writing to the original does not show up in it.
  ASSERT_TRUE(devices.create(test::draft("SN-after"), "system"));
  EXPECT_FALSE(copied.get({DeviceRef::By::serial, 0, "SN-after"}).has_value());
}

TEST_F(DatabaseTest, BackupRefusesToOverwriteAnExistingFile) {
  { std::ofstream(dir_ / "taken.db") << "keep me"; }
  Status r = db().backup(dir_ / "taken.db");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::conflict);
  std::ifstream in(dir_ / "taken.db");
  std::string content;
  std::getline(in, content);
  EXPECT_EQ(content, "keep me");
}

TEST_F(DatabaseTest, BackupIntoAMissingFolderFailsWithoutLeavingFiles) {
  Status r = db().backup(dir_ / "nope" / "copy.db");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::internal);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "nope" / "copy.db"));
}

TEST_F(DatabaseTest, CommittedWritesAdvanceTheGeneration) {
  DeviceStore devices(db());
  std::uint64_t before = db().generation();
  ASSERT_TRUE(devices.create(test::draft("G1"), "system"));
  EXPECT_EQ(db().generation(), before + 1);
  // A refused write changes nothing, so aggregates need no refresh.
  ASSERT_FALSE(devices.create(test::draft("G1"), "system"));
  EXPECT_EQ(db().generation(), before + 1);
}

TEST_F(DatabaseTest, LargeCommitsAreCheckpointedInTheBackground) {
  const std::uint64_t before = db().checkpoints();
  db().with([](SQLite::Database& c) {
    c.exec("CREATE TABLE filler (data BLOB)");
    c.exec("INSERT INTO filler VALUES (randomblob(100))");  // far below the threshold
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(db().checkpoints(), before);

  db().with([](SQLite::Database& c) {
    SQLite::Transaction tx(c);
    // Each page-sized blob needs at least one page of its own: well past kCheckpointPages WAL frames.
    c.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
           std::to_string(Database::kCheckpointPages + 200) + ") INSERT INTO filler SELECT randomblob(" +
           std::to_string(Database::kPageSize) + ") FROM n");
    tx.commit();
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (db().checkpoints() == before && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GT(db().checkpoints(), before);
  EXPECT_EQ(db().with([](SQLite::Database& c) { return c.execAndGet("SELECT count(*) FROM filler").getInt(); }),
            Database::kCheckpointPages + 201);
}

}  // namespace
}  // namespace fk
