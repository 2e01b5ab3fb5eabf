#include "sources/schedule.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

using namespace std::chrono_literals;
using TimePoint = Schedule::TimePoint;

const TimePoint t0 = TimePoint(std::chrono::seconds(1'800'000'000));

TEST(Schedule, FirstPollComesSoonAfterStart) {
  Schedule s({.interval = 1h});
  EXPECT_EQ(s.first(t0, 0.0, true), t0);
  EXPECT_EQ(s.first(t0, 1.0, true), t0 + 5s) << "spread over at most 5 s";
  Schedule quick({.interval = 30s});
  EXPECT_EQ(quick.first(t0, 1.0, true), t0 + 3s);
  EXPECT_EQ(s.first(t0, 1.0, false), t0) << "a source that never polled goes at once";
}

TEST(Schedule, SuccessRunsStartToStartWithinTheJitter) {
  Schedule s({.interval = 1h});
  EXPECT_EQ(s.afterSuccess(t0, t0 + 2min, 0.5), t0 + 1h) << "middle of the jitter range is the interval";
  EXPECT_EQ(s.afterSuccess(t0, t0 + 2min, 0.0), t0 + 54min);
  EXPECT_EQ(s.afterSuccess(t0, t0 + 2min, 1.0), t0 + 66min);
  EXPECT_EQ(s.afterSuccess(t0, t0 + 2h, 0.5), t0 + 2h) << "a poll longer than the interval: next one at once";
}

TEST(Schedule, FailuresDoubleTheWaitUpToTheCapAndSuccessResets) {
  Schedule s({.interval = 1min});
  TimePoint now = t0;
  std::vector<std::chrono::seconds> waits;
  for (int i = 0; i < 8; ++i) {
    TimePoint next = s.afterFailure(now, std::nullopt, 0.5);
    waits.push_back(std::chrono::duration_cast<std::chrono::seconds>(next - now));
    now = next;
  }
  EXPECT_EQ(waits, (std::vector<std::chrono::seconds>{2min, 4min, 8min, 16min, 32min, 32min, 32min, 32min}));
  EXPECT_EQ(s.failures(), 8);
  EXPECT_EQ(s.backoff(), 32min);
  s.afterSuccess(now, now + 1s, 0.5);
  EXPECT_EQ(s.failures(), 0);
  EXPECT_EQ(s.backoff(), 0s);
  EXPECT_EQ(s.afterFailure(now, std::nullopt, 0.5), now + 2min) << "back to the first step";
}

TEST(Schedule, BackoffNeverExceedsADayUnlessTheIntervalDoes) {
  Schedule hourly({.interval = 1h});
  for (int i = 0; i < 10; ++i) hourly.afterFailure(t0, std::nullopt, 0.5);
  EXPECT_EQ(hourly.backoff(), 24h);
  Schedule weekly({.interval = std::chrono::hours(24 * 7)});
  weekly.afterFailure(t0, std::nullopt, 0.5);
  EXPECT_EQ(weekly.backoff(), std::chrono::hours(24 * 7));
}

TEST(Schedule, RetryAfterIsHonouredWhenLongerThanTheBackoff) {
  Schedule s({.interval = 1min});
  EXPECT_EQ(s.afterFailure(t0, 10min, 0.5), t0 + 10min);
  EXPECT_EQ(s.afterFailure(t0, 10s, 0.5), t0 + 4min) << "a shorter pause does not cut our back-off";
}

TEST(Schedule, RetryAfterIsCappedAtTheBackoffCeiling) {
  Schedule s({.interval = 1min});
  EXPECT_EQ(s.afterFailure(t0, std::chrono::hours(24 * 365 * 31), 0.5), t0 + 32min)
      << "a server asking for 31 years waits 32 intervals";
  Schedule hourly({.interval = 1h});
  EXPECT_EQ(hourly.afterFailure(t0, std::chrono::hours(24 * 365 * 31), 0.5), t0 + 24h);
  EXPECT_EQ(hourly.afterFailure(t0, std::chrono::seconds::max(), 0.5), t0 + 24h) << "no overflow";
}

TEST(Schedule, FullSyncOnTheFirstPollAndEveryFullSyncInterval) {
  Schedule s({.interval = 1h, .full_sync_interval = 24h});
  EXPECT_TRUE(s.fullSyncDue(t0, std::nullopt));
  EXPECT_FALSE(s.fullSyncDue(t0 + 23h, t0));
  EXPECT_TRUE(s.fullSyncDue(t0 + 24h, t0));
  Schedule plain({.interval = 1h});
  EXPECT_TRUE(plain.fullSyncDue(t0, std::nullopt));
  EXPECT_FALSE(plain.fullSyncDue(t0 + 1000h, t0)) << "without full_sync_interval only the first poll";
}

TEST(Schedule, RetimeKeepsTheFailureCount) {
  Schedule s({.interval = 1min});
  s.afterFailure(t0, std::nullopt, 0.5);
  s.retime({.interval = 10min});
  EXPECT_EQ(s.afterFailure(t0, std::nullopt, 0.5), t0 + 40min);
}

}  // namespace
}  // namespace fk
