#include "metrics/network_metrics.hpp"

#include <chrono>
#include <cstdint>

#include "core/values.hpp"
#include "store/metrics_queries.hpp"
#include "store/network_queries.hpp"

namespace fk {
NetworkMetrics::NetworkMetrics(prometheus::Registry& registry, Database& db,
                               std::function<std::shared_ptr<const Config>()> config)
    : DatabaseCollector(db, "network"),
      config_(std::move(config)),
      stale_(prometheus::BuildGauge()
                 .Name("fleetkeep_devices_stale_sync")
                 .Help("Deployed devices whose management source has not heard from them for "
                       "alerts.stale_sync_days.")
                 .Register(registry)),
      unmanaged_(
          prometheus::BuildGauge()
              .Name("fleetkeep_devices_unmanaged_on_network")
              .Help("Registry devices seen on the network within alerts.stale_sync_days that no management "
                    "source lists.")
              .Register(registry)
              .Add({})),
      lost_seen_(prometheus::BuildGauge()
                     .Name("fleetkeep_devices_lost_seen")
                     .Help("Devices marked lost or stolen that a source has observed since they were marked.")
                     .Register(registry)
                     .Add({})) {
  if (auto now = config_()) followSources(*now);
}

void NetworkMetrics::followSources(const Config& config) {
  const auto sources = network_sql::managementSources(config);
  const std::set<std::string> current(sources.begin(), sources.end());
  // A source removed from the config (SIGHUP) takes its series with it.
  for (auto it = source_labels_.begin(); it != source_labels_.end();) {
    if (current.contains(*it)) {
      ++it;
    } else {
      stale_.Remove(&stale_.Add({{"source", *it}}));
      it = source_labels_.erase(it);
    }
  }
  for (const auto& name : current) {
    if (source_labels_.insert(name).second) stale_.Add({{"source", name}}).Set(0);
  }
}

// Staleness moves with the clock: the minute; and the config in force (sources, stale_sync_days).
std::string NetworkMetrics::epoch() {
  epoch_now_ = std::chrono::system_clock::now();
  epoch_config_ = config_();
  const auto minute = std::chrono::duration_cast<std::chrono::minutes>(epoch_now_.time_since_epoch()).count();
  return std::to_string(minute) + "/" + std::to_string(reinterpret_cast<std::uintptr_t>(epoch_config_.get()));
}

Status NetworkMetrics::collect() {
  if (!epoch_config_) return {};
  const Config& config = *epoch_config_;
  auto counts = metrics_sql::networkCounts(db_, network_sql::managementSources(config),
                                           network_sql::staleBefore(config, epoch_now_));
  if (!counts) return std::unexpected(counts.error());
  followSources(config);
  for (const auto& name : source_labels_) {
    auto it = counts->stale.find(name);
    stale_.Add({{"source", name}}).Set(it == counts->stale.end() ? 0.0 : double(it->second));
  }
  unmanaged_.Set(double(counts->unmanaged));
  lost_seen_.Set(double(counts->lost_seen));
  return {};
}

}  // namespace fk
