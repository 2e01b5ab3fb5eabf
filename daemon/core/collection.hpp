#pragma once

// End-of-year collection campaigns: who is in scope, when a campaign is behind. Pure.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace fk {

// Whose loans a campaign collects. An empty list (or location) does not narrow: no scope at all is
// the whole district.
struct CollectionScope {
  std::string location;             // the person's location is within it (core/audit.hpp locationWithin)
  std::vector<std::string> grades;  // the person's grade is one of them ("8" and "08" are one grade)
  std::vector<std::string> roles;   // student, staff
};

// Rosters spell grades "8", "08" (OneRoster's CEDS codes) or "KG"/"kg": numbers compare as numbers,
// the rest case-insensitively.
bool sameGrade(std::string_view a, std::string_view b);

bool inScope(const CollectionScope& scope, std::string_view person_location, std::string_view person_grade,
             std::string_view person_role);

// Scope lists as stored in one column: comma-joined (grades and roles never contain commas).
std::string joinList(const std::vector<std::string>& items);
std::vector<std::string> splitList(std::string_view text);

// Checks a scope from the API: grades non-empty without commas, roles student or staff, location one
// line. Errors name the field ("grades[1]").
Status checkScope(const CollectionScope& scope);

// A campaign's deadline is the last day to return: from the day after, its outstanding loans are overdue.
inline bool deadlinePassed(const std::string& deadline, const std::string& today) { return today > deadline; }

// The rule FleetkeepCollectionBehind evaluates in Prometheus, for the API's "behind" flag: from two days
// before the deadline, less than `alert_below` of what was expected is back.
bool collectionBehind(long long expected, long long returned, double alert_below, const std::string& deadline,
                      const std::string& today);

}  // namespace fk
