#include "store/device_rows.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <array>

#include "core/device_fields.hpp"
#include "core/values.hpp"
#include "store/statement_cache.hpp"
#include "store/sql_values.hpp"

namespace fk::rows {

namespace {

using sql::bindText;

// The fields with a column of their own in `devices`: all a caller writes but the MACs (device_macs).
bool hasColumn(const DeviceField& f) {
  return !f.readOnly() && f.type != FieldType::macs;
}

std::string columnOf(const DeviceField& f) {
  return f.type == FieldType::money ? std::string(f.name) + "_cents" : std::string(f.name);
}

// The parameter a field binds to: its place among the stored fields, numbered from ?1, stepping over
// ?18..?20, which are the row's own (updated_at, id, expected version).
constexpr int kFieldsBeforeRowParams = 17;
int paramOf(std::size_t k) {
  return static_cast<int>(k) + (static_cast<int>(k) < kFieldsBeforeRowParams ? 1 : 4);
}

template <typename F>
void forEachStored(F&& f) {
  std::size_t k = 0;
  for (const DeviceField& field : kDeviceFields) {
    if (hasColumn(field)) f(field, paramOf(k++));
  }
}

const std::string& deviceColumns() {
  static const std::string sql = [] {
    std::string out = "id";
    forEachStored([&](const DeviceField& f, int) { out += ", " + columnOf(f); });
    // The open checkout, if any, as one JSON text: a probe of the partial unique index per row, so lists
    // and exports stay one query.
    return out + ", version, created_at, updated_at, repair_cost_cents, "
                 "(SELECT json_array(c.id, p.external_id, p.name, c.location, c.due, p.email) FROM checkouts c "
                 "LEFT JOIN people p ON p.id = c.person_id WHERE c.device_id = devices.id AND c.returned_at IS NULL)";
  }();
  return sql;
}

const std::string& insertDevice() {
  static const std::string sql = [] {
    std::string columns, values;
    forEachStored([&](const DeviceField& f, int param) {
      columns += columnOf(f) + ", ";
      values += "?" + std::to_string(param) + ", ";
    });
    return "INSERT INTO devices (" + columns + "version, created_at, updated_at) VALUES (" + values +
           "1, ?18, ?18)";
  }();
  return sql;
}

const std::string& updateDevice() {
  static const std::string sql = [] {
    std::string sets;
    forEachStored([&](const DeviceField& f, int param) { sets += columnOf(f) + " = ?" + std::to_string(param) + ", "; });
    return "UPDATE devices SET " + sets + "version = version + 1, updated_at = ?18 WHERE id = ?19 AND version = ?20";
  }();
  return sql;
}

}  // namespace

const char* const kDeviceColumns = deviceColumns().c_str();
// The aggregate reads the ordered subquery's rows in its order; device_macs' key is (device_id, mac).
const std::string kDeviceRowColumns =
    deviceColumns() +
    ", (SELECT group_concat(mac, char(10)) FROM "
    "(SELECT mac FROM device_macs m WHERE m.device_id = devices.id ORDER BY mac))";
const char* const kInsertDevice = insertDevice().c_str();
const char* const kUpdateDevice = updateDevice().c_str();

const char* const kInsertEvent =
    "INSERT INTO events (device_id, at, actor, action, changes, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

const char* const kInsertMac = "INSERT OR IGNORE INTO device_macs (device_id, mac) VALUES (?1, ?2)";

Device readDevice(SQLite::Statement& st) {
  Device d;
  d.id = st.getColumn(0).getInt64();
  int col = 1;
  for (const DeviceField& f : kDeviceFields) {
    if (!hasColumn(f)) continue;
    SQLite::Column c = st.getColumn(col++);
    switch (f.type) {
      case FieldType::text:
      case FieldType::identifier:
      case FieldType::date: d.*f.stored = c.isNull() ? std::string() : c.getString(); break;
      case FieldType::money:
        if (!c.isNull()) d.purchase_price_cents = c.getInt64();
        break;
      case FieldType::kind: d.kind = parseKind(c.getString()).value_or(DeviceKind::other); break;
      case FieldType::status: d.status = parseStatus(c.getString()).value_or(DeviceStatus::in_stock); break;
      case FieldType::flag: d.loaner = c.getInt() != 0; break;
      case FieldType::macs:
      case FieldType::server: break;
    }
  }
  d.version = st.getColumn(col).getInt64();
  d.created_at = st.getColumn(col + 1).getString();
  d.updated_at = st.getColumn(col + 2).getString();
  d.repair_cost_cents = st.getColumn(col + 3).getInt64();
  if (!st.getColumn(col + 4).isNull()) d.holder = parseHolder(st.getColumn(col + 4).getString());
  return d;
}

namespace {

struct ColumnMap {
  std::array<int, kDeviceFields.size()> field{};
  int version = 0;
};

const ColumnMap& columnMap() {
  static const ColumnMap map = [] {
    ColumnMap m;
    int col = 1;  // after id, in readDevice()'s order
    for (std::size_t i = 0; i < kDeviceFields.size(); ++i) m.field[i] = hasColumn(kDeviceFields[i]) ? col++ : -1;
    m.version = col;
    return m;
  }();
  return map;
}

}  // namespace

int fieldColumn(const DeviceField& f) {
  const auto i = static_cast<std::size_t>(&f - kDeviceFields.data());
  return i < kDeviceFields.size() ? columnMap().field[i] : -1;
}

int versionColumn() {
  return columnMap().version;
}

std::optional<Device::Holder> parseHolder(std::string_view json_array) {
  auto h = nlohmann::json::parse(json_array, nullptr, false);
  if (!h.is_array() || h.size() != 6) return std::nullopt;
  auto str = [&h](std::size_t i) { return h[i].is_string() ? h[i].get<std::string>() : std::string(); };
  return Device::Holder{h[0].get<std::int64_t>(), str(1), str(2), str(3), str(4), str(5)};
}

void bindFields(SQLite::Statement& st, const Device& d) {
  forEachStored([&](const DeviceField& f, int param) {
    switch (f.type) {
      case FieldType::text:
      case FieldType::identifier:
      case FieldType::date: bindText(st, param, d.*f.stored); break;
      case FieldType::money:
        if (d.purchase_price_cents) {
          st.bind(param, static_cast<std::int64_t>(*d.purchase_price_cents));
        } else {
          st.bind(param);
        }
        break;
      case FieldType::kind: st.bindNoCopy(param, toString(d.kind).data()); break;  // names are literals
      case FieldType::status: st.bindNoCopy(param, toString(d.status).data()); break;
      case FieldType::flag: st.bind(param, d.loaner ? 1 : 0); break;
      case FieldType::macs:
      case FieldType::server: break;
    }
  });
}

namespace {

// Binds a draft's stored fields, each to the parameter `param_of` maps its single-row one (paramOf) to.
template <typename Param>
void bindDraftFields(SQLite::Statement& st, const DeviceDraft& d, Param&& param_of) {
  forEachStored([&](const DeviceField& f, int row_param) {
    const int param = param_of(row_param);
    switch (f.type) {
      case FieldType::text:
      case FieldType::identifier:
      case FieldType::date: {
        const auto& value = d.*f.draft;
        if (value && !value->empty()) {
          st.bindNoCopy(param, *value);
        } else {
          st.bind(param);
        }
        break;
      }
      case FieldType::money:
        if (d.purchase_price_cents && *d.purchase_price_cents) {
          st.bind(param, static_cast<std::int64_t>(**d.purchase_price_cents));
        } else {
          st.bind(param);
        }
        break;
      case FieldType::kind: st.bindNoCopy(param, toString(d.kind.value_or(DeviceKind::other)).data()); break;
      case FieldType::status:
        st.bindNoCopy(param, toString(d.status.value_or(DeviceStatus::in_stock)).data());
        break;
      case FieldType::flag: st.bind(param, d.loaner.value_or(false) ? 1 : 0); break;
      case FieldType::macs:
      case FieldType::server: break;
    }
  });
}

// paramOf's inverse: the stored field's place, from 0, for its single-row parameter.
int storedIndex(int param) {
  return param <= kFieldsBeforeRowParams ? param - 1 : param - 4;
}

}  // namespace

void bindDraft(SQLite::Statement& st, const DeviceDraft& d) {
  bindDraftFields(st, d, [](int param) { return param; });
}

std::size_t storedFieldCount() {
  static const std::size_t count = [] {
    std::size_t n = 0;
    forEachStored([&](const DeviceField&, int) { ++n; });
    return n;
  }();
  return count;
}

std::string insertDevicesSql(std::size_t rows) {
  const std::size_t fields = storedFieldCount();
  std::string columns;
  forEachStored([&](const DeviceField& f, int) { columns += columnOf(f) + ", "; });
  const std::string stamp = "?" + std::to_string(rows * fields + 1);
  std::string sql = "INSERT OR FAIL INTO devices (" + columns + "version, created_at, updated_at) VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    sql += r == 0 ? "(" : ", (";
    for (std::size_t k = 0; k < fields; ++k) sql += "?" + std::to_string(r * fields + k + 1) + ", ";
    sql += "1, " + stamp + ", " + stamp + ")";
  }
  return sql;
}

void bindDraft(SQLite::Statement& st, const DeviceDraft& d, int first_param) {
  bindDraftFields(st, d, [first_param](int param) { return first_param + storedIndex(param); });
}

void hydrateMacs(SQLite::Database& db, std::vector<Device>& devices) {
  if (devices.empty()) return;
  nlohmann::json ids = nlohmann::json::array();
  for (const Device& d : devices) ids.push_back(d.id);
  auto st = cachedStatement(db,
                            "SELECT device_id, mac FROM device_macs "
                            "WHERE device_id IN (SELECT value FROM json_each(?1)) ORDER BY device_id, mac");
  st->bind(1, ids.dump());
  // Both sides are ordered by id, so one merge pass assigns every MAC.
  std::size_t i = 0;
  while (st->executeStep()) {
    std::int64_t id = st->getColumn(0).getInt64();
    while (i < devices.size() && devices[i].id < id) ++i;
    if (i < devices.size() && devices[i].id == id) devices[i].macs.push_back(st->getColumn(1).getString());
  }
}

namespace {

// The row whose `column` (id, asset_tag or serial) equals ?1, with its MACs. The SQL texts are built
// once: the statement cache is keyed by them, and GET by tag looked them up on every request.
std::optional<Device> loadWhere(SQLite::Database& db, const std::string& sql, auto&& bindKey) {
  auto st = cachedStatement(db, sql);
  bindKey(*st);
  if (!st->executeStep()) return std::nullopt;
  Device d = readDevice(*st);
  static const std::string macs_sql = "SELECT mac FROM device_macs WHERE device_id = ?1 ORDER BY mac";
  auto macs = cachedStatement(db, macs_sql);
  macs->bind(1, static_cast<std::int64_t>(d.id));
  while (macs->executeStep()) d.macs.push_back(macs->getColumn(0).getString());
  return d;
}

}  // namespace

std::optional<Device> loadById(SQLite::Database& db, std::int64_t id) {
  static const std::string sql = std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE id = ?1";
  return loadWhere(db, sql, [id](SQLite::Statement& st) { st.bind(1, static_cast<std::int64_t>(id)); });
}

std::optional<Device> loadByKey(SQLite::Database& db, KeyColumn column, const std::string& value) {
  if (value.empty()) return std::nullopt;
  static const std::string by_tag = std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE asset_tag = ?1";
  static const std::string by_serial = std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE serial = ?1";
  return loadWhere(db, column == KeyColumn::asset_tag ? by_tag : by_serial,
                   [&value](SQLite::Statement& st) { st.bind(1, value); });
}

std::optional<std::int64_t> findIdBy(SQLite::Database& db, const char* column, const std::string& value) {
  if (value.empty()) return std::nullopt;
  auto st = cachedStatement(db, std::string("SELECT id FROM devices WHERE ") + column + " = ?1");
  st->bind(1, value);
  if (!st->executeStep()) return std::nullopt;
  return st->getColumn(0).getInt64();
}

// Stored as [field, old, new] triples rather than {"field","old","new"} objects: the history is the
// largest table (one row per device on import), and the keys made up a third of it.
std::string changesJson(const std::vector<FieldChange>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const FieldChange& c : changes)
    out.push_back(nlohmann::json::array({c.field, c.old_value, c.new_value}));
  // Replace rather than throw on invalid UTF-8: the history must still be written.
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<FieldChange> parseChanges(const std::string& json) {
  std::vector<FieldChange> out;
  nlohmann::json parsed = nlohmann::json::parse(json, nullptr, false);
  if (!parsed.is_array()) return out;
  for (const auto& c : parsed) {
    if (!c.is_array() || c.size() != 3 || !c[0].is_string()) continue;
    out.push_back({c[0].get<std::string>(), c[1], c[2]});
  }
  return out;
}

void appendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0x0f];
    } else {
      out += ch;  // stored text is validated UTF-8, so the rest passes through unchanged
    }
  }
  out += '"';
}

// Written by hand rather than through nlohmann::json: a 100k-row import writes one per row, and
// building a JSON tree for each was a large share of the import's time.
void creationChangesJson(const Device& d, std::string& out) {
  out.clear();
  out += '[';
  bool first = true;
  auto open = [&](const char* field) {
    if (!first) out += ',';
    first = false;
    out += "[\"";
    out += field;
    out += "\",null,";
  };
  auto text = [&](const char* field, std::string_view value) {
    if (value.empty()) return;
    open(field);
    appendJsonString(out, value);
    out += ']';
  };
  // Every field that has a value: text that is not empty, a price, MACs, a loaner that is one.
  for (const DeviceField& f : kDeviceFields) {
    switch (f.type) {
      case FieldType::text:
      case FieldType::identifier:
      case FieldType::date: text(f.name.data(), d.*f.stored); break;
      case FieldType::money:
        if (d.purchase_price_cents) text(f.name.data(), formatMoney(*d.purchase_price_cents));
        break;
      case FieldType::kind: text(f.name.data(), toString(d.kind)); break;
      case FieldType::status: text(f.name.data(), toString(d.status)); break;
      case FieldType::macs:
        if (d.macs.empty()) break;
        open(f.name.data());
        out += '[';
        for (std::size_t i = 0; i < d.macs.size(); ++i) {
          if (i > 0) out += ',';
          appendJsonString(out, d.macs[i]);
        }
        out += "]]";
        break;
      case FieldType::flag:
        if (!d.loaner) break;
        open(f.name.data());
        out += "true]";
        break;
      case FieldType::server: break;
    }
  }
  out += ']';
}

DeviceDraft draftFromDevice(const Device& d) {
  DeviceDraft x;
  for (const DeviceField& f : kDeviceFields) copyToDraft(d, x, f);
  return x;
}

Error duplicateError(const std::string& field, const std::string& value) {
  std::string what = field == "serial" ? "serial" : "asset tag";
  return Error::conflict("a device with " + what + " " + value + " already exists",
                         {{"field", field}, {"value", value}});
}

std::optional<Error> uniqueViolation(const SQLite::Exception& e, const Device& d) {
  if (e.getExtendedErrorCode() != SQLITE_CONSTRAINT_UNIQUE) return std::nullopt;
  std::string_view what = e.what();
  if (what.find("devices.serial") != std::string_view::npos) return duplicateError("serial", d.serial);
  if (what.find("devices.asset_tag") != std::string_view::npos)
    return duplicateError("asset_tag", d.asset_tag);
  return std::nullopt;
}

void insertEvent(SQLite::Statement& st, std::int64_t device_id, const std::string& at, const std::string& actor,
                 const char* action, const std::string& changes_json, const std::string& reason) {
  st.reset();
  st.bind(1, static_cast<std::int64_t>(device_id));
  st.bindNoCopy(2, at);
  st.bindNoCopy(3, actor);
  st.bindNoCopy(4, action);
  st.bindNoCopy(5, changes_json);
  if (reason.empty()) {
    st.bind(6);
  } else {
    st.bindNoCopy(6, reason);
  }
  st.exec();
}

void insertEvent(SQLite::Database& db, std::int64_t device_id, const std::string& at, const std::string& actor,
                 const char* action, const std::string& changes_json, const std::string& reason) {
  SQLite::Statement st(db, kInsertEvent);
  insertEvent(st, device_id, at, actor, action, changes_json, reason);
}

void appendEvent(SQLite::Database& db, std::int64_t device_id, const std::string& at,
                 const std::string& actor, const char* action, const std::vector<FieldChange>& changes,
                 const std::string& reason) {
  insertEvent(db, device_id, at, actor, action, changesJson(changes), reason);
}

Error invalidFields(std::vector<FieldError> errors, const std::string& message) {
  std::stable_sort(errors.begin(), errors.end(),
                   [](const FieldError& a, const FieldError& b) { return a.line < b.line; });
  Error e = Error::invalid(errors.empty() ? std::string() : errors.front().field,
                           errors.size() == 1 && errors.front().line == 0 ? errors.front().message : message);
  nlohmann::json list = nlohmann::json::array();
  for (const FieldError& f : errors) {
    nlohmann::json item{{"field", f.field}, {"message", f.message}};
    if (f.line > 0) item["line"] = f.line;
    list.push_back(std::move(item));
  }
  e.details["errors"] = std::move(list);
  return e;
}

}  // namespace fk::rows
