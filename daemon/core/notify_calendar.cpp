#include "core/notify_calendar.hpp"

#include <cstdio>

#include "core/circulation.hpp"

namespace fk {

namespace {

constexpr int kSearchDays = 730;

std::chrono::sys_days toDays(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  std::sscanf(text.c_str(), "%4d-%2u-%2u", &y, &m, &d);
  return std::chrono::sys_days{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
}

}  // namespace

int daysBetween(const std::string& from, const std::string& to) {
  return static_cast<int>((toDays(to) - toDays(from)).count());
}

NoticeCalendar::NoticeCalendar(const NotificationsConfig& config, TimeZone zone)
    : config_(config), zone_(std::move(zone)) {}

bool NoticeCalendar::isOpenDay(const std::string& date) const {
  const int wd = weekdayOf(date);
  if (wd < 0 || !config_.send_window.days[static_cast<std::size_t>(wd)]) return false;
  for (const auto& c : config_.closed)
    if (c.first <= date && date <= c.last) return false;
  return true;
}

std::string NoticeCalendar::firstOpenDayFrom(const std::string& date) const {
  std::string day = date;
  for (int i = 0; i < kSearchDays; ++i, day = addDays(day, 1))
    if (isOpenDay(day)) return day;
  return "";
}

bool NoticeCalendar::canSendAt(std::chrono::system_clock::time_point now) const {
  const LocalTime lt = zone_.local(now);
  return isOpenDay(lt.date) && lt.minute >= config_.send_window.open_minute &&
         lt.minute < config_.send_window.close_minute;
}

std::chrono::system_clock::time_point NoticeCalendar::nextSendInstant(std::chrono::system_clock::time_point t) const {
  if (canSendAt(t)) return t;
  const LocalTime lt = zone_.local(t);
  // Today's opening if it is still ahead, else the next open day's.
  std::string day = lt.date;
  if (!(isOpenDay(day) && lt.minute < config_.send_window.open_minute)) day = firstOpenDayFrom(addDays(day, 1));
  if (day.empty()) return std::chrono::system_clock::time_point::max();
  const auto opening = zone_.instant(day, config_.send_window.open_minute);
  // A spring-forward gap can put the opening's instant before `t` on a day whose window is open.
  return opening < t ? t : opening;
}

}  // namespace fk
