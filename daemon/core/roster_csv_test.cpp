#include "core/roster_csv.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

TEST(RosterCsv, ParsesEveryColumn) {
  auto r = parseRosterCsv(
      "external_id,name,email,role,grade,homeroom,location,active\n"
      "S1,Ada Lovelace,ada@example.org,student,7,7B,Maple Middle,true\n"
      "T1, Grace Hopper ,,STAFF,,,District Office,no\n");
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].line, 2u);
  EXPECT_EQ(*r.rows[0].draft.external_id, "S1");
  EXPECT_EQ(*r.rows[0].draft.homeroom, "7B");
  EXPECT_EQ(*r.rows[0].draft.active, true);
  EXPECT_EQ(*r.rows[1].draft.name, "Grace Hopper");
  EXPECT_EQ(*r.rows[1].draft.role, PersonRole::staff);
  EXPECT_EQ(*r.rows[1].draft.email, "");  // present but empty: clears
  EXPECT_EQ(*r.rows[1].draft.active, false);
}

TEST(RosterCsv, MissingOptionalColumnsLeaveFieldsUnset) {
  auto r = parseRosterCsv("Name,External_ID\nAda,S1\n");
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_FALSE(r.rows[0].draft.email);
  EXPECT_FALSE(r.rows[0].draft.role);
  EXPECT_FALSE(r.rows[0].draft.active);
}

TEST(RosterCsv, HeaderProblems) {
  auto r = parseRosterCsv("external_id,nickname\nS1,Ada\n");
  ASSERT_EQ(r.errors.size(), 1u);  // no name column; the unknown one is only listed
  EXPECT_EQ(r.errors[0].line, 1u);
  EXPECT_EQ(r.errors[0].field, "name");
  EXPECT_EQ(r.ignored_columns, std::vector<std::string>{"nickname"});
  EXPECT_TRUE(r.rows.empty());
  EXPECT_FALSE(parseRosterCsv("").errors.empty());
  CsvOptions strict;
  strict.strict = true;
  auto refused = parseRosterCsv("external_id,name,nickname\nS1,Ada,A\n", strict);
  ASSERT_EQ(refused.errors.size(), 1u);
  EXPECT_NE(refused.errors[0].message.find("nickname"), std::string::npos);
  EXPECT_FALSE(parseRosterCsv("external_id,name,name\n", strict).errors.empty());
}

TEST(RosterCsv, ReadsWhatTheDeviceImportReads) {
  // Semicolons, a BOM, CR-only line ends and Windows-1252 text: the same reader as devices.
  CsvOptions cp1252;
  cp1252.encoding = TextEncoding::windows_1252;
  // "\xE9" "e": written apart, or the escape would take the e as a third hex digit.
  auto r = parseRosterCsv("\xEF\xBB\xBF" "external_id;name;role\rS1;Ren\xE9" "e;student\r", cp1252);
  ASSERT_TRUE(r.errors.empty()) << r.errors[0].message;
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].draft.name, "Ren\xC3\xA9" "e");
  auto utf8 = parseRosterCsv("external_id;name;role\rS1;Ren\xE9" "e;student\r");
  ASSERT_EQ(utf8.errors.size(), 1u);
  EXPECT_EQ(utf8.errors[0].line, 2u);
}

TEST(RosterCsv, EveryBadRowIsReportedWithItsLine) {
  auto r = parseRosterCsv(
      "external_id,name,role,active\n"
      "S1,Ada,student,yes\n"
      "S2,Bob,teacher,yes\n"
      "S3,Cy,student,maybe\n"
      ",Dee,student,1\n"
      "S1,Ada again,student,1\n"
      "S6,Short\n");
  ASSERT_EQ(r.errors.size(), 5u);
  EXPECT_EQ(r.errors[0].line, 3u);
  EXPECT_EQ(r.errors[0].field, "role");
  EXPECT_EQ(r.errors[1].line, 4u);
  EXPECT_EQ(r.errors[1].field, "active");
  EXPECT_EQ(r.errors[2].line, 5u);
  EXPECT_EQ(r.errors[2].field, "external_id");
  EXPECT_EQ(r.errors[3].line, 6u);
  EXPECT_NE(r.errors[3].message.find("line 2"), std::string::npos);
  EXPECT_EQ(r.errors[4].line, 7u);
}

TEST(RosterCsv, QuotedFieldsAndBlankLines) {
  auto r = parseRosterCsv("external_id,name,homeroom\r\n\"S1\",\"Lovelace, Ada\",\"7B\"\r\n\r\nS2,Bob,\r\n");
  ASSERT_TRUE(r.errors.empty());
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(*r.rows[0].draft.name, "Lovelace, Ada");
  EXPECT_EQ(r.rows[1].line, 4u);
}

}  // namespace
}  // namespace fk
