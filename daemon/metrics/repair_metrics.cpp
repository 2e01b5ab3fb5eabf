#include "metrics/repair_metrics.hpp"

#include <spdlog/spdlog.h>

#include "core/work_order.hpp"

namespace fk {

namespace {

constexpr const char* kUnassigned = "unassigned";

struct RepairTotals {
  std::map<std::pair<std::string, std::string>, std::int64_t> open;  // (status, category) -> count
  std::map<std::string, std::int64_t> opened, resolved;              // category -> count
  std::map<std::string, std::int64_t> cost_cents;                    // payer -> cents
  std::optional<std::int64_t> oldest_open_epoch;
};

Result<RepairTotals> readTotals(Database& db) {
  return db.with([](SQLite::Database& c) -> Result<RepairTotals> {
    SQLite::Transaction tx(c);  // one snapshot for all figures
    RepairTotals t;
    SQLite::Statement open(c,
                           "SELECT status, category, count(*) FROM work_orders WHERE closed_at IS NULL "
                           "GROUP BY status, category");
    while (open.executeStep())
      t.open[{open.getColumn(0).getString(), open.getColumn(1).getString()}] = open.getColumn(2).getInt64();
    SQLite::Statement by_category(c,
                                  "SELECT category, count(*), sum(status = 'resolved') FROM work_orders "
                                  "GROUP BY category");
    while (by_category.executeStep()) {
      t.opened[by_category.getColumn(0).getString()] = by_category.getColumn(1).getInt64();
      t.resolved[by_category.getColumn(0).getString()] = by_category.getColumn(2).getInt64();
    }
    SQLite::Statement cost(c,
                           "SELECT coalesce(payer, 'unassigned'), sum(parts_cost_cents + labour_cost_cents) "
                           "FROM work_orders GROUP BY 1");
    while (cost.executeStep()) t.cost_cents[cost.getColumn(0).getString()] = cost.getColumn(1).getInt64();
    // RFC 3339 UTC text sorts in time order, so min() over the text is the oldest.
    SQLite::Statement oldest(c,
                             "SELECT CAST(strftime('%s', min(opened_at)) AS INTEGER) FROM work_orders "
                             "WHERE closed_at IS NULL");
    if (oldest.executeStep() && !oldest.getColumn(0).isNull())
      t.oldest_open_epoch = oldest.getColumn(0).getInt64();
    return t;
  });
}

std::int64_t valueOr0(const std::map<std::string, std::int64_t>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

// Raises the counter to the database total; a total that went down (an order's payer changed) leaves it.
void raise(prometheus::Counter& counter, std::int64_t total, std::int64_t& seen, double unit) {
  if (total > seen) {
    counter.Increment(static_cast<double>(total - seen) / unit);
    seen = total;
  } else if (total < seen) {
    seen = total;  // later growth counts from the new, lower total
  }
}

}  // namespace

RepairMetrics::RepairMetrics(prometheus::Registry& registry, Database& db)
    : db_(db),
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
                .Help("Repair cost (parts and labour) in currency units, by payer; unassigned until a payer "
                      "is set.")
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

void RepairMetrics::refresh(bool force) {
  std::lock_guard lock(mutex_);
  const std::uint64_t generation = db_.generation();
  if (force || generation != seen_generation_) {
    auto totals = readTotals(db_);
    if (!totals) {
      spdlog::warn("repair metrics refresh failed, keeping previous values: {}", totals.error().message);
    } else {
      for (auto status : allWorkOrderStatuses()) {
        if (isClosed(status)) continue;
        for (auto category : allWorkOrderCategories()) {
          const std::string s(toString(status)), c(toString(category));
          auto it = totals->open.find({s, c});
          open_.Add({{"status", s}, {"category", c}})
              .Set(it == totals->open.end() ? 0.0 : double(it->second));
        }
      }
      for (auto category : allWorkOrderCategories()) {
        const std::string c(toString(category));
        raise(opened_.Add({{"category", c}}), valueOr0(totals->opened, c), opened_seen_[c], 1.0);
        raise(resolved_.Add({{"category", c}}), valueOr0(totals->resolved, c), resolved_seen_[c], 1.0);
      }
      for (auto payer : allPayers()) {
        const std::string p(toString(payer));
        raise(cost_.Add({{"payer", p}}), valueOr0(totals->cost_cents, p), cost_seen_cents_[p], 100.0);
      }
      raise(cost_.Add({{"payer", kUnassigned}}), valueOr0(totals->cost_cents, kUnassigned),
            cost_seen_cents_[kUnassigned], 100.0);
      oldest_open_epoch_ = totals->oldest_open_epoch;
      seen_generation_ = generation;
    }
  }
  const auto now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  oldest_age_.Set(oldest_open_epoch_ ? double(std::max<std::int64_t>(0, now - *oldest_open_epoch_)) : 0.0);
}

}  // namespace fk
