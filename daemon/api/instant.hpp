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

// How an RFC 3339 instant may be spelled.
enum class InstantSyntax {
  // Exactly what fleetkeep writes (`formatInstant`): "2026-11-27T08:30:00Z", nothing else.
  fleetkeep,
  // What outside APIs write as well: 't' and 'z', a fraction of a second of any length (kept to the
  // millisecond), an offset ("+01:00", "-05:30") instead of Z, and a leap second ":60" (the next
  // second). Google and Graph send these.
  outside,
};

namespace instant_detail {
// The `n`-digit number at `at`, or nullopt if any of those characters is not a digit (or is missing).
inline std::optional<int> digits(std::string_view text, std::size_t at, std::size_t n) {
  if (at + n > text.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    v = v * 10 + (text[i] - '0');
  }
  return v;
}
}  // namespace instant_detail

// An RFC 3339 instant ("YYYY-MM-DDTHH:MM:SS" then the zone) as a time point: a real calendar day,
// a real time of day, and the instant in range (1970 to 2199, see instantFromCivil); nullopt for
// anything else, including a date without a time or a time without a zone.
inline std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view t,
                                                                         InstantSyntax syntax) {
  using namespace std::chrono;
  using instant_detail::digits;
  const bool outside = syntax == InstantSyntax::outside;
  if (t.size() < 20) return std::nullopt;
  const auto y = digits(t, 0, 4), mo = digits(t, 5, 2), d = digits(t, 8, 2);
  const auto h = digits(t, 11, 2), mi = digits(t, 14, 2), s = digits(t, 17, 2);
  if (!y || !mo || !d || !h || !mi || !s || t[4] != '-' || t[7] != '-' || t[13] != ':' || t[16] != ':')
    return std::nullopt;
  if (t[10] != 'T' && !(outside && t[10] == 't')) return std::nullopt;
  if (*h > 23 || *mi > 59 || *s > (outside ? 60 : 59)) return std::nullopt;
  std::size_t i = 19;
  milliseconds fraction{0};
  if (outside && t[i] == '.') {
    const std::size_t start = ++i;
    int ms = 0;
    for (; i < t.size() && t[i] >= '0' && t[i] <= '9'; ++i)
      if (i - start < 3) ms = ms * 10 + (t[i] - '0');
    if (i == start) return std::nullopt;
    for (std::size_t k = i - start; k < 3; ++k) ms *= 10;
    fraction = milliseconds{ms};
  }
  seconds offset{0};
  const std::string_view zone = t.substr(i);
  if (zone == "Z" || (outside && zone == "z")) {
    // UTC
  } else if (outside && zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    const auto oh = digits(zone, 1, 2), om = digits(zone, 4, 2);
    if (!oh || !om || *oh > 23 || *om > 59) return std::nullopt;
    offset = hours{*oh} + minutes{*om};
    if (zone[0] == '-') offset = -offset;
  } else {
    return std::nullopt;
  }
  const year_month_day day{year{*y}, month{static_cast<unsigned>(*mo)},
                           std::chrono::day{static_cast<unsigned>(*d)}};
  return instantFromCivil(day, hours{*h} + minutes{*mi} + seconds{*s} - offset, fraction);
}

}  // namespace fk::api
