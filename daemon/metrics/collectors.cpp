#include "metrics/collector.hpp"
#include "metrics/fleet_metrics.hpp"

namespace fk {

std::vector<std::unique_ptr<Collector>> makeCollectors(const CollectorContext& ctx) {
  std::vector<std::unique_ptr<Collector>> all;
  all.push_back(std::make_unique<FleetMetrics>(ctx.registry, ctx.db));
  return all;
}

}  // namespace fk
