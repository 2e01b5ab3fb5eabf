#include "core/circulation.hpp"

#include <gtest/gtest.h>

#include "core/time_zone.hpp"
#include "core/values.hpp"

namespace fk {
namespace {

TEST(Circulation, ConditionNamesRoundTrip) {
  for (auto c : {Condition::good, Condition::damaged, Condition::missing_parts}) {
    EXPECT_EQ(parseCondition(toString(c)), c);
  }
  EXPECT_FALSE(parseCondition("broken"));
  EXPECT_FALSE(parseCondition("Good"));
}

TEST(Circulation, AddDaysCrossesMonthsAndLeapDays) {
  EXPECT_EQ(addDays("2026-11-27", 180), "2027-05-26");
  EXPECT_EQ(addDays("2028-02-28", 1), "2028-02-29");
  EXPECT_EQ(addDays("2027-02-28", 1), "2027-03-01");
  EXPECT_EQ(addDays("2027-01-01", -1), "2026-12-31");
}

TEST(Circulation, DueDateDefaultsToTodayPlusLoanDays) {
  auto due = dueDate(std::nullopt, "2026-11-27", 180);
  ASSERT_TRUE(due);
  EXPECT_EQ(*due, "2027-05-26");
}

TEST(Circulation, DueDateTodayIsAllowedYesterdayIsNot) {
  EXPECT_EQ(dueDate(std::string("2026-11-27"), "2026-11-27", 180).value(), "2026-11-27");
  auto past = dueDate(std::string("2026-11-26"), "2026-11-27", 180);
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code, Errc::invalid);
  EXPECT_EQ(past.error().details["field"], "due");
  EXPECT_NE(past.error().message.find("in the past"), std::string::npos);
}

TEST(Circulation, DueDateMustBeARealDate) {
  for (const char* bad : {"2027-02-30", "tomorrow", "2027-6-1", ""}) {
    auto due = dueDate(std::string(bad), "2026-11-27", 180, "items[2].due");
    ASSERT_FALSE(due) << bad;
    EXPECT_EQ(due.error().details["field"], "items[2].due");
  }
}

TEST(Circulation, OverdueOnlyAfterTheDueDay) {
  EXPECT_FALSE(isOverdue("2026-11-27", "2026-11-27"));
  EXPECT_TRUE(isOverdue("2026-11-26", "2026-11-27"));
  EXPECT_FALSE(isOverdue("2027-01-01", "2026-12-31"));
}

TEST(Circulation, OnlyInStockDevicesAreLendable) {
  EXPECT_TRUE(checkLendable("tag:CB-1", DeviceStatus::in_stock));
  for (auto s : {DeviceStatus::deployed, DeviceStatus::in_repair, DeviceStatus::on_order, DeviceStatus::lost,
                 DeviceStatus::retired}) {
    auto st = checkLendable("tag:CB-1", s);
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::conflict);
    EXPECT_EQ(st.error().details["status"], toString(s));
  }
}

TEST(Circulation, RefusalNamesTheHolder) {
  auto st = checkLendable("tag:CB-1", DeviceStatus::deployed, "Ada Lovelace (S1)");
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("deployed"), std::string::npos);
  EXPECT_NE(st.error().message.find("Ada Lovelace (S1)"), std::string::npos);
}

TEST(Circulation, ReturnedDevicesGoBackToStockUnlessOnTheBench) {
  EXPECT_EQ(statusAfterReturn(DeviceStatus::deployed), DeviceStatus::in_stock);
  EXPECT_EQ(statusAfterReturn(DeviceStatus::lost), DeviceStatus::in_stock);
  EXPECT_FALSE(statusAfterReturn(DeviceStatus::in_repair));
  EXPECT_FALSE(statusAfterReturn(DeviceStatus::retired));
}

TEST(Circulation, LocalTodayIsADate) {
  EXPECT_TRUE(isValidDate(localToday()));
}

TEST(Circulation, TodayIsTheDistricts) {
  setDistrictZone("Pacific/Kiritimati");  // UTC+14: its day differs from UTC's for 14 hours of each
  EXPECT_EQ(districtZone().name(), "Pacific/Kiritimati");
  const std::string expected = TimeZone::locate("Pacific/Kiritimati")->local(std::chrono::system_clock::now()).date;
  EXPECT_EQ(localToday(), expected);
  setDistrictZone("");  // the config names none: the machine's zone
  EXPECT_EQ(districtZone().name(), TimeZone::machine().name());
}

TEST(Circulation, NotesAndLocationChecks) {
  EXPECT_FALSE(checkNotes("cracked corner\nstill works", "notes"));
  EXPECT_TRUE(checkNotes(std::string(5000, 'x'), "notes"));
  EXPECT_TRUE(checkNotes("bell\a", "notes"));
  EXPECT_FALSE(checkLocation("Cart 3", "location"));
  EXPECT_TRUE(checkLocation("", "location"));
  EXPECT_TRUE(checkLocation("Cart\n3", "location"));
}

TEST(Circulation, ALoanGoesToAPersonOrAPlaceNeverBoth) {
  EXPECT_TRUE(checkBorrower(std::string("S1"), std::nullopt));
  EXPECT_TRUE(checkBorrower(std::nullopt, std::string("Cart 3")));
  auto both = checkBorrower(std::string("S1"), std::string("Cart 3"));
  ASSERT_FALSE(both);
  EXPECT_EQ(both.error().details["field"], "location");
  auto neither = checkBorrower(std::nullopt, std::nullopt);
  ASSERT_FALSE(neither);
  EXPECT_EQ(neither.error().details["field"], "person");
  auto empty = checkBorrower(std::string(), std::nullopt);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "person must not be empty");
  auto bad_place = checkBorrower(std::nullopt, std::string("Cart\n3"));
  ASSERT_FALSE(bad_place);
  EXPECT_EQ(bad_place.error().details["field"], "location");
}

TEST(Circulation, OnlyActivePeopleBorrow) {
  EXPECT_TRUE(checkMayBorrow("Ada Lovelace (S1)", true));
  auto refused = checkMayBorrow("Ada Lovelace (S1)", false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::conflict);
  EXPECT_EQ(refused.error().details["field"], "person");
  EXPECT_NE(refused.error().message.find("Ada Lovelace (S1) is inactive"), std::string::npos);
}

TEST(Circulation, AReturnThatOpensARepairIsDamagedUnlessTheCallerSaysOtherwise) {
  EXPECT_EQ(returnCondition(std::nullopt, false), Condition::good);
  EXPECT_EQ(returnCondition(std::nullopt, true), Condition::damaged);
  EXPECT_EQ(returnCondition(Condition::missing_parts, true), Condition::missing_parts);
  EXPECT_EQ(returnCondition(Condition::good, true), Condition::good);
}

}  // namespace
}  // namespace fk
