#include "core/device.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/device_fields.hpp"

namespace fk {
namespace {

constexpr std::array kDeviceStatuses{DeviceStatus::on_order,  DeviceStatus::in_stock, DeviceStatus::deployed,
                                     DeviceStatus::in_repair, DeviceStatus::lost,     DeviceStatus::stolen,
                                     DeviceStatus::retired,   DeviceStatus::disposed};
constexpr std::array kKinds{DeviceKind::chromebook, DeviceKind::laptop, DeviceKind::tablet,
                            DeviceKind::desktop, DeviceKind::other};

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
  for (auto status : kDeviceStatuses) {
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
  return kDeviceStatuses;
}
std::span<const DeviceKind> allKinds() {
  return kKinds;
}

std::vector<FieldChange> applyDraft(Device& device, const DeviceDraft& draft) {
  std::vector<FieldChange> changes;
  for (const DeviceField& f : kDeviceFields) {
    if (auto change = applyField(device, draft, f)) changes.push_back(std::move(*change));
  }
  return changes;
}

std::vector<FieldError> validateDraft(const DeviceDraft& draft) {
  std::vector<FieldError> errors;
  for (const DeviceField& f : kDeviceFields) checkField(errors, draft, f);
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
