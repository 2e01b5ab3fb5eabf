#pragma once

// What the API and CLI see of the running sources, and the one thing they may ask of them. The
// sources module implements SourceControl; http/ only knows this interface.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/write_back.hpp"

namespace fk {

// A source's write-back as the API shows it: its config, how it last went, and what is pending now.
struct WriteBackView {
  WriteBackConfig config;
  write_back::Status status;
  write_back::Plan plan;
};

struct SourceDuplicate {
  std::string key;                   // "serial 5CD1234"
  std::vector<std::string> origins;  // "line 12", "page 3 item 7"
};

// A roster source's people in one poll (store/people_reconcile.hpp).
struct SourcePeopleSummary {
  std::size_t observed = 0, created = 0, updated = 0, unchanged = 0, left = 0, returned = 0,
              return_dates = 0;
};

// The outcome of the last poll that reached reconciliation.
struct SourcePollSummary {
  std::size_t observed = 0;  // records the plugin emitted (managed and network)
  std::size_t skipped = 0;   // records the plugin could not read
  std::size_t created = 0, updated = 0, unchanged = 0, flagged = 0, conflicts = 0, duplicates = 0,
              kept_manual = 0, field_problems = 0, left_listing = 0;
  std::size_t listed = 0;   // devices the source currently lists
  std::size_t network = 0;  // network sightings among `observed`
  std::vector<SourceDuplicate> duplicate_keys;
  std::vector<std::string> problems;  // the first few, "line 4: ..."
  SourcePeopleSummary people;
};

struct SourceStatus {
  std::string name;
  std::string plugin;
  std::chrono::seconds interval{0};
  std::optional<std::chrono::seconds> full_sync_interval;
  std::chrono::seconds timeout{0};
  std::string on_unknown;
  bool overwrite_manual = false;

  bool running = false;
  std::uint64_t polls = 0;  // finished since the daemon started (failed ones too)
  std::optional<std::chrono::system_clock::time_point> last_start, last_end, last_success, last_full_sync,
      next_poll;
  std::string last_result;  // "ok", "failed" or "" before the first poll
  std::string last_reason;  // FailureReason name when failed
  std::string last_error;
  double last_duration_seconds = 0;
  int consecutive_failures = 0;
  std::chrono::seconds backoff{0};  // added to the interval after failures; 0 when healthy
  SourcePollSummary summary;        // of the last successful poll
};

class SourceControl {
 public:
  virtual ~SourceControl() = default;
  virtual std::vector<SourceStatus> statuses() const = 0;
  virtual std::optional<SourceStatus> status(std::string_view name) const = 0;
  enum class PollRequest { started, already_running, unknown };
  // Runs a poll now, on the source's own thread; never a second one alongside a running poll.
  virtual PollRequest pollNow(std::string_view name) = 0;
  // The source's write-back and its pending changes, planned now; not found for an unknown source or
  // one without a write_back block.
  virtual Result<WriteBackView> writeBack(std::string_view name) {
    return std::unexpected(Error::notFound("no source named \"" + std::string(name) + "\""));
  }
  enum class ApplyRequest { started, already_running, unknown, not_configured };
  // Sends the pending changes now, on the source's own thread, dry_run or not.
  virtual ApplyRequest applyWriteBack(std::string_view name) {
    (void)name;
    return ApplyRequest::unknown;
  }
};

}  // namespace fk
