#pragma once

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "metrics/collector.hpp"
#include "store/database.hpp"

namespace fk {

// Presence and sync signals: fleetkeep_devices_stale_sync{source}, fleetkeep_devices_unmanaged_on_network,
// fleetkeep_devices_lost_seen. The source label takes only configured management sources (google_admin,
// intune), so it is as bounded as the config. Staleness moves with the clock, so besides the database
// generation and the config, refresh() also re-queries once a minute.
class NetworkMetrics : public Collector {
 public:
  NetworkMetrics(prometheus::Registry& registry, Database& db,
                 std::function<std::shared_ptr<const Config>()> config);
  void refresh(bool force = false) override;

 private:
  Database& db_;
  std::function<std::shared_ptr<const Config>()> config_;
  prometheus::Family<prometheus::Gauge>& stale_;
  prometheus::Gauge& unmanaged_;
  prometheus::Gauge& lost_seen_;
  std::mutex mutex_;
  std::uint64_t seen_generation_ = ~0ull;
  std::int64_t seen_minute_ = -1;
  std::shared_ptr<const Config> seen_config_;
  std::set<std::string> source_labels_;
};

}  // namespace fk
