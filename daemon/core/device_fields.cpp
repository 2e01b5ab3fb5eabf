#include "core/device_fields.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "core/values.hpp"

namespace fk {
namespace {

using nlohmann::json;

json textJson(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

json priceJson(const std::optional<std::int64_t>& cents) {
  return cents ? json(formatMoney(*cents)) : json(nullptr);
}

std::string textOf(const json& v) {
  return v.is_string() ? v.get<std::string>() : std::string();
}

std::vector<std::string> sortedUnique(std::vector<std::string> macs) {
  std::sort(macs.begin(), macs.end());
  macs.erase(std::unique(macs.begin(), macs.end()), macs.end());
  return macs;
}

}  // namespace

json fieldJson(const Device& d, const DeviceField& f) {
  switch (f.type) {
    case FieldType::text:
    case FieldType::identifier:
    case FieldType::date: return textJson(d.*f.stored);
    case FieldType::money: return priceJson(d.purchase_price_cents);
    case FieldType::kind: return toString(d.kind);
    case FieldType::status: return toString(d.status);
    case FieldType::flag: return d.loaner;
    case FieldType::macs: return d.macs;
    case FieldType::server:
      if (f.name == "id") return d.id;
      if (f.name == "version") return d.version;
      if (f.name == "created_at") return d.created_at;
      if (f.name == "updated_at") return d.updated_at;
      if (f.name == "repair_cost") return formatMoney(d.repair_cost_cents);
      return nullptr;
  }
  return nullptr;
}

bool restoreField(Device& d, const DeviceField& f, const json& expected, const json& value) {
  if (f.readOnly() || fieldJson(d, f) != expected) return false;
  switch (f.type) {
    case FieldType::text:
    case FieldType::identifier:
    case FieldType::date: d.*f.stored = textOf(value); return true;
    case FieldType::money:
      d.purchase_price_cents = value.is_string() ? parseMoney(value.get<std::string>()) : std::nullopt;
      return true;
    case FieldType::kind: d.kind = parseKind(textOf(value)).value_or(d.kind); return true;
    case FieldType::status: d.status = parseStatus(textOf(value)).value_or(d.status); return true;
    case FieldType::flag:
      if (!value.is_boolean()) return false;
      d.loaner = value.get<bool>();
      return true;
    case FieldType::macs:
      if (!value.is_array()) return false;
      d.macs.clear();
      for (const auto& m : value) d.macs.push_back(textOf(m));
      return true;
    case FieldType::server: break;
  }
  return false;
}

std::string fieldText(const Device& d, const DeviceField& f) {
  switch (f.type) {
    case FieldType::text:
    case FieldType::identifier:
    case FieldType::date: return d.*f.stored;
    case FieldType::money: return d.purchase_price_cents ? formatMoney(*d.purchase_price_cents) : "";
    case FieldType::kind: return std::string(toString(d.kind));
    case FieldType::status: return std::string(toString(d.status));
    case FieldType::flag: return d.loaner ? "true" : "false";
    case FieldType::macs: {
      std::string out;
      for (const auto& m : d.macs) {
        if (!out.empty()) out += ';';
        out += m;
      }
      return out;
    }
    case FieldType::server:
      if (f.name == "id") return std::to_string(d.id);
      if (f.name == "version") return std::to_string(d.version);
      if (f.name == "created_at") return d.created_at;
      if (f.name == "updated_at") return d.updated_at;
      if (f.name == "repair_cost") return formatMoney(d.repair_cost_cents);
      return {};
  }
  return {};
}

std::optional<std::string> draftText(const DeviceDraft& d, const DeviceField& f) {
  switch (f.type) {
    case FieldType::text:
    case FieldType::identifier:
    case FieldType::date: {
      const auto& v = d.*f.draft;
      if (v && !v->empty()) return *v;
      return std::nullopt;
    }
    case FieldType::money:
      if (d.purchase_price_cents && *d.purchase_price_cents) return formatMoney(**d.purchase_price_cents);
      return std::nullopt;
    case FieldType::kind:
      if (d.kind) return std::string(toString(*d.kind));
      return std::nullopt;
    case FieldType::status:
      if (d.status) return std::string(toString(*d.status));
      return std::nullopt;
    case FieldType::flag:
      if (d.loaner) return *d.loaner ? "true" : "false";
      return std::nullopt;
    case FieldType::macs:
    case FieldType::server: break;
  }
  return std::nullopt;
}

void setFromText(DeviceDraft& d, const DeviceField& f, const std::string& text) {
  switch (f.type) {
    case FieldType::text:
    case FieldType::identifier:
    case FieldType::date: d.*f.draft = text; break;
    case FieldType::money: d.purchase_price_cents = std::optional<std::int64_t>(parseMoney(text)); break;
    case FieldType::kind: d.kind = parseKind(text); break;
    case FieldType::status: d.status = parseStatus(text); break;
    case FieldType::flag: d.loaner = text == "true"; break;
    case FieldType::macs:
    case FieldType::server: break;
  }
}

bool isSet(const DeviceDraft& d, const DeviceField& f) {
  switch (f.type) {
    case FieldType::text:
    case FieldType::identifier:
    case FieldType::date: return (d.*f.draft).has_value();
    case FieldType::money: return d.purchase_price_cents.has_value();
    case FieldType::kind: return d.kind.has_value();
    case FieldType::status: return d.status.has_value();
    case FieldType::flag: return d.loaner.has_value();
    case FieldType::macs: return d.macs.has_value();
    case FieldType::server: break;
  }
  return false;
}

void copyToDraft(const Device& from, DeviceDraft& to, const DeviceField& f) {
  switch (f.type) {
    case FieldType::text:
    case FieldType::identifier:
    case FieldType::date:
      if (!(from.*f.stored).empty()) to.*f.draft = from.*f.stored;
      break;
    case FieldType::money: to.purchase_price_cents = from.purchase_price_cents; break;
    case FieldType::kind: to.kind = from.kind; break;
    case FieldType::status: to.status = from.status; break;
    case FieldType::flag: to.loaner = from.loaner; break;
    case FieldType::macs: to.macs = from.macs; break;
    case FieldType::server: break;
  }
}

std::optional<FieldChange> applyField(Device& d, const DeviceDraft& draft, const DeviceField& f) {
  const std::string name(f.name);
  switch (f.type) {
    case FieldType::text:
    case FieldType::identifier:
    case FieldType::date: {
      const auto& wanted = draft.*f.draft;
      std::string& current = d.*f.stored;
      if (!wanted || *wanted == current) return std::nullopt;
      FieldChange change{name, textJson(current), textJson(*wanted)};
      current = *wanted;
      return change;
    }
    case FieldType::money: {
      if (!draft.purchase_price_cents || *draft.purchase_price_cents == d.purchase_price_cents) return std::nullopt;
      FieldChange change{name, priceJson(d.purchase_price_cents), priceJson(*draft.purchase_price_cents)};
      d.purchase_price_cents = *draft.purchase_price_cents;
      return change;
    }
    case FieldType::kind: {
      if (!draft.kind || *draft.kind == d.kind) return std::nullopt;
      FieldChange change{name, std::string(toString(d.kind)), std::string(toString(*draft.kind))};
      d.kind = *draft.kind;
      return change;
    }
    case FieldType::flag: {
      if (!draft.loaner || *draft.loaner == d.loaner) return std::nullopt;
      FieldChange change{name, d.loaner, *draft.loaner};
      d.loaner = *draft.loaner;
      return change;
    }
    case FieldType::macs: {
      if (!draft.macs) return std::nullopt;
      // The stored list is sorted and unique, so compare in that form: order alone is not a change.
      auto macs = sortedUnique(*draft.macs);
      if (macs == d.macs) return std::nullopt;
      FieldChange change{name, d.macs, macs};
      d.macs = std::move(macs);
      return change;
    }
    case FieldType::status:  // set on create, changed only by a transition
    case FieldType::server: break;
  }
  return std::nullopt;
}

void checkField(std::vector<FieldError>& errors, const DeviceDraft& draft, const DeviceField& f) {
  const char* name = f.name.data();  // the table's names are literals, so NUL-terminated
  switch (f.type) {
    case FieldType::text: checkText(errors, name, draft.*f.draft, f.max_bytes, f.multi_line); break;
    case FieldType::identifier: {
      // Tags and serials are typed and scanned; a stray space would make a barcode lookup miss.
      const auto& value = draft.*f.draft;
      const auto before = errors.size();
      checkText(errors, name, value, f.max_bytes);
      if (!value || errors.size() != before || value->empty()) break;
      if (value->front() == ' ' || value->back() == ' ') {
        errors.push_back({0, name, "must not start or end with a space"});
      }
      break;
    }
    case FieldType::date: {
      const auto& value = draft.*f.draft;
      if (value && !value->empty() && !isValidDate(*value)) {
        errors.push_back({0, name, "\"" + *value + "\" is not a date (YYYY-MM-DD)"});
      }
      break;
    }
    case FieldType::money:
      if (draft.purchase_price_cents && *draft.purchase_price_cents && **draft.purchase_price_cents < 0) {
        errors.push_back({0, name, "must not be negative"});
      }
      break;
    case FieldType::macs:
      if (!draft.macs) break;
      for (const auto& mac : *draft.macs) {
        if (normaliseMac(mac) != mac) {
          errors.push_back({0, name, "\"" + mac + "\" is not a MAC address (aa:bb:cc:dd:ee:ff)"});
        }
      }
      break;
    case FieldType::kind:  // typed: a draft cannot hold a bad one
    case FieldType::status:
    case FieldType::flag:
    case FieldType::server: break;
  }
}

bool csvNames(const DeviceField& f, std::string_view name) {
  if (name == f.name) return true;
  std::string_view rest = f.csv_aliases;
  while (!rest.empty()) {
    const auto bar = rest.find('|');
    if (rest.substr(0, bar) == name) return true;
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 1);
  }
  return false;
}

}  // namespace fk
