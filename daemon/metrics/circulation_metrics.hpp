#pragma once

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <functional>
#include <string>

#include "core/circulation.hpp"
#include "metrics/collector.hpp"
#include "store/database.hpp"

namespace fk {

// fleetkeep_checkouts_open, fleetkeep_checkouts_overdue, fleetkeep_loaners_available. Re-queried when
// the database generation moves, and when the local day changes: a loan turns overdue with no write.
class CirculationMetrics : public DatabaseCollector {
 public:
  // `today` gives the local date (injected so tests can move the day).
  CirculationMetrics(prometheus::Registry& registry, Database& db,
                     std::function<std::string()> today = localToday);

 private:
  std::string epoch() override;
  Status collect() override;

  std::function<std::string()> today_;
  std::string epoch_today_;  // the day epoch() saw, which collect() counts for
  prometheus::Gauge& open_;
  prometheus::Gauge& overdue_;
  prometheus::Gauge& loaners_;
};

}  // namespace fk
