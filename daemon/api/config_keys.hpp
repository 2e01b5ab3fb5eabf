#pragma once

/// @file
/// Typed reading of a source entry's plugin-owned YAML keys, for SourceFactory::validate() and create().
///
/// One reader serves both: validate() reads every key and returns issues(); create() reads the same keys
/// from an entry validate() accepted and uses the values. Every problem carries the line and column of the
/// node at fault, so `fleetkeepd --check-config` can print FILE:LINE:COL for it.
///
/// @code
/// std::vector<api::ConfigIssue> validate(const YAML::Node& entry) const override {
///   api::ConfigKeys keys(entry);
///   keys.requiredString("path");
///   keys.optionalDuration("settle", std::chrono::seconds(2));
///   return keys.finish();  // also reports every key neither read here nor owned by the core
/// }
/// @endcode

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/config_syntax.hpp"
#include "api/source.hpp"

namespace fk::api {

/// Reads a source entry's own keys and collects positioned ConfigIssues instead of throwing.
/// Each read marks its key as known; finish() reports the rest (core keys excepted) as unknown.
class ConfigKeys {
 public:
  explicit ConfigKeys(const YAML::Node& entry) : entry_(entry) {
    if (!entry_.IsMap()) add(entry_.Mark(), "", "expected a mapping of keys");
  }

  /// A non-empty text value that must be present.
  std::optional<std::string> requiredString(std::string_view key) {
    auto node = find(key);
    if (!node) {
      missing(key);
      return std::nullopt;
    }
    return text(*node, key, false);
  }

  /// A text value; `fallback` when absent. Empty text is allowed only with `allow_empty`.
  std::optional<std::string> optionalString(std::string_view key, std::string fallback = {},
                                            bool allow_empty = false) {
    auto node = find(key);
    if (!node) return fallback;
    return text(*node, key, allow_empty);
  }

  /// true/false (also yes/no, on/off as YAML 1.1 spells them); `fallback` when absent.
  std::optional<bool> optionalBool(std::string_view key, bool fallback) {
    auto node = find(key);
    if (!node) return fallback;
    if (auto value = parseConfigBool(*node)) return value;
    add(*node, key, "expected true or false, got " + describeConfigValue(*node));
    return std::nullopt;
  }

  /// A whole number in [min, max]; `fallback` when absent.
  std::optional<std::int64_t> optionalInt(std::string_view key, std::int64_t fallback, std::int64_t min,
                                          std::int64_t max) {
    auto node = find(key);
    if (!node) return fallback;
    auto value = node->IsScalar() ? parseConfigInteger(node->Scalar(), min, max) : std::nullopt;
    if (!value) {
      add(*node, key,
          "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ", got " +
              describeConfigValue(*node));
      return std::nullopt;
    }
    return value;
  }

  /// A duration ("30s", "5m", "1h", "1d", "1h30m"); `fallback` when absent.
  std::optional<std::chrono::seconds> optionalDuration(std::string_view key, std::chrono::seconds fallback) {
    auto node = find(key);
    if (!node) return fallback;
    auto t = text(*node, key, false);
    if (!t) return std::nullopt;
    auto d = parseConfigDuration(*t);
    if (!d) add(*node, key, notADuration(*t));
    return d;
  }

  /// One of `choices`; `fallback` when absent.
  std::optional<std::string> optionalChoice(std::string_view key,
                                            std::initializer_list<std::string_view> choices,
                                            std::string fallback) {
    auto node = find(key);
    if (!node) return fallback;
    auto t = text(*node, key, false);
    if (!t) return std::nullopt;
    std::string list;
    for (auto c : choices) {
      if (c == *t) return t;
      list += (list.empty() ? "" : ", ") + std::string(c);
    }
    add(*node, key, "\"" + *t + "\" is not one of " + list);
    return std::nullopt;
  }

  /// A problem the plugin found itself (two keys that contradict each other, a URL it cannot use),
  /// positioned at `key`'s value, or at the entry when the key is absent.
  void problem(std::string_view key, std::string message) {
    auto node = find(key);
    add(node ? node->Mark() : entry_.Mark(), node ? std::string(key) : std::string(), std::move(message));
  }

  /// Reports every key of the entry that was not read and is not a core key, then returns all issues.
  std::vector<ConfigIssue> finish() {
    if (entry_.IsMap()) {
      for (auto it = entry_.begin(); it != entry_.end(); ++it) {
        const std::string name = it->first.IsScalar() ? it->first.Scalar() : std::string();
        if (isCoreKey(name) || read_.count(name)) continue;
        add(it->first.Mark(), name, "unknown key \"" + name + "\"");
      }
    }
    return issues_;
  }

  /// The issues so far (without the unknown-key check of finish()).
  const std::vector<ConfigIssue>& issues() const { return issues_; }
  bool ok() const { return issues_.empty(); }

 private:
  std::optional<YAML::Node> find(std::string_view key) {
    read_.insert(std::string(key));
    if (!entry_.IsMap()) return std::nullopt;
    for (auto it = entry_.begin(); it != entry_.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
    }
    return std::nullopt;
  }

  std::optional<std::string> text(const YAML::Node& node, std::string_view key, bool allow_empty) {
    if (!node.IsScalar() && !(allow_empty && node.IsNull())) {
      add(node, key, "expected text, got " + describeConfigValue(node));
      return std::nullopt;
    }
    const std::string t = node.IsScalar() ? node.Scalar() : std::string();
    if (t.empty() && !allow_empty) {
      add(node, key, "must not be empty");
      return std::nullopt;
    }
    return t;
  }

  void missing(std::string_view key) {
    add(entry_.Mark(), "", "missing required key \"" + std::string(key) + "\"");
  }

  // An empty value ("key:") has no position of its own; point at the entry rather than at 0:0.
  void add(const YAML::Node& node, std::string_view key, std::string message) {
    const bool positioned = node.IsDefined() && !node.IsNull() && node.Mark().line >= 0;
    add(positioned ? node.Mark() : entry_.Mark(), std::string(key), std::move(message));
  }

  void add(const YAML::Mark& mark, std::string key, std::string message) {
    issues_.push_back({mark.line < 0 ? 0 : mark.line + 1, mark.column < 0 ? 0 : mark.column + 1,
                       std::move(message), std::move(key)});
  }

  YAML::Node entry_;
  std::set<std::string> read_;
  std::vector<ConfigIssue> issues_;
};

}  // namespace fk::api
