#pragma once

#include <string_view>
#include <vector>

#include "core/csv_input.hpp"
#include "core/error.hpp"
#include "core/person.hpp"

namespace fk {

struct RosterRow {
  std::size_t line = 0;
  PersonDraft draft;
};

struct ParsedRoster {
  std::vector<RosterRow> rows;
  FieldErrors errors;  // every bad line and field (the first kMaxReportedImportErrors kept); when non-empty nothing is imported
  std::vector<std::string> ignored_columns;  // header names not read (unknown or repeated), as written
};

// Parses a roster CSV with the columns external_id, name, email, role (student|staff), grade, homeroom,
// location, household, active (true/false, yes/no, 1/0), read as core/csv_input.hpp says (encoding, delimiter).
// Header names match case-insensitively; unknown and repeated ones are ignored and listed (refused with
// options.strict), blank ones skipped. external_id and name are required columns, the others optional (a missing column leaves the field as it is). A present but
// empty cell clears the text field; an empty role or active cell leaves it as it is. The same external_id
// twice is an error naming both lines.
ParsedRoster parseRosterCsv(std::string_view text, const CsvOptions& options = {});

}  // namespace fk
