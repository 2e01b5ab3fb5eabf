#pragma once

// The device's fields, once. Every place that lists them (validation and applying a change, the API's
// JSON both ways, CSV columns both ways, a source's observation, the stored row and its creation event,
// `fleetkeep device add`) loops over this table, so a new field is one line here plus its migration.
// Header-only and constexpr so that the CLI, which links none of the daemon, reads the same table.

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/device.hpp"

namespace fk {

enum class FieldType {
  text,        // free text, kept as written
  identifier,  // text that is typed and scanned (tag, serial): no surrounding spaces
  date,        // "YYYY-MM-DD", "" for none
  money,       // integer cents, written "289.00"
  kind,        // DeviceKind
  status,      // DeviceStatus: set on create and import, afterwards only through transitions
  flag,        // true / false
  macs,        // normalised MAC addresses, sorted and unique
  server,      // kept by the server (id, version, timestamps, repair cost, holder): never written by a caller
};

struct DeviceField {
  std::string_view name;  // in the API, the CSV header, events and observations
  FieldType type;
  std::size_t max_bytes = 0;  // text and identifiers
  bool multi_line = false;    // line breaks allowed (notes)
  // Text and dates live in one member each; typed fields (kind, status, price, macs, loaner) have
  // their own, which the type names.
  std::string Device::*stored = nullptr;
  std::optional<std::string> DeviceDraft::*draft = nullptr;
  // Other CSV header names that mean this field, lower case, '|'-separated: the English labels of
  // Snipe-IT's asset importer (matched case-insensitively, as it does).
  std::string_view csv_aliases = {};
  // A CSV cell is trimmed before reading for every type but text, which keeps its spaces so an export
  // re-imports byte for byte; `csv_trim` trims text too.
  bool csv_trim = false;
  // Written by the CSV export (and so accepted, and skipped, by the import). Fields a caller writes
  // always are; of the server's, only those that identify the row and its version.
  bool csv_export = true;
  // `fleetkeep device add --OPTION`, "" for none.
  std::string_view cli_option = {};
  std::string_view cli_help = {};

  constexpr bool readOnly() const { return type == FieldType::server; }
};

namespace field_limits {
// Tags and serials are typed and scanned; other text is shown in one line; notes get more room.
inline constexpr std::size_t kIdentifier = 128;
inline constexpr std::size_t kText = 256;
inline constexpr std::size_t kNotes = 10000;
}  // namespace field_limits

// In the order of the CSV export's columns, of a change's list in the history, and of the
// observation's fields. New fields go at the end.
// clang-format off
inline constexpr std::array kDeviceFields{
    DeviceField{.name = "id", .type = FieldType::server},
    DeviceField{.name = "asset_tag", .type = FieldType::identifier, .max_bytes = field_limits::kIdentifier,
                .stored = &Device::asset_tag, .draft = &DeviceDraft::asset_tag, .csv_aliases = "asset tag",
                .cli_option = "tag", .cli_help = "asset tag"},
    DeviceField{.name = "serial", .type = FieldType::identifier, .max_bytes = field_limits::kIdentifier,
                .stored = &Device::serial, .draft = &DeviceDraft::serial,
                .csv_aliases = "serial number|serial no|serial no.", .cli_option = "serial",
                .cli_help = "serial number"},
    DeviceField{.name = "kind", .type = FieldType::kind, .cli_option = "kind",
                .cli_help = "chromebook, laptop, tablet, desktop or other"},
    DeviceField{.name = "manufacturer", .type = FieldType::text, .max_bytes = field_limits::kText,
                .stored = &Device::manufacturer, .draft = &DeviceDraft::manufacturer,
                .cli_option = "manufacturer", .cli_help = "manufacturer"},
    DeviceField{.name = "model", .type = FieldType::text, .max_bytes = field_limits::kText,
                .stored = &Device::model, .draft = &DeviceDraft::model, .csv_aliases = "model name",
                .cli_option = "model", .cli_help = "model name"},
    DeviceField{.name = "purchase_date", .type = FieldType::date, .stored = &Device::purchase_date,
                .draft = &DeviceDraft::purchase_date, .csv_aliases = "purchase date",
                .cli_option = "purchase-date", .cli_help = "YYYY-MM-DD"},
    DeviceField{.name = "purchase_price", .type = FieldType::money, .csv_aliases = "purchase cost",
                .cli_option = "price", .cli_help = "purchase price, e.g. 289.00"},
    DeviceField{.name = "vendor", .type = FieldType::text, .max_bytes = field_limits::kText,
                .stored = &Device::vendor, .draft = &DeviceDraft::vendor, .csv_aliases = "supplier",
                .cli_option = "vendor", .cli_help = "vendor"},
    DeviceField{.name = "po_number", .type = FieldType::text, .max_bytes = field_limits::kText,
                .stored = &Device::po_number, .draft = &DeviceDraft::po_number, .csv_aliases = "order number",
                .cli_option = "po", .cli_help = "purchase order number"},
    DeviceField{.name = "funding_source", .type = FieldType::text, .max_bytes = field_limits::kText,
                .stored = &Device::funding_source, .draft = &DeviceDraft::funding_source,
                .cli_option = "funding", .cli_help = "funding source"},
    DeviceField{.name = "warranty_end", .type = FieldType::date, .stored = &Device::warranty_end,
                .draft = &DeviceDraft::warranty_end, .cli_option = "warranty-end", .cli_help = "YYYY-MM-DD"},
    DeviceField{.name = "aue_date", .type = FieldType::date, .stored = &Device::aue_date,
                .draft = &DeviceDraft::aue_date, .cli_option = "aue",
                .cli_help = "auto-update expiration, YYYY-MM-DD"},
    DeviceField{.name = "location", .type = FieldType::text, .max_bytes = field_limits::kText,
                .stored = &Device::location, .draft = &DeviceDraft::location, .cli_option = "location",
                .cli_help = "school / room / cart"},
    DeviceField{.name = "org_unit", .type = FieldType::text, .max_bytes = field_limits::kText,
                .stored = &Device::org_unit, .draft = &DeviceDraft::org_unit, .cli_option = "org-unit",
                .cli_help = "org unit"},
    DeviceField{.name = "macs", .type = FieldType::macs, .cli_option = "mac",
                .cli_help = "MAC address (repeat for several)"},
    DeviceField{.name = "loaner", .type = FieldType::flag, .cli_option = "loaner",
                .cli_help = "part of the loaner pool"},
    DeviceField{.name = "status", .type = FieldType::status, .csv_aliases = "status label",
                .cli_option = "status", .cli_help = "initial status (default in_stock)"},
    DeviceField{.name = "notes", .type = FieldType::text, .max_bytes = field_limits::kNotes, .multi_line = true,
                .stored = &Device::notes, .draft = &DeviceDraft::notes, .csv_aliases = "asset notes",
                .cli_option = "notes", .cli_help = "notes"},
    DeviceField{.name = "version", .type = FieldType::server},
    DeviceField{.name = "created_at", .type = FieldType::server},
    DeviceField{.name = "updated_at", .type = FieldType::server},
    DeviceField{.name = "name", .type = FieldType::text, .max_bytes = field_limits::kText,
                .stored = &Device::name, .draft = &DeviceDraft::name, .csv_aliases = "asset name|item name"},
    DeviceField{.name = "model_number", .type = FieldType::text, .max_bytes = field_limits::kText,
                .stored = &Device::model_number, .draft = &DeviceDraft::model_number,
                .csv_aliases = "model no|model no.|model number|model num|model num.", .csv_trim = true},
    DeviceField{.name = "replacement_date", .type = FieldType::date, .stored = &Device::replacement_date,
                .draft = &DeviceDraft::replacement_date, .csv_aliases = "eol date|asset eol date"},
    DeviceField{.name = "repair_cost", .type = FieldType::server, .csv_export = false},
    DeviceField{.name = "holder", .type = FieldType::server, .csv_export = false},
    DeviceField{.name = "seen", .type = FieldType::server, .csv_export = false},
    DeviceField{.name = "suggested_holder", .type = FieldType::server, .csv_export = false},
};
// clang-format on

constexpr const DeviceField* findDeviceField(std::string_view name) {
  for (const DeviceField& f : kDeviceFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace fk

namespace fk {
// Text, identifiers and dates are read and written through their members, so each must name both.
static_assert([] {
  for (const DeviceField& f : kDeviceFields) {
    const bool textual = f.type == FieldType::text || f.type == FieldType::identifier || f.type == FieldType::date;
    if (textual != (f.stored != nullptr) || textual != (f.draft != nullptr)) return false;
    if ((f.type == FieldType::text || f.type == FieldType::identifier) && f.max_bytes == 0) return false;
  }
  return true;
}());
}  // namespace fk
