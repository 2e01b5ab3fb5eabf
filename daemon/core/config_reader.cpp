#include "core/config_reader.hpp"

#include <charconv>
#include <set>

#include "api/config_syntax.hpp"
#include "core/values.hpp"

namespace fk::config_detail {

std::string inQuotes(const std::string& s) {
  return "\"" + s + "\"";
}

void Reader::problem(const YAML::Mark& mark, std::string message) {
  // yaml-cpp marks are 0-based; a missing mark (-1) becomes 0:0 rather than a bogus position.
  problems_.push_back(
      {file_, mark.line < 0 ? 0 : mark.line + 1, mark.column < 0 ? 0 : mark.column + 1, std::move(message)});
}

void Reader::problem(const Entry& e, std::string message) {
  // An empty value ("key:") carries the mark of whatever follows it, so point at the key instead.
  const bool value_has_position = e.value.IsDefined() && !e.value.IsNull() && e.value.Mark().line >= 0;
  problem(value_has_position ? e.value.Mark() : e.key.Mark(), e.path + ": " + std::move(message));
}

void Reader::forEach(const YAML::Node& map, const YAML::Mark& where, const std::string& path,
                     const std::function<bool(const Entry&)>& handle) {
  if (!map.IsMap()) {
    problem(map.Mark().line >= 0 && !map.IsNull() ? map.Mark() : where,
            (path.empty() ? std::string("top level") : path) + ": expected a mapping of keys, got " +
                api::describeConfigValue(map));
    return;
  }
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      problem(key.Mark(), "keys must be plain names");
      continue;
    }
    Entry e{key.Scalar(), path.empty() ? key.Scalar() : path + "." + key.Scalar(), key, it->second};
    if (!seen.insert(e.name).second) {
      problem(key.Mark(), "duplicate key " + inQuotes(e.name));
      continue;
    }
    if (!handle(e)) problem(key.Mark(), "unknown key " + inQuotes(e.name));
  }
}

std::optional<std::string> Reader::string(const Entry& e, bool allow_empty) {
  if (!e.value.IsScalar()) {
    problem(e, "expected text, got " + api::describeConfigValue(e.value));
    return std::nullopt;
  }
  if (!allow_empty && e.value.Scalar().empty()) {
    problem(e, "must not be empty");
    return std::nullopt;
  }
  return e.value.Scalar();
}

std::optional<std::int64_t> Reader::integer(const Entry& e, std::int64_t min, std::int64_t max) {
  const std::string range =
      max == INT32_MAX ? ">= " + std::to_string(min) : std::to_string(min) + " to " + std::to_string(max);
  auto value = e.value.IsScalar() ? api::parseConfigInteger(e.value.Scalar(), min, max) : std::nullopt;
  if (!value) problem(e, "expected a whole number " + range + ", got " + api::describeConfigValue(e.value));
  return value;
}

std::optional<double> Reader::number(const Entry& e) {
  const std::string text = e.value.IsScalar() ? e.value.Scalar() : std::string();
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!e.value.IsScalar() || text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    problem(e, "expected a number, got " + api::describeConfigValue(e.value));
    return std::nullopt;
  }
  return value;
}

std::optional<std::chrono::seconds> Reader::duration(const Entry& e) {
  auto text = string(e);
  if (!text) return std::nullopt;
  auto d = api::parseConfigDuration(*text);
  if (!d) problem(e, api::notADuration(*text));
  return d;
}

std::optional<bool> Reader::boolean(const Entry& e) {
  auto value = api::parseConfigBool(e.value);
  if (!value) problem(e, api::describeConfigValue(e.value) + " is not one of true, false");
  return value;
}

std::optional<std::uint64_t> Reader::byteSize(const Entry& e) {
  auto text = string(e);
  if (!text) return std::nullopt;
  auto size = parseByteSize(*text);
  if (!size || *size == 0) {
    problem(e, inQuotes(*text) + " is not a size (e.g. 512KiB, 10MiB, 1GiB)");
    return std::nullopt;
  }
  return size;
}

std::optional<std::string> Reader::oneOf(const Entry& e, const std::vector<std::string_view>& choices) {
  auto text = string(e);
  if (!text) return std::nullopt;
  for (auto choice : choices) {
    if (choice == *text) return text;
  }
  std::string list;
  for (auto choice : choices) {
    if (!list.empty()) list += ", ";
    list += choice;
  }
  problem(e, inQuotes(*text) + " is not one of " + list);
  return std::nullopt;
}

}  // namespace fk::config_detail
