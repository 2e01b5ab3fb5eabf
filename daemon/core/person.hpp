#pragma once

// A student or staff member who borrows devices, keyed by the roster's external id. Pure.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/device.hpp"
#include "core/error.hpp"

namespace fk {

enum class PersonRole { student, staff };

std::string_view toString(PersonRole r);
std::optional<PersonRole> parsePersonRole(std::string_view text);

struct Person {
  std::int64_t id = 0;
  std::string external_id;  // student number or email
  std::string name;
  std::string email;  // "" = none
  PersonRole role = PersonRole::student;
  std::string grade;
  std::string homeroom;
  std::string location;
  std::string household;  // "" = none; the family a statement groups (OneRoster guardians, or set by hand)
  bool active = true;
  std::string created_at;
  std::string updated_at;
};

// Fields a caller sets; absent = leave as is (update, re-import) or default (create); "" clears text.
struct PersonDraft {
  std::optional<std::string> external_id, name, email, grade, homeroom, location, household;
  std::optional<PersonRole> role;
  std::optional<bool> active;
};

// Applies `draft` onto `person` and returns what changed (FieldChange as for devices).
std::vector<FieldChange> applyPersonDraft(Person& person, const PersonDraft& draft);

// Checks the fields a draft sets. With `creating`, external_id, name and role are required.
std::vector<FieldError> validatePersonDraft(const PersonDraft& draft, bool creating);

// "Name (external_id)": how messages name a person.
std::string describe(const Person& p);

}  // namespace fk
