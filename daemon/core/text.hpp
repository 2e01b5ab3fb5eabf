#pragma once

// Checks on free text that reaches storage, shared by devices, people and circulation.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace fk {

// JSON output throws on invalid UTF-8, so text that reaches storage must be valid UTF-8 (CSV is the
// way bad bytes arrive; JSON bodies are checked by their parser). Overlong forms and surrogates fail.
bool isValidUtf8(std::string_view s);
// Offset of the first byte that is not part of well-formed UTF-8, or npos: what a CSV import names as
// the line and column of a bad byte.
std::size_t firstInvalidUtf8(std::string_view s);

// ASCII letters lowered, every other byte kept, whatever the process locale: header names, aliases,
// enum spellings.
std::string lowerAscii(std::string_view s);
// `s` without the spaces and tabs around it (a CSV cell, a typed value): a view into `s`.
std::string_view trimBlanks(std::string_view s);

// Not empty and only the ASCII digits 0-9, whatever the process locale: a grade number, a count typed in
// a cell.
bool isAsciiDigits(std::string_view s);

// A C0 control character or DEL; with `allow_line_breaks`, \n, \r and \t are allowed (notes).
bool hasControl(std::string_view s, bool allow_line_breaks);

// The control characters a multi-line text may hold: notes, descriptions.
inline constexpr std::string_view kLineBreaks = "\n\r\t";

// What free text must be: at most `max_bytes`, not empty when `required`, valid UTF-8, and free of
// control characters other than `allowed_controls`.
struct TextRule {
  std::size_t max_bytes = 0;
  bool required = false;
  std::string_view allowed_controls = {};
};

// The first thing wrong with a text, checked in this order; none when it is fine. One classifier for
// every area, each with its own wording on top (field lists here, work orders their sentences).
enum class TextFault { none, empty, too_long, not_utf8, control };
TextFault classifyText(std::string_view s, const TextRule& rule);

// A fault as a field list says it after the field's name: "must be at most 256 bytes".
std::string describeTextFault(TextFault fault, std::size_t max_bytes);

// Appends the first problem of an optional text field: longer than `max_len` bytes, not UTF-8, or a
// control character (line breaks allowed when `multi_line`).
void checkText(std::vector<FieldError>& errors, const char* field, const std::optional<std::string>& value,
               std::size_t max_len, bool multi_line = false);

}  // namespace fk
