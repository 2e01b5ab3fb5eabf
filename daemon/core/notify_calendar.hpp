#pragma once

// When mail may go out: the send window's days and hours in its time zone, and the school closures.
// A notice that falls on a closed day or outside the hours is postponed to the next opening, never
// dropped. Pure: the caller passes the instant.

#include <chrono>
#include <string>

#include "core/notify_config.hpp"
#include "core/time_zone.hpp"

namespace fk {

class NoticeCalendar {
 public:
  NoticeCalendar(const NotificationsConfig& config, TimeZone zone);

  // A weekday of the window and not in a closure.
  bool isOpenDay(const std::string& date) const;
  // The first open day on or after `date`; "" when none within two years (a config closed for ever).
  std::string firstOpenDayFrom(const std::string& date) const;
  // Whether mail may leave at `now`.
  bool canSendAt(std::chrono::system_clock::time_point now) const;
  // The earliest instant at or after `t` at which mail may leave (t itself when the window is open).
  std::chrono::system_clock::time_point nextSendInstant(std::chrono::system_clock::time_point t) const;
  // The local date at `t`.
  std::string today(std::chrono::system_clock::time_point t) const { return zone_.local(t).date; }
  const TimeZone& zone() const { return zone_; }

 private:
  const NotificationsConfig& config_;
  TimeZone zone_;
};

// Whole days from `from` to `to` (negative when `to` is earlier).
int daysBetween(const std::string& from, const std::string& to);

}  // namespace fk
