#include "core/csv_input.hpp"

#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <utility>

#include "core/text.hpp"

namespace fk {
namespace {

// Converts with glibc's iconv. Five byte values have no character in Windows-1252; iconv refuses
// them, and so does the import, naming where they are.
std::expected<std::string_view, FieldError> fromWindows1252(std::string_view body, std::string& storage) {
  iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
  if (cd == reinterpret_cast<iconv_t>(-1)) return std::unexpected(FieldError{0, "", "iconv has no WINDOWS-1252"});
  storage.assign(body.size() * 3 + 4, '\0');  // at most three UTF-8 bytes per input byte
  char* in = const_cast<char*>(body.data());
  std::size_t in_left = body.size();
  char* out = storage.data();
  std::size_t out_left = storage.size();
  const std::size_t done = iconv(cd, &in, &in_left, &out, &out_left);
  const int failure = errno;
  iconv_close(cd);
  if (done == static_cast<std::size_t>(-1)) {
    const std::size_t offset = static_cast<std::size_t>(in - body.data());
    const TextPosition at = positionOf(body.substr(0, offset), offset);
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(body[offset]));
    return std::unexpected(FieldError{at.line, "",
                                      "column " + std::to_string(at.column) + ": byte " + hex +
                                          " is not a Windows-1252 character" +
                                          (failure == EILSEQ ? "" : " (conversion failed)")});
  }
  storage.resize(storage.size() - out_left);
  return std::string_view(storage);
}

}  // namespace

std::optional<TextEncoding> parseTextEncoding(std::string_view text) {
  const std::string s = lowerAscii(text);
  if (s == "utf-8" || s == "utf8") return TextEncoding::utf8;
  if (s == "windows-1252" || s == "cp1252" || s == "windows1252") return TextEncoding::windows_1252;
  return std::nullopt;
}

std::optional<DateOrder> parseDateOrder(std::string_view text) {
  const std::string s = lowerAscii(text);
  if (s == "mdy") return DateOrder::mdy;
  if (s == "dmy") return DateOrder::dmy;
  return std::nullopt;
}

TextPosition positionOf(std::string_view text, std::size_t offset) {
  TextPosition at;
  offset = std::min(offset, text.size());
  for (std::size_t i = 0; i < offset; ++i) {
    const char c = text[i];
    if (c == '\n' || (c == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n'))) {
      ++at.line;
      at.column = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++at.column;  // continuation bytes belong to the character before them
    }
  }
  return at;
}

std::size_t countLines(std::string_view text) {
  // A line ends at LF, CRLF or a lone CR, and one file may mix them (an upper bound must count each).
  std::size_t ends = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) ++ends;
  }
  return ends + 1;
}

std::expected<std::string_view, FieldError> csvText(std::string_view body, TextEncoding encoding,
                                                    std::string& storage) {
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  if (encoding == TextEncoding::windows_1252) return fromWindows1252(body, storage);
  const std::size_t bad = firstInvalidUtf8(body);
  if (bad == std::string_view::npos) return body;
  const TextPosition at = positionOf(body, bad);
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(body[bad]));
  return std::unexpected(FieldError{
      at.line, "",
      "column " + std::to_string(at.column) + ": byte " + hex +
          " is not UTF-8 (an export from an older program may need ?encoding=windows-1252)"});
}

namespace {

// The delimiter by detectDelimiter's rule, and whether `text` held the header line's end.
std::pair<char, bool> countDelimiters(std::string_view text) {
  std::array<std::size_t, 3> counts{};  // ',' ';' '\t'
  bool quoted = false;
  bool seen_content = false;
  bool line_ended = false;
  for (const char c : text) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\r' || c == '\n') {
      if (seen_content) {  // the header line is over; blank lines before it are skipped
        line_ended = true;
        break;
      }
      continue;
    }
    seen_content = true;
    if (c == ',') ++counts[0];
    if (c == ';') ++counts[1];
    if (c == '\t') ++counts[2];
  }
  char delimiter = ',';
  if (counts[1] > counts[0] && counts[1] >= counts[2]) delimiter = ';';
  if (counts[2] > counts[0] && counts[2] > counts[1]) delimiter = '\t';
  return {delimiter, line_ended};
}

}  // namespace

char detectDelimiter(std::string_view text) { return countDelimiters(text).first; }

std::optional<char> headerDelimiter(std::string_view text) {
  const auto [delimiter, complete] = countDelimiters(text);
  if (!complete) return std::nullopt;
  return delimiter;
}

}  // namespace fk
