#include "store/storage_fault.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <future>
#include <thread>

#include "store/database.hpp"
#include "store/database_check.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using test::StoreTest;

class StorageFaultTest : public StoreTest {};

TEST(StorageError, AFullDiskIs507WithoutSqlitesText) {
  Error e = storageError(SQLite::Exception("database or disk is full", SQLITE_FULL));
  EXPECT_EQ(e.code, Errc::storage_full);
  EXPECT_EQ(httpStatus(e.code), 507);
  EXPECT_EQ(codeName(e.code), "insufficient_storage");
  EXPECT_EQ(e.message.find("database or disk"), std::string::npos);
  EXPECT_NE(e.message.find("disk is full"), std::string::npos);
}

TEST(StorageError, IoErrorsAndDamageAre503ByTheirPrimaryCode) {
  for (int code : {SQLITE_IOERR, SQLITE_IOERR_WRITE, SQLITE_IOERR_FSYNC, SQLITE_IOERR_SHMSIZE, SQLITE_CORRUPT}) {
    Error e = storageError(SQLite::Exception("disk I/O error", code));
    EXPECT_EQ(e.code, Errc::storage_fault) << code;
    EXPECT_EQ(httpStatus(e.code), 503);
    EXPECT_EQ(e.message.find("I/O error"), std::string::npos) << e.message;
  }
}

TEST(StorageError, OtherFailuresStayInternal) {
  EXPECT_EQ(storageError(SQLite::Exception("no such table: x", SQLITE_ERROR)).code, Errc::internal);
  EXPECT_EQ(storageError(std::runtime_error("bug")).code, Errc::internal);
}

TEST_F(StorageFaultTest, EveryPooledConnectionSyncsEachCommit) {
  // docs/reliability.md: FULL, not NORMAL, on every connection of the pool.
  for (int level : test::onEveryConnection(db(), "PRAGMA synchronous")) EXPECT_EQ(level, 2);  // 2 = FULL
}

TEST_F(StorageFaultTest, CheckPassesAHealthyFileAndAMissingOne) {
  EXPECT_TRUE(checkDatabaseFile(dir_ / "fleet.db").has_value());
  EXPECT_TRUE(checkDatabaseFile(dir_ / "not-yet.db").has_value());
}

TEST_F(StorageFaultTest, CheckRefusesAFileThatIsNotADatabase) {
  const auto file = dir_ / "junk.db";
  std::ofstream(file) << std::string(8192, 'x');
  auto r = checkDatabaseFile(file);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::storage_fault);
  EXPECT_NE(r.error().message.find("junk.db is damaged: it is not a SQLite database"), std::string::npos);
  EXPECT_NE(r.error().message.find("restore the last backup"), std::string::npos);
}

TEST_F(StorageFaultTest, CheckFindsADamagedPage) {
  const auto file = dir_ / "pages.db";
  {
    SQLite::Database c(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    c.exec("PRAGMA page_size = 4096");
    c.exec("CREATE TABLE t (x TEXT)");
    c.exec("CREATE INDEX t_x ON t(x)");
    c.exec("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
           "INSERT INTO t SELECT printf('row %d', i) FROM n");
  }
  const auto size = std::filesystem::file_size(file);
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size / 2 / 4096 * 4096));
    f << std::string(4096, '\xa5');
  }
  auto r = checkDatabaseFile(file);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::storage_fault);
  EXPECT_NE(r.error().message.find("pages.db is damaged"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace fk
