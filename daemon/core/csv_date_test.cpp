#include "core/csv_date.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

using K = CsvDate::Kind;

TEST(CsvDate, ReadsIsoWithOrWithoutTime) {
  EXPECT_EQ(parseCsvDate("2027-06-30", DateOrder::unknown).iso, "2027-06-30");
  EXPECT_EQ(parseCsvDate("2022-09-01 00:00:00", DateOrder::unknown).iso, "2022-09-01");
  EXPECT_EQ(parseCsvDate("2027-02-30", DateOrder::unknown).kind, K::invalid);
  EXPECT_EQ(parseCsvDate("2022-09-01 25:00:00", DateOrder::unknown).kind, K::invalid);
}

TEST(CsvDate, ReadsDotsAsDayMonth) {
  const auto d = parseCsvDate("1.9.2022", DateOrder::unknown);
  EXPECT_EQ(d.kind, K::iso);
  EXPECT_EQ(d.iso, "2022-09-01");
  EXPECT_EQ(parseCsvDate("31.12.26", DateOrder::mdy).iso, "2026-12-31");
  EXPECT_EQ(parseCsvDate("32.1.2026", DateOrder::unknown).kind, K::invalid);
}

TEST(CsvDate, SlashesNeedAnOrderWhenBothReadingsWork) {
  EXPECT_EQ(parseCsvDate("3/4/2027", DateOrder::unknown).kind, K::ambiguous);
  EXPECT_EQ(parseCsvDate("3/4/2027", DateOrder::mdy).iso, "2027-03-04");
  EXPECT_EQ(parseCsvDate("3/4/2027", DateOrder::dmy).iso, "2027-04-03");
  EXPECT_EQ(parseCsvDate("4/4/27", DateOrder::unknown).kind, K::either);
  EXPECT_EQ(parseCsvDate("4/4/27", DateOrder::unknown).iso, "2027-04-04");
}

TEST(CsvDate, SlashesWithADayOver12DecideTheOrder) {
  const auto mdy = parseCsvDate("12/25/2024", DateOrder::unknown);
  EXPECT_EQ(mdy.kind, K::mdy);
  EXPECT_EQ(mdy.iso, "2024-12-25");
  const auto dmy = parseCsvDate("25/12/24", DateOrder::unknown);
  EXPECT_EQ(dmy.kind, K::dmy);
  EXPECT_EQ(dmy.iso, "2024-12-25");
  // Given an order, a date that reads only the other way is not a date.
  EXPECT_EQ(parseCsvDate("25/12/2024", DateOrder::mdy).kind, K::invalid);
}

TEST(CsvDate, TwoDigitYearsAre20yy) {
  EXPECT_EQ(parseCsvDate("1/31/99", DateOrder::unknown).iso, "2099-01-31");
  EXPECT_EQ(parseCsvDate("2/29/24", DateOrder::unknown).iso, "2024-02-29");
  EXPECT_EQ(parseCsvDate("2/29/23", DateOrder::unknown).kind, K::invalid);
}

TEST(CsvDate, RefusesOtherShapes) {
  for (const char* bad : {"", "2027", "1/2", "1/2/3/4", "a/b/2020", "1/2/202", "1-2-2020", "1/2/2020 x",
                          "+1/2/2020", "2027-6-30"}) {
    EXPECT_EQ(parseCsvDate(bad, DateOrder::unknown).kind, K::invalid) << bad;
  }
}

}  // namespace
}  // namespace fk
