#include "core/person.hpp"

#include <nlohmann/json.hpp>

#include "core/text.hpp"

namespace fk {
namespace {

constexpr std::size_t kMaxIdentifier = 128;
constexpr std::size_t kMaxText = 256;

void applyText(std::vector<FieldChange>& changes, const char* field, std::string& current,
               const std::optional<std::string>& wanted) {
  if (!wanted || *wanted == current) return;
  auto json = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  changes.push_back({field, json(current), json(*wanted)});
  current = *wanted;
}

}  // namespace

std::string_view toString(PersonRole r) {
  return r == PersonRole::staff ? "staff" : "student";
}

std::optional<PersonRole> parsePersonRole(std::string_view text) {
  if (text == "student") return PersonRole::student;
  if (text == "staff") return PersonRole::staff;
  return std::nullopt;
}

std::vector<FieldChange> applyPersonDraft(Person& p, const PersonDraft& d) {
  std::vector<FieldChange> changes;
  applyText(changes, "external_id", p.external_id, d.external_id);
  applyText(changes, "name", p.name, d.name);
  applyText(changes, "email", p.email, d.email);
  if (d.role && *d.role != p.role) {
    changes.push_back({"role", std::string(toString(p.role)), std::string(toString(*d.role))});
    p.role = *d.role;
  }
  applyText(changes, "grade", p.grade, d.grade);
  applyText(changes, "homeroom", p.homeroom, d.homeroom);
  applyText(changes, "location", p.location, d.location);
  applyText(changes, "household", p.household, d.household);
  if (d.active && *d.active != p.active) {
    changes.push_back({"active", p.active, *d.active});
    p.active = *d.active;
  }
  return changes;
}

std::vector<FieldError> validatePersonDraft(const PersonDraft& d, bool creating) {
  std::vector<FieldError> errors;
  if (d.external_id) {
    const auto before = errors.size();
    checkText(errors, "external_id", d.external_id, kMaxIdentifier);
    const std::string& id = *d.external_id;
    if (errors.size() == before) {
      if (id.empty()) {
        errors.push_back({0, "external_id", "must not be empty"});
      } else if (id.front() == ' ' || id.back() == ' ') {
        errors.push_back({0, "external_id", "must not start or end with a space"});
      } else if (id.find('/') != std::string::npos) {
        // It is a path segment: /api/v1/people/{external_id}.
        errors.push_back({0, "external_id", "must not contain '/'"});
      }
    }
  } else if (creating) {
    errors.push_back({0, "external_id", "is required"});
  }
  if (d.name) {
    checkText(errors, "name", d.name, kMaxText);
    if (d.name->find_first_not_of(' ') == std::string::npos)
      errors.push_back({0, "name", "must not be empty"});
  } else if (creating) {
    errors.push_back({0, "name", "is required"});
  }
  if (d.email) {
    const auto before = errors.size();
    checkText(errors, "email", d.email, kMaxText);
    const std::string& e = *d.email;
    if (errors.size() == before && !e.empty() &&
        (e.find('@') == std::string::npos || e.front() == '@' || e.back() == '@' ||
         e.find(' ') != std::string::npos)) {
      errors.push_back({0, "email", "\"" + e + "\" is not an email address"});
    }
  }
  if (creating && !d.role) errors.push_back({0, "role", "is required (student or staff)"});
  checkText(errors, "grade", d.grade, kMaxText);
  checkText(errors, "homeroom", d.homeroom, kMaxText);
  checkText(errors, "location", d.location, kMaxText);
  checkText(errors, "household", d.household, kMaxText);
  return errors;
}

std::string describe(const Person& p) {
  return p.name + " (" + p.external_id + ")";
}

}  // namespace fk
