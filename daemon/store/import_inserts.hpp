#pragma once

// The new devices of an import, written many rows per statement. Internal to daemon/store.

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/device_csv.hpp"

namespace fk::import {

// Queues validated new devices and writes them with their MACs, kRows to an INSERT. A statement per row
// spent as much in SQLite's per-statement work (opening a cursor on the table and each index, the
// AUTOINCREMENT counter read and written, the statement's end) as in the rows themselves.
class NewDevices {
 public:
  static constexpr std::size_t kRows = 32;      // devices per INSERT
  static constexpr std::size_t kMacRows = 64;   // MACs per INSERT

  NewDevices(SQLite::Database& db, const std::string& now);

  // `row` must stay valid until the next flush(): the statements bind its strings without copying.
  void add(const ImportRow& row) { queued_.push_back(&row); }
  std::size_t queued() const { return queued_.size(); }

  // A row the database refused (a constraint the checks before the write could not foresee, such as
  // a trigger's): its line's problem, not a fault of the daemon.
  struct Refused {
    const ImportRow* row;
    std::string message;
  };
  // Writes the queued rows in file order, calling `created` with each row written and its new id, and
  // then their MACs. Stops at the first row refused: the import is then refused as a whole and rolls
  // back, so what the rows before it left does not matter. Other errors are thrown.
  using Created = std::function<void(const ImportRow&, std::int64_t)>;
  std::optional<Refused> flush(const Created& created);

 private:
  void insertMany(std::size_t first);
  std::int64_t insertOne(const ImportRow& row);
  // After a statement of kRows failed: how many of its rows are in the table, with their ids.
  // INSERT OR FAIL keeps the rows before the one refused; a trigger's RAISE(ABORT) undoes them all.
  std::vector<std::int64_t> keptRows(std::size_t first);
  std::optional<Refused> writeMacs();

  SQLite::Database& db_;
  const std::string& now_;
  SQLite::Statement many_, one_, macs_many_, mac_one_, by_serial_, by_tag_;
  std::vector<const ImportRow*> queued_;
  // The MACs of the devices written by the current flush: device id, the MAC, its row.
  struct Mac {
    std::int64_t id;
    const std::string* mac;
    const ImportRow* row;
  };
  std::vector<Mac> macs_;
};

}  // namespace fk::import
