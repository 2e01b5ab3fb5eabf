#pragma once

// The columns an inventory CSV may have: fleetkeep's own names and the header aliases of Snipe-IT's
// asset importer, each mapped to what it sets. Internal to the device CSV parser (and its tests).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/device.hpp"
#include "core/device_field_table.hpp"
#include "core/error.hpp"

namespace fk::device_csv {

enum class Target {
  field,  // a device field of the table (core/device_field_table.hpp), by its name or an alias
  // Snipe-IT columns that set a field indirectly: the kind from a category, the warranty's end from
  // months after the purchase.
  category,
  warranty_months,
  // Who holds it (Snipe-IT's checkout columns): read together into an ImportCheckout.
  checkout_type,
  checkout_username,
  checkout_email,
  checkout_first_name,
  checkout_last_name,
  checkout_full_name,
  checkout_location,
  checkout_due,
  // Read-only export columns: accepted so an export re-imports, and skipped without a mention.
  read_only,
};

struct Column {
  Target target;
  const DeviceField* field = nullptr;  // for Target::field
  std::string header;  // as written in the file, trimmed: errors name what the user sees
  std::size_t index;   // position in the row
};

// The device field (or checkout part) a column sets: two columns with the same one would contradict
// each other, so the first wins. Also how errors name a field when validation finds it.
std::string_view fieldOf(const Column& c);

struct Header {
  std::vector<Column> columns;               // the columns read, in file order
  std::vector<std::string> ignored;          // unknown or repeated names, as written
  std::size_t width = 0;                     // cells a row must have
};

// Maps the header row. Unknown and repeated names go to `ignored` (errors when `strict`); blank names
// are skipped. A header without a serial or asset tag column is an error.
Header readHeader(const std::vector<std::string>& cells, std::size_t line, bool strict,
                  FieldErrors& errors);

}  // namespace fk::device_csv
