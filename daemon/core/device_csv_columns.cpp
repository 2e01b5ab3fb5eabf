#include "core/device_csv_columns.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "core/device_fields.hpp"
#include "core/text.hpp"

namespace fk::device_csv {
namespace {

struct KnownColumn {
  std::string_view name;  // lower case
  Target target;
};

// Columns that are not one device field: Snipe-IT's category, warranty months and checkout columns
// (the device fields' own names and Snipe-IT's aliases for them are in the field table).
constexpr std::array kOtherColumns{
    KnownColumn{"category", Target::category},
    KnownColumn{"warranty", Target::warranty_months},
    KnownColumn{"warranty months", Target::warranty_months},
    KnownColumn{"checkout type", Target::checkout_type},
    KnownColumn{"checked out to: username", Target::checkout_username},
    KnownColumn{"checked out to: email", Target::checkout_email},
    KnownColumn{"checked out to: first name", Target::checkout_first_name},
    KnownColumn{"checked out to: last name", Target::checkout_last_name},
    KnownColumn{"checked out to: full name", Target::checkout_full_name},
    KnownColumn{"checked out to: location", Target::checkout_location},
    KnownColumn{"checkout to location", Target::checkout_location},
    KnownColumn{"username", Target::checkout_username},
    KnownColumn{"user name", Target::checkout_username},
    KnownColumn{"email", Target::checkout_email},
    KnownColumn{"e-mail", Target::checkout_email},
    KnownColumn{"first name", Target::checkout_first_name},
    KnownColumn{"last name", Target::checkout_last_name},
    KnownColumn{"full name", Target::checkout_full_name},
    KnownColumn{"fullname", Target::checkout_full_name},
    KnownColumn{"expected checkin date", Target::checkout_due},
    KnownColumn{"expected checkin", Target::checkout_due},
};

// What a header name (lower case) reads into, or nullopt for an unknown one.
std::optional<Column> known(std::string_view name) {
  for (const DeviceField& f : kDeviceFields) {
    if (!csvNames(f, name)) continue;
    if (!f.readOnly()) return Column{Target::field, &f, {}, 0};
    if (f.csv_export) return Column{Target::read_only, nullptr, {}, 0};
  }
  for (const KnownColumn& c : kOtherColumns) {
    if (c.name == name) return Column{c.target, nullptr, {}, 0};
  }
  return std::nullopt;
}

}  // namespace

std::string_view fieldOf(const Column& c) {
  switch (c.target) {
    case Target::field: return c.field->name;
    case Target::category: return "kind";
    case Target::warranty_months: return "warranty_end";
    case Target::read_only: return "";
    default: break;
  }
  for (const auto& k : kOtherColumns) {
    if (k.target == c.target) return k.name;
  }
  return "";
}

Header readHeader(const std::vector<std::string>& cells, std::size_t line, bool strict,
                  FieldErrors& errors) {
  Header h;
  h.width = cells.size();
  h.columns.reserve(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string header(trimBlanks(cells[i]));
    if (header.empty()) continue;  // a blank name cannot say what the column holds
    // "Checked Out To:Username" and "Checked out to:  Email" are the same column.
    std::string name = lowerAscii(header);
    if (const auto colon = name.find(':'); colon != std::string::npos) {
      name = name.substr(0, colon + 1) + " " + std::string(trimBlanks(std::string_view(name).substr(colon + 1)));
    }
    std::optional<Column> column = known(name);
    const bool repeated =
        column && column->target != Target::read_only &&
        std::any_of(h.columns.begin(), h.columns.end(),
                    [&](const Column& c) { return fieldOf(c) == fieldOf(*column); });
    if (!column || repeated) {
      if (strict) {
        errors.push_back({line, header,
                          repeated ? "column \"" + header + "\" repeats another column for the same field"
                                   : "unknown column \"" + header + "\" (?strict=true refuses unknown columns)"});
      }
      h.ignored.push_back(header);
      continue;
    }
    column->header = header;
    column->index = i;
    h.columns.push_back(std::move(*column));
  }
  const bool has_identity = std::any_of(h.columns.begin(), h.columns.end(), [](const Column& c) {
    return c.target == Target::field && c.field->type == FieldType::identifier;
  });
  if (errors.empty() && !has_identity) {
    errors.push_back({line, "serial", "the header needs a serial or an asset tag column"});
  }
  return h;
}

}  // namespace fk::device_csv
