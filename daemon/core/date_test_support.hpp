#pragma once

// A date written as text in a test, "2026-07-01": a typo fails the test instead of reading as a
// zero date. Shared by the fiscal-year and planning tests.

#include <gtest/gtest.h>

#include <chrono>

#include "core/values.hpp"

namespace fk::test {

inline std::chrono::year_month_day d(const char* text) {
  auto parsed = parseDate(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(std::chrono::year_month_day{});
}

}  // namespace fk::test
