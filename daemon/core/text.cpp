#include "core/text.hpp"

#include <boost/algorithm/string/case_conv.hpp>
#include <boost/algorithm/string/trim.hpp>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <locale>

namespace fk {

// Offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF), or npos. Plain ASCII is skipped eight bytes at a time: it is
// nearly all of an inventory file.
std::size_t firstInvalidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    if (i + 8 <= n) {
      std::uint64_t chunk;
      std::memcpy(&chunk, p + i, 8);
      if ((chunk & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n) return i;
    if (p[i + 1] < lo || p[i + 1] > hi) return i;
    for (std::size_t k = 2; k < len; ++k) {
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::string_view::npos;
}

bool isValidUtf8(std::string_view s) {
  return firstInvalidUtf8(s) == std::string_view::npos;
}

std::string lowerAscii(std::string_view s) {
  return boost::algorithm::to_lower_copy(std::string(s), std::locale::classic());
}

std::string_view trimBlanks(std::string_view s) {
  return boost::algorithm::trim_copy_if(s, [](char c) { return c == ' ' || c == '\t'; });
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
