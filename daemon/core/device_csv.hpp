#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/byte_source.hpp"
#include "core/csv_input.hpp"
#include "core/device.hpp"
#include "core/error.hpp"

namespace fk {

// Who a row says holds the device (Snipe-IT's "Checkout Type" and "Checked Out To: ..." columns).
struct ImportCheckout {
  bool to_location = false;
  std::string username, email, first_name, last_name, full_name;  // a person
  std::string location;                                           // or a place
  std::string due;  // "YYYY-MM-DD" from "Expected Checkin Date", "" = the default loan length
};

// One parsed row of an inventory CSV, with the line it started on.
struct ImportRow {
  std::size_t line = 0;
  DeviceDraft draft;
  std::optional<ImportCheckout> checkout;
};

// Status labels (lower case) to the lifecycle: Snipe-IT's default labels, or a district's own from
// `import.status_labels:` in the config (defaultStatusLabels() plus those, which win).
using StatusLabels = std::map<std::string, DeviceStatus, std::less<>>;
const StatusLabels& defaultStatusLabels();

struct DeviceImportOptions {
  CsvOptions csv;
  StatusLabels status_labels = defaultStatusLabels();
  int default_loan_days = 180;  // a checkout without an expected check-in date (config checkout:)
};

struct ParsedImport {
  std::vector<ImportRow> rows;
  FieldErrors errors;  // every bad line and field (the first kMaxReportedImportErrors kept); when non-empty nothing is imported
};

// Reads an inventory CSV a row at a time, so that an import can write rows while later ones are
// still being read. Columns as parseDeviceCsv below. Neither copyable nor movable: it is shared by
// reference between the thread that reads and the one that writes.
class DeviceCsvParser {
 public:
  // Reads the header row; a problem with it (or with the text: invalid UTF-8, a byte Windows-1252
  // lacks) is in errors() and next() then returns nothing. `body` must outlive the parser.
  explicit DeviceCsvParser(std::string_view body, const DeviceImportOptions& options = {});
  // The same over a body read as it arrives, never held whole: a window of its text and the keys
  // seen so far are what stays in memory. Whatever `body` throws (InputAborted) comes out of the
  // constructor and next().
  explicit DeviceCsvParser(ByteSource& body, const DeviceImportOptions& options = {});
  ~DeviceCsvParser();
  DeviceCsvParser(const DeviceCsvParser&) = delete;
  DeviceCsvParser& operator=(const DeviceCsvParser&) = delete;

  // The next row, validated as a new device, into `row`; false at the end of the file. Problems (a
  // bad cell, a missing key, a serial or asset tag an earlier line already has) go to errors(), and
  // the row is still returned so its other values can be shown; a row with the wrong number of cells
  // is not. Once errors() is not empty the file must not be applied.
  bool next(ImportRow& row);
  // Every problem found so far, in file order; all of them once next() has returned false.
  const FieldErrors& errors() const;
  // An upper bound on the rows next() can return (the file's line ends), for sizing; for a body read
  // as it arrives, an estimate from its announced size.
  std::size_t rowsAtMost() const;
  // Header names the import does not use (unknown, or a second column for the same field), as written.
  const std::vector<std::string>& ignoredColumns() const;
  // What was read but not applied (an unknown status label, a checkout to a device that cannot be
  // lent), in file order; complete once next() has returned false.
  const FieldErrors& warnings() const;

 private:
  struct State;
  void start(ByteSource& body, const DeviceImportOptions& options, std::size_t rows_estimate);

  std::unique_ptr<ByteSource> owned_body_;  // a body given whole, read through the same path
  std::unique_ptr<State> state_;
};

// Parses an inventory CSV: fleetkeep's own columns (those of exportHeader()) or a Snipe-IT asset
// file's (its importer's labels and aliases: docs/migrating-from-snipe-it.md lists them). Header names
// match case-insensitively; unknown columns are ignored (refused with options.csv.strict). Empty cells
// leave a field unset.
ParsedImport parseDeviceCsv(std::string_view text, const DeviceImportOptions& options = {});

// The export format, which parseDeviceCsv reads back unchanged.
std::vector<std::string> exportHeader();
std::vector<std::string> exportRow(const Device& device);

}  // namespace fk
