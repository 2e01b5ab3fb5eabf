#include "core/text.hpp"

#include <algorithm>
#include <cstdint>

namespace fk {

bool isValidUtf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

bool hasControl(std::string_view s, bool allow_line_breaks) {
  return std::any_of(s.begin(), s.end(), [&](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    if (allow_line_breaks && (c == '\n' || c == '\r' || c == '\t')) return false;
    return c < 0x20 || c == 0x7F;
  });
}

void checkText(std::vector<FieldError>& errors, const char* field, const std::optional<std::string>& value,
               std::size_t max_len, bool multi_line) {
  if (!value) return;
  if (value->size() > max_len) {
    errors.push_back({0, field, "must be at most " + std::to_string(max_len) + " bytes"});
  } else if (!isValidUtf8(*value)) {
    errors.push_back({0, field, "is not valid UTF-8"});
  } else if (hasControl(*value, multi_line)) {
    errors.push_back({0, field, "must not contain control characters"});
  }
}

}  // namespace fk
