#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"

namespace fk {

enum class DeviceStatus { on_order, in_stock, deployed, in_repair, lost, stolen, retired, disposed };
enum class DeviceKind { chromebook, laptop, tablet, desktop, other };

std::string_view toString(DeviceStatus s);
std::string_view toString(DeviceKind k);
std::optional<DeviceStatus> parseStatus(std::string_view s);
std::optional<DeviceKind> parseKind(std::string_view s);
std::span<const DeviceStatus> allStatuses();
std::span<const DeviceKind> allKinds();

// A device as stored. Optional text fields use "" for "not set"; dates are ISO 8601 "YYYY-MM-DD" or "".
struct Device {
  std::int64_t id = 0;
  std::string asset_tag;  // "" = none (serial is then set)
  std::string serial;     // "" = none (asset_tag is then set)
  DeviceKind kind = DeviceKind::other;
  std::string manufacturer;
  std::string model;
  std::string purchase_date;
  std::optional<std::int64_t> purchase_price_cents;
  std::string vendor;
  std::string po_number;
  std::string funding_source;
  std::string warranty_end;
  std::string aue_date;
  std::string location;
  std::string org_unit;
  std::vector<std::string> macs;  // normalised "aa:bb:cc:dd:ee:ff", sorted, unique
  bool loaner = false;
  DeviceStatus status = DeviceStatus::in_stock;
  std::string notes;
  std::string name;              // a display name ("Library cart 3 #12"), e.g. Snipe-IT's asset name
  std::string model_number;      // the maker's model number (SKU), beside the model name
  std::string replacement_date;  // planned replacement (Snipe-IT's "Asset EOL Date"); the plan honours it
  std::int64_t version = 0;
  std::string created_at;  // RFC 3339 UTC
  std::string updated_at;
  std::int64_t repair_cost_cents = 0;  // lifetime parts + labour of its work orders; kept by the work-order store
  // Who has it while it is out on loan (its open checkout); read with the row, never written through it.
  struct Holder {
    std::int64_t checkout_id = 0;
    std::string person_external_id;  // "" when lent to a location
    std::string person_name;
    std::string location;
    std::string due;
    std::string person_email;  // "" when none (or lent to a location)
  };
  std::optional<Holder> holder;
};

// Fields a caller may set, each optional: absent means "leave as is" (PATCH, CSV re-import) or
// "use the default" (create). Dates, price and texts use "" / nullopt-inside to clear.
struct DeviceDraft {
  std::optional<std::string> asset_tag, serial, manufacturer, model, purchase_date, vendor, po_number,
      funding_source, warranty_end, aue_date, location, org_unit, notes, name, model_number, replacement_date;
  std::optional<DeviceKind> kind;
  std::optional<std::optional<std::int64_t>> purchase_price_cents;
  std::optional<std::vector<std::string>> macs;  // already normalised
  std::optional<bool> loaner;
  std::optional<DeviceStatus> status;  // initial status on create/import only
};

// One field's change, for the event history. Values are JSON (null, string, number, bool, array).
struct FieldChange {
  std::string field;
  nlohmann::json old_value;
  nlohmann::json new_value;
};

// Applies `draft` onto `device` (status excluded) and returns what changed, in field order. Pure.
std::vector<FieldChange> applyDraft(Device& device, const DeviceDraft& draft);

// Checks the fields a draft sets (dates real, identifiers without control characters or surrounding
// spaces, lengths bounded, MACs normalised); absent fields are not checked. For PATCH.
std::vector<FieldError> validateDraft(const DeviceDraft& draft);
// validateDraft plus what a new device needs: a serial or an asset tag.
std::vector<FieldError> validateNewDevice(const DeviceDraft& draft);

// How the API and CLI name a device: "123", "tag:CB-1001" or "serial:5CD1234".
struct DeviceRef {
  enum class By { id, asset_tag, serial } by = By::id;
  std::int64_t id = 0;
  std::string value;
};
Result<DeviceRef> parseDeviceRef(std::string_view text);
std::string toString(const DeviceRef& ref);

}  // namespace fk
