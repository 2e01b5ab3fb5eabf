#pragma once

/// @file
/// The config file's scalar syntax: durations, flags, whole numbers. The core's config reader and every
/// plugin's ConfigKeys decode through these functions, so a value means the same under any key of the file.

#include <yaml-cpp/yaml.h>

#include <array>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

namespace fk::api {

/// Parses "30s", "5m", "1h", "1d" and combinations with the units largest first, each once ("1h30m";
/// not "30m1h" nor "1h1h"). Returns nullopt for anything else, for zero, and past 100 years (a steady-clock
/// time point in nanoseconds overflows at 292).
inline std::optional<std::chrono::seconds> parseConfigDuration(std::string_view text) {
  constexpr std::string_view kUnits = "dhms";
  constexpr std::array<std::int64_t, 4> kSeconds{86400, 3600, 60, 1};
  constexpr std::int64_t kMax = 100LL * 365 * 86400;
  if (text.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t next_unit = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t amount = 0;
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      if (amount > kMax) return std::nullopt;
      amount = amount * 10 + (text[i] - '0');
      ++i;
    }
    if (i == start || i == text.size()) return std::nullopt;
    const auto unit = kUnits.find(text[i]);
    if (unit == std::string_view::npos || unit < next_unit) return std::nullopt;
    next_unit = unit + 1;
    ++i;
    if (amount > kMax / kSeconds[unit]) return std::nullopt;
    total += amount * kSeconds[unit];
    if (total > kMax) return std::nullopt;
  }
  if (total == 0) return std::nullopt;
  return std::chrono::seconds{total};
}

/// A flag: true/false, also yes/no, on/off and y/n as YAML 1.1 spells them (yaml-cpp's own decoding).
inline std::optional<bool> parseConfigBool(const YAML::Node& node) {
  bool value = false;
  if (node.IsScalar() && YAML::convert<bool>::decode(node, value)) return value;
  return std::nullopt;
}

/// A whole number in [min, max], decimal digits with an optional leading '-', nothing else.
inline std::optional<std::int64_t> parseConfigInteger(std::string_view text, std::int64_t min,
                                                      std::int64_t max) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || value < min || value > max)
    return std::nullopt;
  return value;
}

/// How a value is shown in a problem message: a scalar in quotes, anything else by its kind.
inline std::string describeConfigValue(const YAML::Node& node) {
  if (node.IsScalar()) return "\"" + node.Scalar() + "\"";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "nothing";
}

/// The problem message for text that parseConfigDuration() refused.
inline std::string notADuration(std::string_view text) {
  return "\"" + std::string(text) + "\" is not a duration (e.g. 30s, 5m, 1h, 1d, 1h30m)";
}

}  // namespace fk::api
