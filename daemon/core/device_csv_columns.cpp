#include "core/device_csv_columns.hpp"

#include <algorithm>
#include <array>

namespace fk::device_csv {
namespace {

struct KnownColumn {
  std::string_view name;  // lower case
  Target target;
};

// fleetkeep's own names first, then the English labels and aliases of Snipe-IT's asset importer
// (its Importer matches them case-insensitively, as here). "Status Label" is what Snipe-IT's list
// export calls the status column; its importer says "Status".
constexpr std::array kKnownColumns{
    KnownColumn{"asset_tag", Target::asset_tag},
    KnownColumn{"serial", Target::serial},
    KnownColumn{"kind", Target::kind},
    KnownColumn{"manufacturer", Target::manufacturer},
    KnownColumn{"model", Target::model},
    KnownColumn{"model_number", Target::model_number},
    KnownColumn{"name", Target::name},
    KnownColumn{"purchase_date", Target::purchase_date},
    KnownColumn{"purchase_price", Target::purchase_price},
    KnownColumn{"vendor", Target::vendor},
    KnownColumn{"po_number", Target::po_number},
    KnownColumn{"funding_source", Target::funding_source},
    KnownColumn{"warranty_end", Target::warranty_end},
    KnownColumn{"aue_date", Target::aue_date},
    KnownColumn{"replacement_date", Target::replacement_date},
    KnownColumn{"location", Target::location},
    KnownColumn{"org_unit", Target::org_unit},
    KnownColumn{"macs", Target::macs},
    KnownColumn{"loaner", Target::loaner},
    KnownColumn{"status", Target::status},
    KnownColumn{"notes", Target::notes},
    KnownColumn{"id", Target::read_only},
    KnownColumn{"version", Target::read_only},
    KnownColumn{"created_at", Target::read_only},
    KnownColumn{"updated_at", Target::read_only},
    // Snipe-IT
    KnownColumn{"asset tag", Target::asset_tag},
    KnownColumn{"asset name", Target::name},
    KnownColumn{"item name", Target::name},
    KnownColumn{"model name", Target::model},
    KnownColumn{"model no", Target::model_number},
    KnownColumn{"model no.", Target::model_number},
    KnownColumn{"model number", Target::model_number},
    KnownColumn{"model num", Target::model_number},
    KnownColumn{"model num.", Target::model_number},
    KnownColumn{"serial number", Target::serial},
    KnownColumn{"serial no", Target::serial},
    KnownColumn{"serial no.", Target::serial},
    KnownColumn{"category", Target::category},
    KnownColumn{"purchase date", Target::purchase_date},
    KnownColumn{"purchase cost", Target::purchase_price},
    KnownColumn{"supplier", Target::vendor},
    KnownColumn{"order number", Target::po_number},
    KnownColumn{"warranty", Target::warranty_months},
    KnownColumn{"warranty months", Target::warranty_months},
    KnownColumn{"asset notes", Target::notes},
    KnownColumn{"status label", Target::status},
    KnownColumn{"eol date", Target::replacement_date},
    KnownColumn{"asset eol date", Target::replacement_date},
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

}  // namespace

std::string_view fieldOf(Target t) {
  switch (t) {
    case Target::category: return "kind";
    case Target::warranty_months: return "warranty_end";
    case Target::read_only: return "";
    default: break;
  }
  for (const auto& c : kKnownColumns) {
    if (c.target == t) return c.name;
  }
  return "";
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t");
  return s.substr(first, last - first + 1);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Header readHeader(const std::vector<std::string>& cells, std::size_t line, bool strict,
                  FieldErrors& errors) {
  Header h;
  h.width = cells.size();
  h.columns.reserve(cells.size());
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::string header(trim(cells[i]));
    if (header.empty()) continue;  // a blank name cannot say what the column holds
    // "Checked Out To:Username" and "Checked out to:  Email" are the same column.
    std::string name = lower(header);
    if (const auto colon = name.find(':'); colon != std::string::npos) {
      name = name.substr(0, colon + 1) + " " + std::string(trim(std::string_view(name).substr(colon + 1)));
    }
    const auto known = std::find_if(kKnownColumns.begin(), kKnownColumns.end(),
                                    [&](const KnownColumn& c) { return c.name == name; });
    const bool repeated =
        known != kKnownColumns.end() && known->target != Target::read_only &&
        std::any_of(h.columns.begin(), h.columns.end(),
                    [&](const Column& c) { return fieldOf(c.target) == fieldOf(known->target); });
    if (known == kKnownColumns.end() || repeated) {
      if (strict) {
        errors.push_back({line, header,
                          repeated ? "column \"" + header + "\" repeats another column for the same field"
                                   : "unknown column \"" + header + "\" (?strict=true refuses unknown columns)"});
      }
      h.ignored.push_back(header);
      continue;
    }
    h.columns.push_back({known->target, header, i});
  }
  const bool has_identity = std::any_of(h.columns.begin(), h.columns.end(), [](const Column& c) {
    return c.target == Target::asset_tag || c.target == Target::serial;
  });
  if (errors.empty() && !has_identity) {
    errors.push_back({line, "serial", "the header needs a serial or an asset tag column"});
  }
  return h;
}

}  // namespace fk::device_csv
