#pragma once

// Fixtures shared by planning_test.cpp (the per-device rules) and planning_plan_test.cpp (the plan).

#include <chrono>
#include <cstdint>
#include <string>

#include "core/planning.hpp"
#include "core/values.hpp"

namespace fk::test {

// Every test runs on the same "today": 27 November 2026, inside FY2027 (2026-07-01 .. 2027-06-30).
inline const std::chrono::year_month_day kToday = *parseDate("2026-11-27");

inline PlanningRules rules() {
  PlanningRules r;
  r.fiscal_year_start = {7, 1};
  r.default_life_years = {{DeviceKind::chromebook, 5}, {DeviceKind::laptop, 4}, {DeviceKind::tablet, 4}};
  r.aue_warning_days = 180;
  r.repair_cost_share = 0.5;
  r.work_orders_per_year = 3;
  r.replacement_unit_cost_cents = {{DeviceKind::chromebook, 28900}};
  return r;
}

inline PlanDevice device(std::int64_t id, DeviceKind kind = DeviceKind::chromebook) {
  PlanDevice p;
  p.id = id;
  p.serial = "SN-" + std::to_string(id);
  p.kind = kind;
  return p;
}

}  // namespace fk::test
