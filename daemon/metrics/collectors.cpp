#include "metrics/campaign_metrics.hpp"
#include "metrics/circulation_metrics.hpp"
#include "metrics/collector.hpp"
#include "metrics/fee_metrics.hpp"
#include "metrics/fleet_metrics.hpp"
#include "metrics/network_metrics.hpp"
#include "metrics/notification_metrics.hpp"
#include "metrics/planning_metrics.hpp"
#include "metrics/repair_metrics.hpp"
#include "metrics/roster_metrics.hpp"

namespace fk {

std::vector<std::unique_ptr<Collector>> makeCollectors(const CollectorContext& ctx) {
  std::vector<std::unique_ptr<Collector>> all;
  all.push_back(std::make_unique<FleetMetrics>(ctx.registry, ctx.db));
  all.push_back(std::make_unique<NetworkMetrics>(ctx.registry, ctx.db, ctx.config));
  all.push_back(std::make_unique<PlanningMetrics>(ctx.registry, ctx.db, ctx.config));
  all.push_back(std::make_unique<CirculationMetrics>(ctx.registry, ctx.db));
  all.push_back(std::make_unique<RepairMetrics>(ctx.registry, ctx.db));
  all.push_back(std::make_unique<NotificationMetrics>(ctx.registry, ctx.db));
  all.push_back(std::make_unique<CampaignMetrics>(ctx.registry, ctx.db, ctx.config));
  all.push_back(std::make_unique<FeeMetrics>(ctx.registry, ctx.db, ctx.config));
  all.push_back(std::make_unique<RosterMetrics>(ctx.registry, ctx.db));
  return all;
}

}  // namespace fk
