#include "store/import_indexes.hpp"

#include <cstdint>

#include "store/scoped_pragma.hpp"

namespace fk::import {

namespace {

// The tables a device import fills. Each one's indexes are deferred only while it is empty too.
constexpr const char* kImportTables[] = {"devices", "device_macs"};

// SQLite's sorter keeps up to the page cache's size of keys in memory (at least 250 pages, 4 MiB
// here) before it writes a sorted run to a temporary file; with worker threads those runs are sorted
// on another core while this one reads on. The import's small cache (store/device_import.cpp) is
// kept: 16 MiB sorted a 100,000-device index in memory, no faster on this machine, and put a
// million-row import's peak over its 128 MiB bound.
constexpr int kBuildThreads = 2;


bool isTableEmpty(SQLite::Database& db, const std::string& table) {
  return db.execAndGet("SELECT NOT EXISTS (SELECT 1 FROM \"" + table + "\")").getInt() != 0;
}

}  // namespace

DeferredIndexes::DeferredIndexes(SQLite::Database& db) : db_(db) {
  if (!isTableEmpty(db_, "devices")) return;
  // sql IS NULL: the automatic indexes behind UNIQUE and PRIMARY KEY constraints, which stay.
  SQLite::Statement list(db_,
                         "SELECT m.name, m.sql FROM sqlite_schema m "
                         "JOIN pragma_index_list(m.tbl_name) l ON l.name = m.name "
                         "WHERE m.type = 'index' AND m.tbl_name = ?1 AND m.sql IS NOT NULL AND l.\"unique\" = 0 "
                         "ORDER BY m.rowid");
  for (const char* table : kImportTables) {
    if (!isTableEmpty(db_, table)) continue;
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
  ScopedPragma threads(db_, "threads", kBuildThreads);
  for (const std::string& sql : sql_) db_.exec(sql);
  names_.clear();
  sql_.clear();
}

}  // namespace fk::import
