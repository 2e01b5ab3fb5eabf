#include "core/json_text.hpp"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

namespace fk {

void appendJsonString(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f && c != '"' && c != '\\';
  });
  if (!plain) {
    out += nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

void appendJsonStringOrNull(std::string& out, std::string_view text) {
  if (text.empty())
    out += "null";
  else
    appendJsonString(out, text);
}

void appendJsonInt(std::string& out, std::int64_t value) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, value).ptr;
  out.append(buf, end);
}

}  // namespace fk
