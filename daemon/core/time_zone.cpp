#include "core/time_zone.hpp"

#include "core/values.hpp"

#include <date/tz.h>

#include <cstdio>
#include <optional>
#include <mutex>

namespace fk {

namespace {

std::optional<date::local_days> parseDay(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) return std::nullopt;
  const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
  if (!ymd.ok()) return std::nullopt;
  return date::local_days{ymd};
}

}  // namespace

namespace {

std::mutex district_mutex;
std::optional<TimeZone> district;  // unset: the machine's zone

}  // namespace

void setDistrictZone(const std::string& name) {
  std::optional<TimeZone> zone;
  if (!name.empty()) {
    if (auto z = TimeZone::locate(name)) zone = *z;  // config validation has checked the name
  }
  std::lock_guard lock(district_mutex);
  district = std::move(zone);
}

TimeZone districtZone() {
  {
    std::lock_guard lock(district_mutex);
    if (district) return *district;
  }
  return TimeZone::machine();
}

std::string districtToday() {
  return districtZone().local(std::chrono::system_clock::now()).date;
}

std::chrono::year_month_day districtTodayDate() {
  return *parseDate(districtToday());
}

Result<TimeZone> TimeZone::locate(const std::string& name) {
  try {
    return TimeZone(date::locate_zone(name), name);
  } catch (const std::exception&) {
    return std::unexpected(Error::invalid("timezone", "unknown time zone \"" + name +
                                          "\" (an IANA name such as America/Chicago, from /usr/share/zoneinfo)"));
  }
}

TimeZone TimeZone::utc() {
  return TimeZone(date::locate_zone("UTC"), "UTC");
}

TimeZone TimeZone::machine() {
  try {
    const date::time_zone* zone = date::current_zone();
    return TimeZone(zone, std::string(zone->name()));
  } catch (const std::exception&) {
    return utc();
  }
}

LocalTime TimeZone::local(std::chrono::system_clock::time_point t) const {
  const auto lt = zone_->to_local(date::floor<std::chrono::seconds>(t));
  const auto day = date::floor<date::days>(lt);
  const date::year_month_day ymd{day};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()));
  LocalTime out;
  out.date = buf;
  out.minute = static_cast<int>(date::floor<std::chrono::minutes>(lt - day).count());
  out.weekday = static_cast<int>(date::weekday{day}.c_encoding());
  return out;
}

std::chrono::system_clock::time_point TimeZone::instant(const std::string& day_text, int minute) const {
  const auto day = parseDay(day_text).value_or(date::local_days{});
  const date::local_seconds lt = day + std::chrono::minutes(minute);
  const auto info = zone_->get_info(lt);
  if (info.result == date::local_info::nonexistent) {
    // The gap's end: the transition instant itself.
    return std::chrono::system_clock::time_point(info.second.begin.time_since_epoch());
  }
  return zone_->to_sys(lt, date::choose::earliest);
}

int weekdayOf(const std::string& text) {
  const auto day = parseDay(text);
  return day ? static_cast<int>(date::weekday{*day}.c_encoding()) : -1;
}

}  // namespace fk
