#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace fk {

// The day a fiscal year begins, the same every year (config `fiscal_year_start`, default 07-01).
struct FiscalYearStart {
  int month = 7;
  int day = 1;
};

// Refuses a month/day that some years lack: 02-29 would make the fiscal year undefined in three years
// out of four, so it is refused here as in the config reader.
Status validateFiscalYearStart(FiscalYearStart start);

// Fiscal years are named after the calendar year in which they end: with a 07-01 start,
// 2026-07-01 .. 2027-06-30 is FY2027; with 01-01, FY2027 is the calendar year 2027.
// `start` must have passed validateFiscalYearStart.
int fiscalYearOf(std::chrono::year_month_day date, FiscalYearStart start);
std::chrono::year_month_day fiscalYearBegin(int fiscal_year, FiscalYearStart start);
std::chrono::year_month_day fiscalYearEnd(int fiscal_year, FiscalYearStart start);  // last day, inclusive

// "FY2027"; parseFiscalYearLabel also takes "fy2027" and refuses anything else.
std::string fiscalYearLabel(int fiscal_year);
std::optional<int> parseFiscalYearLabel(std::string_view text);

// The same month and day `years` later (or earlier, when negative); 29 February lands on 28 February
// in a year without one, so a device bought on a leap day ages by whole years like any other.
std::chrono::year_month_day addYears(std::chrono::year_month_day date, int years);

}  // namespace fk
