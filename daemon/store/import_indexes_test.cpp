// The bulk import's two speed-ups: indexes built after the rows when the registry is empty
// (store/import_indexes.hpp), and new devices written many rows per INSERT (store/import_inserts.hpp).
// Whatever path an import takes, the database it leaves must be the same.

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <set>

#include "core/byte_source.hpp"
#include "store/device_store.hpp"
#include "store/import_indexes.hpp"
#include "store/import_inserts.hpp"
#include "store/statement_cache.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

std::string macOf(std::size_t i) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "02:10:%02zx:%02zx:%02zx:%02zx", (i >> 24) & 0xff, (i >> 16) & 0xff,
                (i >> 8) & 0xff, i & 0xff);
  return buf;
}

// Lines 2.. of a device CSV: a mixed fleet, some devices with two MACs or one listed twice, some with
// neither serial nor tag repeated elsewhere. Not a multiple of a statement's rows.
std::string fleetLines(std::size_t first, std::size_t rows) {
  static const char* kinds[] = {"chromebook", "laptop", "tablet", "desktop", "other"};
  static const char* statuses[] = {"in_stock", "deployed", "deployed", "in_repair", "lost", "on_order"};
  std::string out;
  for (std::size_t i = first; i < first + rows; ++i) {
    std::string macs = macOf(i);
    if (i % 10 == 3) macs += ";" + macOf(i + 1000000);
    if (i % 25 == 7) macs += ";" + macOf(i);
    out += "SN" + std::to_string(i) + "," + (i % 9 == 4 ? "" : "TAG" + std::to_string(i)) + "," +
           kinds[i % 5] + ",Model " + std::to_string(i % 13) + ",School " + std::to_string(i % 37) +
           " / Room " + std::to_string(i % 11) + "," + statuses[i % 6] + ",2024-07-15," + macs + "\n";
  }
  return out;
}

const std::string kHeader = "serial,asset_tag,kind,model,location,status,purchase_date,macs\n";

// The schema's indexes, name and SQL, as one comparable text.
std::string indexesOf(SQLite::Database& c) {
  std::string out;
  SQLite::Statement st(c, "SELECT name, tbl_name, ifnull(sql, '') FROM sqlite_schema WHERE type = 'index' "
                          "ORDER BY name");
  while (st.executeStep()) {
    out += st.getColumn(0).getString() + " " + st.getColumn(1).getString() + " " + st.getColumn(2).getString() + "\n";
  }
  return out;
}

// A query's rows as text, for comparing two databases.
std::string dump(SQLite::Database& c, const std::string& sql) {
  std::string out;
  SQLite::Statement st(c, sql);
  while (st.executeStep()) {
    for (int i = 0; i < st.getColumnCount(); ++i) out += (st.getColumn(i).isNull() ? "<null>" : st.getColumn(i).getString()) + "|";
    out += "\n";
  }
  return out;
}

// The list filters' keyset query (store/device_store.cpp's DeviceStore::list), and its plan.
std::string planOf(SQLite::Database& c, const std::string& column) {
  std::string out;
  SQLite::Statement st(c, "EXPLAIN QUERY PLAN SELECT id FROM devices WHERE id > ?1 AND " + column +
                              " = ?3 ORDER BY id LIMIT ?2");
  while (st.executeStep()) out += st.getColumn(3).getString() + "\n";
  return out;
}

const char* const kFilters[] = {"status", "kind", "model", "location"};

// What an import leaves: every device column but the instants, the MACs, the history but its instant.
std::string contentsOf(SQLite::Database& c) {
  return dump(c, "SELECT id, serial, asset_tag, kind, model, location, status, purchase_date, loaner, version "
                 "FROM devices ORDER BY id") +
         dump(c, "SELECT device_id, mac FROM device_macs ORDER BY device_id, mac") +
         dump(c, "SELECT id, device_id, actor, action, changes FROM events ORDER BY id") +
         dump(c, "SELECT name, seq FROM sqlite_sequence WHERE name = 'devices'");
}

class ImportIndexesTest : public test::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    store_ = std::make_unique<DeviceStore>(db());
    db().with([&](SQLite::Database& c) {
      fresh_indexes_ = indexesOf(c);
      for (const char* column : kFilters) fresh_plans_ += planOf(c, column);
    });
  }
  DeviceStore& store() { return *store_; }

  // Schema, integrity and plans as a freshly migrated database has them.
  void expectIndexesIntact(Database& database) {
    database.with([&](SQLite::Database& c) {
      EXPECT_EQ(indexesOf(c), fresh_indexes_);
      EXPECT_EQ(c.execAndGet("PRAGMA integrity_check").getString(), "ok");
      std::string plans;
      for (const char* column : kFilters) {
        const std::string plan = planOf(c, column);
        EXPECT_NE(plan.find("devices_" + std::string(column)), std::string::npos) << plan;
        plans += plan;
      }
      EXPECT_EQ(plans, fresh_plans_);
    });
  }

  std::unique_ptr<DeviceStore> store_;
  std::string fresh_indexes_, fresh_plans_;
};

TEST_F(ImportIndexesTest, OnlyAnEmptyRegistryDefersItsIndexes) {
  auto deferred = [&] {
    return db().with([](SQLite::Database& c) {
      SQLite::Transaction tx(c, SQLite::TransactionBehavior::IMMEDIATE);
      import::DeferredIndexes indexes(c);
      std::set<std::string> names(indexes.names().begin(), indexes.names().end());
      // Dropped inside the transaction; the rollback brings them back.
      EXPECT_EQ(c.execAndGet("SELECT count(*) FROM sqlite_schema WHERE name = 'devices_status'").getInt(),
                names.empty() ? 1 : 0);
      return names;
    });
  };
  const std::set<std::string> names = deferred();
  for (const char* name : {"devices_status", "devices_kind", "devices_model", "devices_location",
                           "devices_summary", "device_macs_mac"}) {
    EXPECT_EQ(names.count(name), 1u) << name;
  }
  EXPECT_EQ(names.count("events_device"), 0u);  // its rows arrive in index order: nothing to gain
  for (const std::string& name : names) EXPECT_EQ(name.find("autoindex"), std::string::npos) << name;
  expectIndexesIntact(db());

  ASSERT_TRUE(store().importCsv(kHeader + fleetLines(0, 1), "system"));
  EXPECT_TRUE(deferred().empty());
}

TEST_F(ImportIndexesTest, EmptyAndFilledRegistriesEndTheSame) {
  constexpr std::size_t kRows = 2345;  // several reader batches and INSERTs of 32, with a remainder
  auto into_empty = store().importCsv(kHeader + fleetLines(0, kRows), "token:admin");
  ASSERT_TRUE(into_empty.has_value()) << into_empty.error().message;
  EXPECT_EQ(into_empty->created, kRows);

  // The same rows into a registry that already holds the first one: no index is deferred.
  auto other = Database::open(dir_ / "filled.db");
  ASSERT_TRUE(other.has_value()) << other.error().message;
  DeviceStore filled_store(**other);
  ASSERT_TRUE(filled_store.importCsv(kHeader + fleetLines(0, 1), "token:admin"));
  auto into_filled = filled_store.importCsv(kHeader + fleetLines(1, kRows - 1), "token:admin");
  ASSERT_TRUE(into_filled.has_value()) << into_filled.error().message;
  EXPECT_EQ(into_filled->created, kRows - 1);

  const std::string empty_contents = db().with([](SQLite::Database& c) { return contentsOf(c); });
  const std::string filled_contents = (*other)->with([](SQLite::Database& c) { return contentsOf(c); });
  EXPECT_EQ(empty_contents, filled_contents);
  EXPECT_EQ(scalar("SELECT count(*) FROM device_macs"),
            static_cast<std::int64_t>(kRows + (kRows + 6) / 10));  // the repeated MAC stored once
  expectIndexesIntact(db());
  expectIndexesIntact(**other);

  // The list reads through the rebuilt indexes what the table holds.
  DeviceFilter lost;
  lost.status = DeviceStatus::lost;
  lost.limit = 1000;
  auto page = store().list(lost);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->items.size(), static_cast<std::size_t>(scalar("SELECT count(*) FROM devices WHERE +status = 'lost'")));

  // A re-import of the same file into the now filled registry changes nothing.
  auto again = store().importCsv(kHeader + fleetLines(0, kRows), "token:admin");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->unchanged, kRows);
}

TEST_F(ImportIndexesTest, ARefusedImportIntoAnEmptyRegistryKeepsEveryIndex) {
  // Rows are written (with the indexes dropped) before the problems at the end are read.
  std::string csv = kHeader + fleetLines(0, 1500);
  csv += "SN-X,TAG-X,laptop,M,S,in_stock,2024-02-30,\n";
  auto r = store().importCsv(csv, "system");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().details["errors"][0]["line"], 1502);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 0);
  expectIndexesIntact(db());

  // The same when the body is cut off after the rows were written.
  class CutOff : public ByteSource {
   public:
    explicit CutOff(std::string text) : text_(std::move(text)) {}
    std::optional<std::string_view> next() override {
      if (sent_) throw InputAborted("client went away");
      sent_ = true;
      return text_;
    }

   private:
    std::string text_;
    bool sent_ = false;
  } cut(kHeader + fleetLines(0, 1500));
  auto cut_off = store().importCsv(cut, "system");
  ASSERT_FALSE(cut_off.has_value());
  EXPECT_EQ(cut_off.error().code, Errc::invalid);
  EXPECT_NE(cut_off.error().message.find("cut off"), std::string::npos) << cut_off.error().message;
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 0);
  expectIndexesIntact(db());

  // And the next import takes the same path and succeeds.
  ASSERT_TRUE(store().importCsv(kHeader + fleetLines(0, 40), "system"));
  expectIndexesIntact(db());
}

TEST_F(ImportIndexesTest, ARowTheDatabaseRefusesInsideAManyRowInsertIsNamed) {
  // A unique index (kept: unique ones are never deferred) stands in for a constraint no check foresaw;
  // line 700 repeats line 650's notes, in the middle of an INSERT of 32 rows (OR FAIL keeps the rows
  // before it, which are then found and kept).
  exec("CREATE UNIQUE INDEX test_notes ON devices(notes)");
  std::string csv = "serial,asset_tag,notes\n";
  for (std::size_t line = 2; line < 1002; ++line) {
    csv += "SN" + std::to_string(line) + ",TAG" + std::to_string(line) + ",note " +
           std::to_string(line == 700 ? 650 : line) + "\n";
  }
  auto r = store().importCsv(csv, "system");
  ASSERT_FALSE(r.has_value());
  const auto& errors = r.error().details["errors"];
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0]["line"], 700);
  EXPECT_NE(errors[0]["message"].get<std::string>().find("devices.notes"), std::string::npos);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM device_macs"), 0);
}

// Hands out the header and the first rows, then waits until let_go(): the import holds its write
// transaction open meanwhile, with its first rows written.
class GatedSource : public ByteSource {
 public:
  GatedSource(std::string first, std::string rest) : first_(std::move(first)), rest_(std::move(rest)) {}
  std::optional<std::string_view> next() override {
    std::unique_lock lock(mutex_);
    if (step_ == 0) {
      step_ = 1;
      return first_;
    }
    if (step_ == 1) {
      waiting_ = true;
      changed_.notify_all();
      changed_.wait(lock, [&] { return released_; });
      step_ = 2;
      return rest_;
    }
    return std::nullopt;
  }
  void waitForGate() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return waiting_; });
  }
  void letGo() {
    std::lock_guard lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  std::string first_, rest_;
  std::mutex mutex_;
  std::condition_variable changed_;
  int step_ = 0;
  bool waiting_ = false, released_ = false;
};

// Reads on `connections` pooled connections at once, each through the connection's statement cache,
// so a statement prepared before the import's schema change is used again after it.
std::vector<std::int64_t> cachedCounts(Database& db, const std::string& sql, int connections) {
  return test::onEveryConnection(db, connections, [&](SQLite::Database& c) -> std::int64_t {
    auto st = cachedStatement(c, sql);
    st->bind(1, "deployed");
    return st->executeStep() ? st->getColumn(0).getInt64() : -1;
  });
}

TEST_F(ImportIndexesTest, ReadersDuringAnImportIntoAnEmptyRegistrySeeTheLastCommit) {
  const std::string count_deployed = "SELECT count(*) FROM devices INDEXED BY devices_status WHERE status = ?1";
  // Prepared and cached on every pooled connection before the import drops and rebuilds the index.
  EXPECT_EQ(cachedCounts(db(), count_deployed, 4), std::vector<std::int64_t>(4, 0));

  constexpr std::size_t kFirst = 1500, kRows = 3000;
  GatedSource body(kHeader + fleetLines(0, kFirst), fleetLines(kFirst, kRows - kFirst));
  auto import = std::async(std::launch::async, [&] { return store().importCsv(body, "system"); });
  body.waitForGate();
  // The import's transaction is open: wait until it holds the write lock.
  SQLite::Database probe((dir_ / "fleet.db").string(), SQLite::OPEN_READWRITE);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    try {
      probe.exec("BEGIN IMMEDIATE");
      probe.exec("ROLLBACK");
    } catch (const SQLite::Exception& e) {
      ASSERT_EQ(e.getErrorCode(), SQLITE_BUSY) << e.what();
      break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the import never took the write lock";
    std::this_thread::yield();
  }

  // Three pooled connections are free (the import holds the fourth). Each sees the last commit, with
  // every index, and reads through them.
  EXPECT_EQ(cachedCounts(db(), count_deployed, 3), std::vector<std::int64_t>(3, 0));
  expectIndexesIntact(db());
  DeviceFilter deployed;
  deployed.status = DeviceStatus::deployed;
  auto page = store().list(deployed);
  ASSERT_TRUE(page.has_value()) << page.error().message;
  EXPECT_TRUE(page->items.empty());

  body.letGo();
  auto done = import.get();
  ASSERT_TRUE(done.has_value()) << done.error().message;
  EXPECT_EQ(done->created, kRows);

  const std::int64_t expected = scalar("SELECT count(*) FROM devices WHERE +status = 'deployed'");
  EXPECT_EQ(expected, static_cast<std::int64_t>(kRows / 3));
  // The statements cached before the schema change are prepared again by SQLite and still answer.
  EXPECT_EQ(cachedCounts(db(), count_deployed, 4), std::vector<std::int64_t>(4, expected));
  expectIndexesIntact(db());
}

}  // namespace
}  // namespace fk
