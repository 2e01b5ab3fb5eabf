#include "store/statement_cache.hpp"

#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace fk {

namespace {

// Enough for every hot query and the filter combinations of a list; beyond it statements are not kept,
// so a caller building SQL from unbounded input cannot grow the cache.
constexpr std::size_t kMaxStatementsPerConnection = 128;

struct Entry {
  std::unique_ptr<SQLite::Statement> statement;
  bool borrowed = false;
};

// Touched only by the thread holding the connection, so it needs no lock of its own.
struct ConnectionCache {
  std::unordered_map<std::string, Entry> entries;
};

// Connections by handle. Written only when the pool opens or closes a connection; every lookup reads.
std::shared_mutex registry_mutex;
std::unordered_map<sqlite3*, std::unique_ptr<ConnectionCache>>& registry() {
  static std::unordered_map<sqlite3*, std::unique_ptr<ConnectionCache>> caches;
  return caches;
}

ConnectionCache* cacheOf(SQLite::Database& db) {
  std::shared_lock lock(registry_mutex);
  auto it = registry().find(db.getHandle());
  return it == registry().end() ? nullptr : it->second.get();
}

}  // namespace

CachedStatement::~CachedStatement() {
  if (!borrowed_) return;
  // tryReset: reset() would rethrow the error of a failed step, which the caller has already seen.
  st_->tryReset();
  try {
    st_->clearBindings();
  } catch (const SQLite::Exception&) {
  }
  *borrowed_ = false;
}

CachedStatement cachedStatement(SQLite::Database& db, const std::string& sql) {
  ConnectionCache* cache = cacheOf(db);
  if (cache == nullptr) return CachedStatement(std::make_unique<SQLite::Statement>(db, sql));
  auto it = cache->entries.find(sql);
  if (it == cache->entries.end()) {
    if (cache->entries.size() >= kMaxStatementsPerConnection)
      return CachedStatement(std::make_unique<SQLite::Statement>(db, sql));
    it = cache->entries.emplace(sql, Entry{std::make_unique<SQLite::Statement>(db, sql), false}).first;
  }
  if (it->second.borrowed) return CachedStatement(std::make_unique<SQLite::Statement>(db, sql));
  it->second.borrowed = true;
  return CachedStatement(it->second.statement.get(), &it->second.borrowed);
}

ReadTx::ReadTx(SQLite::Database& db) : db_(db) {
  cachedStatement(db_, "BEGIN")->exec();
}

ReadTx::~ReadTx() {
  // Ending a read transaction gives nothing back to lose; should COMMIT fail, ROLLBACK still releases
  // the snapshot so the connection goes back to the pool clean.
  try {
    cachedStatement(db_, "COMMIT")->exec();
  } catch (const SQLite::Exception&) {
    try {
      db_.exec("ROLLBACK");
    } catch (const SQLite::Exception&) {
    }
  }
}

void enableStatementCache(SQLite::Database& db) {
  std::unique_lock lock(registry_mutex);
  registry()[db.getHandle()] = std::make_unique<ConnectionCache>();
}

void dropStatementCache(SQLite::Database& db) {
  std::unique_lock lock(registry_mutex);
  registry().erase(db.getHandle());
}

}  // namespace fk
