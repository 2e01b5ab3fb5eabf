#pragma once

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "metrics/collector.hpp"
#include "store/database.hpp"

namespace fk {

// Presence and sync signals: fleetkeep_devices_stale_sync{source}, fleetkeep_devices_unmanaged_on_network,
// fleetkeep_devices_lost_seen. The source label takes only configured management sources (their
// plugins report check-ins), so it is as bounded as the config. Staleness moves with the clock, so
// besides the database generation and the config, refresh() also re-queries once a minute.
class NetworkMetrics : public DatabaseCollector {
 public:
  // The stale series of the management sources configured now exist from construction, at 0.
  NetworkMetrics(prometheus::Registry& registry, Database& db,
                 std::function<std::shared_ptr<const Config>()> config);

 private:
  std::string epoch() override;
  Status collect() override;
  // Drops the series of sources no longer configured and adds (at 0) those of new ones.
  void followSources(const Config& config);

  std::function<std::shared_ptr<const Config>()> config_;
  prometheus::Family<prometheus::Gauge>& stale_;
  prometheus::Gauge& unmanaged_;
  prometheus::Gauge& lost_seen_;
  std::shared_ptr<const Config> epoch_config_;  // the config epoch() saw, which collect() counts for
  std::chrono::system_clock::time_point epoch_now_;
  std::set<std::string> source_labels_;
};

}  // namespace fk
