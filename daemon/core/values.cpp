#include "core/values.hpp"

#include <array>
#include <cstdio>
#include <ctime>
#include <limits>

#include "api/config_syntax.hpp"
#include "api/instant.hpp"

namespace fk {
namespace {

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends one decimal digit to `value`, refusing overflow instead of wrapping.
template <class T>
bool pushDigit(T& value, char c) {
  const T digit = static_cast<T>(c - '0');
  if (value > (std::numeric_limits<T>::max() - digit) / 10) return false;
  value = value * 10 + digit;
  return true;
}

// Reads the integer part of an amount: plain digits, or digits grouped in threes by commas.
std::optional<std::int64_t> parseWholeUnits(std::string_view text) {
  if (text.empty()) return std::nullopt;
  const bool grouped = text.find(',') != std::string_view::npos;
  std::int64_t value = 0;
  std::size_t group_len = 0;
  bool first_group = true;
  for (char c : text) {
    if (c == ',') {
      if (group_len == 0 || (first_group ? group_len > 3 : group_len != 3)) return std::nullopt;
      first_group = false;
      group_len = 0;
      continue;
    }
    if (!isDigit(c) || !pushDigit(value, c)) return std::nullopt;
    ++group_len;
  }
  if (grouped && group_len != 3) return std::nullopt;
  return value;
}

std::string pad(unsigned value, int width) {
  std::array<char, 16> buf{};
  std::snprintf(buf.data(), buf.size(), "%0*u", width, value);
  return buf.data();
}

}  // namespace

std::optional<std::int64_t> parseMoney(std::string_view text) {
  if (!text.empty() && text.front() == '$') text.remove_prefix(1);
  const auto dot = text.find('.');
  const auto whole = parseWholeUnits(text.substr(0, dot));
  if (!whole) return std::nullopt;
  std::int64_t cents = 0;
  if (dot != std::string_view::npos) {
    const auto fraction = text.substr(dot + 1);
    // A dangling "54." or sub-cent "54.005" is more likely a typo than an amount.
    if (fraction.empty() || fraction.size() > 2) return std::nullopt;
    for (char c : fraction) {
      if (!isDigit(c)) return std::nullopt;
    }
    cents = (fraction[0] - '0') * 10 + (fraction.size() == 2 ? fraction[1] - '0' : 0);
  }
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  if (*whole > (kMax - cents) / 100) return std::nullopt;
  return *whole * 100 + cents;
}

std::string formatMoney(std::int64_t cents) {
  const bool negative = cents < 0;
  // Work in unsigned so INT64_MIN does not overflow on negation.
  const std::uint64_t magnitude =
      negative ? std::uint64_t{0} - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += '.';
  out += pad(static_cast<unsigned>(magnitude % 100), 2);
  return out;
}

std::optional<std::chrono::year_month_day> parseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int y = 0;
  unsigned m = 0, d = 0;
  for (std::size_t i = 0; i < 10; ++i) {
    if (i == 4 || i == 7) continue;
    if (!isDigit(text[i])) return std::nullopt;
    const int digit = text[i] - '0';
    if (i < 4)
      y = y * 10 + digit;
    else if (i < 7)
      m = m * 10 + digit;
    else
      d = d * 10 + digit;
  }
  if (y == 0) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return ymd;
}

bool isValidDate(std::string_view text) {
  return parseDate(text).has_value();
}

std::string formatDate(std::chrono::year_month_day ymd) {
  return pad(static_cast<unsigned>(static_cast<int>(ymd.year())), 4) + '-' +
         pad(static_cast<unsigned>(ymd.month()), 2) + '-' + pad(static_cast<unsigned>(ymd.day()), 2);
}

std::string formatInstant(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const hh_mm_ss hms{secs - day};
  return formatDate(year_month_day{day}) + 'T' + pad(static_cast<unsigned>(hms.hours().count()), 2) + ':' +
         pad(static_cast<unsigned>(hms.minutes().count()), 2) + ':' +
         pad(static_cast<unsigned>(hms.seconds().count()), 2) + 'Z';
}

std::string nowInstant() {
  return formatInstant(std::chrono::system_clock::now());
}

std::optional<std::chrono::system_clock::time_point> parseInstant(std::string_view text) {
  return api::parseRfc3339(text, api::InstantSyntax::fleetkeep);
}

std::optional<std::string> normaliseMac(std::string_view text) {
  std::string hex;
  hex.reserve(12);
  if (text.size() == 17) {
    // aa:bb:cc:dd:ee:ff or AA-BB-CC-DD-EE-FF; one separator throughout.
    const char sep = text[2];
    if (sep != ':' && sep != '-') return std::nullopt;
    for (std::size_t i = 0; i < 17; ++i) {
      if (i % 3 == 2) {
        if (text[i] != sep) return std::nullopt;
      } else {
        hex += text[i];
      }
    }
  } else if (text.size() == 14) {
    // Cisco: aabb.ccdd.eeff
    for (std::size_t i = 0; i < 14; ++i) {
      if (i % 5 == 4) {
        if (text[i] != '.') return std::nullopt;
      } else {
        hex += text[i];
      }
    }
  } else if (text.size() == 12) {
    hex = text;
  } else {
    return std::nullopt;
  }
  std::string out;
  out.reserve(17);
  for (std::size_t i = 0; i < 12; ++i) {
    const int v = hexValue(hex[i]);
    if (v < 0) return std::nullopt;
    if (i > 0 && i % 2 == 0) out += ':';
    out += "0123456789abcdef"[v];
  }
  return out;
}

std::optional<std::chrono::seconds> parseDuration(std::string_view text) {
  return api::parseConfigDuration(text);
}

std::optional<std::uint64_t> parseByteSize(std::string_view text) {
  std::uint64_t value = 0;
  std::size_t i = 0;
  while (i < text.size() && isDigit(text[i])) {
    if (!pushDigit(value, text[i])) return std::nullopt;
    ++i;
  }
  if (i == 0) return std::nullopt;
  struct Unit {
    std::string_view name;
    std::uint64_t factor;
  };
  static constexpr std::array<Unit, 8> kUnits{{{"", 1},
                                               {"B", 1},
                                               {"KiB", 1ull << 10},
                                               {"MiB", 1ull << 20},
                                               {"GiB", 1ull << 30},
                                               {"KB", 1000},
                                               {"MB", 1000ull * 1000},
                                               {"GB", 1000ull * 1000 * 1000}}};
  const auto suffix = text.substr(i);
  for (const auto& unit : kUnits) {
    // "kB" is how many people spell a thousand bytes; accept it alongside "KB".
    const bool match = suffix == unit.name || (unit.name == "KB" && suffix == "kB");
    if (!match) continue;
    if (value > std::numeric_limits<std::uint64_t>::max() / unit.factor) return std::nullopt;
    return value * unit.factor;
  }
  return std::nullopt;
}

}  // namespace fk
