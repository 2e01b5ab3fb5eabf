#include "core/collection.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

TEST(CollectionScope, GradesCompareAsRostersWriteThem) {
  EXPECT_TRUE(sameGrade("8", "08"));
  EXPECT_TRUE(sameGrade("08", "8"));
  EXPECT_TRUE(sameGrade("KG", "kg"));
  EXPECT_FALSE(sameGrade("8", "18"));
  EXPECT_FALSE(sameGrade("8", ""));
  EXPECT_TRUE(sameGrade("0", "00"));
}

TEST(CollectionScope, EveryGivenPartNarrows) {
  const CollectionScope eighth{"Elm Valley Middle School", {"8"}, {}};
  EXPECT_TRUE(inScope(eighth, "Elm Valley Middle School", "08", "student"));
  EXPECT_TRUE(inScope(eighth, "Elm Valley Middle School / Room 12", "8", "student"));
  EXPECT_FALSE(inScope(eighth, "Elm Valley Middle School", "7", "student"));
  EXPECT_FALSE(inScope(eighth, "Elm Valley Middle Schools", "8", "student"));
  EXPECT_FALSE(inScope(eighth, "Oak High", "8", "student"));

  const CollectionScope staff{"", {}, {"staff"}};
  EXPECT_TRUE(inScope(staff, "Oak High", "", "staff"));
  EXPECT_FALSE(inScope(staff, "Oak High", "", "student"));

  EXPECT_TRUE(inScope(CollectionScope{}, "", "", "student"));  // the whole district
}

TEST(CollectionScope, ListsRoundTripThroughOneColumn) {
  EXPECT_EQ(splitList(joinList({"7", "8"})), (std::vector<std::string>{"7", "8"}));
  EXPECT_TRUE(splitList("").empty());
  EXPECT_EQ(joinList({}), "");
}

TEST(CollectionScope, BadScopesNameTheField) {
  EXPECT_TRUE(checkScope({"Elm", {"8", "KG"}, {"student", "staff"}}));
  EXPECT_EQ(checkScope({"", {"8", "7,8"}, {}}).error().details["field"], "grades[1]");
  EXPECT_EQ(checkScope({"", {""}, {}}).error().details["field"], "grades[0]");
  EXPECT_EQ(checkScope({"", {}, {"teacher"}}).error().details["field"], "roles[0]");
  EXPECT_EQ(checkScope({"a\nb", {}, {}}).error().details["field"], "location");
}

TEST(CollectionDeadline, TheDeadlineDayIsStillOnTime) {
  EXPECT_FALSE(deadlinePassed("2027-06-10", "2027-06-10"));
  EXPECT_TRUE(deadlinePassed("2027-06-10", "2027-06-11"));
}

TEST(CollectionBehind, FromTwoDaysBeforeTheDeadlineBelowTheShare) {
  // 80 of 100 back is behind at 90 %, but only from 2027-06-08.
  EXPECT_FALSE(collectionBehind(100, 80, 0.9, "2027-06-10", "2027-06-07"));
  EXPECT_TRUE(collectionBehind(100, 80, 0.9, "2027-06-10", "2027-06-08"));
  EXPECT_TRUE(collectionBehind(100, 80, 0.9, "2027-06-10", "2027-06-20"));
  EXPECT_FALSE(collectionBehind(100, 90, 0.9, "2027-06-10", "2027-06-09"));
  EXPECT_FALSE(collectionBehind(0, 0, 0.9, "2027-06-10", "2027-06-09"));
}

}  // namespace
}  // namespace fk
