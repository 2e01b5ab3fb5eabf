#pragma once

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "core/circulation.hpp"
#include "metrics/collector.hpp"
#include "store/database.hpp"

namespace fk {

// fleetkeep_checkouts_open, fleetkeep_checkouts_overdue, fleetkeep_loaners_available. Re-queried when
// the database generation moves, and when the local day changes: a loan turns overdue with no write.
class CirculationMetrics : public Collector {
 public:
  // `today` gives the local date (injected so tests can move the day).
  CirculationMetrics(prometheus::Registry& registry, Database& db,
                     std::function<std::string()> today = localToday);
  void refresh(bool force = false) override;

 private:
  Database& db_;
  std::function<std::string()> today_;
  prometheus::Gauge& open_;
  prometheus::Gauge& overdue_;
  prometheus::Gauge& loaners_;
  std::mutex mutex_;
  std::uint64_t seen_generation_ = ~0ull;
  std::string seen_day_;
};

}  // namespace fk
