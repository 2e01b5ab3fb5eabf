#include "core/csv_date.hpp"

#include <array>
#include <charconv>
#include <cstdio>
#include <optional>

#include "core/values.hpp"

namespace fk {
namespace {

// Up to `max_digits` digits, nothing else.
std::optional<int> number(std::string_view s, std::size_t max_digits) {
  if (s.empty() || s.size() > max_digits) return std::nullopt;
  int value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

std::optional<std::string> isoOf(int year, int month, int day) {
  if (month < 1 || month > 12 || day < 1 || day > 31) return std::nullopt;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  if (!isValidDate(buf)) return std::nullopt;
  return std::string(buf);
}

bool isTime(std::string_view t) {
  if (t.size() != 8 || t[2] != ':' || t[5] != ':') return false;
  const auto hh = number(t.substr(0, 2), 2), mm = number(t.substr(3, 2), 2), ss = number(t.substr(6, 2), 2);
  return hh && mm && ss && *hh <= 23 && *mm <= 59 && *ss <= 60;
}

// Splits "a<sep>b<sep>year" into three numbers; the year has 2 or 4 digits.
std::optional<std::array<int, 3>> threeParts(std::string_view s, char sep) {
  const auto first = s.find(sep);
  if (first == std::string_view::npos) return std::nullopt;
  const auto second = s.find(sep, first + 1);
  if (second == std::string_view::npos || s.find(sep, second + 1) != std::string_view::npos) return std::nullopt;
  const auto a = number(s.substr(0, first), 2);
  const auto b = number(s.substr(first + 1, second - first - 1), 2);
  const std::string_view y = s.substr(second + 1);
  if (!a || !b || (y.size() != 2 && y.size() != 4)) return std::nullopt;
  auto year = number(y, 4);
  if (!year) return std::nullopt;
  if (y.size() == 2) *year += 2000;
  return std::array<int, 3>{*a, *b, *year};
}

}  // namespace

CsvDate parseCsvDate(std::string_view cell, DateOrder order) {
  using K = CsvDate::Kind;
  if (const auto space = cell.find(' '); space != std::string_view::npos) {
    if (!isTime(cell.substr(space + 1))) return {};
    cell = cell.substr(0, space);
  }
  if (cell.size() == 10 && cell[4] == '-' && cell[7] == '-') {
    if (!isValidDate(cell)) return {};
    return {K::iso, std::string(cell)};
  }
  if (const auto parts = threeParts(cell, '.')) {
    if (auto iso = isoOf((*parts)[2], (*parts)[1], (*parts)[0])) return {K::iso, std::move(*iso)};
    return {};
  }
  const auto parts = threeParts(cell, '/');
  if (!parts) return {};
  const auto [a, b, year] = *parts;
  auto as_mdy = isoOf(year, a, b);
  auto as_dmy = isoOf(year, b, a);
  if (order == DateOrder::mdy) return as_mdy ? CsvDate{K::mdy, std::move(*as_mdy)} : CsvDate{};
  if (order == DateOrder::dmy) return as_dmy ? CsvDate{K::dmy, std::move(*as_dmy)} : CsvDate{};
  if (as_mdy && as_dmy) {
    if (a == b) return {K::either, std::move(*as_mdy)};
    return {K::ambiguous, {}};
  }
  if (as_mdy) return {K::mdy, std::move(*as_mdy)};
  if (as_dmy) return {K::dmy, std::move(*as_dmy)};
  return {};
}

}  // namespace fk
