#include "core/scope.hpp"

#include <nlohmann/json.hpp>

namespace fk {

namespace {

bool under(std::string_view location, std::string_view prefix) {
  if (!location.starts_with(prefix)) return false;
  std::string_view rest = location.substr(prefix.size());
  if (rest.empty()) return true;
  if (rest.starts_with('/')) return true;
  return rest.starts_with(" /");
}

}  // namespace

bool Scope::contains(std::string_view location) const {
  if (prefixes.empty()) return true;
  for (const auto& p : prefixes)
    if (under(location, p)) return true;
  return false;
}

Result<std::string> normalizeScopePrefix(std::string_view prefix) {
  auto trimmed = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '/')) s.remove_suffix(1);
    return s;
  };
  std::string_view p = trimmed(prefix);
  if (p.empty()) return std::unexpected(Error::invalid("scope", "a scope names a location prefix; it cannot be empty"));
  if (p.size() > 200) return std::unexpected(Error::invalid("scope", "a scope is at most 200 characters"));
  return std::string(p);
}

std::string scopeToJson(const Scope& scope) { return nlohmann::json(scope.prefixes).dump(); }

Scope scopeFromJson(std::string_view text) {
  Scope scope;
  auto parsed = nlohmann::json::parse(text, nullptr, false);
  if (!parsed.is_array()) return scope;
  for (const auto& p : parsed)
    if (p.is_string()) scope.prefixes.push_back(p.get<std::string>());
  return scope;
}

}  // namespace fk
