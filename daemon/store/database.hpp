#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/error.hpp"
#include "store/storage_fault.hpp"

namespace fk {

// The SQLite file: WAL mode, foreign keys on, schema migrated on open. Hands out connections from
// a small pool so API threads read concurrently; writers serialise on SQLite's own lock
// (BEGIN IMMEDIATE with a busy timeout).
class Database {
 public:
  // Opens (creating if missing) and migrates to the latest schema version.
  // `cache_bytes` bounds each connection's page cache (config `limits.database_cache`).
  static Result<std::unique_ptr<Database>> open(const std::filesystem::path& file, int pool_size = 4,
                                                std::uint64_t cache_bytes = kDefaultCacheBytes);
  static constexpr std::uint64_t kDefaultCacheBytes = 64ull << 20;
  // What a one-shot admin command needs of the schema (store/database_admin.cpp).
  enum class SchemaNeed {
    known,   // any version this build knows (backup copies pages, whatever their version)
    latest,  // exactly the latest (commands that read or write tables)
  };
  // For admin commands run beside a live daemon: opens an existing file without creating, migrating
  // or changing its journal mode. A file a newer fleetkeepd wrote is refused, and so is an older one
  // when `need` is latest: migrating under a running daemon of the older version would break it.
  static Result<std::unique_ptr<Database>> openExisting(const std::filesystem::path& file, SchemaNeed need);
  // How long a connection waits for another writer before SQLITE_BUSY.
  static constexpr int kBusyTimeoutMs = 5000;
  ~Database();

  // Runs `fn` with a pooled connection. Exceptions from SQLiteCpp become errors (storageError):
  // SQLITE_BUSY/LOCKED a 503 to retry, a full disk 507, a failing one 503, the rest internal errors,
  // except constraint failures, which the repositories map themselves before they escape.
  template <class Fn>
  auto with(Fn&& fn) -> decltype(fn(std::declval<SQLite::Database&>()));

  // Connections kept apart from the pool for short reads that must never queue behind writers waiting
  // out the busy timeout with every pool connection: credential checks, and requests the HTTP server
  // answers on its I/O threads. While a ReservedScope lives on a thread, with() on that thread uses
  // them, with a short busy timeout, so a reader there waits for a lock for milliseconds, not seconds.
  static constexpr int kReservedConnections = 3;
  static constexpr int kReservedBusyTimeoutMs = 200;
  class ReservedScope {
   public:
    ReservedScope();
    ~ReservedScope();
    ReservedScope(const ReservedScope&) = delete;
    ReservedScope& operator=(const ReservedScope&) = delete;

   private:
    bool outer_;
  };

  int schemaVersion();
  static int latestSchemaVersion();

  // Consistent online copy (SQLite backup API) to `dest`, which must not exist. Written to a temp
  // file beside it (created exclusively, mode 0600), synced and then renamed into place, so `dest`
  // is never partial and never readable by anyone but the owner.
  Status backup(const std::filesystem::path& dest);

  // Bumped after every committed write; metrics use it to know when aggregates are stale. The store
  // counts its writes through WriteTx::commit; noteWrite() is left for tests that write raw SQL.
  std::uint64_t generation() const { return generation_.load(); }
  void noteWrite() { generation_.fetch_add(1); }

  const std::filesystem::path& file() const { return file_; }

  // Changes whenever any connection, of this process or another, commits: what an in-memory copy of
  // database content compares to know it is still current. Unlike generation(), it also sees a
  // `fleetkeepd token revoke` run beside the daemon. Costs one `PRAGMA data_version` (~1 µs).
  std::int64_t dataVersion();

  // WAL checkpoints completed by the background checkpointer (see checkpointLoop).
  std::uint64_t checkpoints() const { return checkpoints_.load(); }
  // WAL pages after a commit at which the checkpointer is woken (SQLite's own default threshold).
  static constexpr int kCheckpointPages = 1000;
  // Page size of a database this daemon creates.
  static constexpr int kPageSize = 16384;

 private:
  explicit Database(std::filesystem::path file);
  std::vector<SQLite::Database*>& poolForThisThread();
  SQLite::Database* acquire(std::vector<SQLite::Database*>& pool);
  void release(std::vector<SQLite::Database*>& pool, SQLite::Database* db);
  void watchWal(SQLite::Database& db);
  static int onWalCommit(void* self, ::sqlite3* db, const char* schema, int pages);
  void checkpointLoop();

  std::filesystem::path file_;
  std::vector<std::unique_ptr<SQLite::Database>> all_;
  std::vector<SQLite::Database*> free_;
  std::vector<SQLite::Database*> reserved_free_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::atomic<std::uint64_t> generation_{0};

  // SQLite checkpoints inside the commit that crosses the threshold, so a large import copied the
  // whole WAL into the database file and synced it before its reply. Commits only wake this thread.
  std::unique_ptr<SQLite::Database> checkpoint_db_;
  std::thread checkpointer_;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wanted_;
  bool checkpoint_pending_ = false;
  bool stopping_ = false;
  std::atomic<std::uint64_t> checkpoints_{0};

  // PRAGMA data_version counts commits by *other* connections, so it is asked on one that never writes.
  std::unique_ptr<SQLite::Database> watch_db_;
  std::unique_ptr<SQLite::Statement> data_version_;
  std::mutex watch_mutex_;
};

// SQLITE_BUSY or SQLITE_LOCKED: another writer held the lock for the whole busy timeout.
bool isBusy(const std::exception& e);

namespace detail {
template <class T>
inline constexpr bool kIsResult = false;
template <class T>
inline constexpr bool kIsResult<std::expected<T, Error>> = true;
}  // namespace detail

template <class Fn>
auto Database::with(Fn&& fn) -> decltype(fn(std::declval<SQLite::Database&>())) {
  using R = decltype(fn(std::declval<SQLite::Database&>()));
  auto& pool = poolForThisThread();
  SQLite::Database* db = acquire(pool);
  struct Return {
    Database* self;
    std::vector<SQLite::Database*>& pool;
    SQLite::Database* db;
    ~Return() { self->release(pool, db); }
  } guard{this, pool, db};
  if constexpr (detail::kIsResult<R>) {
    // Errors as values across the module line: an exception that reaches here is a fault (disk,
    // corruption, a bug), never bad input: a disk fault says so (storageError), anything else is internal.
    try {
      return fn(*db);
    } catch (const std::exception& e) {
      return std::unexpected(storageError(e));
    }
  } else {
    return fn(*db);
  }
}

// Schema migrations, applied in order inside one transaction each; exposed for the migration tests.
// Migration i (0-based) takes the schema from version i to i+1.
const std::vector<std::string>& migrations();
Status migrate(SQLite::Database& db, int target_version = -1);  // -1 = latest

}  // namespace fk
