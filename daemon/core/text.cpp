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

bool isAsciiDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

namespace {

bool isControl(unsigned char c) {
  return c < 0x20 || c == 0x7F;
}

bool hasControlBesides(std::string_view s, std::string_view allowed) {
  return std::any_of(s.begin(), s.end(), [&](char ch) {
    return isControl(static_cast<unsigned char>(ch)) && allowed.find(ch) == std::string_view::npos;
  });
}

}  // namespace

bool hasControl(std::string_view s, bool allow_line_breaks) {
  return hasControlBesides(s, allow_line_breaks ? kLineBreaks : std::string_view{});
}

TextFault classifyText(std::string_view s, const TextRule& rule) {
  if (s.empty()) return rule.required ? TextFault::empty : TextFault::none;
  if (s.size() > rule.max_bytes) return TextFault::too_long;
  if (!isValidUtf8(s)) return TextFault::not_utf8;
  if (hasControlBesides(s, rule.allowed_controls)) return TextFault::control;
  return TextFault::none;
}

std::string describeTextFault(TextFault fault, std::size_t max_bytes) {
  switch (fault) {
    case TextFault::none: return {};
    case TextFault::empty: return "must not be empty";
    case TextFault::too_long: return "must be at most " + std::to_string(max_bytes) + " bytes";
    case TextFault::not_utf8: return "is not valid UTF-8";
    case TextFault::control: return "must not contain control characters";
  }
  return {};
}

void checkText(std::vector<FieldError>& errors, const char* field, const std::optional<std::string>& value,
               std::size_t max_len, bool multi_line) {
  if (!value) return;
  const TextRule rule{.max_bytes = max_len,
                      .allowed_controls = multi_line ? kLineBreaks : std::string_view{}};
  if (const TextFault fault = classifyText(*value, rule); fault != TextFault::none)
    errors.push_back({0, field, describeTextFault(fault, max_len)});
}

}  // namespace fk
