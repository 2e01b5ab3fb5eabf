#pragma once

// What every caller of the device field table (core/device_field_table.hpp) does with one field, by
// its type: read and write it on a Device or a DeviceDraft as JSON (the API and the history) or as
// canonical text (CSV, observations), and check it.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/device.hpp"
#include "core/device_field_table.hpp"
#include "core/error.hpp"

namespace fk {

// A field's value as the API shows it and the history records it: null for unset text, dates and
// price; strings for kind, status, price ("289.00"); a bool; an array of MACs. For the server's fields,
// id, version, created_at, updated_at and repair_cost (holder and seen are the HTTP layer's).
nlohmann::json fieldJson(const Device& d, const DeviceField& f);

// Sets `f` from a JSON value of fieldJson's form when the device holds `expected` there; false when it
// does not (or the value does not fit the type). Undoing a recorded change uses it.
bool restoreField(Device& d, const DeviceField& f, const nlohmann::json& expected, const nlohmann::json& value);

// The canonical text of a value: what the CSV export writes and what observations and reconcile compare
// ("" for unset; "true"/"false"; "289.00"; MACs joined by ';').
std::string fieldText(const Device& d, const DeviceField& f);
// The canonical text of what a draft sets, nullopt when it sets nothing (or clears).
std::optional<std::string> draftText(const DeviceDraft& d, const DeviceField& f);
// Sets a draft's field from canonical text (already checked, e.g. by reconcile). Not for macs.
void setFromText(DeviceDraft& d, const DeviceField& f, const std::string& text);

// Whether the draft sets the field, and a draft field set to the device's value ("" left unset).
bool isSet(const DeviceDraft& d, const DeviceField& f);
void copyToDraft(const Device& from, DeviceDraft& to, const DeviceField& f);

// Applies one field of a draft; the change when the value differed.
std::optional<FieldChange> applyField(Device& d, const DeviceDraft& draft, const DeviceField& f);
// Appends the field's first problem in the draft, if any (unset fields are not checked).
void checkField(std::vector<FieldError>& errors, const DeviceDraft& draft, const DeviceField& f);

// Whether `name` is `f`'s name or one of its CSV aliases (`name` lower case).
bool csvNames(const DeviceField& f, std::string_view name);

}  // namespace fk
