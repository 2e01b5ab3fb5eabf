#include "store/database.hpp"

#include <sqlite3.h>

#include <algorithm>

#include "store/sql_functions.hpp"
#include "store/statement_cache.hpp"

namespace fk {

namespace {

thread_local bool t_reserved = false;

std::unique_ptr<SQLite::Database> openConnection(const std::filesystem::path& file, std::uint64_t cache_bytes,
                                                 int busy_timeout_ms = Database::kBusyTimeoutMs) {
  // NOMUTEX: the pool hands a connection to one thread at a time, so SQLite's own lock around
  // every call on it (two mutex operations per bind, step and reset) only costs time.
  auto db = std::make_unique<SQLite::Database>(
      file, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX, busy_timeout_ms);
  // journal_mode is persistent in the file; the rest are per connection and must be set on each.
  db->exec("PRAGMA foreign_keys = ON");
  // FULL: a commit is on the disk before its 2xx goes out, so an acknowledged write survives a power
  // cut, not only a crash of the process (NORMAL's limit in WAL mode). Measured cost and the kill -9
  // runs behind the choice: docs/reliability.md.
  db->exec("PRAGMA synchronous = FULL");
  // Negative: a size in KiB rather than in pages. Each connection has its own cache, so the daemon's
  // page caches can grow to this times the number of connections.
  db->exec("PRAGMA cache_size = -" + std::to_string(std::max<std::uint64_t>(cache_bytes / 1024, 1)));
  registerSqlFunctions(*db);
  return db;
}

}  // namespace

bool isBusy(const std::exception& e) {
  auto* sql = dynamic_cast<const SQLite::Exception*>(&e);
  if (!sql) return false;
  const int primary = sql->getErrorCode() & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

Database::Database(std::filesystem::path file) : file_(std::move(file)) {}

Database::~Database() {
  if (checkpointer_.joinable()) {
    {
      std::lock_guard lock(checkpoint_mutex_);
      stopping_ = true;
    }
    checkpoint_wanted_.notify_one();
    checkpointer_.join();
  }
  // The connections close after this: the last one to close checkpoints what is left.
  for (auto& c : all_) dropStatementCache(*c);
  data_version_.reset();
}

void Database::watchWal(SQLite::Database& db) {
  // Replaces SQLite's automatic checkpoint on this connection (which is itself a WAL hook).
  sqlite3_wal_hook(db.getHandle(), &Database::onWalCommit, this);
}

int Database::onWalCommit(void* self, sqlite3*, const char*, int pages) {
  auto* me = static_cast<Database*>(self);
  if (pages >= kCheckpointPages) {
    {
      std::lock_guard lock(me->checkpoint_mutex_);
      me->checkpoint_pending_ = true;
    }
    me->checkpoint_wanted_.notify_one();
  }
  return SQLITE_OK;
}

void Database::checkpointLoop() {
  std::unique_lock lock(checkpoint_mutex_);
  while (true) {
    checkpoint_wanted_.wait(lock, [&] { return checkpoint_pending_ || stopping_; });
    if (stopping_) return;
    checkpoint_pending_ = false;
    lock.unlock();
    // PASSIVE: copies what no reader still needs and never blocks readers or the writer; frames it
    // cannot copy yet are taken by the next round, which the next large commit triggers.
    int rc = sqlite3_wal_checkpoint_v2(checkpoint_db_->getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                                       nullptr, nullptr);
    if (rc == SQLITE_OK) checkpoints_.fetch_add(1);
    lock.lock();
  }
}

Result<std::unique_ptr<Database>> Database::open(const std::filesystem::path& file, int pool_size,
                                                 std::uint64_t cache_bytes) {
  if (pool_size < 1) pool_size = 1;
  std::unique_ptr<Database> self(new Database(file));
  try {
    auto first = openConnection(file, cache_bytes);
    // Takes effect only in a new file (before its first table): fewer, fuller pages make a bulk
    // import's b-tree and WAL work about a fifth cheaper. An existing file keeps its page size.
    first->exec("PRAGMA page_size = " + std::to_string(kPageSize));
    // Migrate first: a file from a newer fleetkeepd is refused before anything in it changes.
    if (auto migrated = migrate(*first); !migrated) {
      Error e = migrated.error();
      e.message = "database " + file.string() + ": " + e.message;
      return std::unexpected(std::move(e));
    }
    // WAL lets API readers run while a writer commits; it needs a file system with shared memory.
    if (first->execAndGet("PRAGMA journal_mode = WAL").getString() != "wal") {
      return std::unexpected(
          Error::internal("database " + file.string() + ": cannot enable WAL journal mode"));
    }
    self->all_.push_back(std::move(first));
    for (int i = 1; i < pool_size; ++i) self->all_.push_back(openConnection(file, cache_bytes));
    for (int i = 0; i < kReservedConnections; ++i) {
      self->all_.push_back(openConnection(file, cache_bytes, kReservedBusyTimeoutMs));
      self->reserved_free_.push_back(self->all_.back().get());
    }
    for (auto& c : self->all_) self->watchWal(*c);
    for (auto& c : self->all_) enableStatementCache(*c);
    self->checkpoint_db_ = openConnection(file, cache_bytes);
    self->watch_db_ = openConnection(file, cache_bytes);
    self->data_version_ = std::make_unique<SQLite::Statement>(*self->watch_db_, "PRAGMA data_version");
  } catch (const std::exception& e) {
    return std::unexpected(Error::internal("database " + file.string() + ": " + e.what()));
  }
  for (int i = 0; i < pool_size; ++i) self->free_.push_back(self->all_[i].get());
  self->checkpointer_ = std::thread([raw = self.get()] { raw->checkpointLoop(); });
  return self;
}

Database::ReservedScope::ReservedScope() : outer_(!t_reserved) { t_reserved = true; }

Database::ReservedScope::~ReservedScope() {
  if (outer_) t_reserved = false;
}

std::vector<SQLite::Database*>& Database::poolForThisThread() { return t_reserved ? reserved_free_ : free_; }

SQLite::Database* Database::acquire(std::vector<SQLite::Database*>& pool) {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !pool.empty(); });
  SQLite::Database* db = pool.back();
  pool.pop_back();
  lock.unlock();
  // A credential check sets its own timeout for an advisory stamp and restores the pool's value.
  if (&pool == &reserved_free_) db->setBusyTimeout(kReservedBusyTimeoutMs);
  return db;
}

void Database::release(std::vector<SQLite::Database*>& pool, SQLite::Database* db) {
  {
    std::lock_guard lock(mutex_);
    pool.push_back(db);
  }
  // Both pools share the condition variable: wake every waiter so the one whose pool refilled runs.
  available_.notify_all();
}

std::int64_t Database::dataVersion() {
  std::lock_guard lock(watch_mutex_);
  data_version_->tryReset();
  // A failed read is not a version: throw, so a cache checking it falls back to the database.
  if (!data_version_->executeStep()) throw SQLite::Exception("PRAGMA data_version returned no row");
  const std::int64_t version = data_version_->getColumn(0).getInt64();
  data_version_->tryReset();
  return version;
}

int Database::schemaVersion() {
  return with([](SQLite::Database& db) { return db.execAndGet("PRAGMA user_version").getInt(); });
}

int Database::latestSchemaVersion() {
  return static_cast<int>(migrations().size());
}

}  // namespace fk
