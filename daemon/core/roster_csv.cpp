#include "core/roster_csv.hpp"

#include <algorithm>
#include <array>
#include <unordered_map>

#include "core/csv.hpp"
#include "core/text.hpp"

namespace fk {
namespace {

enum class RosterColumn { external_id, name, email, role, grade, homeroom, location, household, active };

constexpr std::array<std::pair<std::string_view, RosterColumn>, 9> kColumns{{
    {"external_id", RosterColumn::external_id},
    {"name", RosterColumn::name},
    {"email", RosterColumn::email},
    {"role", RosterColumn::role},
    {"grade", RosterColumn::grade},
    {"homeroom", RosterColumn::homeroom},
    {"location", RosterColumn::location},
    {"household", RosterColumn::household},
    {"active", RosterColumn::active},
}};

std::optional<bool> parseActive(const std::string& cell) {
  const auto s = lowerAscii(cell);
  if (s == "true" || s == "yes" || s == "y" || s == "1") return true;
  if (s == "false" || s == "no" || s == "n" || s == "0") return false;
  return std::nullopt;
}

// Reads the header; errors when it is unusable. A column the import does not read is nullopt.
std::vector<std::optional<RosterColumn>> readHeader(const std::vector<std::string>& fields, std::size_t line,
                                              bool strict, std::vector<std::string>& ignored,
                                              FieldErrors& errors) {
  std::vector<std::optional<RosterColumn>> columns;
  std::vector<bool> seen(kColumns.size(), false);
  for (const auto& raw : fields) {
    const std::string header = std::string(trimBlanks(raw));
    const std::string name = lowerAscii(header);
    columns.emplace_back();
    if (name.empty()) continue;
    auto it = std::find_if(kColumns.begin(), kColumns.end(), [&](const auto& c) { return c.first == name; });
    const auto index = static_cast<std::size_t>(it - kColumns.begin());
    if (it == kColumns.end() || seen[index]) {
      if (strict) {
        errors.push_back({line, header,
                          it == kColumns.end()
                              ? "unknown column \"" + header +
                                    "\" (expected external_id, name, email, role, grade, homeroom, location, household, active)"
                              : "column \"" + header + "\" appears twice"});
      }
      ignored.push_back(header);
      continue;
    }
    seen[index] = true;
    columns.back() = it->second;
  }
  for (RosterColumn required : {RosterColumn::external_id, RosterColumn::name}) {
    if (!seen[static_cast<std::size_t>(required)]) {
      const auto name = std::string(kColumns[static_cast<std::size_t>(required)].first);
      errors.push_back({line, name, "the header has no \"" + name + "\" column"});
    }
  }
  return columns;
}

}  // namespace

ParsedRoster parseRosterCsv(std::string_view body, const CsvOptions& options) {
  ParsedRoster out;
  std::string converted;
  auto text = csvText(body, options.encoding, converted);
  if (!text) {
    out.errors.push_back(std::move(text.error()));
    return out;
  }
  CsvReader reader(*text, detectDelimiter(*text));
  std::vector<std::string> fields;
  if (!reader.next(fields)) {
    out.errors.push_back(
        {reader.line() ? reader.line() : 1, "",
         reader.error().empty() ? "the file is empty: a header row is required" : reader.error()});
    return out;
  }
  const auto columns = readHeader(fields, reader.line(), options.strict, out.ignored_columns, out.errors);
  if (!out.errors.empty()) return out;

  std::unordered_map<std::string, std::size_t> first_line;  // external_id -> line
  while (reader.next(fields)) {
    const std::size_t line = reader.line();
    if (fields.size() == 1 && trimBlanks(fields[0]).empty()) continue;  // blank line
    if (fields.size() != columns.size()) {
      out.errors.push_back({line, "",
                            "has " + std::to_string(fields.size()) + " fields, the header has " +
                                std::to_string(columns.size())});
      continue;
    }
    RosterRow row{line, {}};
    PersonDraft& d = row.draft;
    std::vector<FieldError> row_errors;
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (!columns[i]) continue;
      std::string cell = std::string(trimBlanks(fields[i]));
      switch (*columns[i]) {
        case RosterColumn::external_id: d.external_id = std::move(cell); break;
        case RosterColumn::name: d.name = std::move(cell); break;
        case RosterColumn::email: d.email = std::move(cell); break;
        case RosterColumn::grade: d.grade = std::move(cell); break;
        case RosterColumn::homeroom: d.homeroom = std::move(cell); break;
        case RosterColumn::location: d.location = std::move(cell); break;
        case RosterColumn::household: d.household = std::move(cell); break;
        case RosterColumn::role:
          if (cell.empty()) break;
          d.role = parsePersonRole(lowerAscii(cell));
          if (!d.role)
            row_errors.push_back({line, "role", "\"" + cell + "\" is not a role (student or staff)"});
          break;
        case RosterColumn::active:
          if (cell.empty()) break;
          d.active = parseActive(cell);
          if (!d.active) row_errors.push_back({line, "active", "\"" + cell + "\" is not true or false"});
          break;
      }
    }
    // Required-for-new checks (role) need the store: whether the person exists is not known here.
    for (auto& e : validatePersonDraft(d, /*creating=*/false)) {
      e.line = line;
      row_errors.push_back(std::move(e));
    }
    if (row_errors.empty()) {
      auto [it, inserted] = first_line.emplace(*d.external_id, line);
      if (!inserted) {
        row_errors.push_back(
            {line, "external_id",
             "\"" + *d.external_id + "\" already appears on line " + std::to_string(it->second)});
      }
    }
    if (row_errors.empty()) {
      out.rows.push_back(std::move(row));
    } else {
      for (auto& e : row_errors) out.errors.push_back(std::move(e));
    }
  }
  if (!reader.error().empty()) out.errors.push_back({reader.line(), "", reader.error()});
  return out;
}

}  // namespace fk
