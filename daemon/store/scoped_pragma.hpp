#pragma once

// A connection setting changed for one piece of work (the import's small page cache, the index build's
// sorter threads) and put back however that work ends: the connection returns to the pool either way,
// and the next user of it must find the pool's own settings.

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <string>

namespace fk {

class ScopedPragma {
 public:
  ScopedPragma(SQLite::Database& db, std::string name, std::int64_t value)
      : db_(db), name_(std::move(name)), saved_(db.execAndGet("PRAGMA " + name_).getInt64()) {
    db_.exec("PRAGMA " + name_ + " = " + std::to_string(value));
  }
  ~ScopedPragma() {
    try {
      db_.exec("PRAGMA " + name_ + " = " + std::to_string(saved_));
    } catch (const SQLite::Exception&) {
      // Left as it was set, the connection still works (a smaller cache, more sorter threads).
    }
  }
  ScopedPragma(const ScopedPragma&) = delete;
  ScopedPragma& operator=(const ScopedPragma&) = delete;

 private:
  SQLite::Database& db_;
  std::string name_;
  std::int64_t saved_;
};

}  // namespace fk
