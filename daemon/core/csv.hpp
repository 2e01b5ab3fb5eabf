#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fk {

class TextSource;

// RFC 4180 reader: quoted fields, doubled quotes, delimiters and CR/LF inside quotes, CRLF, LF or
// CR-only line ends, a leading UTF-8 BOM skipped. The delimiter is ',' unless given (core/csv_input.hpp
// detects it from the header line). Every field is passed through restoreCsvCell(), so a file this
// project exported reads back as it was. The text is either all in memory (no copy of it is made) or
// pulled from a TextSource as the records need it (core/csv_stream.hpp), keeping only a window of it.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text, char delimiter = ',');
  // Over text that arrives in pieces; the BOM is the source's business. With no delimiter given, the
  // header line's is used (detectDelimiter), read before the first record.
  explicit CsvReader(TextSource& source, char delimiter = 0);
  // Reads the next record into `fields`; false at end of input. `line()` is then the 1-based
  // line on which that record started. Malformed quoting sets error() and returns false, and so
  // does a failure of the source (its own failure() says what) or, from a source, a record longer
  // than kMaxStreamedRecord.
  bool next(std::vector<std::string>& fields);
  std::size_t line() const { return record_line_; }
  const std::string& error() const { return error_; }
  char delimiter() const { return delimiter_; }

  // A record read from a source must fit in this much text: an unclosed quote would otherwise pull
  // the rest of the body into memory.
  static constexpr std::size_t kMaxStreamedRecord = 1 << 20;

 private:
  enum class Outcome { record, need_more, error };
  Outcome parse(std::vector<std::string>& fields);
  // Drops the text before `pos_` and appends more from the source; false when it has no more.
  bool refill();

  std::string_view text_;
  char delimiter_;
  TextSource* source_ = nullptr;
  std::string window_;  // a source's text not read yet, from the current record on
  bool at_end_ = true;  // text_ is all there is
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
