#include "core/fiscal_year.hpp"

#include <charconv>

namespace fk {

// Named, not `using namespace std::chrono`: a unity build pastes the next file after this one, and a
// using-directive would carry all of std::chrono into it.
using std::chrono::year_month_day, std::chrono::year, std::chrono::month, std::chrono::day,
    std::chrono::years, std::chrono::days, std::chrono::sys_days, std::chrono::last, std::chrono::February;

namespace {

// A fiscal year that starts on 01-01 ends in the calendar year it starts in; any later start ends
// in the next calendar year.
int nameOffset(FiscalYearStart start) {
  return start.month == 1 && start.day == 1 ? 0 : 1;
}

}  // namespace

Status validateFiscalYearStart(FiscalYearStart start) {
  if (start.month < 1 || start.month > 12)
    return std::unexpected(Error::invalid("fiscal_year_start", "month must be 1 to 12"));
  // 2027 has no 29 February, so only days every year has pass.
  const year_month_day probe{year{2027}, month{static_cast<unsigned>(start.month)},
                             day{static_cast<unsigned>(start.day < 1 ? 0 : start.day)}};
  if (start.day < 1 || !probe.ok())
    return std::unexpected(
        Error::invalid("fiscal_year_start", "day must exist in every year (29 February does not)"));
  return {};
}

int fiscalYearOf(year_month_day date, FiscalYearStart start) {
  const int y = static_cast<int>(date.year());
  const unsigned m = static_cast<unsigned>(date.month());
  const unsigned d = static_cast<unsigned>(date.day());
  const bool on_or_after_start =
      m > static_cast<unsigned>(start.month) ||
      (m == static_cast<unsigned>(start.month) && d >= static_cast<unsigned>(start.day));
  const int begin_year = on_or_after_start ? y : y - 1;
  return begin_year + nameOffset(start);
}

year_month_day fiscalYearBegin(int fiscal_year, FiscalYearStart start) {
  return year_month_day{year{fiscal_year - nameOffset(start)}, month{static_cast<unsigned>(start.month)},
                        day{static_cast<unsigned>(start.day)}};
}

year_month_day fiscalYearEnd(int fiscal_year, FiscalYearStart start) {
  return year_month_day{sys_days{fiscalYearBegin(fiscal_year + 1, start)} - days{1}};
}

std::string fiscalYearLabel(int fiscal_year) {
  return "FY" + std::to_string(fiscal_year);
}

std::optional<int> parseFiscalYearLabel(std::string_view text) {
  if (text.size() != 6 || (text[0] != 'F' && text[0] != 'f') || (text[1] != 'Y' && text[1] != 'y'))
    return std::nullopt;
  int value = 0;
  const char* first = text.data() + 2;
  const char* last = text.data() + text.size();
  auto [end, ec] = std::from_chars(first, last, value);
  if (ec != std::errc() || end != last || *first == '-' || *first == '+' || value < 1000) return std::nullopt;
  return value;
}

year_month_day addYears(year_month_day date, int years) {
  year_month_day moved = date + std::chrono::years{years};
  if (!moved.ok()) moved = year_month_day{moved.year() / moved.month() / last};
  return moved;
}

}  // namespace fk
