#include "format.hpp"

#include <algorithm>

#include "table.hpp"

namespace fkcli {

std::string displayValue(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    return s.empty() ? "-" : s;
  }
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_array()) {
    if (value.empty()) return "-";
    std::string out;
    for (const auto& item : value) {
      if (!out.empty()) out += ", ";
      out += displayValue(item);
    }
    return out;
  }
  return value.dump();
}

void printKeyValues(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& lines) {
  std::size_t width = 0;
  for (const auto& [key, value] : lines) width = std::max(width, displayWidth(key));
  for (const auto& [key, value] : lines)
    out << key << ':' << std::string(width - displayWidth(key) + 1, ' ') << value << '\n';
}

void printJson(std::ostream& out, const nlohmann::json& value) {
  out << value.dump(2) << '\n';
}

}  // namespace fkcli
