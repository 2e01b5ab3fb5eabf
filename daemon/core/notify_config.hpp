#pragma once

// The `notifications:` config block (docs/notifications.md). Parsed and validated in
// core/notify_config_read.cpp; the planner and the sender read it.

#include <array>
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fk {

enum class StartTls { required, optional, never };

struct SmtpConfig {
  std::string url;            // smtp://host:587 (STARTTLS per starttls) or smtps://host:465
  std::string from;           // "Library <library@example.org>" or a bare address
  std::string from_address;   // the bare address out of `from`, for MAIL FROM
  std::string username;       // "" = no AUTH
  std::filesystem::path password_file;
  StartTls starttls = StartTls::required;
  std::chrono::seconds timeout{60};
  int rate_per_minute = 60;                 // at most this many mails a minute
  std::chrono::seconds retry_initial{60};   // first back-off after a 4xx or transport error; doubles
  std::chrono::seconds retry_max{3600};
  int max_attempts = 10;                    // then the notice is failed
};

struct SendWindow {
  std::array<bool, 7> days{false, true, true, true, true, true, false};  // Sunday = 0
  int open_minute = 7 * 60;    // local minutes since midnight, [open, close)
  int close_minute = 18 * 60;
  std::string timezone = "UTC";
};

struct ClosedRange {
  std::string first, last;  // inclusive ISO dates
};

struct NotificationsConfig {
  SmtpConfig smtp;
  std::vector<int> due_soon_days{7, 1};
  std::vector<int> overdue_days{1, 7, 14};
  SendWindow send_window;
  std::vector<ClosedRange> closed;
  bool repair_ready = true;
  std::optional<int> weekly_digest;  // weekday, Sunday = 0; unset = no digest
  std::filesystem::path templates_dir;  // "" = built-in templates only
  std::map<std::string, std::string> building_contacts;  // location -> email
  std::chrono::seconds plan_interval{900};
};

}  // namespace fk
