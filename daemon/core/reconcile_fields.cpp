// Reading a source's observation into registry terms: which fields it may set, their canonical text,
// and the hash that tells an unchanged record from a changed one.

#include <boost/algorithm/string/case_conv.hpp>

#include <algorithm>

#include "core/device_fields.hpp"
#include "core/reconcile.hpp"
#include "core/values.hpp"

namespace fk::reconcile {
namespace {

enum class Type { text, identifier, date, money, kind, flag, status };

struct FieldSpec {
  std::string_view name;
  Type type;
};

constexpr FieldSpec kFields[] = {
    {"asset_tag", Type::identifier}, {"serial", Type::identifier}, {"kind", Type::kind},
    {"manufacturer", Type::text},    {"model", Type::text},        {"purchase_date", Type::date},
    {"purchase_price", Type::money}, {"vendor", Type::text},       {"po_number", Type::text},
    {"funding_source", Type::text},  {"warranty_end", Type::date}, {"aue_date", Type::date},
    {"location", Type::text},        {"org_unit", Type::text},     {"loaner", Type::flag},
    {"notes", Type::text},           {"status", Type::status},
    {"name", Type::text},            {"model_number", Type::text}, {"replacement_date", Type::date},
};

const FieldSpec* specOf(std::string_view name) {
  for (const FieldSpec& f : kFields)
    if (f.name == name) return &f;
  return nullptr;
}

std::string lower(std::string_view s) {
  return boost::algorithm::to_lower_copy(std::string(s), std::locale::classic());
}

// The canonical text of `value` for a field of type `t`, or nullopt with `why` set.
// Text, identifiers and valid dates are already canonical: `value` is moved, not copied.
std::optional<std::string> canonical(Type t, std::string&& value, std::string& why) {
  switch (t) {
    case Type::text:
    case Type::identifier: return std::move(value);
    case Type::date:
      if (isValidDate(value)) return std::move(value);
      why = "\"" + std::string(value) + "\" is not a date (YYYY-MM-DD)";
      return std::nullopt;
    case Type::money:
      if (auto cents = parseMoney(value); cents && *cents >= 0) return formatMoney(*cents);
      why = "\"" + std::string(value) + "\" is not an amount (e.g. 289.00)";
      return std::nullopt;
    case Type::kind:
      if (auto k = parseKind(lower(value))) return std::string(toString(*k));
      why = "unknown kind \"" + std::string(value) + "\"";
      return std::nullopt;
    case Type::status:
      if (auto s = parseStatus(lower(value))) return std::string(toString(*s));
      why = "unknown status \"" + std::string(value) + "\"";
      return std::nullopt;
    case Type::flag: {
      const std::string v = lower(value);
      if (v == "true" || v == "yes" || v == "1") return "true";
      if (v == "false" || v == "no" || v == "0") return "false";
      why = "\"" + std::string(value) + "\" is not true or false";
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// FNV-1a: stable across runs and builds (std::hash is not), which a stored hash needs.
class Hasher {
 public:
  void add(std::string_view s) {
    for (unsigned char c : s) {
      h_ ^= c;
      h_ *= 0x100000001b3ull;
    }
    h_ ^= 0x1f;  // separator, so ("ab","c") and ("a","bc") differ
    h_ *= 0x100000001b3ull;
  }
  std::uint64_t value() const { return h_; }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ull;
};

}  // namespace

const std::vector<std::string_view>& assertableFields() {
  static const std::vector<std::string_view> all = [] {
    std::vector<std::string_view> v;
    for (const FieldSpec& f : kFields)
      if (f.type != Type::status) v.push_back(f.name);
    v.push_back("macs");
    return v;
  }();
  return all;
}

Record readObservation(const api::Observation& o) {
  return readObservation(api::Observation(o));
}

// Takes the observation apart rather than copying it: a 100k-device poll reads every record, and the
// copies of its strings and map nodes were most of the reading's time.
Record readObservation(api::Observation&& o) {
  Record r;
  r.source_id = std::move(o.source_id);
  r.origin = std::move(o.origin);
  while (!o.fields.empty()) {
    auto node = o.fields.extract(o.fields.begin());  // the map node moves into r.fields as it is
    const std::string& name = node.key();
    if (node.mapped().empty()) continue;  // unset: a source never clears a field
    const FieldSpec* spec = specOf(name);
    if (!spec) {
      r.problems.push_back({0, name, "is not a device field"});
      continue;
    }
    std::string why;
    auto text = canonical(spec->type, std::move(node.mapped()), why);
    if (!text) {
      r.problems.push_back({0, name, why});
      continue;
    }
    node.mapped() = std::move(*text);
    r.fields.insert(std::move(node));
  }
  // Lengths, control characters, surrounding spaces: the registry's own rules, checked on all fields
  // at once (one draft per record, not per field: a 100k-device poll reads every record).
  for (const FieldError& e : validateDraft(draftOf(r.fields))) {
    if (!r.fields.erase(e.field)) continue;  // reported once per field
    r.problems.push_back({0, e.field, e.message});
  }
  for (const std::string& m : o.macs) {
    if (auto mac = normaliseMac(m))
      r.macs.push_back(std::move(*mac));
    else if (!m.empty())
      r.problems.push_back({0, "macs", "\"" + m + "\" is not a MAC address"});
  }
  std::sort(r.macs.begin(), r.macs.end());
  r.macs.erase(std::unique(r.macs.begin(), r.macs.end()), r.macs.end());
  r.extra = std::move(o.extra);
  if (o.last_sync) r.last_sync = formatInstant(*o.last_sync);
  if (o.observed_at) r.observed_at = formatInstant(*o.observed_at);

  Hasher h;
  h.add(r.source_id);
  for (const auto& [k, v] : r.fields) {
    h.add(k);
    h.add(v);
  }
  h.add("\x1e");
  for (const auto& m : r.macs) h.add(m);
  h.add("\x1e");
  for (const auto& [k, v] : r.extra) {
    h.add(k);
    h.add(v);
  }
  h.add(r.last_sync);
  // SQLite integers are signed 64-bit; keep the top bit clear so the value round-trips unchanged.
  r.hash = h.value() & 0x7fffffffffffffffull;
  return r;
}

std::string fieldText(const Device& d, std::string_view field) {
  if (const std::string* text = textField(d, field)) return *text;
  if (field == "kind") return std::string(toString(d.kind));
  if (field == "purchase_price") return d.purchase_price_cents ? formatMoney(*d.purchase_price_cents) : "";
  if (field == "loaner") return d.loaner ? "true" : "false";
  if (field == "status") return std::string(toString(d.status));
  if (field == "macs") {
    std::string out;
    for (const auto& m : d.macs) out += (out.empty() ? "" : ";") + m;
    return out;
  }
  return {};
}

DeviceDraft draftOf(const std::map<std::string, std::string>& fields) {
  DeviceDraft d;
  for (const auto& [name, v] : fields) {
    if (auto* text = textField(d, name))
      *text = v;
    else if (name == "kind")
      d.kind = parseKind(v);
    else if (name == "purchase_price")
      d.purchase_price_cents = std::optional<std::int64_t>(parseMoney(v));
    else if (name == "loaner")
      d.loaner = v == "true";
    else if (name == "status")
      d.status = parseStatus(v);
  }
  return d;
}

}  // namespace fk::reconcile
