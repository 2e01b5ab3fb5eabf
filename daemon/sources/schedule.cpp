#include "sources/schedule.hpp"

#include <algorithm>

namespace fk {

Schedule::seconds Schedule::jittered(seconds base, double random01) {
  const double factor = 1.0 + kJitter * (2.0 * std::clamp(random01, 0.0, 1.0) - 1.0);
  return seconds(
      std::max<std::int64_t>(1, static_cast<std::int64_t>(static_cast<double>(base.count()) * factor)));
}

Schedule::TimePoint Schedule::first(TimePoint now, double random01, bool polled_before) const {
  if (!polled_before) return now;
  const auto spread = std::min<std::int64_t>(settings_.interval.count() / 10, 5);
  return now +
         seconds(static_cast<std::int64_t>(static_cast<double>(spread) * std::clamp(random01, 0.0, 1.0)));
}

Schedule::TimePoint Schedule::afterSuccess(TimePoint start, TimePoint end, double random01) {
  failures_ = 0;
  backoff_ = seconds(0);
  // Start to start, so a slow source keeps its rhythm; a poll longer than the interval runs again at once.
  return std::max(start + jittered(settings_.interval, random01), end);
}

Schedule::TimePoint Schedule::afterFailure(TimePoint end, std::optional<seconds> retry_after,
                                           double random01) {
  ++failures_;
  const seconds interval = settings_.interval;
  const seconds cap = std::max(interval, std::min(interval * (1 << kMaxDoublings), kMaxBackoff));
  seconds delay = interval;
  for (int i = 0; i < failures_ && delay < cap; ++i) delay *= 2;
  backoff_ = std::min(delay, cap);
  seconds wait = jittered(backoff_, random01);
  // The source's own word beats our guess, up to the back-off ceiling: a server asking for a 31-year
  // pause would otherwise silence the source for good.
  if (retry_after && *retry_after > wait) wait = std::max(wait, std::min(*retry_after, cap));
  return end + wait;
}

bool Schedule::fullSyncDue(TimePoint now, std::optional<TimePoint> last_full_sync) const {
  if (!last_full_sync) return true;
  if (!settings_.full_sync_interval) return false;
  return now - *last_full_sync >= *settings_.full_sync_interval;
}

}  // namespace fk
