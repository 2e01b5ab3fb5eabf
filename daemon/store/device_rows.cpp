#include "store/device_rows.hpp"

#include <sqlite3.h>

#include <algorithm>

#include "core/values.hpp"
#include "store/statement_cache.hpp"

namespace fk::rows {

const char* const kDeviceColumns =
    "id, asset_tag, serial, kind, manufacturer, model, purchase_date, purchase_price_cents, vendor, "
    "po_number, funding_source, warranty_end, aue_date, location, org_unit, loaner, status, notes, "
    "version, created_at, updated_at, repair_cost_cents, "
    // The open checkout, if any, as one JSON text: a probe of the partial unique index per row, so lists
    // and exports stay one query.
    "(SELECT json_array(c.id, p.external_id, p.name, c.location, c.due, p.email) FROM checkouts c "
    "LEFT JOIN people p ON p.id = c.person_id WHERE c.device_id = devices.id AND c.returned_at IS NULL), "
    "name, model_number, replacement_date";

const char* const kInsertDevice =
    "INSERT INTO devices (asset_tag, serial, kind, manufacturer, model, purchase_date, purchase_price_cents, "
    "vendor, po_number, funding_source, warranty_end, aue_date, location, org_unit, loaner, status, notes, "
    "version, created_at, updated_at, name, model_number, replacement_date) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, 1, ?18, ?18, ?21, ?22, "
    "?23)";

const char* const kUpdateDevice =
    "UPDATE devices SET asset_tag = ?1, serial = ?2, kind = ?3, manufacturer = ?4, model = ?5, "
    "purchase_date = ?6, purchase_price_cents = ?7, vendor = ?8, po_number = ?9, funding_source = ?10, "
    "warranty_end = ?11, aue_date = ?12, location = ?13, org_unit = ?14, loaner = ?15, status = ?16, "
    "notes = ?17, name = ?21, model_number = ?22, replacement_date = ?23, version = version + 1, "
    "updated_at = ?18 WHERE id = ?19 AND version = ?20";

const char* const kInsertEvent =
    "INSERT INTO events (device_id, at, actor, action, changes, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

const char* const kInsertMac = "INSERT OR IGNORE INTO device_macs (device_id, mac) VALUES (?1, ?2)";

namespace {

std::string text(SQLite::Statement& st, int col) {
  SQLite::Column c = st.getColumn(col);
  return c.isNull() ? std::string() : c.getString();
}

// Unset text is stored as NULL so UNIQUE ignores it and the API shows null. No copy: every caller
// executes the statement while `value` is still alive.
void bindText(SQLite::Statement& st, int index, const std::string& value) {
  if (value.empty()) {
    st.bind(index);
  } else {
    st.bindNoCopy(index, value);
  }
}

}  // namespace

Device readDevice(SQLite::Statement& st) {
  Device d;
  d.id = st.getColumn(0).getInt64();
  d.asset_tag = text(st, 1);
  d.serial = text(st, 2);
  d.kind = parseKind(st.getColumn(3).getString()).value_or(DeviceKind::other);
  d.manufacturer = text(st, 4);
  d.model = text(st, 5);
  d.purchase_date = text(st, 6);
  if (!st.getColumn(7).isNull()) d.purchase_price_cents = st.getColumn(7).getInt64();
  d.vendor = text(st, 8);
  d.po_number = text(st, 9);
  d.funding_source = text(st, 10);
  d.warranty_end = text(st, 11);
  d.aue_date = text(st, 12);
  d.location = text(st, 13);
  d.org_unit = text(st, 14);
  d.loaner = st.getColumn(15).getInt() != 0;
  d.status = parseStatus(st.getColumn(16).getString()).value_or(DeviceStatus::in_stock);
  d.notes = text(st, 17);
  d.version = st.getColumn(18).getInt64();
  d.created_at = st.getColumn(19).getString();
  d.updated_at = st.getColumn(20).getString();
  d.repair_cost_cents = st.getColumn(21).getInt64();
  d.name = text(st, 23);
  d.model_number = text(st, 24);
  d.replacement_date = text(st, 25);
  if (!st.getColumn(22).isNull()) {
    auto h = nlohmann::json::parse(st.getColumn(22).getString(), nullptr, false);
    if (h.is_array() && h.size() == 6) {
      auto str = [&h](std::size_t i) { return h[i].is_string() ? h[i].get<std::string>() : std::string(); };
      d.holder = Device::Holder{h[0].get<std::int64_t>(), str(1), str(2), str(3), str(4), str(5)};
    }
  }
  return d;
}

void bindFields(SQLite::Statement& st, const Device& d) {
  bindText(st, 1, d.asset_tag);
  bindText(st, 2, d.serial);
  st.bindNoCopy(3, toString(d.kind).data());  // names are string literals
  bindText(st, 4, d.manufacturer);
  bindText(st, 5, d.model);
  bindText(st, 6, d.purchase_date);
  if (d.purchase_price_cents) {
    st.bind(7, static_cast<std::int64_t>(*d.purchase_price_cents));
  } else {
    st.bind(7);
  }
  bindText(st, 8, d.vendor);
  bindText(st, 9, d.po_number);
  bindText(st, 10, d.funding_source);
  bindText(st, 11, d.warranty_end);
  bindText(st, 12, d.aue_date);
  bindText(st, 13, d.location);
  bindText(st, 14, d.org_unit);
  st.bind(15, d.loaner ? 1 : 0);
  st.bindNoCopy(16, toString(d.status).data());
  bindText(st, 17, d.notes);
  bindText(st, 21, d.name);
  bindText(st, 22, d.model_number);
  bindText(st, 23, d.replacement_date);
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

std::optional<Device> loadById(SQLite::Database& db, std::int64_t id) {
  auto st = cachedStatement(db, std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE id = ?1");
  st->bind(1, static_cast<std::int64_t>(id));
  if (!st->executeStep()) return std::nullopt;
  Device d = readDevice(*st);
  auto macs = cachedStatement(db, "SELECT mac FROM device_macs WHERE device_id = ?1 ORDER BY mac");
  macs->bind(1, static_cast<std::int64_t>(id));
  while (macs->executeStep()) d.macs.push_back(macs->getColumn(0).getString());
  return d;
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
  text("asset_tag", d.asset_tag);
  text("serial", d.serial);
  text("kind", toString(d.kind));
  text("manufacturer", d.manufacturer);
  text("model", d.model);
  text("purchase_date", d.purchase_date);
  if (d.purchase_price_cents) text("purchase_price", formatMoney(*d.purchase_price_cents));
  text("vendor", d.vendor);
  text("po_number", d.po_number);
  text("funding_source", d.funding_source);
  text("warranty_end", d.warranty_end);
  text("aue_date", d.aue_date);
  text("location", d.location);
  text("org_unit", d.org_unit);
  if (!d.macs.empty()) {
    open("macs");
    out += '[';
    for (std::size_t i = 0; i < d.macs.size(); ++i) {
      if (i > 0) out += ',';
      appendJsonString(out, d.macs[i]);
    }
    out += "]]";
  }
  if (d.loaner) {
    open("loaner");
    out += "true]";
  }
  text("status", toString(d.status));
  text("notes", d.notes);
  text("name", d.name);
  text("model_number", d.model_number);
  text("replacement_date", d.replacement_date);
  out += ']';
}

DeviceDraft draftFromDevice(const Device& d) {
  DeviceDraft x;
  auto set = [](std::optional<std::string>& field, const std::string& value) {
    if (!value.empty()) field = value;
  };
  set(x.asset_tag, d.asset_tag);
  set(x.serial, d.serial);
  set(x.manufacturer, d.manufacturer);
  set(x.model, d.model);
  set(x.purchase_date, d.purchase_date);
  set(x.vendor, d.vendor);
  set(x.po_number, d.po_number);
  set(x.funding_source, d.funding_source);
  set(x.warranty_end, d.warranty_end);
  set(x.aue_date, d.aue_date);
  set(x.location, d.location);
  set(x.org_unit, d.org_unit);
  set(x.notes, d.notes);
  set(x.name, d.name);
  set(x.model_number, d.model_number);
  set(x.replacement_date, d.replacement_date);
  x.kind = d.kind;
  x.purchase_price_cents = d.purchase_price_cents;
  x.macs = d.macs;
  x.loaner = d.loaner;
  x.status = d.status;
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
