#include "core/device.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/text.hpp"
#include "core/values.hpp"

namespace fk {
namespace {

constexpr std::array kStatuses{DeviceStatus::on_order,  DeviceStatus::in_stock, DeviceStatus::deployed,
                               DeviceStatus::in_repair, DeviceStatus::lost,     DeviceStatus::stolen,
                               DeviceStatus::retired,   DeviceStatus::disposed};
constexpr std::array kKinds{DeviceKind::chromebook, DeviceKind::laptop, DeviceKind::tablet,
                            DeviceKind::desktop, DeviceKind::other};

constexpr std::size_t kMaxIdentifier = 128;
constexpr std::size_t kMaxText = 256;
constexpr std::size_t kMaxNotes = 10000;

// Tags and serials are typed and scanned; a stray space would make a barcode lookup miss.
void checkIdentifier(std::vector<FieldError>& errors, const char* field,
                     const std::optional<std::string>& value) {
  const auto before = errors.size();
  checkText(errors, field, value, kMaxIdentifier);
  if (!value || errors.size() != before || value->empty()) return;
  if (value->front() == ' ' || value->back() == ' ') {
    errors.push_back({0, field, "must not start or end with a space"});
  }
}

void checkDate(std::vector<FieldError>& errors, const char* field, const std::optional<std::string>& value) {
  if (value && !value->empty() && !isValidDate(*value)) {
    errors.push_back({0, field, "\"" + *value + "\" is not a date (YYYY-MM-DD)"});
  }
}

nlohmann::json textJson(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

nlohmann::json priceJson(const std::optional<std::int64_t>& cents) {
  return cents ? nlohmann::json(formatMoney(*cents)) : nlohmann::json(nullptr);
}

void applyText(std::vector<FieldChange>& changes, const char* field, std::string& current,
               const std::optional<std::string>& wanted) {
  if (!wanted || *wanted == current) return;
  changes.push_back({field, textJson(current), textJson(*wanted)});
  current = *wanted;
}

}  // namespace

std::string_view toString(DeviceStatus s) {
  switch (s) {
    case DeviceStatus::on_order: return "on_order";
    case DeviceStatus::in_stock: return "in_stock";
    case DeviceStatus::deployed: return "deployed";
    case DeviceStatus::in_repair: return "in_repair";
    case DeviceStatus::lost: return "lost";
    case DeviceStatus::stolen: return "stolen";
    case DeviceStatus::retired: return "retired";
    case DeviceStatus::disposed: return "disposed";
  }
  return "unknown";
}

std::string_view toString(DeviceKind k) {
  switch (k) {
    case DeviceKind::chromebook: return "chromebook";
    case DeviceKind::laptop: return "laptop";
    case DeviceKind::tablet: return "tablet";
    case DeviceKind::desktop: return "desktop";
    case DeviceKind::other: return "other";
  }
  return "unknown";
}

std::optional<DeviceStatus> parseStatus(std::string_view s) {
  for (auto status : kStatuses) {
    if (toString(status) == s) return status;
  }
  return std::nullopt;
}

std::optional<DeviceKind> parseKind(std::string_view s) {
  for (auto kind : kKinds) {
    if (toString(kind) == s) return kind;
  }
  return std::nullopt;
}

std::span<const DeviceStatus> allStatuses() {
  return kStatuses;
}
std::span<const DeviceKind> allKinds() {
  return kKinds;
}

std::vector<FieldChange> applyDraft(Device& device, const DeviceDraft& draft) {
  std::vector<FieldChange> changes;
  applyText(changes, "asset_tag", device.asset_tag, draft.asset_tag);
  applyText(changes, "serial", device.serial, draft.serial);
  if (draft.kind && *draft.kind != device.kind) {
    changes.push_back({"kind", std::string(toString(device.kind)), std::string(toString(*draft.kind))});
    device.kind = *draft.kind;
  }
  applyText(changes, "manufacturer", device.manufacturer, draft.manufacturer);
  applyText(changes, "model", device.model, draft.model);
  applyText(changes, "purchase_date", device.purchase_date, draft.purchase_date);
  if (draft.purchase_price_cents && *draft.purchase_price_cents != device.purchase_price_cents) {
    changes.push_back(
        {"purchase_price", priceJson(device.purchase_price_cents), priceJson(*draft.purchase_price_cents)});
    device.purchase_price_cents = *draft.purchase_price_cents;
  }
  applyText(changes, "vendor", device.vendor, draft.vendor);
  applyText(changes, "po_number", device.po_number, draft.po_number);
  applyText(changes, "funding_source", device.funding_source, draft.funding_source);
  applyText(changes, "warranty_end", device.warranty_end, draft.warranty_end);
  applyText(changes, "aue_date", device.aue_date, draft.aue_date);
  applyText(changes, "location", device.location, draft.location);
  applyText(changes, "org_unit", device.org_unit, draft.org_unit);
  if (draft.macs) {
    // The stored list is sorted and unique, so compare in that form: order alone is not a change.
    auto macs = *draft.macs;
    std::sort(macs.begin(), macs.end());
    macs.erase(std::unique(macs.begin(), macs.end()), macs.end());
    if (macs != device.macs) {
      changes.push_back({"macs", device.macs, macs});
      device.macs = std::move(macs);
    }
  }
  if (draft.loaner && *draft.loaner != device.loaner) {
    changes.push_back({"loaner", device.loaner, *draft.loaner});
    device.loaner = *draft.loaner;
  }
  applyText(changes, "notes", device.notes, draft.notes);
  applyText(changes, "name", device.name, draft.name);
  applyText(changes, "model_number", device.model_number, draft.model_number);
  applyText(changes, "replacement_date", device.replacement_date, draft.replacement_date);
  return changes;
}

std::vector<FieldError> validateDraft(const DeviceDraft& draft) {
  std::vector<FieldError> errors;
  checkIdentifier(errors, "asset_tag", draft.asset_tag);
  checkIdentifier(errors, "serial", draft.serial);
  checkText(errors, "manufacturer", draft.manufacturer, kMaxText);
  checkText(errors, "model", draft.model, kMaxText);
  checkDate(errors, "purchase_date", draft.purchase_date);
  if (draft.purchase_price_cents && *draft.purchase_price_cents && **draft.purchase_price_cents < 0) {
    errors.push_back({0, "purchase_price", "must not be negative"});
  }
  checkText(errors, "vendor", draft.vendor, kMaxText);
  checkText(errors, "po_number", draft.po_number, kMaxText);
  checkText(errors, "funding_source", draft.funding_source, kMaxText);
  checkDate(errors, "warranty_end", draft.warranty_end);
  checkDate(errors, "aue_date", draft.aue_date);
  checkText(errors, "location", draft.location, kMaxText);
  checkText(errors, "org_unit", draft.org_unit, kMaxText);
  if (draft.macs) {
    for (const auto& mac : *draft.macs) {
      if (normaliseMac(mac) != mac) {
        errors.push_back({0, "macs", "\"" + mac + "\" is not a MAC address (aa:bb:cc:dd:ee:ff)"});
      }
    }
  }
  checkText(errors, "notes", draft.notes, kMaxNotes, /*multi_line=*/true);
  checkText(errors, "name", draft.name, kMaxText);
  checkText(errors, "model_number", draft.model_number, kMaxText);
  checkDate(errors, "replacement_date", draft.replacement_date);
  return errors;
}

std::vector<FieldError> validateNewDevice(const DeviceDraft& draft) {
  auto errors = validateDraft(draft);
  const bool has_tag = draft.asset_tag && !draft.asset_tag->empty();
  const bool has_serial = draft.serial && !draft.serial->empty();
  if (!has_tag && !has_serial) {
    errors.insert(errors.begin(), FieldError{0, "serial", "a serial or an asset_tag is required"});
  }
  return errors;
}

Result<DeviceRef> parseDeviceRef(std::string_view text) {
  auto refused = [&] {
    return std::unexpected(Error::invalid("ref", "device reference \"" + std::string(text) +
                                                     "\" is not an id, tag:ASSET_TAG or serial:SERIAL"));
  };
  constexpr std::string_view kTag = "tag:";
  constexpr std::string_view kSerial = "serial:";
  if (text.starts_with(kTag) && text.size() > kTag.size()) {
    return DeviceRef{DeviceRef::By::asset_tag, 0, std::string(text.substr(kTag.size()))};
  }
  if (text.starts_with(kSerial) && text.size() > kSerial.size()) {
    return DeviceRef{DeviceRef::By::serial, 0, std::string(text.substr(kSerial.size()))};
  }
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return refused();
  }
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc{} || end != text.data() + text.size() || id <= 0) return refused();
  return DeviceRef{DeviceRef::By::id, id, {}};
}

std::string toString(const DeviceRef& ref) {
  switch (ref.by) {
    case DeviceRef::By::id: return std::to_string(ref.id);
    case DeviceRef::By::asset_tag: return "tag:" + ref.value;
    case DeviceRef::By::serial: return "serial:" + ref.value;
  }
  return {};
}

}  // namespace fk
