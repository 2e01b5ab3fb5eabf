#include "core/roster_reconcile.hpp"

#include <algorithm>

#include "core/circulation.hpp"

namespace fk::roster {

PersonRecord readPersonObservation(const api::PersonObservation& o) {
  PersonRecord r;
  r.origin = o.origin;
  PersonDraft& d = r.draft;
  d.external_id = o.external_id;
  d.active = o.active;
  for (const auto& [key, value] : o.fields) {
    if (key == "name") d.name = value;
    else if (key == "email") d.email = value;
    else if (key == "grade") d.grade = value;
    else if (key == "homeroom") d.homeroom = value;
    else if (key == "location") d.location = value;
    else if (key == "household") d.household = value;
    else if (key == "role") {
      if (auto role = parsePersonRole(value))
        d.role = *role;
      else
        r.problems.push_back({0, "role", "\"" + value + "\" is not student or staff"});
    } else {
      r.problems.push_back({0, key, "is not a person field"});
    }
  }
  // A bad value is dropped, not the person: their other fields (and their leaving) still count.
  for (const FieldError& e : validatePersonDraft(d, false)) {
    r.problems.push_back(e);
    if (e.field == "name") d.name.reset();
    else if (e.field == "email") d.email.reset();
    else if (e.field == "grade") d.grade.reset();
    else if (e.field == "homeroom") d.homeroom.reset();
    else if (e.field == "location") d.location.reset();
    else if (e.field == "household") d.household.reset();
    else if (e.field == "external_id") d.external_id.reset();
  }
  return r;
}

std::optional<std::string> returnDue(const std::string& due, const std::string& today, int within_days) {
  const std::string by = addDays(today, within_days);
  if (!due.empty() && due <= by) return std::nullopt;
  return by;
}

std::string changeAction(const std::vector<FieldChange>& changes) {
  const auto active = std::find_if(changes.begin(), changes.end(), [](const FieldChange& c) { return c.field == "active"; });
  if (active == changes.end()) return "update";
  return active->new_value.get<bool>() ? "returned" : "left";
}

}  // namespace fk::roster
