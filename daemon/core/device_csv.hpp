#pragma once

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

// Parses an inventory CSV: fleetkeep's own columns (those of exportHeader()) or a Snipe-IT asset
// export's (Asset Tag, Serial, Model, Manufacturer, Category, Purchase Date, Purchase Cost, Supplier,
// Order Number, Location, Notes, Warranty months). Header names match case-insensitively; unknown
// columns are an error naming them. Empty cells leave a field unset.
ParsedImport parseDeviceCsv(std::string_view text);

// The export format, which parseDeviceCsv reads back unchanged.
std::vector<std::string> exportHeader();
std::vector<std::string> exportRow(const Device& device);

}  // namespace fk
