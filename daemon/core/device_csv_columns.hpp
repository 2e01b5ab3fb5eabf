#pragma once

// The columns an inventory CSV may have: fleetkeep's own names and the header aliases of Snipe-IT's
// asset importer, each mapped to what it sets. Internal to the device CSV parser (and its tests).

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/device.hpp"
#include "core/error.hpp"

namespace fk::device_csv {

enum class Target {
  asset_tag,
  serial,
  kind,
  category,
  manufacturer,
  model,
  model_number,
  name,
  purchase_date,
  purchase_price,
  vendor,
  po_number,
  funding_source,
  warranty_end,
  warranty_months,
  aue_date,
  replacement_date,
  location,
  org_unit,
  macs,
  loaner,
  status,
  notes,
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

// The device field (or checkout part) a target sets: two columns with the same one would contradict
// each other, so the first wins. Also how errors name a field when validation finds it.
std::string_view fieldOf(Target t);

struct Column {
  Target target;
  std::string header;  // as written in the file, trimmed: errors name what the user sees
  std::size_t index;   // position in the row
};

struct Header {
  std::vector<Column> columns;               // the columns read, in file order
  std::vector<std::string> ignored;          // unknown or repeated names, as written
  std::size_t width = 0;                     // cells a row must have
};

// Maps the header row. Unknown and repeated names go to `ignored` (errors when `strict`); blank names
// are skipped. A header without a serial or asset tag column is an error.
Header readHeader(const std::vector<std::string>& cells, std::size_t line, bool strict,
                  FieldErrors& errors);

std::string_view trim(std::string_view s);
std::string lower(std::string_view s);

}  // namespace fk::device_csv
