// DeviceStore::import: a whole inventory CSV in one transaction, all rows or none.

#include <sqlite3.h>

#include <algorithm>
#include <exception>
#include <thread>
#include <unordered_map>
#include <utility>

#include "core/batch_pipe.hpp"
#include "core/device_csv.hpp"
#include "core/device_fields.hpp"
#include "core/lifecycle.hpp"
#include "core/values.hpp"
#include "store/device_import.hpp"
#include "store/import_checkouts.hpp"
#include "store/import_indexes.hpp"
#include "store/import_inserts.hpp"
#include "store/scoped_pragma.hpp"
#include "store/device_rows.hpp"
#include "store/device_store.hpp"
#include "store/write_tx.hpp"

namespace fk {

namespace {

// Finds existing devices by serial or asset tag. A large import against a small table loads both
// maps in one scan; a small import against a large table asks the unique indexes row by row.
class KeyIndex {
 public:
  KeyIndex(SQLite::Database& db, std::size_t import_rows)
      : by_serial_stmt_(db, "SELECT id FROM devices WHERE serial = ?1"),
        by_tag_stmt_(db, "SELECT id FROM devices WHERE asset_tag = ?1") {
    std::int64_t rows = db.execAndGet("SELECT count(*) FROM devices").getInt64();
    preloaded_ = static_cast<std::int64_t>(import_rows) * 4 >= rows;
    if (!preloaded_) return;
    by_serial_.reserve(static_cast<std::size_t>(rows));
    by_tag_.reserve(static_cast<std::size_t>(rows));
    SQLite::Statement all(db, "SELECT id, serial, asset_tag FROM devices");
    while (all.executeStep()) {
      std::int64_t id = all.getColumn(0).getInt64();
      if (!all.getColumn(1).isNull()) by_serial_.emplace(all.getColumn(1).getString(), id);
      if (!all.getColumn(2).isNull()) by_tag_.emplace(all.getColumn(2).getString(), id);
    }
  }

  std::optional<std::int64_t> serial(const std::string& v) { return find(v, by_serial_, by_serial_stmt_); }
  std::optional<std::int64_t> tag(const std::string& v) { return find(v, by_tag_, by_tag_stmt_); }

 private:
  std::optional<std::int64_t> find(const std::string& v,
                                   const std::unordered_map<std::string, std::int64_t>& map,
                                   SQLite::Statement& st) {
    if (v.empty()) return std::nullopt;
    if (preloaded_) {
      auto it = map.find(v);
      if (it == map.end()) return std::nullopt;
      return it->second;
    }
    st.reset();
    st.bind(1, v);
    if (!st.executeStep()) return std::nullopt;
    return st.getColumn(0).getInt64();
  }

  bool preloaded_ = false;
  std::unordered_map<std::string, std::int64_t> by_serial_, by_tag_;
  SQLite::Statement by_serial_stmt_, by_tag_stmt_;
};

std::string keyText(const std::string& field) {
  return field == "serial" ? "serial" : "asset tag";
}

// Where an import's rows come from decides what is left to check: rows of this store's own
// DeviceCsvParser were validated as new devices and their keys checked for repeats while reading,
// rows from any other caller are checked here.
enum class Rows { parsed_csv, unchecked };

// Plans and writes an import a row at a time, in the caller's transaction. Rows are written as they
// come while no problem has been found; after the first one the rest are only checked, so that the
// refusal lists every problem, and the caller rolls the transaction back.
class Importer {
 public:
  Importer(WriteTx& tx, std::size_t expected_rows, const std::string& actor, Rows rows)
      : tx_(tx),
        db_(tx.db()),
        actor_(actor),
        now_(tx.now()),
        rows_(rows),
        keys_(db_, expected_rows),
        new_devices_(db_, now_),
        mac_(db_, rows::kInsertMac),
        // Prepared once per import: a re-import can update every device.
        update_(db_, rows::kUpdateDevice),
        drop_macs_(db_, "DELETE FROM device_macs WHERE device_id = ?1"),
        event_(db_, rows::kInsertEvent),
        load_device_(db_, std::string("SELECT ") + rows::kDeviceColumns + " FROM devices WHERE id = ?1"),
        load_macs_(db_, "SELECT mac FROM device_macs WHERE device_id = ?1 ORDER BY mac") {
    if (rows_ == Rows::unchecked) {
      serials_.reserve(expected_rows);
      tags_.reserve(expected_rows);
    }
  }

  // `row` must outlive the importer when rows are unchecked (the repeat checks keep views of it).
  void add(const ImportRow& row) {
    const DeviceDraft& draft = row.draft;
    static const std::string kNone;
    const std::string& serial = draft.serial ? *draft.serial : kNone;
    const std::string& tag = draft.asset_tag ? *draft.asset_tag : kNone;
    if (rows_ == Rows::unchecked) {
      bool dup = duplicateInFile(row, "serial", serial, serials_);
      dup = duplicateInFile(row, "asset_tag", tag, tags_) || dup;
      if (dup) return;
    }

    auto by_serial = keys_.serial(serial);
    auto by_tag = keys_.tag(tag);
    if (by_serial && by_tag && *by_serial != *by_tag) {
      fail(row, "asset_tag",
           "serial " + serial + " is device " + std::to_string(*by_serial) + " but asset tag " + tag +
               " is device " + std::to_string(*by_tag));
      return;
    }
    std::optional<std::int64_t> target = by_serial ? by_serial : by_tag;
    if (!target) return create(row);

    auto [claim, fresh] = claimed_.emplace(*target, row.line);
    if (!fresh) {
      fail(row, serial.empty() ? "asset_tag" : "serial",
           "matches the same device as line " + std::to_string(claim->second));
      return;
    }
    update(row, *target);
  }

  // Writes the new devices queued so far. Their rows must still be valid: call it before the rows
  // given to add() go away, and before takeErrors().
  void flush() {
    if (new_devices_.queued() == 0) return;
    auto refused = new_devices_.flush([this](const ImportRow& row, std::int64_t id) {
      if (first_id_ == 0) first_id_ = id;
      if (row.checkout) pending_.push_back({row.line, id, *row.checkout});
      ++created_;
    });
    if (refused) {
      const char* field = refused->message.find("asset_tag") != std::string::npos ? "asset_tag" : "serial";
      errors_.push_back({refused->row->line, field, "conflicts with a stored device: " + refused->message});
    }
  }

  // Every problem found, in file order; the transaction must not commit when there is one.
  FieldErrors takeErrors() {
    errors_.sortByLine();
    return std::exchange(errors_, FieldErrors{});
  }

  // Writes the created devices' events, then the checkouts (after them, so a device's history reads
  // "imported" before "checked_out"). Only when takeErrors() was empty; check it again after.
  ImportSummary finish(int default_loan_days) {
    ImportSummary summary{created_, updated_, unchanged_};
    writeCreationEvents();
    const auto lent = import::makeCheckouts(tx_, pending_, default_loan_days, actor_, errors_);
    summary.checkouts = lent.checkouts;
    summary.people_created = lent.people_created;
    return summary;
  }

 private:
  void writeCreationEvents() {
    if (created_ == 0) return;
    // AUTOINCREMENT ids only grow and this transaction holds the write lock, so the rows from
    // first_id_ on are exactly the ones created here: one statement writes all their events.
    SQLite::Statement events(db_,
                             "INSERT INTO events (device_id, at, actor, action, changes) "
                             "SELECT id, ?2, ?3, 'imported', ?4 FROM devices WHERE id >= ?1 ORDER BY id");
    events.bind(1, static_cast<std::int64_t>(first_id_));
    events.bindNoCopy(2, now_);
    events.bindNoCopy(3, actor_);
    events.bindNoCopy(4, import::kInitialValues.data());  // as text: a literal, NUL-terminated
    if (static_cast<std::size_t>(events.exec()) != created_) {
      throw SQLite::Exception("import: created devices and their events do not match", SQLITE_INTERNAL);
    }
  }

  bool writing() const { return errors_.empty(); }

  void fail(const ImportRow& row, std::string field, std::string message) {
    // The new devices queued before the first problem are written first, as they would have been
    // one at a time: a refusal of theirs by the database is listed too.
    if (errors_.empty()) flush();
    errors_.push_back({row.line, std::move(field), std::move(message)});
  }

  // Checked before every write, yet another writer's change or a key an update moved can still
  // collide: that is this line's problem, not a fault of the daemon.
  template <class Write>
  void write(const ImportRow& row, Write&& fn) {
    try {
      fn();
    } catch (const SQLite::Exception& e) {
      if (e.getErrorCode() != SQLITE_CONSTRAINT) throw;
      const std::string what = e.what();
      const char* field = what.find("asset_tag") != std::string::npos ? "asset_tag" : "serial";
      fail(row, field, std::string("conflicts with a stored device: ") + e.what());
    }
  }

  // Same serial or asset tag on two lines of the file.
  bool duplicateInFile(const ImportRow& row, const std::string& field, const std::string& value,
                       std::unordered_map<std::string_view, std::size_t>& seen) {
    if (value.empty()) return false;
    auto [it, fresh] = seen.emplace(value, row.line);
    if (fresh) return false;
    fail(row, field, keyText(field) + " " + value + " also on line " + std::to_string(it->second));
    return true;
  }

  void create(const ImportRow& row) {
    if (rows_ == Rows::unchecked) {
      for (FieldError& e : validateNewDevice(row.draft)) fail(row, std::move(e.field), std::move(e.message));
    }
    if (!writing()) return;
    new_devices_.add(row);
    if (new_devices_.queued() >= kQueuedRows) flush();
  }

  void update(const ImportRow& row, std::int64_t id) {
    flush();  // writes stay in file order
    std::optional<Device> before = load(id);
    if (!before) return fail(row, "serial", "device " + std::to_string(id) + " vanished during the import");
    Device after = *before;
    std::vector<FieldChange> changes = applyDraft(after, row.draft);
    std::optional<FieldChange> status_change;
    if (row.draft.status && *row.draft.status != before->status) {
      if (auto allowed = checkTransition(before->status, *row.draft.status); !allowed) {
        return fail(row, "status", allowed.error().message);
      }
      after.status = *row.draft.status;
      status_change =
          FieldChange{"status", std::string(toString(before->status)), std::string(toString(after.status))};
    }
    if (row.checkout && writing()) pending_.push_back({row.line, id, *row.checkout});
    if (changes.empty() && !status_change) {
      ++unchanged_;
      return;
    }
    if (!changes.empty()) {
      std::vector<FieldError> errors = validateNewDevice(rows::draftFromDevice(after));
      if (!errors.empty()) {
        for (FieldError& e : errors) fail(row, std::move(e.field), std::move(e.message));
        return;
      }
    }
    if (!writing()) return;
    write(row, [&] {
      update_.reset();
      rows::bindFields(update_, after);
      update_.bindNoCopy(18, now_);
      update_.bind(19, static_cast<std::int64_t>(after.id));
      update_.bind(20, static_cast<std::int64_t>(before->version));
      update_.exec();
      if (after.macs != before->macs) {
        drop_macs_.reset();
        drop_macs_.bind(1, static_cast<std::int64_t>(after.id));
        drop_macs_.exec();
        addMacs(after.id, after.macs);
      }
      if (!changes.empty()) {
        rows::insertEvent(event_, after.id, now_, actor_, "updated", rows::changesJson(changes), "");
      }
      if (status_change) {
        rows::insertEvent(event_, after.id, now_, actor_, "transition", rows::changesJson({*status_change}),
                          "import");
      }
      ++updated_;
    });
  }

  void addMacs(std::int64_t id, const std::vector<std::string>& macs) {
    for (const std::string& m : macs) {
      mac_.reset();
      mac_.bind(1, static_cast<std::int64_t>(id));
      mac_.bindNoCopy(2, m);
      mac_.exec();  // OR IGNORE: a MAC listed twice in a row is stored once
    }
  }

  // Prepared once per import: a re-import reads every matched device.
  std::optional<Device> load(std::int64_t id) {
    load_device_.reset();
    load_device_.bind(1, static_cast<std::int64_t>(id));
    if (!load_device_.executeStep()) return std::nullopt;
    Device d = rows::readDevice(load_device_);
    load_macs_.reset();
    load_macs_.bind(1, static_cast<std::int64_t>(id));
    while (load_macs_.executeStep()) d.macs.push_back(load_macs_.getColumn(0).getString());
    return d;
  }

  WriteTx& tx_;
  SQLite::Database& db_;
  const std::string& actor_;
  const std::string& now_;
  const Rows rows_;
  // New devices wait for a full statement's worth; updates are written as they come.
  static constexpr std::size_t kQueuedRows = import::NewDevices::kRows * 16;
  KeyIndex keys_;
  import::NewDevices new_devices_;
  SQLite::Statement mac_, update_, drop_macs_, event_, load_device_, load_macs_;
  // Views into unchecked rows, which outlive the importer.
  std::unordered_map<std::string_view, std::size_t> serials_, tags_;
  std::unordered_map<std::int64_t, std::size_t> claimed_;
  std::int64_t first_id_ = 0;
  std::size_t created_ = 0, updated_ = 0, unchanged_ = 0;
  std::vector<import::PendingCheckout> pending_;
  FieldErrors errors_;
};

// Rows per batch handed from the reading thread to the writing one, and batches in flight: enough
// that neither waits on the other for long, few enough that memory does not grow with the file.
constexpr std::size_t kBatchRows = 512;
constexpr std::size_t kBatchesInFlight = 8;

// The reading thread: parses the whole file, sending rows until the first problem. After that
// nothing will be written, so it only reads on to report every problem.
void readRows(DeviceCsvParser& parser, BatchPipe<ImportRow>& pipe) {
  std::vector<ImportRow> batch(kBatchRows);
  std::size_t filled = 0;
  ImportRow discarded;
  bool sending = true;
  while (parser.next(sending ? batch[filled] : discarded)) {
    if (!sending) continue;
    if (!parser.errors().empty()) {
      sending = false;
      continue;
    }
    if (++filled < kBatchRows) continue;
    if (!pipe.put(batch)) return;  // the writer gave up
    batch.resize(kBatchRows);      // a spent batch, or a new one
    filled = 0;
  }
  if (sending && filled > 0) {
    batch.resize(filled);
    pipe.put(batch);
  }
}

// Runs readRows on its own thread; whatever way the writer leaves, the reader is stopped and joined.
class RowReader {
 public:
  explicit RowReader(DeviceCsvParser& parser) : pipe_(kBatchesInFlight) {
    thread_ = std::thread([this, &parser] {
      try {
        readRows(parser, pipe_);
      } catch (...) {
        failure_ = std::current_exception();
      }
      pipe_.close();
    });
  }
  ~RowReader() { stop(); }
  RowReader(const RowReader&) = delete;
  RowReader& operator=(const RowReader&) = delete;

  bool take(std::vector<ImportRow>& batch) { return pipe_.take(batch); }

  // Waits for the reader to finish; after this the parser's errors are complete.
  void join() {
    stop();
    if (failure_) std::rethrow_exception(std::exchange(failure_, nullptr));
  }

 private:
  void stop() {
    if (!thread_.joinable()) return;
    pipe_.stop();
    thread_.join();
  }

  BatchPipe<ImportRow> pipe_;
  std::exception_ptr failure_;
  std::thread thread_;
};

// A bulk insert runs a quarter faster with a small page cache than with the pool's large one:
// dirty pages spill to the WAL as they fill instead of tens of MiB of fresh memory being faulted
// in and all written at the commit (measured with 100k devices; see docs/performance.md). Set for
// the import only: readers keep the large cache. Negative: KiB, not pages.
constexpr std::int64_t kImportCacheKiB = -4096;

}  // namespace

Result<ImportSummary> DeviceStore::import(const std::vector<ImportRow>& rows, const std::string& actor) {
  if (rows.empty()) return ImportSummary{};
  return db_.with([&](SQLite::Database& db) -> Result<ImportSummary> {
    // The write lock is taken before validation so what was checked is what gets written.
    ScopedPragma cache(db, "cache_size", kImportCacheKiB);
    WriteTx tx(db_, db);
    import::DeferredIndexes indexes(db);
    Importer importer(tx, rows.size(), actor, Rows::unchecked);
    for (const ImportRow& row : rows) importer.add(row);
    importer.flush();
    if (auto errors = importer.takeErrors(); !errors.empty()) return std::unexpected(importRefused(errors));
    ImportSummary summary = importer.finish(DeviceImportOptions{}.default_loan_days);
    if (auto errors = importer.takeErrors(); !errors.empty()) return std::unexpected(importRefused(errors));
    indexes.rebuild();
    tx.commit(summary.created + summary.updated + summary.checkouts > 0);
    return summary;
  });
}

namespace {

// The body stopped before its end (the client went away, or sent more than the limit): nothing of it
// is applied. The HTTP server answers for the body itself (413, or nothing to a closed connection).
Error bodyCutOff(const InputAborted& e) { return Error::invalid("body", std::string("import body cut off: ") + e.what()); }

}  // namespace

Result<ImportSummary> DeviceStore::importCsv(std::string_view csv, const std::string& actor,
                                             const DeviceImportOptions& options) {
  DeviceCsvParser parser(csv, options);
  return importParsed(parser, actor, options);
}

Result<ImportSummary> DeviceStore::importCsv(ByteSource& body, const std::string& actor,
                                             const DeviceImportOptions& options) {
  try {
    DeviceCsvParser parser(body, options);  // reads the header
    return importParsed(parser, actor, options);
  } catch (const InputAborted& e) {
    return std::unexpected(bodyCutOff(e));
  }
}

Result<ImportSummary> DeviceStore::importParsed(DeviceCsvParser& parser, const std::string& actor,
                                                const DeviceImportOptions& options) {
  if (!parser.errors().empty()) return std::unexpected(importRefused(parser.errors()));  // the header
  // The file is parsed on a second thread while this one writes: SQLite's part is most of the
  // work, and the parse then costs little more than the wait for its first batch.
  RowReader reader(parser);
  return db_.with([&](SQLite::Database& db) -> Result<ImportSummary> {
    ScopedPragma cache(db, "cache_size", kImportCacheKiB);
    WriteTx tx(db_, db);
    import::DeferredIndexes indexes(db);
    Importer importer(tx, parser.rowsAtMost(), actor, Rows::parsed_csv);
    std::vector<ImportRow> batch;
    while (reader.take(batch)) {
      for (const ImportRow& row : batch) importer.add(row);
      importer.flush();  // the next take() hands this batch back to be refilled
    }
    try {
      reader.join();
    } catch (const InputAborted& e) {
      return std::unexpected(bodyCutOff(e));  // the transaction rolls back
    }
    // A problem the reader found refuses the file first: rows after it were never written, so
    // what the writer found alone would be an incomplete list.
    if (!parser.errors().empty()) return std::unexpected(importRefused(parser.errors()));
    if (auto errors = importer.takeErrors(); !errors.empty()) return std::unexpected(importRefused(errors));
    ImportSummary summary = importer.finish(options.default_loan_days);
    if (auto errors = importer.takeErrors(); !errors.empty()) return std::unexpected(importRefused(errors));
    summary.ignored_columns = parser.ignoredColumns();
    summary.warnings = parser.warnings();
    if (summary.created + summary.updated + summary.checkouts == 0) return summary;  // nothing to commit
    indexes.rebuild();
    tx.commit();
    return summary;
  });
}

namespace import {

namespace {

// Puts back the old value of one recorded change. Only when the device holds the change's new
// value: an event about something other than these columns (a field another area records under
// the same name) leaves the device as it is.
void undo(Device& d, const FieldChange& c) {
  if (const DeviceField* f = findDeviceField(c.field)) restoreField(d, *f, c.new_value, c.old_value);
}

}  // namespace

void recoverInitialValues(SQLite::Database& db, std::int64_t device_id, std::vector<DeviceEvent>& events,
                          std::size_t index) {
  std::optional<Device> d = rows::loadById(db, device_id);
  if (!d) return;
  for (std::size_t i = events.size(); i-- > index + 1;) {
    const auto& changes = events[i].changes;
    for (auto c = changes.rbegin(); c != changes.rend(); ++c) undo(*d, *c);
  }
  std::string json;
  rows::creationChangesJson(*d, json);
  events[index].changes = rows::parseChanges(json);
}

}  // namespace import

}  // namespace fk
