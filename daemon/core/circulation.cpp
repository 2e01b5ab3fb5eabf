#include "core/circulation.hpp"

#include <chrono>
#include <ctime>

#include "core/text.hpp"
#include "core/time_zone.hpp"
#include "core/values.hpp"

namespace fk {

namespace {
constexpr std::size_t kMaxNotes = 4096;
constexpr std::size_t kMaxLocation = 256;
}  // namespace

std::string_view toString(Condition c) {
  switch (c) {
    case Condition::good: return "good";
    case Condition::damaged: return "damaged";
    case Condition::missing_parts: return "missing_parts";
  }
  return "unknown";
}

std::optional<Condition> parseCondition(std::string_view text) {
  for (auto c : {Condition::good, Condition::damaged, Condition::missing_parts}) {
    if (toString(c) == text) return c;
  }
  return std::nullopt;
}

std::string localToday() {
  return districtToday();
}

std::string addDays(const std::string& date, int days) {
  auto ymd = parseDate(date);
  if (!ymd) return date;
  return formatDate(std::chrono::year_month_day{std::chrono::sys_days{*ymd} + std::chrono::days{days}});
}

Result<std::string> dueDate(const std::optional<std::string>& requested, const std::string& today,
                            int default_days, const std::string& field) {
  if (!requested) return addDays(today, default_days);
  if (!isValidDate(*requested)) {
    return std::unexpected(Error::invalid(field, "\"" + *requested + "\" is not a date (YYYY-MM-DD)"));
  }
  if (*requested < today) {
    return std::unexpected(
        Error::invalid(field, "due date " + *requested + " is in the past (today is " + today + ")"));
  }
  return *requested;
}

Status checkLendable(const std::string& device_name, DeviceStatus status, const std::string& holder) {
  if (status == DeviceStatus::in_stock) return {};
  std::string message = "device " + device_name + " is " + std::string(toString(status));
  if (!holder.empty()) message += " (checked out to " + holder + ")";
  message += "; only an in_stock device can be checked out";
  return std::unexpected(Error::conflict(std::move(message), {{"status", toString(status)}}));
}

std::optional<DeviceStatus> statusAfterReturn(DeviceStatus status) {
  switch (status) {
    case DeviceStatus::deployed:
    case DeviceStatus::lost:
    case DeviceStatus::stolen: return DeviceStatus::in_stock;
    default: return std::nullopt;
  }
}

std::optional<FieldError> checkNotes(const std::string& text, const std::string& field) {
  if (text.size() > kMaxNotes) return FieldError{0, field, "must be at most 4096 bytes"};
  if (hasControl(text, true)) return FieldError{0, field, "must not contain control characters"};
  return std::nullopt;
}

std::optional<FieldError> checkLocation(const std::string& text, const std::string& field) {
  if (text.empty()) return FieldError{0, field, "must not be empty"};
  if (text.size() > kMaxLocation) return FieldError{0, field, "must be at most 256 bytes"};
  if (hasControl(text, false)) return FieldError{0, field, "must not contain control characters"};
  return std::nullopt;
}

Status checkBorrower(const std::optional<std::string>& person, const std::optional<std::string>& location) {
  if (person.has_value() == location.has_value()) {
    return std::unexpected(Error::invalid(person ? "location" : "person",
                                          "give either person (an external_id) or location, not both"));
  }
  if (person && person->empty()) return std::unexpected(Error::invalid("person", "person must not be empty"));
  if (location) {
    if (auto bad = checkLocation(*location, "location"))
      return std::unexpected(Error::invalid("location", "location " + bad->message));
  }
  return {};
}

Status checkMayBorrow(const std::string& who, bool active) {
  if (active) return {};
  return std::unexpected(
      Error::conflict(who + " is inactive; reactivate them (PATCH active: true) before lending", {{"field", "person"}}));
}

Condition returnCondition(std::optional<Condition> stated, bool opens_work_order) {
  if (stated) return *stated;
  return opens_work_order ? Condition::damaged : Condition::good;
}

}  // namespace fk
