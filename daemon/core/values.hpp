#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fk {

// Money is integer cents; text is "54.00" (also accepts "54", "54.5", "$1,234.50" from spreadsheets).
std::optional<std::int64_t> parseMoney(std::string_view text);
std::string formatMoney(std::int64_t cents);

// ISO 8601 calendar date "YYYY-MM-DD", checked for a real day (no 2027-02-30).
bool isValidDate(std::string_view text);
std::optional<std::chrono::year_month_day> parseDate(std::string_view text);
std::string formatDate(std::chrono::year_month_day ymd);

// RFC 3339 UTC instant with seconds, e.g. "2026-11-27T08:30:00Z".
std::string formatInstant(std::chrono::system_clock::time_point t);
std::string nowInstant();
// The inverse of formatInstant, for instants fleetkeep stored itself: exactly that form, nothing else
// (api::parseRfc3339's fleetkeep syntax; outside APIs' spellings are its outside syntax).
std::optional<std::chrono::system_clock::time_point> parseInstant(std::string_view text);

// MAC address in any common spelling (aa:bb.., AA-BB-.., aabb.ccdd.eeff, aabbccddeeff) to "aa:bb:cc:dd:ee:ff".
std::optional<std::string> normaliseMac(std::string_view text);

// Durations in config: "30s", "5m", "1h", "1d" (also combinations like "1h30m"). The one parser is
// api::parseConfigDuration, so plugins' keys and the core's read durations alike.
std::optional<std::chrono::seconds> parseDuration(std::string_view text);

// Sizes in config: "10MiB", "256MiB", "512KiB", "1GiB", "1000" (bytes), also "10MB" (decimal).
std::optional<std::uint64_t> parseByteSize(std::string_view text);

}  // namespace fk
