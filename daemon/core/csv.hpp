#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fk {

// RFC 4180 reader over text already in memory (no copy of the input): quoted fields, doubled quotes,
// delimiters and CR/LF inside quotes, CRLF, LF or CR-only line ends, a leading UTF-8 BOM skipped. The
// delimiter is ',' unless given (core/csv_input.hpp detects it from the header line).
class CsvReader {
 public:
  explicit CsvReader(std::string_view text, char delimiter = ',');
  // Reads the next record into `fields`; false at end of input. `line()` is then the 1-based
  // line on which that record started. Malformed quoting sets error() and returns false.
  bool next(std::vector<std::string>& fields);
  std::size_t line() const { return record_line_; }
  const std::string& error() const { return error_; }

 private:
  std::string_view text_;
  char delimiter_;
  std::size_t pos_ = 0;
  std::size_t current_line_ = 1;
  std::size_t record_line_ = 0;
  std::string error_;
};

// Quotes a field when it needs it (comma, quote, CR, LF, leading/trailing space).
std::string csvEscape(std::string_view field);
void appendCsvRow(std::string& out, const std::vector<std::string>& fields);

}  // namespace fk
