#include "metrics/roster_metrics.hpp"

#include <spdlog/spdlog.h>

#include "store/people_reconcile.hpp"

namespace fk {

RosterMetrics::RosterMetrics(prometheus::Registry& registry, Database& db)
    : db_(db),
      holding_(prometheus::BuildGauge()
                   .Name("fleetkeep_people_inactive_holding_devices")
                   .Help("People marked inactive (left the roster) who still hold at least one device.")
                   .Register(registry)
                   .Add({})) {}

void RosterMetrics::refresh(bool force) {
  std::lock_guard lock(mutex_);
  const std::uint64_t generation = db_.generation();  // before the query: see FleetMetrics::refresh
  if (!force && generation == seen_generation_) return;
  auto count = db_.with([](SQLite::Database& db) -> Result<std::int64_t> { return countInactiveHoldingDevices(db); });
  if (!count) {
    spdlog::warn("roster metrics refresh failed, keeping the previous value: {}", count.error().message);
    return;
  }
  holding_.Set(static_cast<double>(*count));
  seen_generation_ = generation;
}

}  // namespace fk
