// DeviceStore::import: a whole inventory CSV in one transaction, all rows or none.

#include <sqlite3.h>

#include <algorithm>
#include <unordered_map>

#include "core/lifecycle.hpp"
#include "core/values.hpp"
#include "store/device_import.hpp"
#include "store/device_rows.hpp"
#include "store/device_store.hpp"

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

// An existing device a row changes, as phase one worked it out; phase two only writes it.
struct PlannedUpdate {
  Device after;
  std::int64_t read_version = 0;
  std::vector<FieldChange> changes;
  std::optional<FieldChange> status_change;
  bool macs_changed = false;
};

std::string keyText(const std::string& field) {
  return field == "serial" ? "serial" : "asset tag";
}

// Binds kInsertDevice's ?1..?17 straight from a validated draft, in bindFields' order: a new
// device is the draft plus defaults, so no Device (nor applyDraft's change list) is built per row.
// No copies: `d` outlives the statement's exec().
void bindNewDevice(SQLite::Statement& st, const DeviceDraft& d) {
  auto text = [&st](int index, const std::optional<std::string>& value) {
    if (value && !value->empty()) {
      st.bindNoCopy(index, *value);
    } else {
      st.bind(index);
    }
  };
  text(1, d.asset_tag);
  text(2, d.serial);
  st.bindNoCopy(3, toString(d.kind.value_or(DeviceKind::other)).data());  // names are string literals
  text(4, d.manufacturer);
  text(5, d.model);
  text(6, d.purchase_date);
  if (d.purchase_price_cents && *d.purchase_price_cents) {
    st.bind(7, static_cast<std::int64_t>(**d.purchase_price_cents));
  } else {
    st.bind(7);
  }
  text(8, d.vendor);
  text(9, d.po_number);
  text(10, d.funding_source);
  text(11, d.warranty_end);
  text(12, d.aue_date);
  text(13, d.location);
  text(14, d.org_unit);
  st.bind(15, d.loaner.value_or(false) ? 1 : 0);
  st.bindNoCopy(16, toString(d.status.value_or(DeviceStatus::in_stock)).data());
  text(17, d.notes);
}

class Importer {
 public:
  Importer(SQLite::Database& db, const std::vector<ImportRow>& rows)
      : db_(db),
        rows_(rows),
        keys_(db, rows.size()),
        load_device_(db, std::string("SELECT ") + rows::kDeviceColumns + " FROM devices WHERE id = ?1"),
        load_macs_(db, "SELECT mac FROM device_macs WHERE device_id = ?1 ORDER BY mac") {}

  std::vector<FieldError> plan() {
    serials_.reserve(rows_.size());
    tags_.reserve(rows_.size());
    for (const ImportRow& row : rows_) planRow(row);
    return std::move(errors_);
  }

  ImportSummary write(const std::string& actor) {
    const std::string now = nowInstant();
    SQLite::Statement update(db_, rows::kUpdateDevice);
    SQLite::Statement event(db_, rows::kInsertEvent);
    SQLite::Statement mac(db_, rows::kInsertMac);
    SQLite::Statement drop_macs(db_, "DELETE FROM device_macs WHERE device_id = ?1");
    std::string changes;
    auto addEvent = [&](std::int64_t id, const char* action, const char* reason) {
      event.reset();
      event.bind(1, static_cast<std::int64_t>(id));
      event.bindNoCopy(2, now);
      event.bindNoCopy(3, actor);
      event.bindNoCopy(4, action);
      event.bindNoCopy(5, changes);
      if (reason) {
        event.bindNoCopy(6, reason);
      } else {
        event.bind(6);
      }
      event.exec();
    };
    auto addMacs = [&](std::int64_t id, const std::vector<std::string>& macs) {
      for (const std::string& m : macs) {
        mac.reset();
        mac.bind(1, static_cast<std::int64_t>(id));
        mac.bindNoCopy(2, m);
        mac.exec();  // OR IGNORE: a MAC listed twice in a row is stored once
      }
    };

    writeCreates(now, actor, addMacs);
    for (const PlannedUpdate& p : updates_) {
      update.reset();
      rows::bindFields(update, p.after);
      update.bindNoCopy(18, now);
      update.bind(19, static_cast<std::int64_t>(p.after.id));
      update.bind(20, static_cast<std::int64_t>(p.read_version));
      update.exec();
      if (p.macs_changed) {
        drop_macs.reset();
        drop_macs.bind(1, static_cast<std::int64_t>(p.after.id));
        drop_macs.exec();
        addMacs(p.after.id, p.after.macs);
      }
      if (!p.changes.empty()) {
        changes = rows::changesJson(p.changes);
        addEvent(p.after.id, "updated", nullptr);
      }
      if (p.status_change) {
        changes = rows::changesJson({*p.status_change});
        addEvent(p.after.id, "transition", "import");
      }
    }
    return {creates_.size(), updates_.size(), unchanged_};
  }

 private:
  // New rows keep file order, so ids follow the lines of the file.
  template <typename AddMacs>
  void writeCreates(const std::string& now, const std::string& actor, AddMacs& addMacs) {
    if (creates_.empty()) return;
    SQLite::Statement insert(db_, rows::kInsertDevice);
    std::int64_t first_id = 0;
    for (const ImportRow* row : creates_) {
      insert.reset();
      bindNewDevice(insert, row->draft);
      insert.bindNoCopy(18, now);
      insert.exec();
      const std::int64_t id = db_.getLastInsertRowid();
      if (first_id == 0) first_id = id;
      if (row->draft.macs) addMacs(id, *row->draft.macs);
    }
    // AUTOINCREMENT ids only grow and this transaction holds the write lock, so the rows from
    // first_id on are exactly the ones created above: one statement writes all their events.
    SQLite::Statement events(db_,
                             "INSERT INTO events (device_id, at, actor, action, changes) "
                             "SELECT id, ?2, ?3, 'imported', ?4 FROM devices WHERE id >= ?1 ORDER BY id");
    events.bind(1, static_cast<std::int64_t>(first_id));
    events.bindNoCopy(2, now);
    events.bindNoCopy(3, actor);
    events.bindNoCopy(4, import::kInitialValues.data());  // as text: a literal, NUL-terminated
    if (static_cast<std::size_t>(events.exec()) != creates_.size()) {
      throw SQLite::Exception("import: created devices and their events do not match", SQLITE_INTERNAL);
    }
  }

  void fail(const ImportRow& row, std::string field, std::string message) {
    errors_.push_back({row.line, std::move(field), std::move(message)});
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

  void planRow(const ImportRow& row) {
    const DeviceDraft& draft = row.draft;
    static const std::string kNone;
    const std::string& serial = draft.serial ? *draft.serial : kNone;
    const std::string& tag = draft.asset_tag ? *draft.asset_tag : kNone;
    bool dup = duplicateInFile(row, "serial", serial, serials_);
    dup = duplicateInFile(row, "asset_tag", tag, tags_) || dup;
    if (dup) return;

    auto by_serial = keys_.serial(serial);
    auto by_tag = keys_.tag(tag);
    if (by_serial && by_tag && *by_serial != *by_tag) {
      fail(row, "asset_tag",
           "serial " + serial + " is device " + std::to_string(*by_serial) + " but asset tag " + tag +
               " is device " + std::to_string(*by_tag));
      return;
    }
    std::optional<std::int64_t> target = by_serial ? by_serial : by_tag;
    if (!target) return planCreate(row);

    auto [claim, fresh] = claimed_.emplace(*target, row.line);
    if (!fresh) {
      fail(row, serial.empty() ? "asset_tag" : "serial",
           "matches the same device as line " + std::to_string(claim->second));
      return;
    }
    planUpdate(row, *target);
  }

  // Only validated here: the device is built in phase two, so a 100k-row file never holds 100k
  // Device copies at once.
  void planCreate(const ImportRow& row) {
    std::vector<FieldError> errors = validateNewDevice(row.draft);
    if (errors.empty()) {
      creates_.push_back(&row);
      return;
    }
    for (FieldError& e : errors) fail(row, std::move(e.field), std::move(e.message));
  }

  void planUpdate(const ImportRow& row, std::int64_t id) {
    std::optional<Device> before = load(id);
    if (!before) return fail(row, "serial", "device " + std::to_string(id) + " vanished during the import");
    PlannedUpdate p;
    p.after = *before;
    p.read_version = before->version;
    p.changes = applyDraft(p.after, row.draft);
    p.macs_changed = p.after.macs != before->macs;
    if (row.draft.status && *row.draft.status != before->status) {
      if (auto allowed = checkTransition(before->status, *row.draft.status); !allowed) {
        return fail(row, "status", allowed.error().message);
      }
      p.after.status = *row.draft.status;
      p.status_change =
          FieldChange{"status", std::string(toString(before->status)), std::string(toString(p.after.status))};
    }
    if (p.changes.empty() && !p.status_change) {
      ++unchanged_;
      return;
    }
    if (!p.changes.empty()) {
      std::vector<FieldError> errors = validateNewDevice(rows::draftFromDevice(p.after));
      if (!errors.empty()) {
        for (FieldError& e : errors) fail(row, std::move(e.field), std::move(e.message));
        return;
      }
    }
    updates_.push_back(std::move(p));
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

  SQLite::Database& db_;
  const std::vector<ImportRow>& rows_;
  KeyIndex keys_;
  SQLite::Statement load_device_, load_macs_;
  // Views into rows_, which outlive the importer.
  std::unordered_map<std::string_view, std::size_t> serials_, tags_;
  std::unordered_map<std::int64_t, std::size_t> claimed_;
  std::vector<const ImportRow*> creates_;
  std::vector<PlannedUpdate> updates_;
  std::size_t unchanged_ = 0;
  std::vector<FieldError> errors_;
};

}  // namespace

Result<ImportSummary> DeviceStore::import(const std::vector<ImportRow>& rows, const std::string& actor) {
  if (rows.empty()) return ImportSummary{};
  return db_.with([&](SQLite::Database& db) -> Result<ImportSummary> {
    // The write lock is taken before validation so what was checked is what gets written.
    SQLite::Transaction tx(db, SQLite::TransactionBehavior::IMMEDIATE);
    Importer importer(db, rows);
    if (auto errors = importer.plan(); !errors.empty()) {
      std::size_t count = errors.size();
      return std::unexpected(rows::invalidFields(
          std::move(errors),
          "import refused, nothing was written: " + std::to_string(count) + " problem(s)"));
    }
    ImportSummary summary;
    try {
      summary = importer.write(actor);
    } catch (const SQLite::Exception& e) {
      // Phase one checked every key under the write lock; a constraint failing here is a bug, but
      // it must still read as a refusal of the file, not as a half-written import.
      if (e.getErrorCode() == SQLITE_CONSTRAINT) {
        return std::unexpected(Error::conflict(std::string("import refused: ") + e.what()));
      }
      throw;
    }
    tx.commit();
    if (summary.created + summary.updated > 0) db_.noteWrite();
    return summary;
  });
}


namespace import {

namespace {

nlohmann::json textJson(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

std::string textOf(const nlohmann::json& v) {
  return v.is_string() ? v.get<std::string>() : std::string();
}

// The creation-event fields of a device, by name, as changes record them: null for unset.
std::string* textField(Device& d, std::string_view field) {
  if (field == "asset_tag") return &d.asset_tag;
  if (field == "serial") return &d.serial;
  if (field == "manufacturer") return &d.manufacturer;
  if (field == "model") return &d.model;
  if (field == "purchase_date") return &d.purchase_date;
  if (field == "vendor") return &d.vendor;
  if (field == "po_number") return &d.po_number;
  if (field == "funding_source") return &d.funding_source;
  if (field == "warranty_end") return &d.warranty_end;
  if (field == "aue_date") return &d.aue_date;
  if (field == "location") return &d.location;
  if (field == "org_unit") return &d.org_unit;
  if (field == "notes") return &d.notes;
  return nullptr;
}

// Puts back the old value of one recorded change. Only when the device holds the change's new
// value: an event about something other than these columns (a field another area records under
// the same name) leaves the device as it is.
void undo(Device& d, const FieldChange& c) {
  if (std::string* text = textField(d, c.field)) {
    if (textJson(*text) == c.new_value) *text = textOf(c.old_value);
  } else if (c.field == "kind") {
    if (c.new_value == std::string(toString(d.kind))) d.kind = parseKind(textOf(c.old_value)).value_or(d.kind);
  } else if (c.field == "status") {
    if (c.new_value == std::string(toString(d.status))) d.status = parseStatus(textOf(c.old_value)).value_or(d.status);
  } else if (c.field == "purchase_price") {
    nlohmann::json now = d.purchase_price_cents ? nlohmann::json(formatMoney(*d.purchase_price_cents))
                                                : nlohmann::json(nullptr);
    if (now != c.new_value) return;
    if (c.old_value.is_string()) {
      d.purchase_price_cents = parseMoney(c.old_value.get<std::string>());
    } else {
      d.purchase_price_cents.reset();
    }
  } else if (c.field == "macs") {
    if (nlohmann::json(d.macs) != c.new_value || !c.old_value.is_array()) return;
    d.macs.clear();
    for (const auto& m : c.old_value) d.macs.push_back(textOf(m));
  } else if (c.field == "loaner") {
    if (c.new_value == d.loaner && c.old_value.is_boolean()) d.loaner = c.old_value.get<bool>();
  }
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
