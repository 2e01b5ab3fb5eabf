#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/device.hpp"
#include "core/error.hpp"

namespace fk {

// One parsed row of an inventory CSV, with the line it started on.
struct ImportRow {
  std::size_t line = 0;
  DeviceDraft draft;
};

struct ParsedImport {
  std::vector<ImportRow> rows;
  std::vector<FieldError> errors;  // every bad line and field; when non-empty nothing is imported
};

// Reads an inventory CSV a row at a time, so that an import can write rows while later ones are
// still being read. Columns as parseDeviceCsv below. Neither copyable nor movable: it is shared by
// reference between the thread that reads and the one that writes.
class DeviceCsvParser {
 public:
  // Reads the header row; a problem with it is in errors() and next() then returns nothing.
  explicit DeviceCsvParser(std::string_view text);
  ~DeviceCsvParser();
  DeviceCsvParser(const DeviceCsvParser&) = delete;
  DeviceCsvParser& operator=(const DeviceCsvParser&) = delete;

  // The next row, validated as a new device, into `row`; false at the end of the file. Problems (a
  // bad cell, a missing key, a serial or asset tag an earlier line already has) go to errors(), and
  // the row is still returned so its other values can be shown; a row with the wrong number of cells
  // is not. Once errors() is not empty the file must not be applied.
  bool next(ImportRow& row);
  // Every problem found so far, in file order; all of them once next() has returned false.
  const std::vector<FieldError>& errors() const;
  // An upper bound on the rows next() can return (the file's line ends), for sizing.
  std::size_t rowsAtMost() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Parses an inventory CSV: fleetkeep's own columns (those of exportHeader()) or a Snipe-IT asset
// export's (Asset Tag, Serial, Model, Manufacturer, Category, Purchase Date, Purchase Cost, Supplier,
// Order Number, Location, Notes, Warranty months). Header names match case-insensitively; unknown
// columns are an error naming them. Empty cells leave a field unset.
ParsedImport parseDeviceCsv(std::string_view text);

// The export format, which parseDeviceCsv reads back unchanged.
std::vector<std::string> exportHeader();
std::vector<std::string> exportRow(const Device& device);

}  // namespace fk
