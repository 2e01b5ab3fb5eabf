#pragma once

#include <chrono>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/source.hpp"

namespace fk::intune {

// The managedDevices properties the plugin reads; asked for with $select so pages stay small.
inline constexpr const char* kSelect =
    "id,deviceName,serialNumber,manufacturer,model,operatingSystem,osVersion,lastSyncDateTime,"
    "enrolledDateTime,complianceState,userPrincipalName,wiFiMacAddress,ethernetMacAddress,azureADDeviceId";

// RFC 3339 as outside APIs write it (api::parseRfc3339: "2026-10-06T10:00:00.1234567Z", "...+02:00"), to
// the whole second. Graph writes "0001-01-01T00:00:00Z" for "never", which comes back as nullopt.
std::optional<api::TimePoint> parseInstant(std::string_view text);
std::string formatInstant(api::TimePoint t);

// "A1B2C3D4E5F6", "a1:b2:...", "A1-B2-..." to "a1:b2:c3:d4:e5:f6"; nullopt when it is not 6 octets or all
// zeros.
std::optional<std::string> normaliseMac(std::string_view text);

struct Token {
  std::string access_token;
  std::chrono::seconds expires_in{0};
};
// The token endpoint's answer; an error names the OAuth error code, never the secret.
std::expected<Token, std::string> parseTokenResponse(std::string_view body);
// Graph and Entra error bodies: {"error": {"code", "message"}} or {"error": "...", "error_description"}.
std::string describeError(int status, std::string_view body);

struct Page {
  std::vector<api::Observation> devices;
  std::vector<std::pair<std::string, std::string>> skipped;  // origin, reason
  std::string next_link;                                     // "" on the last page
};
// One page of GET deviceManagement/managedDevices. `page` numbers origins ("page 2 item 7").
std::expected<Page, std::string> parsePage(std::string_view body, int page);

}  // namespace fk::intune
