#include "core/person.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

PersonDraft fullDraft() {
  PersonDraft d;
  d.external_id = "S12345";
  d.name = "Ada Lovelace";
  d.email = "ada@example.org";
  d.role = PersonRole::student;
  d.grade = "7";
  d.homeroom = "7B";
  d.location = "Maple Middle";
  return d;
}

bool hasField(const std::vector<FieldError>& errors, const std::string& field) {
  for (const auto& e : errors)
    if (e.field == field) return true;
  return false;
}

TEST(Person, RoleNames) {
  EXPECT_EQ(parsePersonRole("student"), PersonRole::student);
  EXPECT_EQ(parsePersonRole("staff"), PersonRole::staff);
  EXPECT_FALSE(parsePersonRole("teacher"));
  EXPECT_EQ(toString(PersonRole::staff), "staff");
}

TEST(Person, ValidDraftPasses) {
  EXPECT_TRUE(validatePersonDraft(fullDraft(), true).empty());
}

TEST(Person, CreateNeedsIdNameAndRole) {
  auto errors = validatePersonDraft(PersonDraft{}, true);
  EXPECT_TRUE(hasField(errors, "external_id"));
  EXPECT_TRUE(hasField(errors, "name"));
  EXPECT_TRUE(hasField(errors, "role"));
  EXPECT_TRUE(validatePersonDraft(PersonDraft{}, false).empty());
}

TEST(Person, BadFieldsAreNamed) {
  PersonDraft d = fullDraft();
  d.external_id = " S1";
  d.email = "not-an-email";
  d.homeroom = "7\x01";
  auto errors = validatePersonDraft(d, true);
  EXPECT_TRUE(hasField(errors, "external_id"));
  EXPECT_TRUE(hasField(errors, "email"));
  EXPECT_TRUE(hasField(errors, "homeroom"));
  d = fullDraft();
  d.external_id = "a/b";
  EXPECT_TRUE(hasField(validatePersonDraft(d, true), "external_id"));
  d = fullDraft();
  d.name = "bad \xff utf8";
  EXPECT_TRUE(hasField(validatePersonDraft(d, true), "name"));
  d = fullDraft();
  d.name = "  ";
  EXPECT_TRUE(hasField(validatePersonDraft(d, true), "name"));
}

TEST(Person, EmptyEmailClears) {
  PersonDraft d = fullDraft();
  d.email = "";
  EXPECT_TRUE(validatePersonDraft(d, true).empty());
}

TEST(Person, ApplyReportsOnlyRealChanges) {
  Person p;
  auto first = applyPersonDraft(p, fullDraft());
  EXPECT_EQ(first.size(), 6u);  // role student is the default: no change
  EXPECT_TRUE(applyPersonDraft(p, fullDraft()).empty());
  PersonDraft d;
  d.active = false;
  d.grade = "8";
  auto changes = applyPersonDraft(p, d);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].field, "grade");
  EXPECT_EQ(changes[0].old_value, "7");
  EXPECT_EQ(changes[1].field, "active");
  EXPECT_EQ(changes[1].new_value, false);
  EXPECT_FALSE(p.active);
  EXPECT_EQ(p.name, "Ada Lovelace");
}

TEST(Person, Describe) {
  Person p;
  p.name = "Ada";
  p.external_id = "S1";
  EXPECT_EQ(describe(p), "Ada (S1)");
}

}  // namespace
}  // namespace fk
