#include "metrics/repair_metrics.hpp"

#include <chrono>

#include "core/work_order.hpp"

namespace fk {

namespace {

constexpr const char* kUnassigned = "unassigned";

std::int64_t valueOr0(const std::map<std::string, std::int64_t>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

// raiseCounter, and a total that went down becomes the mark: later growth counts from the new, lower
// total.
void followTotal(prometheus::Counter& counter, std::int64_t total, std::int64_t& seen) {
  raiseCounter(counter, total, seen);
  if (total < seen) seen = total;
}

}  // namespace

RepairMetrics::RepairMetrics(prometheus::Registry& registry, Database& db)
    : DatabaseCollector(db, "repair"),
      open_(prometheus::BuildGauge()
                .Name("fleetkeep_work_orders_open")
                .Help("Open work orders by status and category.")
                .Register(registry)),
      oldest_age_(prometheus::BuildGauge()
                      .Name("fleetkeep_work_order_oldest_open_age_seconds")
                      .Help("Age of the oldest open work order; 0 when none is open.")
                      .Register(registry)
                      .Add({})),
      opened_(prometheus::BuildCounter()
                  .Name("fleetkeep_work_orders_opened_total")
                  .Help("Work orders opened, by category.")
                  .Register(registry)),
      resolved_(prometheus::BuildCounter()
                    .Name("fleetkeep_work_orders_resolved_total")
                    .Help("Work orders resolved (repaired), by category.")
                    .Register(registry)),
      cost_(prometheus::BuildCounter()
                .Name("fleetkeep_repair_cost_total")
                .Help("Repair cost (parts and labour) of closed work orders in currency units, counted "
                      "once when an order closes, by the payer it closed with (unassigned: none).")
                .Register(registry)) {
  for (auto status : allWorkOrderStatuses()) {
    if (isClosed(status)) continue;
    for (auto category : allWorkOrderCategories())
      open_.Add({{"status", std::string(toString(status))}, {"category", std::string(toString(category))}})
          .Set(0);
  }
  for (auto category : allWorkOrderCategories()) {
    opened_.Add({{"category", std::string(toString(category))}});
    resolved_.Add({{"category", std::string(toString(category))}});
  }
  for (auto payer : allPayers()) cost_.Add({{"payer", std::string(toString(payer))}});
  cost_.Add({{"payer", kUnassigned}});
}

Status RepairMetrics::collect() {
  auto totals = metrics_sql::repairTotals(db_, counted_);
  if (!totals) return std::unexpected(totals.error());
  for (auto status : allWorkOrderStatuses()) {
    if (isClosed(status)) continue;
    for (auto category : allWorkOrderCategories()) {
      const std::string s(toString(status)), c(toString(category));
      auto it = totals->open.find({s, c});
      open_.Add({{"status", s}, {"category", c}}).Set(it == totals->open.end() ? 0.0 : double(it->second));
    }
  }
  for (auto category : allWorkOrderCategories()) {
    const std::string c(toString(category));
    followTotal(opened_.Add({{"category", c}}), valueOr0(totals->opened, c), opened_seen_[c]);
    followTotal(resolved_.Add({{"category", c}}), valueOr0(totals->resolved, c), resolved_seen_[c]);
  }
  for (const metrics_sql::ClosedCost& order : totals->closed) {
    if (order.cents > 0) cost_.Add({{"payer", order.payer}}).Increment(static_cast<double>(order.cents) / 100.0);
  }
  counted_ = totals->last;
  oldest_open_epoch_ = totals->oldest_open_epoch;
  return {};
}

void RepairMetrics::tick() {
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  oldest_age_.Set(oldest_open_epoch_ ? double(std::max<std::int64_t>(0, now - *oldest_open_epoch_)) : 0.0);
}

}  // namespace fk
