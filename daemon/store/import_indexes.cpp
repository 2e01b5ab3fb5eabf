#include "store/import_indexes.hpp"

#include <cstdint>

namespace fk::import {

namespace {

// The tables a device import fills. Each one's indexes are deferred only while it is empty too.
constexpr const char* kImportTables[] = {"devices", "device_macs"};

// While the indexes are built: SQLite's sorter keeps up to the page cache's size of keys in memory
// before it writes sorted runs to temporary files, and with worker threads it sorts those runs on
// another core. The import's own cache is small (store/device_import.cpp), which made the sorter
// spill at 4 MiB; 16 MiB sorts a 100,000-device index in memory and bounds what a million adds.
constexpr std::int64_t kBuildCacheKiB = 16 * 1024;
constexpr int kBuildThreads = 2;

// Sets the connection up for building indexes and puts it back however the build ends: the
// connection returns to the pool either way.
class BuildSettings {
 public:
  explicit BuildSettings(SQLite::Database& db)
      : db_(db),
        cache_(db.execAndGet("PRAGMA cache_size").getInt64()),
        threads_(db.execAndGet("PRAGMA threads").getInt64()) {
    db_.exec("PRAGMA cache_size = -" + std::to_string(kBuildCacheKiB));
    db_.exec("PRAGMA threads = " + std::to_string(kBuildThreads));
  }
  ~BuildSettings() {
    try {
      db_.exec("PRAGMA threads = " + std::to_string(threads_));
      db_.exec("PRAGMA cache_size = " + std::to_string(cache_));
    } catch (const SQLite::Exception&) {
      // Left with a larger cache or sorter threads, the connection still works.
    }
  }
  BuildSettings(const BuildSettings&) = delete;
  BuildSettings& operator=(const BuildSettings&) = delete;

 private:
  SQLite::Database& db_;
  std::int64_t cache_, threads_;
};

bool isEmpty(SQLite::Database& db, const std::string& table) {
  return db.execAndGet("SELECT NOT EXISTS (SELECT 1 FROM \"" + table + "\")").getInt() != 0;
}

}  // namespace

DeferredIndexes::DeferredIndexes(SQLite::Database& db) : db_(db) {
  if (!isEmpty(db_, "devices")) return;
  // sql IS NULL: the automatic indexes behind UNIQUE and PRIMARY KEY constraints, which stay.
  SQLite::Statement list(db_,
                         "SELECT m.name, m.sql FROM sqlite_schema m "
                         "JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name "
                         "WHERE m.type = 'index' AND m.tbl_name = ?1 AND m.sql IS NOT NULL AND l.\"unique\" = 0 "
                         "ORDER BY m.rowid");
  for (const char* table : kImportTables) {
    if (!isEmpty(db_, table)) continue;
    list.reset();
    list.bind(1, table);
    while (list.executeStep()) {
      names_.push_back(list.getColumn(0).getString());
      sql_.push_back(list.getColumn(1).getString());
    }
  }
  for (const std::string& name : names_) db_.exec("DROP INDEX \"" + name + "\"");
}

void DeferredIndexes::rebuild() {
  if (names_.empty()) return;
  BuildSettings settings(db_);
  for (const std::string& sql : sql_) db_.exec(sql);
  names_.clear();
  sql_.clear();
}

}  // namespace fk::import
