#pragma once

// CSV files as people have them: the encoding, byte-order mark, delimiter and query options every
// CSV import (devices, roster) reads the same way before core/csv.hpp splits the records.

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace fk {

enum class TextEncoding { utf8, windows_1252 };
// How to read d/m versus m/d dates with slashes ("3/4/2027"); `unknown` refuses the ambiguous ones.
enum class DateOrder { unknown, mdy, dmy };

struct CsvOptions {
  TextEncoding encoding = TextEncoding::utf8;
  DateOrder date_order = DateOrder::unknown;
  bool strict = false;  // refuse columns the import does not know instead of ignoring them
};

// The values of ?encoding= (utf-8, windows-1252 and their common spellings) and ?date_order=.
std::optional<TextEncoding> parseTextEncoding(std::string_view text);
std::optional<DateOrder> parseDateOrder(std::string_view text);

// The body as UTF-8 without a byte-order mark. Windows-1252 is converted (into `storage`, which the
// returned view then points into); UTF-8 is checked in place. Invalid text is a FieldError naming
// the line and the column (the character position in that line) of the first bad byte.
std::expected<std::string_view, FieldError> csvText(std::string_view body, TextEncoding encoding,
                                                    std::string& storage);

// The delimiter of a file: whichever of ',' ';' and tab occurs most often outside quotes in its first
// non-blank line (the header), ',' when none does.
char detectDelimiter(std::string_view text);
// The same once `text` holds the whole header line (its line end); nullopt before, when more text may
// change the count.
std::optional<char> headerDelimiter(std::string_view text);

// Where in `text` the byte at `offset` is, both 1-based: lines end at LF, CRLF or a lone CR; the
// column counts UTF-8 characters.
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};
TextPosition positionOf(std::string_view text, std::size_t offset);

// The number of lines (rows can never outnumber them), counting LF, CRLF and lone CR ends.
std::size_t countLines(std::string_view text);

}  // namespace fk
