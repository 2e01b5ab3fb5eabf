#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <memory>
#include <string>

namespace fk {

// A prepared statement borrowed from its connection's cache. Preparing (SQLite parsing the SQL, and
// expanding views and subqueries) was ~40% of the CPU of a `GET /api/v1/devices/tag:X`; a connection
// keeps the statements of its hot queries and hands them out again, reset and unbound on return.
// On a connection the pool does not own, or when the same SQL is already borrowed on this connection
// (a nested use), it is an ordinary statement prepared for this use only.
class CachedStatement {
 public:
  CachedStatement(CachedStatement&&) = delete;
  ~CachedStatement();

  SQLite::Statement& operator*() { return *st_; }
  SQLite::Statement* operator->() { return st_; }

 private:
  friend CachedStatement cachedStatement(SQLite::Database& db, const std::string& sql);
  CachedStatement(SQLite::Statement* st, bool* borrowed) : st_(st), borrowed_(borrowed) {}
  explicit CachedStatement(std::unique_ptr<SQLite::Statement> owned)
      : st_(owned.get()), owned_(std::move(owned)) {}

  SQLite::Statement* st_;
  bool* borrowed_ = nullptr;
  std::unique_ptr<SQLite::Statement> owned_;
};

CachedStatement cachedStatement(SQLite::Database& db, const std::string& sql);

// One read transaction over several statements: one snapshot, and one lock and unlock of the database
// file instead of a pair of fcntl calls per statement (~10% of a GET by tag's CPU when it read in four
// implicit transactions). BEGIN and COMMIT come from the connection's cache too.
class ReadTx {
 public:
  explicit ReadTx(SQLite::Database& db);
  ~ReadTx();
  ReadTx(const ReadTx&) = delete;
  ReadTx& operator=(const ReadTx&) = delete;

 private:
  SQLite::Database& db_;
};

// The pool registers each of its connections, and drops the cache before the connection closes (a
// statement left unfinalized would keep the connection open).
void enableStatementCache(SQLite::Database& db);
void dropStatementCache(SQLite::Database& db);

}  // namespace fk
