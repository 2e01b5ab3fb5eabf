#pragma once

// Instants read from outside input (an API page, a lease file, a stored text) as time points. A
// system_clock time point counts nanoseconds in 64 bits and wraps after 2262-04-11, so a year a server
// or a file invents far ahead must be refused before the conversion: wrapped, it would land in the past
// and make a device look long unseen.

#include <chrono>
#include <cstdint>
#include <optional>

namespace fk::api {

// 2200-01-01T00:00:00Z: no real sync, lease or due date comes near it, and it is far from the wrap.
inline constexpr std::int64_t kInstantLimitSeconds = 7'258'118'400;

// Seconds since 1970 as a time point, or nullopt before 1970 or from 2200 on.
inline std::optional<std::chrono::system_clock::time_point> instantFromSeconds(std::int64_t seconds) {
  if (seconds < 0 || seconds >= kInstantLimitSeconds) return std::nullopt;
  return std::chrono::system_clock::time_point{std::chrono::seconds(seconds)};
}

// A UTC calendar day plus a time of day (which may carry a zone offset already subtracted), in range
// as above. The arithmetic stays in seconds, which cannot overflow for any year_month_day.
inline std::optional<std::chrono::system_clock::time_point> instantFromCivil(
    std::chrono::year_month_day day, std::chrono::seconds time_of_day,
    std::chrono::milliseconds fraction = std::chrono::milliseconds{0}) {
  if (!day.ok()) return std::nullopt;
  const std::int64_t days = std::chrono::sys_days{day}.time_since_epoch().count();
  auto at = instantFromSeconds(days * 86'400 + time_of_day.count());
  if (!at) return std::nullopt;
  return *at + fraction;
}

}  // namespace fk::api
