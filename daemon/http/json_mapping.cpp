#include "http/json_mapping.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include "api/base64url.hpp"
#include "core/device_fields.hpp"
#include "core/device_field_table.hpp"
#include "core/text.hpp"
#include "core/values.hpp"
#include "http/json_values.hpp"

namespace fk {

using nlohmann::json;

namespace {

std::string_view typeName(const json& v) {
  if (v.is_null()) return "null";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  if (v.is_string()) return "a string";
  if (v.is_array()) return "an array";
  return "an object";
}

Error wrongJsonType(const std::string& field, std::string_view expected, const json& got) {
  return Error::invalid(field,
                        field + " must be " + std::string(expected) + ", not " + std::string(typeName(got)));
}

// A text field: string, or null to clear. `max_bytes` is the field table's limit, the one the store's
// validation applies too; refused here before a megabyte string is copied into a draft.
Result<std::string> textFromJson(const json& v, const std::string& field, std::size_t max_bytes = 0) {
  if (v.is_null()) return std::string();
  if (!v.is_string()) return std::unexpected(wrongJsonType(field, "a string or null", v));
  const auto& s = v.get_ref<const std::string&>();
  if (max_bytes > 0 && s.size() > max_bytes) {
    return std::unexpected(
        Error::invalid(field, field + " is longer than " + std::to_string(max_bytes) + " bytes"));
  }
  return s;
}

// A date field: "YYYY-MM-DD", or null / "" to clear.
Result<std::string> dateFromJson(const json& v, const std::string& field) {
  auto text = textFromJson(v, field);
  if (!text) return text;
  if (!text->empty() && !isValidDate(*text)) {
    return std::unexpected(
        Error::invalid(field, field + " must be a date YYYY-MM-DD, got \"" + *text + "\""));
  }
  return text;
}

Result<std::vector<std::string>> macsFromJson(const json& v) {
  if (v.is_null()) return std::vector<std::string>{};
  if (!v.is_array()) return std::unexpected(wrongJsonType("macs", "an array of strings", v));
  std::vector<std::string> macs;
  macs.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string field = "macs[" + std::to_string(i) + "]";
    if (!v[i].is_string()) return std::unexpected(wrongJsonType(field, "a string", v[i]));
    auto mac = normaliseMac(v[i].get_ref<const std::string&>());
    if (!mac) {
      return std::unexpected(Error::invalid(
          field, field + " is not a MAC address: \"" + v[i].get_ref<const std::string&>() + "\""));
    }
    macs.push_back(std::move(*mac));
  }
  // Device::macs is sorted and unique; two spellings of one address collapse here.
  std::sort(macs.begin(), macs.end());
  macs.erase(std::unique(macs.begin(), macs.end()), macs.end());
  return macs;
}

Result<std::int64_t> versionFromJson(const json& v) {
  if (!v.is_number_integer()) return std::unexpected(wrongJsonType("version", "an integer", v));
  if (v.is_number_unsigned() &&
      v.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max())) {
    return std::unexpected(Error::invalid("version", "version is out of range"));
  }
  std::int64_t version = v.get<std::int64_t>();
  if (version < 1) return std::unexpected(Error::invalid("version", "version must be at least 1"));
  return version;
}

Status applyDeviceField(ParsedDraft& out, const DeviceField& f, const json& v, DraftMode mode) {
  DeviceDraft& d = out.draft;
  const std::string name(f.name);
  switch (f.type) {
    case FieldType::text:
    case FieldType::identifier: {
      auto text = textFromJson(v, name, f.max_bytes);
      if (!text) return std::unexpected(text.error());
      d.*f.draft = std::move(*text);
      return {};
    }
    case FieldType::date: {
      auto date = dateFromJson(v, name);
      if (!date) return std::unexpected(date.error());
      d.*f.draft = std::move(*date);
      return {};
    }
    case FieldType::kind: {
      auto kind = v.is_string() ? parseKind(v.get_ref<const std::string&>()) : std::nullopt;
      if (!kind)
        return std::unexpected(
            Error::invalid(name, name + " must be one of chromebook, laptop, tablet, desktop, other"));
      d.kind = *kind;
      return {};
    }
    case FieldType::status: {
      if (mode == DraftMode::patch) {
        return std::unexpected(Error::invalid(
            name, name + " cannot be changed by PATCH; use POST /api/v1/devices/{ref}/transitions"));
      }
      auto status = v.is_string() ? parseStatus(v.get_ref<const std::string&>()) : std::nullopt;
      if (!status) {
        std::string names;
        for (auto s : allStatuses()) names += (names.empty() ? "" : ", ") + std::string(toString(s));
        return std::unexpected(Error::invalid(name, name + " must be one of " + names));
      }
      d.status = *status;
      return {};
    }
    case FieldType::flag:
      if (!v.is_boolean()) return std::unexpected(wrongJsonType(name, "true or false", v));
      d.loaner = v.get<bool>();
      return {};
    case FieldType::macs: {
      auto macs = macsFromJson(v);
      if (!macs) return std::unexpected(macs.error());
      d.macs = std::move(*macs);
      return {};
    }
    case FieldType::money: {
      auto cents = moneyFromJson(v, name);
      if (!cents) return std::unexpected(cents.error());
      d.purchase_price_cents = *cents;
      return {};
    }
    case FieldType::server: break;
  }
  return std::unexpected(Error::invalid(name, name + " is read-only"));
}

// Agrees with the parser on every prefix it accepts (strings and escapes are skipped the same way), so
// whatever the parser builds before it stops is no deeper than what this counted.
bool nestingExceeds(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return false;
}

// {"type": "person", "external_id", "name", ...} or {"type": "location", "location", ...} while on loan.
json holderToJson(const std::optional<Device::Holder>& h) {
  if (!h) return nullptr;
  json out = h->person_external_id.empty()
                 ? json{{"type", "location"}, {"location", h->location}}
                 : json{{"type", "person"}, {"external_id", h->person_external_id}, {"name", h->person_name}};
  out["checkout_id"] = h->checkout_id;
  out["due"] = h->due;
  return out;
}

}  // namespace

Result<std::string> stringField(const json& v, const std::string& field, bool nullable) {
  if (nullable && v.is_null()) return std::string();
  if (!v.is_string())
    return std::unexpected(
        Error::invalid(field, field + " must be " + (nullable ? "a string or null" : "a string")));
  return v.get<std::string>();
}

Result<json> parseJsonObject(std::string_view body) {
  // Measured before parsing: a parsed value nested deeper would recurse when destroyed or dumped, and
  // scanning is far cheaper than building a 10 MiB tower of arrays only to throw it away.
  if (nestingExceeds(body, kMaxJsonDepth)) {
    return std::unexpected(
        Error::invalid("body", "body nests deeper than " + std::to_string(kMaxJsonDepth) + " levels"));
  }
  json value;
  try {
    value = json::parse(body.begin(), body.end());
  } catch (const json::exception& e) {
    // Any parser failure is bad input, never a 500: syntax errors, and also numbers beyond double
    // range (1e400), which nlohmann reports as out_of_range rather than parse_error.
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix; the rest says where and why.
    if (auto bracket = what.find("] "); bracket != std::string::npos) what.erase(0, bracket + 2);
    Error err = Error::invalid("body", "body is not valid JSON: " + what);
    if (const auto* syntax = dynamic_cast<const json::parse_error*>(&e)) err.details["position"] = syntax->byte;
    return std::unexpected(std::move(err));
  }
  if (!value.is_object()) {
    return std::unexpected(
        Error::invalid("body", "body must be a JSON object, not " + std::string(typeName(value))));
  }
  return value;
}

// Google's recentUsers (newest first, managed users only: those with an email) as a source recorded
// them. When the newest is not the device's fleetkeep holder, the desk shows who really has it; the
// holder changes only when a person says so.
json suggestedHolderJson(const Device& d, const std::vector<DeviceSighting>& sightings) {
  for (const auto& s : sightings) {
    if (!s.fields.is_object()) continue;
    auto it = s.fields.find("recent_users");
    if (it == s.fields.end() || !it->is_string()) continue;
    const std::string& users = it->get_ref<const std::string&>();
    const std::string newest = users.substr(0, users.find(','));
    if (newest.empty()) continue;
    const std::string who = lowerAscii(newest);
    if (d.holder && (who == lowerAscii(d.holder->person_email) || who == lowerAscii(d.holder->person_external_id))) {
      return nullptr;
    }
    return {{"email", newest}, {"source", s.source}, {"last_seen", textOrNull(s.last_seen)}};
  }
  return nullptr;
}

json deviceSeenJson(const std::vector<DeviceSighting>& sightings) {
  json seen = json::object();
  for (const auto& s : sightings) {
    seen[s.source] = {{"first_seen", textOrNull(s.first_seen)},
                      {"last_seen", textOrNull(s.last_seen)},
                      {"source_id", textOrNull(s.source_id)},
                      {"fields", s.fields.is_null() ? json::object() : s.fields}};
  }
  return seen;
}

json deviceToJson(const Device& d, const std::vector<DeviceSighting>* sightings) {
  json seen = sightings ? deviceSeenJson(*sightings) : json::object();
  json out = json::object();
  for (const DeviceField& f : kDeviceFields) {
    if (f.name == "holder" || f.name == "seen" || f.name == "suggested_holder") continue;  // below
    out[std::string(f.name)] = fieldJson(d, f);
  }
  out["holder"] = holderToJson(d.holder);
  out["seen"] = std::move(seen);
  if (sightings) out["suggested_holder"] = suggestedHolderJson(d, *sightings);
  return out;
}

Result<ParsedDraft> deviceDraftFromJson(const json& body, DraftMode mode) {
  if (!body.is_object()) return std::unexpected(wrongJsonType("body", "a JSON object", body));
  // Name every field we refuse outright before complaining about any value.
  std::vector<std::string> unknown;
  for (const auto& [name, value] : body.items()) {
    if (name == "version") continue;  // read-only, but PATCH sends it back as its precondition
    const DeviceField* f = findDeviceField(name);
    if (f && f->readOnly()) return std::unexpected(Error::invalid(name, name + " is read-only"));
    if (!f) unknown.push_back(name);
  }
  if (!unknown.empty()) {
    std::string list;
    for (const auto& n : unknown) list += (list.empty() ? "\"" : ", \"") + n + "\"";
    Error err = Error::invalid(unknown.front(),
                               "unknown field" + std::string(unknown.size() > 1 ? "s " : " ") + list);
    err.details["fields"] = unknown;
    return std::unexpected(std::move(err));
  }
  ParsedDraft out;
  for (const auto& [name, value] : body.items()) {
    if (name == "version") {
      if (mode == DraftMode::create) return std::unexpected(Error::invalid("version", "version is read-only"));
      auto version = versionFromJson(value);
      if (!version) return std::unexpected(version.error());
      out.version = *version;
      continue;
    }
    if (auto st = applyDeviceField(out, *findDeviceField(name), value, mode); !st) {
      return std::unexpected(st.error());
    }
  }
  if (mode == DraftMode::patch && !body.contains("version")) {
    return std::unexpected(Error::invalid("version", "version is required: send the version you last read"));
  }
  return out;
}

json deviceEventToJson(const DeviceEvent& e) {
  json changes = json::array();
  for (const auto& c : e.changes)
    changes.push_back({{"field", c.field}, {"old", c.old_value}, {"new", c.new_value}});
  return {{"id", e.id},         {"at", e.at},         {"actor", e.actor},
          {"action", e.action}, {"changes", changes}, {"reason", textOrNull(e.reason)}};
}

json catalogModelToJson(const CatalogModel& m) {
  return {{"model", m.model},
          {"kind", toString(m.kind)},
          {"unit_cost", m.unit_cost_cents ? json(formatMoney(*m.unit_cost_cents)) : json(nullptr)},
          {"life_years", m.life_years ? json(*m.life_years) : json(nullptr)},
          {"aue_date", textOrNull(m.aue_date)},
          {"updated_at", textOrNull(m.updated_at)}};
}

Result<CatalogModel> catalogModelFromJson(const json& body, const std::string& model_name) {
  if (!body.is_object()) return std::unexpected(wrongJsonType("body", "a JSON object", body));
  CatalogModel m;
  m.model = model_name;
  bool has_kind = false;
  for (const auto& [name, v] : body.items()) {
    if (name == "model") {
      if (!v.is_string() || v.get_ref<const std::string&>() != model_name) {
        return std::unexpected(
            Error::invalid("model", "model in the body must match the path: \"" + model_name + "\""));
      }
    } else if (name == "kind") {
      auto kind = v.is_string() ? parseKind(v.get_ref<const std::string&>()) : std::nullopt;
      if (!kind)
        return std::unexpected(
            Error::invalid("kind", "kind must be one of chromebook, laptop, tablet, desktop, other"));
      m.kind = *kind;
      has_kind = true;
    } else if (name == "unit_cost") {
      auto cents = moneyFromJson(v, name);
      if (!cents) return std::unexpected(cents.error());
      m.unit_cost_cents = *cents;
    } else if (name == "life_years") {
      if (v.is_null()) continue;
      if (!v.is_number_integer())
        return std::unexpected(wrongJsonType("life_years", "an integer or null", v));
      // Parsed non-negative literals are unsigned, constructed ones signed; compare in a wide signed type.
      const std::int64_t years =
          v.is_number_unsigned() && v.get<std::uint64_t>() > 1000 ? 0 : v.get<std::int64_t>();
      if (years < 1 || years > 50) {
        return std::unexpected(Error::invalid("life_years", "life_years must be between 1 and 50"));
      }
      m.life_years = static_cast<int>(years);
    } else if (name == "aue_date") {
      auto date = dateFromJson(v, name);
      if (!date) return std::unexpected(date.error());
      m.aue_date = std::move(*date);
    } else if (name == "updated_at") {
      return std::unexpected(Error::invalid(name, name + " is read-only"));
    } else {
      return std::unexpected(Error::invalid(name, "unknown field \"" + name + "\""));
    }
  }
  if (!has_kind) return std::unexpected(Error::invalid("kind", "kind is required"));
  return m;
}

Result<std::optional<std::int64_t>> moneyFromJson(const json& v, const std::string& field) {
  // Beyond this, cents stop being exact in a double and sums risk overflow; no device costs a trillion.
  constexpr double kMaxUnits = 1e12;
  const std::string must = field + " must be an amount like \"289.00\"";
  std::int64_t cents = 0;
  if (v.is_null()) return std::optional<std::int64_t>{};
  if (v.is_string()) {
    const auto& text = v.get_ref<const std::string&>();
    if (text.empty()) return std::optional<std::int64_t>{};
    auto parsed = parseMoney(text);
    if (!parsed) return std::unexpected(Error::invalid(field, must + ", got \"" + text + "\""));
    cents = *parsed;
  } else if (v.is_number()) {
    double units = v.get<double>();
    if (!std::isfinite(units) || std::fabs(units) >= kMaxUnits) {
      return std::unexpected(Error::invalid(field, field + " is out of range"));
    }
    double scaled = units * 100.0;
    double rounded = std::round(scaled);
    // 289.5 * 100 is not exactly 28950 in binary; allow that noise but not a third decimal.
    if (std::fabs(scaled - rounded) > 1e-6) {
      return std::unexpected(
          Error::invalid(field, field + " has more than two decimals; send a string like \"289.00\""));
    }
    cents = static_cast<std::int64_t>(rounded);
  } else {
    return std::unexpected(wrongJsonType(field, "a decimal string like \"289.00\" or null", v));
  }
  if (cents < 0) return std::unexpected(Error::invalid(field, field + " must not be negative"));
  return std::optional<std::int64_t>{cents};
}

std::string encodeCursor(std::int64_t after_id) {
  return api::base64UrlEncode("v1:" + std::to_string(after_id));
}

std::optional<std::int64_t> decodeCursor(std::string_view cursor) {
  if (cursor.empty() || cursor.size() > 64) return std::nullopt;
  auto raw = api::base64UrlDecode(cursor);
  if (!raw || !raw->starts_with("v1:")) return std::nullopt;
  std::string_view digits = std::string_view(*raw).substr(3);
  if (digits.empty() || digits.front() < '0' || digits.front() > '9') return std::nullopt;
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (ec != std::errc() || end != digits.data() + digits.size() || id < 1) return std::nullopt;
  return id;
}

}  // namespace fk
