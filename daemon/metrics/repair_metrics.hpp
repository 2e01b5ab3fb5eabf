#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "metrics/collector.hpp"
#include "store/database.hpp"
#include "store/metrics_queries.hpp"

namespace fk {

// The repair bench: fleetkeep_work_orders_open{status,category}, _work_order_oldest_open_age_seconds,
// _work_orders_opened_total / _resolved_total{category}, _repair_cost_total{payer}.
// Opened and resolved are derived from database totals: each refresh adds the positive difference since
// the last one. The cost counts each order once, when it closes (resolved, unrepairable or cancelled),
// under the payer it closed with: before that its cost and payer still change (parts are logged, the
// payer is settled), and counting as they change counted one order under two payers.
// Labels are the fixed lists of statuses, categories and payers.
class RepairMetrics : public DatabaseCollector {
 public:
  RepairMetrics(prometheus::Registry& registry, Database& db);

 private:
  Status collect() override;
  // The oldest-open age is recomputed every refresh from the cached opening time, so it keeps growing
  // between writes.
  void tick() override;

  prometheus::Family<prometheus::Gauge>& open_;
  prometheus::Gauge& oldest_age_;
  prometheus::Family<prometheus::Counter>& opened_;
  prometheus::Family<prometheus::Counter>& resolved_;
  prometheus::Family<prometheus::Counter>& cost_;
  std::optional<std::int64_t> oldest_open_epoch_;  // seconds; nullopt when nothing is open
  // What each counter series has been raised to so far (counts).
  std::map<std::string, std::int64_t> opened_seen_, resolved_seen_;
  metrics_sql::ClosedMark counted_;  // the last closed order whose cost is counted
};

}  // namespace fk
