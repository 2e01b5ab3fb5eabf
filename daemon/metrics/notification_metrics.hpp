#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>
#include <string>

#include "metrics/collector.hpp"

namespace fk {

// fleetkeep_notifications_sent_total{kind}, _failed_total{kind} and _queued, from the outbox. Outbox
// rows are never deleted, so the database totals only grow and the counters follow them; every kind's
// series exists from the start at 0.
class NotificationMetrics : public Collector {
 public:
  NotificationMetrics(prometheus::Registry& registry, Database& db);
  void refresh(bool force = false) override;

 private:
  Database& db_;
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Counter>& failed_;
  prometheus::Gauge& queued_;
  std::mutex mutex_;
  std::uint64_t seen_generation_ = ~0ull;
  std::map<std::string, std::int64_t> sent_seen_, failed_seen_;
};

}  // namespace fk
