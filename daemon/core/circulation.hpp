#pragma once

// Circulation desk rules: conditions, due dates, overdue. Pure: the caller passes today's date.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/device.hpp"
#include "core/error.hpp"

namespace fk {

enum class Condition { good, damaged, missing_parts };

std::string_view toString(Condition c);
std::optional<Condition> parseCondition(std::string_view text);

// Today's calendar date in the district (core/time_zone.hpp, districtToday): the desk thinks in local
// days, and a loan due "today" must not turn overdue at UTC midnight.
std::string localToday();

// "YYYY-MM-DD" + days (may be negative).
std::string addDays(const std::string& date, int days);

// The due date of a new loan: `requested` when given (a real date, not before `today`), else today +
// default_days. Errors are 400 naming `field`.
Result<std::string> dueDate(const std::optional<std::string>& requested, const std::string& today,
                            int default_days, const std::string& field = "due");

// A loan is overdue once its due day has passed (due today is not yet overdue). Dates compare as text.
inline bool isOverdue(const std::string& due, const std::string& today) {
  return due < today;
}

// Whether a device in `status` may go out on loan; otherwise a 409 whose message says why (its status,
// or who holds it when `holder` names someone).
Status checkLendable(const std::string& device_name, DeviceStatus status, const std::string& holder = "");

// Where a returned device goes: deployed (and lost/stolen: found when handed back) back to in_stock;
// nullopt keeps its status (in_repair: the work order owns it; retired stays retired).
std::optional<DeviceStatus> statusAfterReturn(DeviceStatus status);

// Free text on a checkout or return: bounded, no control characters except newline/tab.
std::optional<FieldError> checkNotes(const std::string& text, const std::string& field);
// A location to lend to ("Cart 3"): non-empty, single line, bounded.
std::optional<FieldError> checkLocation(const std::string& text, const std::string& field);

// Who a loan goes to: a person (by external id) or a place, exactly one of them (nullopt: not given).
// Errors are 400 naming the field to fix.
Status checkBorrower(const std::optional<std::string>& person, const std::optional<std::string>& location);

// Only an active person may borrow; otherwise a 409 on "person" naming them (`who`).
Status checkMayBorrow(const std::string& who, bool active);

// The condition a return records: the one stated, else damaged when the return opens a work order
// (that is why it came back), else good.
Condition returnCondition(std::optional<Condition> stated, bool opens_work_order);

}  // namespace fk
