#include "core/device_csv.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "core/csv.hpp"
#include "core/values.hpp"

namespace fk {
namespace {

// What a column sets. Two columns with the same target (e.g. "Model" and "Model Name", or
// "kind" and "Category") would contradict each other, so that is refused as a duplicate.
enum class Target {
  asset_tag,
  serial,
  kind,
  category,
  manufacturer,
  model,
  purchase_date,
  purchase_price,
  vendor,
  po_number,
  funding_source,
  warranty_end,
  warranty_months,
  aue_date,
  location,
  org_unit,
  macs,
  loaner,
  status,
  notes,
  // Read-only export columns: accepted so an export re-imports, and ignored.
  id,
  version,
  created_at,
  updated_at,
  // Other columns of a Snipe-IT asset export that fleetkeep has no field for (yet): accepted so
  // an unedited export imports, and ignored. Anything else unknown is still refused.
  ignored,
};

struct KnownColumn {
  std::string_view name;  // lower case
  Target target;
};

// fleetkeep's own names first, then a Snipe-IT asset export's.
constexpr std::array kKnownColumns{
    KnownColumn{"asset_tag", Target::asset_tag},
    KnownColumn{"serial", Target::serial},
    KnownColumn{"kind", Target::kind},
    KnownColumn{"manufacturer", Target::manufacturer},
    KnownColumn{"model", Target::model},
    KnownColumn{"purchase_date", Target::purchase_date},
    KnownColumn{"purchase_price", Target::purchase_price},
    KnownColumn{"vendor", Target::vendor},
    KnownColumn{"po_number", Target::po_number},
    KnownColumn{"funding_source", Target::funding_source},
    KnownColumn{"warranty_end", Target::warranty_end},
    KnownColumn{"aue_date", Target::aue_date},
    KnownColumn{"location", Target::location},
    KnownColumn{"org_unit", Target::org_unit},
    KnownColumn{"macs", Target::macs},
    KnownColumn{"loaner", Target::loaner},
    KnownColumn{"status", Target::status},
    KnownColumn{"notes", Target::notes},
    KnownColumn{"id", Target::id},
    KnownColumn{"version", Target::version},
    KnownColumn{"created_at", Target::created_at},
    KnownColumn{"updated_at", Target::updated_at},
    KnownColumn{"asset tag", Target::asset_tag},
    KnownColumn{"model name", Target::model},
    KnownColumn{"category", Target::category},
    KnownColumn{"purchase date", Target::purchase_date},
    KnownColumn{"purchase cost", Target::purchase_price},
    KnownColumn{"supplier", Target::vendor},
    KnownColumn{"order number", Target::po_number},
    KnownColumn{"warranty months", Target::warranty_months},
    KnownColumn{"warranty", Target::warranty_months},
    KnownColumn{"asset name", Target::ignored},
    KnownColumn{"company", Target::ignored},
    KnownColumn{"model no.", Target::ignored},
    KnownColumn{"default location", Target::ignored},
    KnownColumn{"checked out to", Target::ignored},
    KnownColumn{"checkout date", Target::ignored},
    KnownColumn{"expected checkin", Target::ignored},
    KnownColumn{"last checkout", Target::ignored},
    KnownColumn{"last checkin", Target::ignored},
    KnownColumn{"last audit", Target::ignored},
    KnownColumn{"next audit date", Target::ignored},
    KnownColumn{"warranty expires", Target::ignored},
    KnownColumn{"eol", Target::ignored},
    KnownColumn{"asset eol date", Target::ignored},
    KnownColumn{"current value", Target::ignored},
    KnownColumn{"depreciation", Target::ignored},
    KnownColumn{"requestable", Target::ignored},
    KnownColumn{"byod", Target::ignored},
    KnownColumn{"created at", Target::ignored},
    KnownColumn{"updated at", Target::ignored},
    KnownColumn{"deleted at", Target::ignored},
    KnownColumn{"username", Target::ignored},
    KnownColumn{"email", Target::ignored},
    KnownColumn{"employee no", Target::ignored},
    KnownColumn{"image", Target::ignored},
};

// Which device field a column's problems are about, for duplicate detection and messages.
std::string_view fieldOf(Target t) {
  switch (t) {
    case Target::category: return "kind";
    case Target::warranty_months: return "warranty_end";
    default: break;
  }
  for (const auto& c : kKnownColumns) {
    if (c.target == t) return c.name;
  }
  return "";
}

struct Column {
  Target target;
  std::string header;  // as written in the file, trimmed: errors name what the user sees
};

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

bool allDigits(std::string_view s, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  return true;
}

// "YYYY-MM-DD", or Snipe-IT's "YYYY-MM-DD HH:MM:SS" whose date part is kept.
std::optional<std::string> csvDate(std::string_view s) {
  if (s.size() == 19) {
    if (s[10] != ' ' || s[13] != ':' || s[16] != ':' || !allDigits(s, 11, 13) || !allDigits(s, 14, 16) ||
        !allDigits(s, 17, 19)) {
      return std::nullopt;
    }
    const int hh = (s[11] - '0') * 10 + (s[12] - '0');
    const int mm = (s[14] - '0') * 10 + (s[15] - '0');
    const int ss = (s[17] - '0') * 10 + (s[18] - '0');
    if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
    s = s.substr(0, 10);
  }
  if (!isValidDate(s)) return std::nullopt;
  return std::string(s);
}

DeviceKind kindFromCategory(std::string_view category) {
  const auto c = lower(category);
  const auto has = [&](std::string_view word) { return c.find(word) != std::string::npos; };
  if (has("chromebook")) return DeviceKind::chromebook;
  if (has("laptop") || has("notebook")) return DeviceKind::laptop;
  if (has("tablet") || has("ipad")) return DeviceKind::tablet;
  if (has("desktop")) return DeviceKind::desktop;
  return DeviceKind::other;
}

std::optional<DeviceStatus> statusFromCell(std::string_view cell) {
  const auto s = lower(cell);
  if (auto own = parseStatus(s)) return own;
  static constexpr std::array<std::pair<std::string_view, DeviceStatus>, 6> kSnipeLabels{{
      {"ready to deploy", DeviceStatus::in_stock},
      {"pending", DeviceStatus::on_order},
      {"archived", DeviceStatus::retired},
      {"broken", DeviceStatus::in_repair},
      {"out for repair", DeviceStatus::in_repair},
      {"lost/stolen", DeviceStatus::lost},
  }};
  for (const auto& [label, status] : kSnipeLabels) {
    if (label == s) return status;
  }
  return std::nullopt;
}

std::optional<bool> boolFromCell(std::string_view cell) {
  const auto s = lower(cell);
  if (s == "true" || s == "yes" || s == "1") return true;
  if (s == "false" || s == "no" || s == "0") return false;
  return std::nullopt;
}

std::optional<int> monthsFromCell(std::string_view cell) {
  for (std::string_view suffix : {" months", " month"}) {
    if (cell.size() > suffix.size() && lower(cell.substr(cell.size() - suffix.size())) == suffix) {
      cell = trim(cell.substr(0, cell.size() - suffix.size()));
      break;
    }
  }
  if (cell.empty() || cell.size() > 4 || !allDigits(cell, 0, cell.size())) return std::nullopt;
  const int months = std::stoi(std::string(cell));
  if (months > 1200) return std::nullopt;
  return months;
}

std::string addMonths(const std::string& date, int months) {
  const auto start = parseDate(date);
  auto end = *start + std::chrono::months{months};
  // 31 January + 1 month is the last day of February, not an invalid date.
  if (!end.ok()) end = std::chrono::year_month_day_last{end.year(), std::chrono::month_day_last{end.month()}};
  return formatDate(end);
}

class RowParser {
 public:
  RowParser(const std::vector<Column>& columns, std::vector<FieldError>& errors)
      : columns_(columns), errors_(errors) {}

  // Fills `d` (a fresh draft already in place in the result, which saves moving ~600 bytes a row).
  void parse(const std::vector<std::string>& cells, std::size_t line, DeviceDraft& d) {
    line_ = line;
    std::optional<int> warranty_months;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const Column& col = columns_[i];
      const std::string_view raw = cells[i];
      const std::string_view cell = trim(raw);
      if (cell.empty()) continue;  // an empty cell leaves the field unset
      switch (col.target) {
        case Target::asset_tag: d.asset_tag = std::string(cell); break;
        case Target::serial: d.serial = std::string(cell); break;
        // Free text is kept as written so that an export re-imports byte for byte.
        case Target::manufacturer: d.manufacturer = std::string(raw); break;
        case Target::model: d.model = std::string(raw); break;
        case Target::vendor: d.vendor = std::string(raw); break;
        case Target::po_number: d.po_number = std::string(raw); break;
        case Target::funding_source: d.funding_source = std::string(raw); break;
        case Target::location: d.location = std::string(raw); break;
        case Target::org_unit: d.org_unit = std::string(raw); break;
        case Target::notes: d.notes = std::string(raw); break;
        case Target::kind:
          if (auto k = parseKind(lower(cell)))
            d.kind = k;
          else
            fail(col,
                 "unknown kind \"" + std::string(cell) + "\" (chromebook, laptop, tablet, desktop, other)");
          break;
        case Target::category: d.kind = kindFromCategory(cell); break;
        case Target::purchase_date: d.purchase_date = date(col, cell); break;
        case Target::warranty_end: d.warranty_end = date(col, cell); break;
        case Target::aue_date: d.aue_date = date(col, cell); break;
        case Target::purchase_price:
          if (auto cents = parseMoney(cell))
            d.purchase_price_cents = std::optional<std::int64_t>{*cents};
          else
            fail(col, "\"" + std::string(cell) + "\" is not an amount (e.g. 289.00)");
          break;
        case Target::macs: d.macs = macs(col, cell); break;
        case Target::loaner:
          if (auto b = boolFromCell(cell))
            d.loaner = b;
          else
            fail(col, "\"" + std::string(cell) + "\" is not true/false/yes/no/1/0");
          break;
        case Target::status:
          if (auto s = statusFromCell(cell))
            d.status = s;
          else
            fail(col, "unknown status \"" + std::string(cell) + "\"");
          break;
        case Target::warranty_months:
          warranty_months = monthsFromCell(cell);
          if (!warranty_months) fail(col, "\"" + std::string(cell) + "\" is not a number of months");
          break;
        case Target::id:
        case Target::version:
        case Target::created_at:
        case Target::updated_at:
        case Target::ignored: break;
      }
    }
    // Months count from the purchase date; without one there is nothing to count from.
    if (warranty_months && d.purchase_date && !d.purchase_date->empty()) {
      d.warranty_end = addMonths(*d.purchase_date, *warranty_months);
    }
  }

 private:
  void fail(const Column& col, std::string message) {
    errors_.push_back({line_, col.header, std::move(message)});
  }

  std::optional<std::string> date(const Column& col, std::string_view cell) {
    auto d = csvDate(cell);
    if (!d) fail(col, "\"" + std::string(cell) + "\" is not a date (YYYY-MM-DD)");
    return d;
  }

  std::optional<std::vector<std::string>> macs(const Column& col, std::string_view cell) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos < cell.size()) {
      const auto end = std::min(cell.find_first_of("; ,\t", pos), cell.size());
      const auto token = cell.substr(pos, end - pos);
      pos = end + 1;
      if (token.empty()) continue;
      if (auto mac = normaliseMac(token))
        out.push_back(std::move(*mac));
      else
        fail(col, "\"" + std::string(token) + "\" is not a MAC address");
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  const std::vector<Column>& columns_;
  std::vector<FieldError>& errors_;
  std::size_t line_ = 0;
};

// Maps the header row to columns; any problem with it makes the rows meaningless.
std::vector<Column> readHeader(const std::vector<std::string>& cells, std::size_t line,
                               std::vector<FieldError>& errors) {
  std::vector<Column> columns;
  columns.reserve(cells.size());
  for (const auto& cell : cells) {
    const std::string header(trim(cell));
    const auto name = lower(header);
    const auto known = std::find_if(kKnownColumns.begin(), kKnownColumns.end(),
                                    [&](const KnownColumn& c) { return c.name == name; });
    if (known == kKnownColumns.end()) {
      errors.push_back({line, header, "unknown column \"" + header + "\""});
      continue;
    }
    if (known->target == Target::ignored) {
      columns.push_back({Target::ignored, header});
      continue;
    }
    const auto field = fieldOf(known->target);
    const auto same = std::find_if(columns.begin(), columns.end(),
                                   [&](const Column& c) { return fieldOf(c.target) == field; });
    if (same != columns.end()) {
      errors.push_back({line, header, "column \"" + header + "\" repeats \"" + same->header + "\""});
      continue;
    }
    columns.push_back({known->target, header});
  }
  const bool has_identity = std::any_of(columns.begin(), columns.end(), [](const Column& c) {
    return c.target == Target::asset_tag || c.target == Target::serial;
  });
  if (errors.empty() && !has_identity) {
    errors.push_back({line, "serial", "the header needs a serial or an asset tag column"});
  }
  return columns;
}

bool isBlank(const std::vector<std::string>& cells) {
  return std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return trim(c).empty(); });
}

}  // namespace

// Everything the row loop needs, behind a pointer so the header's details stay out of the interface.
struct DeviceCsvParser::State {
  explicit State(std::string_view file)
      : rows_at_most(static_cast<std::size_t>(std::count(file.begin(), file.end(), '\n')) + 1), reader(file) {}

  std::size_t rows_at_most;  // rows never outnumber line ends
  CsvReader reader;
  std::vector<std::string> cells;
  std::vector<Column> columns;
  std::vector<FieldError> errors;
  // Validation names a field; errors name the column the file has for it.
  std::unordered_map<std::string_view, std::size_t> column_of;
  // First line of each key: two rows naming one device would make the outcome depend on row order.
  std::unordered_map<std::string, std::size_t> tag_lines, serial_lines;
  bool ended = false;
  bool sized = false;

  std::string headerFor(std::string_view field) const {
    const auto it = column_of.find(field);
    return std::string(it != column_of.end() ? std::string_view(columns[it->second].header) : field);
  }

  void noteRepeat(std::unordered_map<std::string, std::size_t>& lines, std::string_view field,
                  const std::optional<std::string>& key, std::size_t line) {
    if (!key || key->empty()) return;
    const auto [it, fresh] = lines.try_emplace(*key, line);
    if (fresh) return;
    errors.push_back(
        {line, headerFor(field), "\"" + *key + "\" repeats line " + std::to_string(it->second)});
  }
};

DeviceCsvParser::DeviceCsvParser(std::string_view text) : state_(std::make_unique<State>(text)) {
  State& s = *state_;
  s.cells.reserve(32);
  while (s.reader.next(s.cells)) {
    if (isBlank(s.cells)) continue;
    s.columns = readHeader(s.cells, s.reader.line(), s.errors);
    break;
  }
  if (!s.reader.error().empty()) {
    s.errors.push_back({s.reader.line(), "", s.reader.error()});
  } else if (s.columns.empty() && s.errors.empty()) {
    s.errors.push_back({1, "", "no header row"});
  }
  // A bad header makes every row meaningless: there is nothing more to read.
  s.ended = !s.errors.empty();
  for (std::size_t i = 0; i < s.columns.size(); ++i) s.column_of.emplace(fieldOf(s.columns[i].target), i);
}

DeviceCsvParser::~DeviceCsvParser() = default;

const std::vector<FieldError>& DeviceCsvParser::errors() const { return state_->errors; }

std::size_t DeviceCsvParser::rowsAtMost() const { return state_->rows_at_most; }

bool DeviceCsvParser::next(ImportRow& row) {
  State& s = *state_;
  if (!s.sized) {
    // Sized for the file up front: rehashing 100k keys as the tables grow cost as much as the
    // lookups. Here rather than in the constructor, on the thread that reads the rows.
    s.tag_lines.reserve(s.rows_at_most);
    s.serial_lines.reserve(s.rows_at_most);
    s.sized = true;
  }
  RowParser parser(s.columns, s.errors);
  while (!s.ended) {
    if (!s.reader.next(s.cells)) {
      if (!s.reader.error().empty()) s.errors.push_back({s.reader.line(), "", s.reader.error()});
      s.ended = true;
      // Freed here, on the thread that read the file, rather than by whoever destroys the parser
      // (an import's writer, which still has its commit ahead of it).
      std::unordered_map<std::string, std::size_t>().swap(s.tag_lines);
      std::unordered_map<std::string, std::size_t>().swap(s.serial_lines);
      break;
    }
    const std::size_t line = s.reader.line();
    if (isBlank(s.cells)) continue;
    if (s.cells.size() != s.columns.size()) {
      s.errors.push_back({line, "",
                          "expected " + std::to_string(s.columns.size()) + " cells, found " +
                              std::to_string(s.cells.size())});
      continue;
    }
    row.line = line;
    row.draft = DeviceDraft{};
    parser.parse(s.cells, line, row.draft);
    for (auto& e : validateNewDevice(row.draft)) s.errors.push_back({line, s.headerFor(e.field), e.message});
    s.noteRepeat(s.tag_lines, "asset_tag", row.draft.asset_tag, line);
    s.noteRepeat(s.serial_lines, "serial", row.draft.serial, line);
    return true;
  }
  return false;
}

ParsedImport parseDeviceCsv(std::string_view text) {
  ParsedImport result;
  DeviceCsvParser parser(text);
  result.rows.reserve(parser.rowsAtMost());  // far cheaper than regrowing the vector
  while (parser.next(result.rows.emplace_back())) {
  }
  result.rows.pop_back();
  result.errors = parser.errors();
  return result;
}

std::vector<std::string> exportHeader() {
  return {"id",           "asset_tag", "serial",         "kind",
          "manufacturer", "model",     "purchase_date",  "purchase_price",
          "vendor",       "po_number", "funding_source", "warranty_end",
          "aue_date",     "location",  "org_unit",       "macs",
          "loaner",       "status",    "notes",          "version",
          "created_at",   "updated_at"};
}

std::vector<std::string> exportRow(const Device& d) {
  std::string macs;
  for (const auto& mac : d.macs) {
    if (!macs.empty()) macs += ';';
    macs += mac;
  }
  return {std::to_string(d.id),
          d.asset_tag,
          d.serial,
          std::string(toString(d.kind)),
          d.manufacturer,
          d.model,
          d.purchase_date,
          d.purchase_price_cents ? formatMoney(*d.purchase_price_cents) : std::string(),
          d.vendor,
          d.po_number,
          d.funding_source,
          d.warranty_end,
          d.aue_date,
          d.location,
          d.org_unit,
          std::move(macs),
          d.loaner ? "true" : "false",
          std::string(toString(d.status)),
          d.notes,
          std::to_string(d.version),
          d.created_at,
          d.updated_at};
}

}  // namespace fk
