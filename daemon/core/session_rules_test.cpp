#include "core/session_rules.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

using namespace std::chrono_literals;

SysTime at(std::int64_t epoch) { return SysTime(std::chrono::seconds(epoch)); }

TEST(SessionRules, IdleAndAbsoluteLimits) {
  const SessionLimits limits{3600s, 86400s};
  EXPECT_TRUE(sessionAlive(1000, 1000, at(1000), limits));
  EXPECT_TRUE(sessionAlive(1000, 1000, at(1000 + 3599), limits));
  EXPECT_FALSE(sessionAlive(1000, 1000, at(1000 + 3600), limits));  // idle
  EXPECT_TRUE(sessionAlive(1000, 80000, at(80000 + 3000), limits));
  EXPECT_FALSE(sessionAlive(1000, 86000, at(1000 + 86400), limits));  // used a minute ago, but too old
}

TEST(LoginThrottle, FiveFailuresForANameBlockIt) {
  LoginThrottle t(5, 15min);
  const SysTime t0 = at(100000);
  for (int i = 0; i < 4; ++i) t.failed("ms.rivera", "10.0.0." + std::to_string(i), t0 + std::chrono::seconds(i));
  EXPECT_FALSE(t.blocked("ms.rivera", "10.0.0.9", t0 + 10s));
  t.failed("ms.rivera", "10.0.0.5", t0 + 10s);
  auto wait = t.blocked("ms.rivera", "10.0.0.9", t0 + 11s);
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, 15min - 11s);  // until the first failure is 15 minutes old
  EXPECT_FALSE(t.blocked("other", "10.0.0.9", t0 + 11s));
  EXPECT_FALSE(t.blocked("ms.rivera", "10.0.0.9", t0 + 15min + 1s));
}

TEST(LoginThrottle, FiveFailuresFromOneAddressBlockEveryName) {
  LoginThrottle t(5, 15min);
  const SysTime t0 = at(100000);
  for (int i = 0; i < 5; ++i) t.failed("guess" + std::to_string(i), "192.0.2.7", t0);
  EXPECT_TRUE(t.blocked("admin", "192.0.2.7", t0 + 1s).has_value());
  EXPECT_FALSE(t.blocked("admin", "192.0.2.8", t0 + 1s).has_value());
}

TEST(LoginThrottle, ASuccessClearsTheNameButNotTheAddress) {
  LoginThrottle t(5, 15min);
  const SysTime t0 = at(100000);
  for (int i = 0; i < 4; ++i) t.failed("lib", "192.0.2.7", t0);
  t.succeeded("lib");
  t.failed("lib", "192.0.2.8", t0);
  EXPECT_FALSE(t.blocked("lib", "192.0.2.8", t0).has_value());
  t.failed("x", "192.0.2.7", t0);
  EXPECT_TRUE(t.blocked("y", "192.0.2.7", t0).has_value());
}

}  // namespace
}  // namespace fk
