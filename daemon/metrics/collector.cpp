#include "metrics/collector.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace fk {

void DatabaseCollector::refresh(bool force) {
  std::lock_guard lock(mutex_);
  // Read the generation before the queries: a write landing meanwhile bumps it again and the next
  // refresh picks it up, instead of being marked as seen.
  const std::uint64_t generation = db_.generation();
  std::string epoch = this->epoch();
  if (force || generation != seen_generation_ || epoch != seen_epoch_) {
    const auto start = std::chrono::steady_clock::now();
    if (auto st = collect(); !st) {
      spdlog::warn("{} metrics refresh failed, keeping previous values: {}", name_, st.error().message);
    } else {
      seen_generation_ = generation;
      seen_epoch_ = std::move(epoch);
      spdlog::debug("{} metrics refreshed in {} ms", name_,
                    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
                        .count());
    }
  }
  tick();
}

void raiseCounter(prometheus::Counter& counter, std::int64_t total, std::int64_t& seen, double unit) {
  if (total > seen) {
    counter.Increment(static_cast<double>(total - seen) / unit);
    seen = total;
  }
}

}  // namespace fk
