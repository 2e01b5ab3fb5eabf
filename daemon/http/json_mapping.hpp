#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog.hpp"
#include "core/device.hpp"
#include "core/error.hpp"
#include "store/device_store.hpp"

namespace fk {

// Deeper JSON than this is refused while parsing: destroying or dumping a deeply nested value recurses.
inline constexpr int kMaxJsonDepth = 64;

// Parses a request body that must be one JSON object. Errors are 400 with details.field "body"; syntax
// errors also carry details.position (byte offset).
Result<nlohmann::json> parseJsonObject(std::string_view body);

// The device as the API shows it. `sightings` fills "seen"; without it "seen" is {}.
nlohmann::json deviceToJson(const Device& device, const std::vector<DeviceSighting>* sightings = nullptr);
// Its "seen" and "suggested_holder" members (http/device_json.cpp writes the rest by hand).
nlohmann::json deviceSeenJson(const std::vector<DeviceSighting>& sightings);
nlohmann::json suggestedHolderJson(const Device& device, const std::vector<DeviceSighting>& sightings);

// What a body may do: create accepts "status" (the initial one) and refuses "version"; patch requires
// "version" and refuses "status" (status moves go through /transitions).
enum class DraftMode { create, patch };

struct ParsedDraft {
  DeviceDraft draft;
  std::int64_t version = 0;  // patch only
};

// Maps a device body to a draft. Every refusal is a 400 whose details.field names the offending field
// (e.g. "macs[2]", "purchase_price"); unknown fields are named too.
// purchase_price takes a decimal string ("289.00") or null; a JSON number is accepted when it has at
// most two decimals, because spreadsheets and scripts send 289.5, but strings are the documented form.
Result<ParsedDraft> deviceDraftFromJson(const nlohmann::json& body, DraftMode mode);

nlohmann::json deviceEventToJson(const DeviceEvent& event);

nlohmann::json catalogModelToJson(const CatalogModel& model);
// The body of PUT /api/v1/models/{model}: {"kind", "unit_cost", "life_years", "aue_date"}. The name comes
// from the path; a "model" field in the body must repeat it.
Result<CatalogModel> catalogModelFromJson(const nlohmann::json& body, const std::string& model_name);

// A string member of a JSON body; with `nullable`, null reads as "" (cleared).
Result<std::string> stringField(const nlohmann::json& v, const std::string& field, bool nullable = false);

// Money in a JSON body: a decimal string, or a number with at most two decimals; never negative.
Result<std::optional<std::int64_t>> moneyFromJson(const nlohmann::json& value, const std::string& field);

// List cursors are opaque to clients: base64url("v1:<id>"), so the encoding can change later.
std::string encodeCursor(std::int64_t after_id);
std::optional<std::int64_t> decodeCursor(std::string_view cursor);

}  // namespace fk
