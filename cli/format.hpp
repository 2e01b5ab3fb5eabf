#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace fkcli {

// A JSON value as a person reads it: strings bare, null as "-", lists joined with ", ", booleans yes/no.
std::string displayValue(const nlohmann::json& value);

// "key: value" lines with the values aligned.
void printKeyValues(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& lines);

// Pretty JSON for --json.
void printJson(std::ostream& out, const nlohmann::json& value);

}  // namespace fkcli
