#include "core/roster_reconcile.hpp"

#include <gtest/gtest.h>

namespace fk::roster {
namespace {

TEST(RosterReconcile, ReadsAnObservationIntoADraftDroppingBadValues) {
  api::PersonObservation o;
  o.external_id = "stu-1";
  o.origin = "users.csv line 2";
  o.fields = {{"name", "Ava Sanchez"}, {"role", "student"}, {"email", "not-an-address"}, {"grade", "08"},
              {"location", "Elm Valley Middle School"}, {"household", ""}, {"shoe_size", "5"}};
  o.active = false;
  PersonRecord r = readPersonObservation(o);
  EXPECT_EQ(r.origin, "users.csv line 2");
  EXPECT_EQ(r.draft.external_id, "stu-1");
  EXPECT_EQ(r.draft.name, "Ava Sanchez");
  EXPECT_EQ(r.draft.role, PersonRole::student);
  EXPECT_FALSE(r.draft.email) << "an invalid email is dropped";
  EXPECT_EQ(r.draft.household, "") << "an empty value clears";
  EXPECT_FALSE(r.draft.homeroom) << "not asserted: left alone";
  EXPECT_EQ(r.draft.active, false);
  ASSERT_EQ(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0].field, "shoe_size");
  EXPECT_EQ(r.problems[1].field, "email");

  o.fields = {{"role", "teacher"}};
  r = readPersonObservation(o);
  EXPECT_FALSE(r.draft.role);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].field, "role");
}

TEST(RosterReconcile, ReturnDueOnlyEverMovesADueDateEarlier) {
  EXPECT_EQ(returnDue("2027-06-15", "2027-01-10", 10), "2027-01-20");
  EXPECT_EQ(returnDue("2027-01-15", "2027-01-10", 10), std::nullopt) << "already due sooner";
  EXPECT_EQ(returnDue("2027-01-20", "2027-01-10", 10), std::nullopt) << "the same day";
  EXPECT_EQ(returnDue("2027-01-20", "2027-01-11", 10), std::nullopt) << "a later poll keeps the first date";
  EXPECT_EQ(returnDue("2027-06-01", "2027-02-20", 10), "2027-03-02") << "across the month";
}

TEST(RosterReconcile, NamesTheChange) {
  EXPECT_EQ(changeAction({{"name", "A", "B"}}), "update");
  EXPECT_EQ(changeAction({{"grade", "07", "08"}, {"active", true, false}}), "left");
  EXPECT_EQ(changeAction({{"active", false, true}}), "returned");
}

}  // namespace
}  // namespace fk::roster
