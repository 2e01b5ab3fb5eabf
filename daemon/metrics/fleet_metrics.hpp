#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include <prometheus/registry.h>

#include "metrics/collector.hpp"
#include "store/database.hpp"

namespace fk {

// Fleet gauges (fleetkeep_devices, _devices_by_model, _devices_aue_within_days, build_info).
// A scrape never touches the device table: refresh() recomputes the aggregates with GROUP BY queries
// only when the database generation moved (or the day changed, for AUE horizons), and the daemon
// calls it from a timer, not from the scrape.
class FleetMetrics : public Collector {
 public:
  FleetMetrics(prometheus::Registry& registry, Database& db);
  // Models named in the catalog keep their own label; the rest fold into "other".
  void refresh(bool force = false) override;

 private:
  Database& db_;
  prometheus::Family<prometheus::Gauge>& devices_;
  prometheus::Family<prometheus::Gauge>& by_model_;
  prometheus::Family<prometheus::Gauge>& aue_;
  std::mutex mutex_;
  std::uint64_t seen_generation_ = ~0ull;
  std::string seen_day_;
  std::set<std::pair<std::string, std::string>> model_labels_;  // label sets we created, to zero on refresh
};

// The text exposition of `registry` (prometheus-cpp TextSerializer).
std::string renderMetrics(prometheus::Registry& registry);

}  // namespace fk
