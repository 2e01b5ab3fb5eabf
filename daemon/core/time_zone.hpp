#pragma once

// A named IANA time zone from the system's tzdata (/usr/share/zoneinfo). GCC 12's libstdc++ has no
// std::chrono::tzdb or zoned_time (both arrive in GCC 13/14), and localtime_r depends on the
// process-wide TZ, so this wraps Debian's Howard Hinnant date library (libhowardhinnant-date-dev,
// built with USE_OS_TZDB): the same API that became std::chrono's, reading the OS database.

#include <chrono>
#include <string>

#include "core/error.hpp"

namespace date {
class time_zone;
}

namespace fk {

struct LocalTime {
  std::string date;  // YYYY-MM-DD
  int minute = 0;    // minutes since local midnight
  int weekday = 0;   // Sunday = 0
};

class TimeZone {
 public:
  // "America/Chicago"; an unknown name is an invalid error naming it.
  static Result<TimeZone> locate(const std::string& name);
  static TimeZone utc();
  // The zone the machine is set to (/etc/localtime); UTC when it names none.
  static TimeZone machine();

  LocalTime local(std::chrono::system_clock::time_point t) const;
  // The instant of local `date` at `minute`. A time skipped by a spring-forward gap maps to the
  // first instant after the gap; a time repeated in the autumn maps to its first occurrence.
  std::chrono::system_clock::time_point instant(const std::string& date, int minute) const;
  const std::string& name() const { return name_; }

 private:
  TimeZone(const date::time_zone* zone, std::string name) : zone_(zone), name_(std::move(name)) {}
  const date::time_zone* zone_;  // owned by the library's tzdb, lives for the process
  std::string name_;
};

// Sunday = 0 for an ISO date; -1 if it is not one.
int weekdayOf(const std::string& date);

// The district's zone: the config's `timezone`, or the machine's when it names none. The daemon sets it
// at start and on every reload; it is what "today" means everywhere (due dates, overdue loans, school
// and fiscal years, the planning and fleet figures), so the desk, the API and /metrics agree on the day.
void setDistrictZone(const std::string& name);
TimeZone districtZone();
// Today's date (YYYY-MM-DD) and day in the district.
std::string districtToday();
std::chrono::year_month_day districtTodayDate();

}  // namespace fk
