#include "metrics/circulation_metrics.hpp"

#include "store/metrics_queries.hpp"

namespace fk {

namespace {

prometheus::Gauge& gauge(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

CirculationMetrics::CirculationMetrics(prometheus::Registry& registry, Database& db,
                                       std::function<std::string()> today)
    : DatabaseCollector(db, "circulation"),
      today_(std::move(today)),
      open_(gauge(registry, "fleetkeep_checkouts_open", "Checkouts not yet returned.")),
      overdue_(gauge(registry, "fleetkeep_checkouts_overdue", "Open checkouts whose due date has passed.")),
      loaners_(
          gauge(registry, "fleetkeep_loaners_available", "Loaner-pool devices in stock, ready to lend.")) {}

std::string CirculationMetrics::epoch() {
  epoch_today_ = today_();
  return epoch_today_;
}

Status CirculationMetrics::collect() {
  auto counts = metrics_sql::circulationCounts(db_, epoch_today_);
  if (!counts) return std::unexpected(counts.error());
  open_.Set(static_cast<double>(counts->open));
  overdue_.Set(static_cast<double>(counts->overdue));
  loaners_.Set(static_cast<double>(counts->loaners));
  return {};
}

}  // namespace fk
