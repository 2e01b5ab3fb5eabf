#pragma once

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <mutex>

#include "metrics/collector.hpp"
#include "store/database.hpp"

namespace fk {

// fleetkeep_people_inactive_holding_devices: people who left (inactive) and still hold a device.
// Changes only with a write (a roster poll, a return), so it re-queries when the generation moves.
class RosterMetrics : public Collector {
 public:
  RosterMetrics(prometheus::Registry& registry, Database& db);
  void refresh(bool force = false) override;

 private:
  Database& db_;
  prometheus::Gauge& holding_;
  std::mutex mutex_;
  std::uint64_t seen_generation_ = ~0ull;
};

}  // namespace fk
