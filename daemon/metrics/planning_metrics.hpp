#pragma once

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "core/config.hpp"
#include "metrics/collector.hpp"
#include "store/database.hpp"

namespace fk {

// fleetkeep_replacement_due_devices / _cost{fiscal_year}: the unbudgeted replacement plan for the
// current fiscal year and the next four, computed by the same computePlan() as the API's default plan.
// Recomputed when the database generation, the day or the config moved, and at least hourly; never
// per scrape. The labels are bounded: five fiscal years, the old one dropped when the year rolls over.
class PlanningMetrics : public Collector {
 public:
  static constexpr int kYears = 5;

  PlanningMetrics(
      prometheus::Registry& registry, Database& db, std::function<std::shared_ptr<const Config>()> config,
      std::function<std::chrono::system_clock::time_point()> clock = std::chrono::system_clock::now);
  void refresh(bool force = false) override;

 private:
  Database& db_;
  std::function<std::shared_ptr<const Config>()> config_;
  std::function<std::chrono::system_clock::time_point()> clock_;
  prometheus::Family<prometheus::Gauge>& devices_;
  prometheus::Family<prometheus::Gauge>& cost_;
  std::mutex mutex_;
  std::uint64_t seen_generation_ = ~0ull;
  std::chrono::sys_days seen_day_{};
  std::shared_ptr<const Config> seen_config_;  // held, so a reloaded config cannot reuse its address
  std::chrono::system_clock::time_point last_run_{};
  std::chrono::system_clock::duration last_took_{};
  std::set<std::string> labels_;  // fiscal-year labels currently exported
};

}  // namespace fk
