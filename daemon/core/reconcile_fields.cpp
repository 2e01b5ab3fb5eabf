// Reading a source's observation into registry terms: which fields it may set, their canonical text,
// and the hash that tells an unchanged record from a changed one.


#include <algorithm>

#include "core/device_fields.hpp"
#include "core/reconcile.hpp"
#include "core/values.hpp"
#include "core/text.hpp"

namespace fk::reconcile {
namespace {

// The fields an observation may carry: every field a caller writes, except the MACs, which travel
// apart (Observation::macs).
const DeviceField* observable(std::string_view name) {
  const DeviceField* f = findDeviceField(name);
  return f && !f->readOnly() && f->type != FieldType::macs ? f : nullptr;
}

// The canonical text of `value` for a field of type `t`, or nullopt with `why` set.
// Text, identifiers and valid dates are already canonical: `value` is moved, not copied.
std::optional<std::string> canonical(FieldType t, std::string&& value, std::string& why) {
  switch (t) {
    case FieldType::text:
    case FieldType::identifier: return std::move(value);
    case FieldType::date:
      if (isValidDate(value)) return std::move(value);
      why = "\"" + std::string(value) + "\" is not a date (YYYY-MM-DD)";
      return std::nullopt;
    case FieldType::money:
      if (auto cents = parseMoney(value); cents && *cents >= 0) return formatMoney(*cents);
      why = "\"" + std::string(value) + "\" is not an amount (e.g. 289.00)";
      return std::nullopt;
    case FieldType::kind:
      if (auto k = parseKind(lowerAscii(value))) return std::string(toString(*k));
      why = "unknown kind \"" + std::string(value) + "\"";
      return std::nullopt;
    case FieldType::status:
      if (auto s = parseStatus(lowerAscii(value))) return std::string(toString(*s));
      why = "unknown status \"" + std::string(value) + "\"";
      return std::nullopt;
    case FieldType::flag: {
      const std::string v = lowerAscii(value);
      if (v == "true" || v == "yes" || v == "1") return "true";
      if (v == "false" || v == "no" || v == "0") return "false";
      why = "\"" + std::string(value) + "\" is not true or false";
      return std::nullopt;
    }
    case FieldType::macs:
    case FieldType::server: break;
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
    for (const DeviceField& f : kDeviceFields)
      if (!f.readOnly() && f.type != FieldType::status) v.push_back(f.name);
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
    const DeviceField* spec = observable(name);
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
  const DeviceField* f = findDeviceField(field);
  return f && !f->readOnly() ? fk::fieldText(d, *f) : std::string();
}

DeviceDraft draftOf(const std::map<std::string, std::string>& fields) {
  DeviceDraft d;
  for (const auto& [name, v] : fields) {
    if (const DeviceField* f = observable(name)) setFromText(d, *f, v);
  }
  return d;
}

}  // namespace fk::reconcile
