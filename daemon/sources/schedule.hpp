#pragma once

// When a source polls next: interval with jitter, exponential back-off after failures, Retry-After,
// and when to ask for a full listing. Pure (the time and the random draw come in), so it is tested
// with a fake clock.

#include <chrono>
#include <optional>

namespace fk {

struct ScheduleSettings {
  std::chrono::seconds interval{3600};
  std::optional<std::chrono::seconds> full_sync_interval;  // unset: only the first poll after start
};

class Schedule {
 public:
  // The monotonic clock: a step of the wall clock (NTP, a VM resumed) neither pauses nor hurries a source.
  using TimePoint = std::chrono::steady_clock::time_point;
  using seconds = std::chrono::seconds;

  // Back-off doubles from the interval and stops growing at 32 intervals or a day, whichever is less
  // (never below the interval): a broken source keeps being tried, and a fixed one is picked up.
  static constexpr int kMaxDoublings = 5;
  static constexpr seconds kMaxBackoff{86400};
  // Each wait is stretched or shrunk by up to this share, so sources started together drift apart.
  static constexpr double kJitter = 0.1;

  explicit Schedule(ScheduleSettings settings) : settings_(settings) {}

  // The first poll after start. A source that has polled before (in an earlier run) is spread over up
  // to a tenth of the interval (5 s at most), so a restart does not fire every source at once; one that
  // never polled goes at once, so a new install shows its devices on the first request.
  TimePoint first(TimePoint now, double random01, bool polled_before) const;
  // After a successful poll that started at `start`: the next start, an interval later.
  TimePoint afterSuccess(TimePoint start, TimePoint end, double random01);
  // After a failed poll: the back-off delay from its end, or longer when the source asked for a pause.
  TimePoint afterFailure(TimePoint end, std::optional<seconds> retry_after, double random01);

  // A full listing is due on the first poll and once full_sync_interval has passed since the last one.
  bool fullSyncDue(TimePoint now, std::optional<TimePoint> last_full_sync) const;

  // The wait after the latest failure (0 when healthy), and how many polls failed in a row.
  seconds backoff() const { return backoff_; }
  int failures() const { return failures_; }

  // A reload changed the interval: keeps the failure count, so a failing source stays backed off.
  void retime(ScheduleSettings settings) { settings_ = settings; }
  const ScheduleSettings& settings() const { return settings_; }

 private:
  static seconds jittered(seconds base, double random01);

  ScheduleSettings settings_;
  int failures_ = 0;
  seconds backoff_{0};
};

}  // namespace fk
