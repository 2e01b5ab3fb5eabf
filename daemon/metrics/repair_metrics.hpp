#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "metrics/collector.hpp"
#include "store/database.hpp"

namespace fk {

// The repair bench: fleetkeep_work_orders_open{status,category}, _work_order_oldest_open_age_seconds,
// _work_orders_opened_total / _resolved_total{category}, _repair_cost_total{payer}.
// Counters are derived from database totals: each refresh adds the positive difference since the last
// one, so they never go down (a payer changed from unassigned to warranty raises warranty, and
// unassigned stays where it was). Labels are the fixed lists of statuses, categories and payers.
class RepairMetrics : public Collector {
 public:
  RepairMetrics(prometheus::Registry& registry, Database& db);
  // Re-queries when the database generation moved; the oldest-open age is recomputed every call from
  // the cached opening time, so it keeps growing between writes.
  void refresh(bool force = false) override;

 private:
  Database& db_;
  prometheus::Family<prometheus::Gauge>& open_;
  prometheus::Gauge& oldest_age_;
  prometheus::Family<prometheus::Counter>& opened_;
  prometheus::Family<prometheus::Counter>& resolved_;
  prometheus::Family<prometheus::Counter>& cost_;
  std::mutex mutex_;
  std::uint64_t seen_generation_ = ~0ull;
  std::optional<std::int64_t> oldest_open_epoch_;  // seconds; nullopt when nothing is open
  // What each counter series has been raised to so far: totals in the database's units (count, cents).
  std::map<std::string, std::int64_t> opened_seen_, resolved_seen_, cost_seen_cents_;
};

}  // namespace fk
