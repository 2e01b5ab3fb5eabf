#pragma once

// A device import into an empty registry builds the secondary indexes after the rows instead of row by
// row. Internal to daemon/store.

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

namespace fk::import {

// Inside the import's write transaction: when the devices table is empty (a district's first, large
// import), drops the non-unique indexes of the tables the import fills, and rebuild() creates them
// again from their own SQL once the rows are in. CREATE INDEX sorts the rows once; inserting them
// one b-tree seek per row per index cost several times that (docs/performance.md, "Import").
//
// Schema changes are part of the transaction: a rollback (a refused file, an exception, a crash)
// brings every index back with the rows, and readers, which see the last commit in WAL mode, never
// see the tables without them. Statements other connections prepared earlier are re-prepared by
// SQLite when they next run (the schema cookie changed); so are this connection's.
//
// Unique indexes stay: building one after the rows would turn a duplicate into a failure of the
// whole file instead of one line's problem (the serial and asset tag ones are column constraints
// and cannot be dropped anyway).
class DeferredIndexes {
 public:
  explicit DeferredIndexes(SQLite::Database& db);
  DeferredIndexes(const DeferredIndexes&) = delete;
  DeferredIndexes& operator=(const DeferredIndexes&) = delete;

  // The indexes dropped, in the order they are rebuilt; empty when the devices table had rows.
  const std::vector<std::string>& names() const { return names_; }

  // Creates the dropped indexes again, before the transaction commits. Only on the way to a commit:
  // a refused import just rolls back.
  void rebuild();

 private:
  SQLite::Database& db_;
  std::vector<std::string> names_;
  std::vector<std::string> sql_;
};

}  // namespace fk::import
