#pragma once

// Which notices are due: reminders before and after a loan's due date, "repaired, pick it up", and a
// weekly digest per building. Pure: the store gathers the facts, the outbox (store/outbox_store)
// keeps each notice once by its key. docs/notifications.md has the rules in prose.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/notify_calendar.hpp"
#include "core/notify_config.hpp"

namespace fk {

enum class NoticeKind { due_soon, overdue, repair_ready, weekly_digest };

std::string_view toString(NoticeKind k);
std::optional<NoticeKind> parseNoticeKind(std::string_view text);
inline constexpr NoticeKind kAllNoticeKinds[] = {NoticeKind::due_soon, NoticeKind::overdue,
                                                 NoticeKind::repair_ready, NoticeKind::weekly_digest};

// An open loan to a person.
struct LoanFact {
  std::string person;    // external id: counts people, never shown in a mail
  std::string name;
  std::string email;     // "" = none
  std::string building;  // the person's location, else the device's
  std::string device_tag, device_model;
  std::string checked_out;  // local date the loan began
  std::string due;
  std::string household;  // the roster's household; "" = none, the address alone groups the mail
};

// A work order whose device belongs to a person's loan (holder_waiting), or any open one (digest).
struct RepairFact {
  std::string person, name, email, building;
  std::string device_tag, device_model;
  std::string status;
  std::string opened;     // date
  std::string resolved;   // local date it was resolved; "" while open or when it ended otherwise
  bool holder_waiting = false;
  std::string household;  // as for a loan
};

// An open collection campaign's figures for the loans of one building (the holder's location, else the
// device's): what the weekly digest shows.
struct CollectionFact {
  std::string name, deadline, building;
  std::int64_t expected = 0, returned = 0, outstanding = 0;
};

struct PlanInput {
  std::string today;  // local date in the send window's zone
  std::vector<LoanFact> loans;
  std::vector<RepairFact> repairs;
  std::vector<CollectionFact> collections;
};

struct Notice {
  NoticeKind kind = NoticeKind::due_soon;
  // The recipient address (lower case) with " household H" for a household's mail, or the building for a
  // digest: the outbox keeps one notice per (kind, subject, day).
  std::string subject;
  std::string day;      // the open day it belongs to: a postponed notice keeps the day it was postponed to
  std::vector<std::string> to, cc;
  nlohmann::json context;  // what the templates see (docs/notifications.md lists it)
};

struct NoticePlan {
  std::vector<Notice> notices;
  int people_without_email = 0;  // people a notice was due for who have no address: counted, not mailed
};

// A notice whose day passed while the daemon was down is still planned this many days later.
inline constexpr int kCatchUpDays = 7;

NoticePlan planNotices(const NotificationsConfig& config, const NoticeCalendar& calendar, const PlanInput& input);

// The rendering context of one kind for one person's loans or repairs, as the planner would build it
// (the preview endpoint uses it with the person's facts). `loans`/`repairs` are that person's.
nlohmann::json previewContext(NoticeKind kind, const NotificationsConfig& config, const std::string& today,
                              const std::vector<LoanFact>& loans, const std::vector<RepairFact>& repairs);

}  // namespace fk
