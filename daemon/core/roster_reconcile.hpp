#pragma once

// What a roster source's person observations mean for the people table. Pure: the store loads the
// people and applies what these decide (store/people_reconcile.hpp).

#include <optional>
#include <string>
#include <vector>

#include "api/source.hpp"
#include "core/error.hpp"
#include "core/person.hpp"

namespace fk::roster {

// A person observation read into a draft. Values that do not validate are dropped from the draft
// and named in `problems` (the rest of the record still applies), as for devices.
struct PersonRecord {
  std::string origin;
  PersonDraft draft;
  std::vector<FieldError> problems;
};

PersonRecord readPersonObservation(const api::PersonObservation& observation);

// The due date an open checkout of a person who has left should have: `today` + `within_days`, unless
// it is already due earlier (then nullopt: leave it). Never later than it was.
std::optional<std::string> returnDue(const std::string& due, const std::string& today, int within_days);

// The event action for a change of a known person: "left" / "returned" when only `active` tells the
// story, else "update".
std::string changeAction(const std::vector<FieldChange>& changes);

}  // namespace fk::roster
