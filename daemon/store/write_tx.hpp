#pragma once

// A write to the database, as the type every writing store function runs in: BEGIN IMMEDIATE on one
// pooled connection, the instant the change happens at (every row it stamps carries the same one), and
// the database generation bumped once it commits, which is how the metrics learn their figures went
// stale. The store's *In helpers take a WriteTx&, so "the caller holds the write transaction" is in
// their signature rather than in a comment, and none of them reads the clock or bumps a counter.

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <utility>

#include "core/values.hpp"
#include "store/database.hpp"

namespace fk {

class WriteTx {
 public:
  // `now`: the change's own instant (a poll's time, the sender's clock); "" for the wall clock, read
  // once the write lock is held so that instants follow the order in which writes commit.
  explicit WriteTx(Database& database, SQLite::Database& db, std::string now = {})
      : database_(database),
        db_(db),
        tx_(db, SQLite::TransactionBehavior::IMMEDIATE),
        now_(now.empty() ? nowInstant() : std::move(now)) {}
  WriteTx(const WriteTx&) = delete;
  WriteTx& operator=(const WriteTx&) = delete;

  SQLite::Database& db() const { return db_; }
  const std::string& now() const { return now_; }

  // Commits. `changed` false: nothing a reader counts was written (an unchanged import, a claim that
  // found no row), so the generation stays and the metrics keep their cached figures.
  void commit(bool changed = true) {
    tx_.commit();
    // After the commit, never before: a collector that sees the new generation must also see the rows.
    if (changed) database_.noteWrite();
  }

 private:
  Database& database_;
  SQLite::Database& db_;
  SQLite::Transaction tx_;
  std::string now_;
};

}  // namespace fk
