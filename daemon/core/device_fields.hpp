#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/device.hpp"

namespace fk {

// The text and date fields of a device by their API name (asset_tag, serial, manufacturer, model,
// purchase_date, vendor, po_number, funding_source, warranty_end, aue_date, location, org_unit,
// notes, name, model_number, replacement_date): one table for every place that turns a field name into a member, so a new field is added
// once. nullptr for any other name, including the typed fields (kind, status, purchase_price,
// macs, loaner), which each caller converts its own way.
std::optional<std::string>* textField(DeviceDraft& draft, std::string_view name);
std::string* textField(Device& device, std::string_view name);
const std::string* textField(const Device& device, std::string_view name);

}  // namespace fk
