#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>

#include "store/database.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using test::StoreTest;
using Need = Database::SchemaNeed;

class DatabaseAdminTest : public StoreTest {
 protected:
  // A file left at `version` by hand, as a daemon of another version would leave it.
  std::filesystem::path fileAt(int version, const std::string& name) {
    const auto file = dir_ / name;
    SQLite::Database raw(file.string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    if (auto st = migrate(raw, std::min(version, Database::latestSchemaVersion())); !st) ADD_FAILURE() << st.error().message;
    raw.exec("PRAGMA user_version = " + std::to_string(version));
    return file;
  }
  static int versionOf(const std::filesystem::path& file) {
    SQLite::Database raw(file.string(), SQLite::OPEN_READONLY);
    return raw.execAndGet("PRAGMA user_version").getInt();
  }
};

TEST_F(DatabaseAdminTest, OpensTheLatestSchemaWithoutChangingIt) {
  const auto file = fileAt(Database::latestSchemaVersion(), "live.db");
  auto db = Database::openExisting(file, Need::latest);
  ASSERT_TRUE(db.has_value()) << db.error().message;
  EXPECT_EQ((*db)->schemaVersion(), Database::latestSchemaVersion());
}

TEST_F(DatabaseAdminTest, NeverMigratesAnOlderFile) {
  const int older = Database::latestSchemaVersion() - 1;
  const auto file = fileAt(older, "older.db");
  auto db = Database::openExisting(file, Need::latest);
  ASSERT_FALSE(db.has_value());
  EXPECT_EQ(db.error().code, Errc::conflict);
  EXPECT_NE(db.error().message.find("schema version " + std::to_string(older)), std::string::npos)
      << db.error().message;
  EXPECT_NE(db.error().message.find("restart"), std::string::npos) << db.error().message;
  EXPECT_EQ(versionOf(file), older);

  // A backup copies pages: an older version is fine, and still nothing is migrated.
  auto known = Database::openExisting(file, Need::known);
  ASSERT_TRUE(known.has_value()) << known.error().message;
  EXPECT_EQ((*known)->schemaVersion(), older);
  known->reset();
  EXPECT_EQ(versionOf(file), older);
}

TEST_F(DatabaseAdminTest, RefusesANewerFileWhateverItNeeds) {
  const int newer = Database::latestSchemaVersion() + 3;
  const auto file = fileAt(newer, "newer.db");
  for (Need need : {Need::latest, Need::known}) {
    auto db = Database::openExisting(file, need);
    ASSERT_FALSE(db.has_value());
    EXPECT_NE(db.error().message.find("newer than this fleetkeepd"), std::string::npos) << db.error().message;
  }
  EXPECT_EQ(versionOf(file), newer);
}

TEST_F(DatabaseAdminTest, RefusesAMissingFileAndCreatesNothing) {
  auto db = Database::openExisting(dir_ / "absent.db", Need::known);
  ASSERT_FALSE(db.has_value());
  EXPECT_EQ(db.error().code, Errc::not_found);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "absent.db"));
}

TEST_F(DatabaseAdminTest, BackupIsOwnerOnlyWhateverTheUmaskAndLeavesNoTempFile) {
  const mode_t saved = ::umask(022);
  Status r = db().backup(dir_ / "copy.db");
  ::umask(saved);
  ASSERT_TRUE(r.has_value()) << r.error().message;
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "copy.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  for (const auto& entry : std::filesystem::directory_iterator(dir_.path()))
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos) << entry.path();
  auto copy = Database::openExisting(dir_ / "copy.db", Need::latest);
  ASSERT_TRUE(copy.has_value()) << copy.error().message;
}

TEST_F(DatabaseAdminTest, BackupNeverWritesThroughALinkAtTheDestination) {
  std::filesystem::create_symlink(dir_ / "elsewhere.db", dir_ / "link.db");
  Status r = db().backup(dir_ / "link.db");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::conflict);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "elsewhere.db"));
}

}  // namespace
}  // namespace fk
