#include "core/fiscal_year.hpp"

#include <gtest/gtest.h>

#include "core/date_test_support.hpp"
#include "core/values.hpp"

namespace fk {
namespace {

using namespace std::chrono;
using test::d;

constexpr FiscalYearStart kJuly{7, 1};

TEST(FiscalYear, JulyStartIsNamedAfterTheYearItEndsIn) {
  EXPECT_EQ(fiscalYearOf(d("2026-07-01"), kJuly), 2027);
  EXPECT_EQ(fiscalYearOf(d("2027-06-30"), kJuly), 2027);
  EXPECT_EQ(fiscalYearOf(d("2026-06-30"), kJuly), 2026);
  EXPECT_EQ(fiscalYearOf(d("2027-07-01"), kJuly), 2028);
  EXPECT_EQ(fiscalYearOf(d("2026-12-31"), kJuly), 2027);
  EXPECT_EQ(fiscalYearOf(d("2027-01-01"), kJuly), 2027);
}

TEST(FiscalYear, BeginAndEndAreTheFirstAndLastDays) {
  EXPECT_EQ(formatDate(fiscalYearBegin(2027, kJuly)), "2026-07-01");
  EXPECT_EQ(formatDate(fiscalYearEnd(2027, kJuly)), "2027-06-30");
  for (int fy = 2020; fy < 2040; ++fy) {
    EXPECT_EQ(fiscalYearOf(fiscalYearBegin(fy, kJuly), kJuly), fy);
    EXPECT_EQ(fiscalYearOf(fiscalYearEnd(fy, kJuly), kJuly), fy);
    EXPECT_EQ(sys_days{fiscalYearEnd(fy, kJuly)} + days{1}, sys_days{fiscalYearBegin(fy + 1, kJuly)});
  }
}

TEST(FiscalYear, ANonJulyStartMovesTheBoundary) {
  const FiscalYearStart october{10, 1};  // US federal style
  EXPECT_EQ(fiscalYearOf(d("2026-09-30"), october), 2026);
  EXPECT_EQ(fiscalYearOf(d("2026-10-01"), october), 2027);
  EXPECT_EQ(formatDate(fiscalYearBegin(2027, october)), "2026-10-01");
  EXPECT_EQ(formatDate(fiscalYearEnd(2027, october)), "2027-09-30");

  const FiscalYearStart mid_april{4, 15};
  EXPECT_EQ(fiscalYearOf(d("2027-04-14"), mid_april), 2027);
  EXPECT_EQ(fiscalYearOf(d("2027-04-15"), mid_april), 2028);
  EXPECT_EQ(formatDate(fiscalYearEnd(2028, mid_april)), "2028-04-14");
}

TEST(FiscalYear, AJanuaryFirstStartIsTheCalendarYear) {
  const FiscalYearStart january{1, 1};
  EXPECT_EQ(fiscalYearOf(d("2027-01-01"), january), 2027);
  EXPECT_EQ(fiscalYearOf(d("2027-12-31"), january), 2027);
  EXPECT_EQ(formatDate(fiscalYearBegin(2027, january)), "2027-01-01");
  EXPECT_EQ(formatDate(fiscalYearEnd(2027, january)), "2027-12-31");
  const FiscalYearStart january_second{1, 2};  // ends on 1 January of the next calendar year
  EXPECT_EQ(fiscalYearOf(d("2027-01-01"), january_second), 2027);
  EXPECT_EQ(fiscalYearOf(d("2027-01-02"), january_second), 2028);
  EXPECT_EQ(formatDate(fiscalYearEnd(2028, january_second)), "2028-01-01");
}

TEST(FiscalYear, LeapDaysFallInsideTheirYear) {
  EXPECT_EQ(fiscalYearOf(d("2028-02-29"), kJuly), 2028);
  const FiscalYearStart march{3, 1};
  // The year before a 1 March start ends on 29 February in leap years, on 28 February otherwise.
  EXPECT_EQ(formatDate(fiscalYearEnd(2028, march)), "2028-02-29");
  EXPECT_EQ(formatDate(fiscalYearEnd(2027, march)), "2027-02-28");
  EXPECT_EQ(fiscalYearOf(d("2028-02-29"), march), 2028);
  EXPECT_EQ(fiscalYearOf(d("2028-03-01"), march), 2029);
  const FiscalYearStart feb28{2, 28};
  EXPECT_EQ(fiscalYearOf(d("2028-02-29"), feb28), 2029);  // after the start day
  EXPECT_EQ(formatDate(fiscalYearEnd(2028, feb28)), "2028-02-27");
}

TEST(FiscalYear, AStartEveryYearLacksIsRefused) {
  EXPECT_TRUE(validateFiscalYearStart({7, 1}));
  EXPECT_TRUE(validateFiscalYearStart({12, 31}));
  EXPECT_TRUE(validateFiscalYearStart({2, 28}));
  for (auto bad :
       {FiscalYearStart{2, 29}, FiscalYearStart{2, 30}, FiscalYearStart{4, 31}, FiscalYearStart{0, 1},
        FiscalYearStart{13, 1}, FiscalYearStart{7, 0}, FiscalYearStart{7, -3}}) {
    auto st = validateFiscalYearStart(bad);
    ASSERT_FALSE(st) << bad.month << "-" << bad.day;
    EXPECT_EQ(st.error().code, Errc::invalid);
    EXPECT_EQ(st.error().details.value("field", ""), "fiscal_year_start");
  }
}

TEST(FiscalYear, LabelsRoundTrip) {
  EXPECT_EQ(fiscalYearLabel(2027), "FY2027");
  EXPECT_EQ(parseFiscalYearLabel("FY2027"), 2027);
  EXPECT_EQ(parseFiscalYearLabel("fy2031"), 2031);
  for (const char* bad :
       {"", "FY", "2027", "FY27", "FY20270", "FY+202", "FY-202", "FX2027", "FY2O27", " FY2027"})
    EXPECT_FALSE(parseFiscalYearLabel(bad).has_value()) << bad;
}

TEST(FiscalYear, AddingYearsKeepsTheDayAndClampsALeapDay) {
  EXPECT_EQ(formatDate(addYears(d("2022-08-15"), 5)), "2027-08-15");
  EXPECT_EQ(formatDate(addYears(d("2024-02-29"), 4)), "2028-02-29");
  EXPECT_EQ(formatDate(addYears(d("2024-02-29"), 5)), "2029-02-28");
  EXPECT_EQ(formatDate(addYears(d("2028-02-29"), -1)), "2027-02-28");
  EXPECT_EQ(formatDate(addYears(d("2026-11-27"), -1)), "2025-11-27");
}

}  // namespace
}  // namespace fk
