#pragma once

// JSON spellings the API's handlers share.

#include <nlohmann/json.hpp>
#include <string>

namespace fk {

// The store keeps "not recorded" as an empty text; the API says null.
inline nlohmann::json textOrNull(const std::string& s) {
  return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

// A device's last sighting as {"source", "at"}, or null when no source has seen it.
inline nlohmann::json sightingOrNull(const std::string& source, const std::string& at) {
  return at.empty() ? nlohmann::json(nullptr) : nlohmann::json{{"source", source}, {"at", at}};
}

}  // namespace fk
