#include "metrics/circulation_metrics.hpp"

#include <spdlog/spdlog.h>

#include "store/collection_store.hpp"

namespace fk {

namespace {

prometheus::Gauge& gauge(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

struct Counts {
  std::int64_t open = 0, overdue = 0, loaners = 0;
};

}  // namespace

CirculationMetrics::CirculationMetrics(prometheus::Registry& registry, Database& db,
                                       std::function<std::string()> today)
    : db_(db),
      today_(std::move(today)),
      open_(gauge(registry, "fleetkeep_checkouts_open", "Checkouts not yet returned.")),
      overdue_(gauge(registry, "fleetkeep_checkouts_overdue", "Open checkouts whose due date has passed.")),
      loaners_(
          gauge(registry, "fleetkeep_loaners_available", "Loaner-pool devices in stock, ready to lend.")) {}

void CirculationMetrics::refresh(bool force) {
  std::lock_guard lock(mutex_);
  const std::uint64_t generation = db_.generation();  // before the queries: see FleetMetrics::refresh
  const std::string today = today_();
  if (!force && generation == seen_generation_ && today == seen_day_) return;
  // Each count reads a partial or ordinary index, not the tables: open checkouts and in-stock devices.
  auto counts = db_.with([&](SQLite::Database& db) -> Result<Counts> {
    SQLite::Transaction tx(db);  // one snapshot for the three figures
    Counts c;
    c.open = db.execAndGet("SELECT count(*) FROM checkouts WHERE returned_at IS NULL").getInt64();
    // Past due, or held past the deadline of an open collection campaign in scope (store/collection_store).
    SQLite::Statement overdue(db, "SELECT count(*) FROM checkouts c LEFT JOIN people p ON p.id = c.person_id "
                                  "WHERE c.returned_at IS NULL AND (c.due < ?1 OR " +
                                      collectionOverdueCondition("?1") + ")");
    overdue.bind(1, today);
    overdue.executeStep();
    c.overdue = overdue.getColumn(0).getInt64();
    c.loaners =
        db.execAndGet("SELECT count(*) FROM devices WHERE status = 'in_stock' AND loaner = 1").getInt64();
    return c;
  });
  if (!counts) {
    spdlog::warn("circulation metrics refresh failed, keeping previous values: {}", counts.error().message);
    return;
  }
  open_.Set(static_cast<double>(counts->open));
  overdue_.Set(static_cast<double>(counts->overdue));
  loaners_.Set(static_cast<double>(counts->loaners));
  seen_generation_ = generation;
  seen_day_ = today;
}

}  // namespace fk
