#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fk {

// RFC 4180 reader over text already in memory (no copy of the input): quoted fields, doubled quotes,
// delimiters and CR/LF inside quotes, CRLF, LF or CR-only line ends, a leading UTF-8 BOM skipped. The
// delimiter is ',' unless given (core/csv_input.hpp detects it from the header line). Every field is
// passed through restoreCsvCell(), so a file this project exported reads back as it was.
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

// Formula injection (OWASP "CSV Injection"): a spreadsheet runs a cell that starts with = + - @, tab
// or CR as a formula, so every cell this project writes goes through neutraliseCsvCell() and every
// cell it reads through restoreCsvCell(). The rule, with T = those six characters:
//  - writing: a value starting with T gets a leading single quote, unless it is a plain decimal number
//    ("-54.00", "+3", "12.5": a sign, digits, at most one dot), which a spreadsheet reads as a number,
//    never a formula, and which must stay a number for the SIS that imports the balances. A value that
//    is one or more quotes followed by T ("'=x") gets one more quote, so it cannot be mistaken for a
//    neutralised cell.
//  - reading: a value that is one or more quotes followed by T loses its first quote.
// Hence read(write(v)) == v for every v, and a value such as "'twas" (a quote, then an ordinary
// character) is never touched either way.
bool csvCellNeedsNeutralising(std::string_view field);
std::string neutraliseCsvCell(std::string_view field);
void restoreCsvCell(std::string& field);

// The cell as written: neutralised, then quoted when it needs it (comma, quote, CR, LF,
// leading/trailing space or tab).
std::string csvEscape(std::string_view field);
void appendCsvField(std::string& out, std::string_view field);
void appendCsvRow(std::string& out, const std::vector<std::string>& fields);

}  // namespace fk
