#pragma once

// Reading the Directory API's JSON: device list pages, ChromeOS device records and error envelopes.
// Pure functions (no I/O), so every mapping and classification decision is unit-tested on fixtures.

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/source.hpp"

namespace fk::google_admin {

// One page of `devices/chromeos`. A body that is not the JSON object the API sends (truncated,
// malformed, wrong types) is an error: the poll must fail rather than apply half a listing.
struct DevicePage {
  std::vector<nlohmann::json> devices;
  std::string next_page_token;  // "" on the last page
};
std::optional<DevicePage> parseDevicePage(std::string_view body, std::string& error);

// A ChromeOS device record as an observation; nullopt when it carries nothing to match it by
// (no deviceId, serialNumber or MAC). Every field may be missing.
std::optional<api::Observation> mapDevice(const nlohmann::json& device, std::string origin);

// "2020-02-18T00:26:57.326Z", "2020-02-18T01:26:57+01:00" (api::parseRfc3339) or epoch milliseconds
// ("1582000000000").
std::optional<api::TimePoint> parseTimestamp(std::string_view text);

// The UTC calendar day of `t`, "YYYY-MM-DD".
std::string utcDay(api::TimePoint t);

// AUE date (YYYY-MM-DD) from autoUpdateThrough (a date or a timestamp) or, failing that, the
// deprecated autoUpdateExpiration (epoch milliseconds as a string).
std::optional<std::string> aueDate(const nlohmann::json& device);

// "aabbccddeeff" / "AA:BB:CC:DD:EE:FF" / "aa-bb-..." to "aa:bb:cc:dd:ee:ff"; nullopt if not 12 hex digits.
std::optional<std::string> normaliseMac(std::string_view text);

// The maker, when the model name starts with one ("HP Chromebook 11 G9 EE" → "HP"); "" otherwise.
std::string manufacturerFromModel(std::string_view model);

// What to do with a response that is not a success. Google says to decide on error.errors[].reason,
// not on the status code: a 403 can be a quota error (retry) or a missing privilege (never retry).
struct ErrorVerdict {
  api::FailureReason reason = api::FailureReason::bad_response;
  bool retry = false;          // transient: back off and try again
  bool refresh_token = false;  // 401: the access token is no longer good
  std::string message;         // status, reason and Google's message; never a secret
};
ErrorVerdict classifyError(int status, std::string_view body);

}  // namespace fk::google_admin
