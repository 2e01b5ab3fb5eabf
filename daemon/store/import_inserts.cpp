#include "store/import_inserts.hpp"

#include <sqlite3.h>

#include "store/device_rows.hpp"

namespace fk::import {

namespace {

std::string insertMacRowsSql(std::size_t rows) {
  std::string sql = "INSERT OR IGNORE INTO device_macs (device_id, mac) VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    sql += (r == 0 ? "(?" : ", (?") + std::to_string(2 * r + 1) + ", ?" + std::to_string(2 * r + 2) + ")";
  }
  return sql;
}

bool isConstraintFailure(const SQLite::Exception& e) {
  return (e.getErrorCode() & 0xff) == SQLITE_CONSTRAINT;
}

}  // namespace

NewDevices::NewDevices(SQLite::Database& db, const std::string& now)
    : db_(db),
      now_(now),
      many_(db, rows::insertDevicesSql(kRows)),
      one_(db, rows::kInsertDevice),
      macs_many_(db, insertMacRowsSql(kMacRows)),
      mac_one_(db, rows::kInsertMac),
      by_serial_(db, "SELECT id FROM devices WHERE serial = ?1"),
      by_tag_(db, "SELECT id FROM devices WHERE asset_tag = ?1") {
  queued_.reserve(kRows * 16);
  macs_.reserve(kRows * 32);
}

void NewDevices::insertMany(std::size_t first) {
  static const int kFields = static_cast<int>(rows::storedFieldCount());
  many_.reset();
  for (std::size_t r = 0; r < kRows; ++r) {
    rows::bindDraft(many_, queued_[first + r]->draft, static_cast<int>(r) * kFields + 1);
  }
  many_.bindNoCopy(static_cast<int>(kRows) * kFields + 1, now_);
  many_.exec();
}

std::int64_t NewDevices::insertOne(const ImportRow& row) {
  one_.reset();
  rows::bindDraft(one_, row.draft);
  one_.bindNoCopy(18, now_);
  one_.exec();
  return db_.getLastInsertRowid();
}

std::vector<std::int64_t> NewDevices::keptRows(std::size_t first) {
  std::vector<std::int64_t> ids;
  for (std::size_t r = 0; r < kRows; ++r) {
    const DeviceDraft& d = queued_[first + r]->draft;
    // A new device has a serial or an asset tag that no stored device had.
    const bool by_serial = d.serial && !d.serial->empty();
    SQLite::Statement& st = by_serial ? by_serial_ : by_tag_;
    st.reset();
    st.bind(1, by_serial ? *d.serial : d.asset_tag.value_or(""));
    if (!st.executeStep()) break;
    ids.push_back(st.getColumn(0).getInt64());
  }
  return ids;
}

std::optional<NewDevices::Refused> NewDevices::flush(const Created& created) {
  std::optional<Refused> refused;
  auto wrote = [&](const ImportRow& row, std::int64_t id) {
    created(row, id);
    if (row.draft.macs) {
      for (const std::string& m : *row.draft.macs) macs_.push_back({id, &m, &row});
    }
  };
  std::size_t next = 0;
  while (queued_.size() - next >= kRows) {
    try {
      insertMany(next);
    } catch (const SQLite::Exception& e) {
      if (!isConstraintFailure(e)) throw;
      // The rows the statement kept are written; the rest go one at a time below, so that the
      // refusal names the line that caused it.
      for (std::int64_t id : keptRows(next)) wrote(*queued_[next++], id);
      break;
    }
    // AUTOINCREMENT gives the rows of one statement consecutive ids (this transaction holds the write
    // lock, so nothing else inserts between them).
    const std::int64_t first_id = db_.getLastInsertRowid() - static_cast<std::int64_t>(kRows) + 1;
    for (std::size_t r = 0; r < kRows; ++r) wrote(*queued_[next + r], first_id + static_cast<std::int64_t>(r));
    next += kRows;
  }
  for (; next < queued_.size(); ++next) {
    const ImportRow& row = *queued_[next];
    try {
      wrote(row, insertOne(row));
    } catch (const SQLite::Exception& e) {
      if (!isConstraintFailure(e)) throw;
      refused = Refused{&row, e.what()};
      break;
    }
  }
  queued_.clear();
  if (!refused) refused = writeMacs();
  macs_.clear();
  return refused;
}

std::optional<NewDevices::Refused> NewDevices::writeMacs() {
  std::size_t next = 0;
  while (macs_.size() - next >= kMacRows) {
    macs_many_.reset();
    for (std::size_t r = 0; r < kMacRows; ++r) {
      macs_many_.bind(static_cast<int>(2 * r + 1), macs_[next + r].id);
      macs_many_.bindNoCopy(static_cast<int>(2 * r + 2), *macs_[next + r].mac);
    }
    try {
      macs_many_.exec();
    } catch (const SQLite::Exception& e) {
      if (!isConstraintFailure(e)) throw;
      break;  // one at a time from here: OR IGNORE skips the MACs already stored
    }
    next += kMacRows;
  }
  for (; next < macs_.size(); ++next) {
    mac_one_.reset();
    mac_one_.bind(1, macs_[next].id);
    mac_one_.bindNoCopy(2, *macs_[next].mac);
    try {
      mac_one_.exec();  // OR IGNORE: a MAC listed twice in a row is stored once
    } catch (const SQLite::Exception& e) {
      if (!isConstraintFailure(e)) throw;
      return Refused{macs_[next].row, e.what()};
    }
  }
  return std::nullopt;
}

}  // namespace fk::import
