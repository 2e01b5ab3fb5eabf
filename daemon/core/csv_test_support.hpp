#pragma once

// Every record a CsvReader gives, with the line each starts on and where it stopped: what the CSV
// tests compare. Shared by csv_test.cpp (from memory) and csv_stream_test.cpp (from a source).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/csv.hpp"

namespace fk::test {

struct CsvRecords {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> lines;
  std::string error;
  std::size_t error_line = 0;
};

inline CsvRecords readAll(CsvReader& reader) {
  CsvRecords out;
  std::vector<std::string> fields;
  while (reader.next(fields)) {
    out.rows.push_back(fields);
    out.lines.push_back(reader.line());
  }
  out.error = reader.error();
  if (!out.error.empty()) out.error_line = reader.line();
  return out;
}

inline CsvRecords readAll(std::string_view text) {
  CsvReader reader(text);
  return readAll(reader);
}

}  // namespace fk::test
