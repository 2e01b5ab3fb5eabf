#include "core/device_csv.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <unordered_map>

#include "core/csv.hpp"
#include "core/csv_date.hpp"
#include "core/csv_stream.hpp"
#include "core/device_csv_columns.hpp"
#include "core/device_fields.hpp"
#include "core/key_lines.hpp"
#include "core/values.hpp"
#include "core/text.hpp"

namespace fk {

using device_csv::Column;
using device_csv::Target;

const StatusLabels& defaultStatusLabels() {
  // Snipe-IT's stock labels (a fresh install's seeds and the names districts commonly add).
  static const StatusLabels kDefault{
      {"ready to deploy", DeviceStatus::in_stock}, {"deployable", DeviceStatus::in_stock},
      {"deployed", DeviceStatus::deployed},        {"pending", DeviceStatus::on_order},
      {"archived", DeviceStatus::retired},         {"broken", DeviceStatus::in_repair},
      {"out for repair", DeviceStatus::in_repair}, {"out for diagnostics", DeviceStatus::in_repair},
      {"lost", DeviceStatus::lost},                {"stolen", DeviceStatus::stolen},
      {"lost/stolen", DeviceStatus::lost},
  };
  return kDefault;
}

namespace {

// "6.37702E+15", "5.02E+18", "1E+12": what Excel shows (and saves) for a long number typed into a
// cell. The digits it dropped are gone, so two devices would end up with one serial.
bool looksLikeExcelNumber(std::string_view s) {
  const auto e = s.find_first_of("eE");
  if (e == std::string_view::npos || e == 0 || e + 1 >= s.size()) return false;
  std::string_view mantissa = s.substr(0, e), exponent = s.substr(e + 1);
  // Excel always writes the sign ("E+15"); without it, "881E038" is a real serial (service-tag style).
  if (exponent.front() != '+') return false;
  exponent.remove_prefix(1);
  if (!isAsciiDigits(exponent)) return false;
  const auto dot = mantissa.find('.');
  if (dot == std::string_view::npos) return isAsciiDigits(mantissa);
  return isAsciiDigits(mantissa.substr(0, dot)) && isAsciiDigits(mantissa.substr(dot + 1));
}

DeviceKind kindFromCategory(std::string_view category) {
  const auto c = lowerAscii(category);
  const auto has = [&](std::string_view word) { return c.find(word) != std::string::npos; };
  if (has("chromebook")) return DeviceKind::chromebook;
  if (has("laptop") || has("notebook")) return DeviceKind::laptop;
  if (has("tablet") || has("ipad")) return DeviceKind::tablet;
  if (has("desktop")) return DeviceKind::desktop;
  return DeviceKind::other;
}

std::optional<bool> boolFromCell(std::string_view cell) {
  const auto s = lowerAscii(cell);
  if (s == "true" || s == "yes" || s == "1") return true;
  if (s == "false" || s == "no" || s == "0") return false;
  return std::nullopt;
}

std::optional<int> monthsFromCell(std::string_view cell) {
  for (std::string_view suffix : {" months", " month"}) {
    if (cell.size() > suffix.size() && lowerAscii(cell.substr(cell.size() - suffix.size())) == suffix) {
      cell = trimBlanks(cell.substr(0, cell.size() - suffix.size()));
      break;
    }
  }
  if (cell.size() > 4 || !isAsciiDigits(cell)) return std::nullopt;
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

}  // namespace

// What the rows of one file share while they are read: the order its slash dates were found in.
// Outside the anonymous namespace because DeviceCsvParser::State holds one: GCC warns
// (-Wsubobject-linkage) when that pairing is not in the main file, as in a unity build.
struct DeviceCsvDateState {
  DateOrder order = DateOrder::unknown;  // given, or the first unambiguous date's
  std::size_t decided_at = 0;            // the line that decided it (0: given, or not yet)
};

namespace {

class RowParser {
 public:
  RowParser(const std::vector<Column>& columns, const DeviceImportOptions& options, DeviceCsvDateState& dates,
            FieldErrors& errors, FieldErrors& warnings)
      : columns_(columns), options_(options), dates_(dates), errors_(errors), warnings_(warnings) {}

  // Fills `row` (a fresh one already in place in the result, which saves moving ~700 bytes a row).
  void parse(const std::vector<std::string>& cells, ImportRow& row) {
    line_ = row.line;
    DeviceDraft& d = row.draft;
    std::optional<int> warranty_months;
    ImportCheckout checkout;
    std::string checkout_type;
    bool any_checkout = false;
    for (const Column& col : columns_) {
      const std::string_view raw = cells[col.index];
      const std::string_view cell = trimBlanks(raw);
      if (cell.empty()) continue;  // an empty cell leaves the field unset
      switch (col.target) {
        case Target::field: readField(*col.field, col, raw, cell, d); break;
        case Target::category: d.kind = kindFromCategory(cell); break;
        case Target::warranty_months:
          warranty_months = monthsFromCell(cell);
          if (!warranty_months) fail(col, "\"" + std::string(cell) + "\" is not a number of months");
          break;
        case Target::checkout_type: checkout_type = lowerAscii(cell); break;
        case Target::checkout_username: checkout.username = cell; any_checkout = true; break;
        case Target::checkout_email: checkout.email = cell; any_checkout = true; break;
        case Target::checkout_first_name: checkout.first_name = cell; any_checkout = true; break;
        case Target::checkout_last_name: checkout.last_name = cell; any_checkout = true; break;
        case Target::checkout_full_name: checkout.full_name = cell; any_checkout = true; break;
        case Target::checkout_location: checkout.location = cell; break;
        case Target::checkout_due:
          if (auto due = date(col, cell)) checkout.due = std::move(*due);
          break;
        case Target::read_only: break;
      }
    }
    // Months count from the purchase date; without one there is nothing to count from.
    if (warranty_months && d.purchase_date && !d.purchase_date->empty()) {
      d.warranty_end = addMonths(*d.purchase_date, *warranty_months);
    }
    // Snipe-IT: "location" lends to the place; any other type (or none) with a user named lends to
    // that user. A place named without the type is where it is lent only when no user is named.
    if (checkout_type == "location" || (!any_checkout && !checkout.location.empty() && checkout_type.empty())) {
      if (checkout.location.empty()) {
        warn("Checkout Type", "a location checkout names no place (\"Checked Out To: Location\"); not lent");
        return;
      }
      checkout.to_location = true;
      lend(row, std::move(checkout));
    } else if (any_checkout) {
      if (checkout.username.empty() && checkout.email.empty()) {
        warn("Checked Out To: Username", "the user has no username or email to match; not lent");
        return;
      }
      checkout.location.clear();
      lend(row, std::move(checkout));
    }
  }

 private:
  void fail(const Column& col, std::string message) { errors_.push_back({line_, col.header, std::move(message)}); }
  void warn(std::string field, std::string message) {
    warnings_.push_back({line_, std::move(field), std::move(message)});
  }

  // A device that is out (or could be lent) is lent on import; one the status keeps off the shelf
  // (in repair, lost, retired...) cannot be, as in Snipe-IT, which lends only deployable assets.
  void lend(ImportRow& row, ImportCheckout checkout) {
    auto& status = row.draft.status;
    if (status && *status != DeviceStatus::in_stock && *status != DeviceStatus::deployed) {
      warn("Checkout Type", "status " + std::string(toString(*status)) + " cannot be lent; not lent");
      return;
    }
    // The checkout moves the device to deployed itself, with its own event.
    status.reset();
    row.checkout = std::move(checkout);
  }

  void readField(const DeviceField& f, const Column& col, std::string_view raw, std::string_view cell,
                 DeviceDraft& d) {
    switch (f.type) {
      case FieldType::identifier: d.*f.draft = identifier(col, cell); break;
      case FieldType::text: d.*f.draft = std::string(f.csv_trim ? cell : raw); break;
      case FieldType::date: d.*f.draft = date(col, cell); break;
      case FieldType::kind:
        if (auto k = parseKind(lowerAscii(cell)))
          d.kind = k;
        else
          fail(col, "unknown kind \"" + std::string(cell) + "\" (chromebook, laptop, tablet, desktop, other)");
        break;
      case FieldType::money:
        if (auto cents = parseMoney(cell))
          d.purchase_price_cents = std::optional<std::int64_t>{*cents};
        else
          fail(col, "\"" + std::string(cell) + "\" is not an amount (e.g. 289.00)");
        break;
      case FieldType::macs: d.macs = macs(col, cell); break;
      case FieldType::flag:
        if (auto b = boolFromCell(cell))
          d.loaner = b;
        else
          fail(col, "\"" + std::string(cell) + "\" is not true/false/yes/no/1/0");
        break;
      case FieldType::status: d.status = status(col, cell); break;
      case FieldType::server: break;
    }
  }

  std::optional<std::string> identifier(const Column& col, std::string_view cell) {
    if (looksLikeExcelNumber(cell)) {
      fail(col, "\"" + std::string(cell) +
                    "\" is a number Excel rewrote, with digits lost: export the column as text and import again");
    }
    return std::string(cell);
  }

  std::optional<DeviceStatus> status(const Column& col, std::string_view cell) {
    const std::string s = lowerAscii(cell);
    if (auto own = parseStatus(s)) return own;
    if (auto it = options_.status_labels.find(s); it != options_.status_labels.end()) return it->second;
    warn(col.header, "unknown status label \"" + std::string(cell) +
                         "\": the device keeps its status (in_stock when new); map it under import.status_labels");
    return std::nullopt;
  }

  std::optional<std::string> date(const Column& col, std::string_view cell) {
    // Without ?date_order an ambiguous date is refused even after unambiguous ones: a file mixing
    // orders is not rare, and guessing from other lines would make the outcome depend on row order.
    CsvDate parsed = parseCsvDate(cell, options_.csv.date_order);
    using K = CsvDate::Kind;
    switch (parsed.kind) {
      case K::iso:
      case K::either: return std::move(parsed.iso);
      case K::mdy:
      case K::dmy: {
        const DateOrder order = parsed.kind == K::mdy ? DateOrder::mdy : DateOrder::dmy;
        if (dates_.order == DateOrder::unknown) {
          dates_.order = order;
          dates_.decided_at = line_;
        } else if (dates_.order != order) {
          // Only reachable without ?date_order: with it, parseCsvDate reads every date that way.
          fail(col, "\"" + std::string(cell) + "\" reads only as " +
                        (order == DateOrder::mdy ? "month/day" : "day/month") + " but line " +
                        std::to_string(dates_.decided_at) + " reads only the other way");
          return std::nullopt;
        }
        return std::move(parsed.iso);
      }
      case K::ambiguous:
        fail(col, "\"" + std::string(cell) +
                      "\" could be month/day or day/month: add ?date_order=mdy or ?date_order=dmy");
        return std::nullopt;
      case K::invalid: break;
    }
    fail(col, "\"" + std::string(cell) + "\" is not a date (YYYY-MM-DD, M/D/YYYY, D.M.YYYY)");
    return std::nullopt;
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
  const DeviceImportOptions& options_;
  DeviceCsvDateState& dates_;
  FieldErrors& errors_;
  FieldErrors& warnings_;
  std::size_t line_ = 0;
};

bool isBlank(const std::vector<std::string>& cells) {
  return std::all_of(cells.begin(), cells.end(), [](const std::string& c) { return trimBlanks(c).empty(); });
}

}  // namespace

// Everything the row loop needs, behind a pointer so the header's details stay out of the interface.
struct DeviceCsvParser::State {
  State(ByteSource& body, const DeviceImportOptions& opts, std::size_t rows_estimate)
      : options(opts), text(body, options.csv.encoding), rows_at_most(rows_estimate) {}

  DeviceImportOptions options;
  CsvTextStream text;
  std::size_t rows_at_most = 0;  // for sizing: rows never outnumber line ends
  std::optional<CsvReader> reader;
  std::vector<std::string> cells;
  device_csv::Header header;
  FieldErrors errors, warnings;
  DeviceCsvDateState dates;
  // Validation names a field; errors name the column the file has for it.
  std::unordered_map<std::string_view, std::size_t> column_of;
  // First line of each key: two rows naming one device would make the outcome depend on row order.
  KeyLines tag_lines, serial_lines;
  bool ended = false;

  // Reading is over, at the end of the text or at a problem that stops it. Text that is not UTF-8 (or
  // not Windows-1252) refuses the file whatever else is wrong with it, as when the whole body was
  // checked before reading it: the rest of the body is still checked, and that problem alone reported.
  void finish() {
    ended = true;
    if (!text.failure()) {
      std::string rest;
      while (text.more(rest)) rest.clear();
    }
    if (const auto& bad = text.failure()) {
      errors = FieldErrors{};
      errors.push_back(*bad);
      warnings = FieldErrors{};
    }
    // Freed here, on the thread that read the file, rather than by whoever destroys the parser
    // (an import's writer, which still has its commit ahead of it).
    tag_lines.clear();
    serial_lines.clear();
  }

  std::string headerFor(std::string_view field) const {
    const auto it = column_of.find(field);
    return std::string(it != column_of.end() ? std::string_view(header.columns[it->second].header) : field);
  }

  void noteRepeat(KeyLines& lines, std::string_view field, const std::optional<std::string>& key,
                  std::size_t line) {
    if (!key || key->empty()) return;
    if (const auto first = lines.firstLine(*key, line)) {
      errors.push_back({line, headerFor(field), "\"" + *key + "\" repeats line " + std::to_string(*first)});
    }
  }
};

namespace {

// A body of this many bytes has about this many rows at most, for sizing tables before reading it:
// rows of only a serial are shorter, but sizing is all it is used for.
constexpr std::size_t kBytesPerRowEstimate = 128;

}  // namespace

DeviceCsvParser::DeviceCsvParser(std::string_view body, const DeviceImportOptions& options)
    : owned_body_(std::make_unique<StringSource>(body)) {
  start(*owned_body_, options, countLines(body));
}

DeviceCsvParser::DeviceCsvParser(ByteSource& body, const DeviceImportOptions& options) {
  start(body, options, body.sizeHint() / kBytesPerRowEstimate + 1);
}

void DeviceCsvParser::start(ByteSource& body, const DeviceImportOptions& options, std::size_t rows_estimate) {
  state_ = std::make_unique<State>(body, options, rows_estimate);
  State& s = *state_;
  s.reader.emplace(s.text);
  s.cells.reserve(32);
  bool found = false;
  while (s.reader->next(s.cells)) {
    if (isBlank(s.cells)) continue;
    s.header = device_csv::readHeader(s.cells, s.reader->line(), s.options.csv.strict, s.errors);
    found = true;
    break;
  }
  if (!s.reader->error().empty()) {
    s.errors.push_back({s.reader->line(), "", s.reader->error()});
  } else if (!found && s.errors.empty()) {
    s.errors.push_back({1, "", "no header row"});
  }
  // A bad header makes every row meaningless: there is nothing more to read.
  if (!s.errors.empty()) s.finish();
  for (std::size_t i = 0; i < s.header.columns.size(); ++i) {
    s.column_of.emplace(device_csv::fieldOf(s.header.columns[i]), i);
  }
}

DeviceCsvParser::~DeviceCsvParser() = default;

const FieldErrors& DeviceCsvParser::errors() const { return state_->errors; }
const FieldErrors& DeviceCsvParser::warnings() const { return state_->warnings; }
const std::vector<std::string>& DeviceCsvParser::ignoredColumns() const { return state_->header.ignored; }

std::size_t DeviceCsvParser::rowsAtMost() const { return state_->rows_at_most; }

bool DeviceCsvParser::next(ImportRow& row) {
  State& s = *state_;
  RowParser parser(s.header.columns, s.options, s.dates, s.errors, s.warnings);
  while (!s.ended) {
    if (!s.reader->next(s.cells)) {
      if (!s.reader->error().empty()) s.errors.push_back({s.reader->line(), "", s.reader->error()});
      s.finish();
      break;
    }
    const std::size_t line = s.reader->line();
    if (isBlank(s.cells)) continue;
    if (s.cells.size() != s.header.width) {
      s.errors.push_back({line, "",
                          "expected " + std::to_string(s.header.width) + " cells, found " +
                              std::to_string(s.cells.size())});
      continue;
    }
    row.line = line;
    row.draft = DeviceDraft{};
    row.checkout.reset();
    parser.parse(s.cells, row);
    for (auto& e : validateNewDevice(row.draft)) s.errors.push_back({line, s.headerFor(e.field), e.message});
    s.noteRepeat(s.tag_lines, "asset_tag", row.draft.asset_tag, line);
    s.noteRepeat(s.serial_lines, "serial", row.draft.serial, line);
    return true;
  }
  return false;
}

ParsedImport parseDeviceCsv(std::string_view text, const DeviceImportOptions& options) {
  ParsedImport result;
  DeviceCsvParser parser(text, options);
  result.rows.reserve(parser.rowsAtMost());  // far cheaper than regrowing the vector
  while (parser.next(result.rows.emplace_back())) {
  }
  result.rows.pop_back();
  result.errors = parser.errors();
  return result;
}

std::vector<std::string> exportHeader() {
  std::vector<std::string> out;
  for (const DeviceField& f : kDeviceFields) {
    if (f.csv_export) out.emplace_back(f.name);
  }
  return out;
}

std::vector<std::string> exportRow(const Device& d) {
  std::vector<std::string> out;
  out.reserve(kDeviceFields.size());
  for (const DeviceField& f : kDeviceFields) {
    if (f.csv_export) out.push_back(fieldText(d, f));
  }
  return out;
}

}  // namespace fk
