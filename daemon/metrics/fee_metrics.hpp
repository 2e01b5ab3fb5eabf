#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "metrics/collector.hpp"
#include "store/database.hpp"

namespace fk {

// The fee ledger: fleetkeep_fees_outstanding (sum of positive balances, currency units),
// fleetkeep_fees_charged_total{reason} (damage, lost, stolen, premium), fleetkeep_fees_paid_total and
// fleetkeep_people_on_hold (balance at or above fees.hold_at). The ledger is append-only, so its totals
// only grow and the counters follow them exactly.
class FeeMetrics : public Collector {
 public:
  FeeMetrics(prometheus::Registry& registry, Database& db,
             std::function<std::shared_ptr<const Config>()> config);
  void refresh(bool force = false) override;

 private:
  Database& db_;
  std::function<std::shared_ptr<const Config>()> config_;
  prometheus::Gauge& outstanding_;
  prometheus::Family<prometheus::Counter>& charged_;
  prometheus::Counter& paid_;
  prometheus::Gauge& on_hold_;
  std::mutex mutex_;
  std::uint64_t seen_generation_ = ~0ull;
  std::optional<std::int64_t> seen_hold_at_;  // a reload that moves hold_at changes who is on hold
  std::map<std::string, std::int64_t> charged_seen_cents_;
  std::int64_t paid_seen_cents_ = 0;
};

}  // namespace fk
