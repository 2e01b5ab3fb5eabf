#pragma once

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "core/config.hpp"
#include "metrics/collector.hpp"
#include "store/database.hpp"

namespace fk {

// Open audits and collection campaigns (closed ones drop out, so the label sets stay small):
// fleetkeep_audit_devices{audit,state}, fleetkeep_collection_{expected,returned,outstanding}{collection},
// fleetkeep_collection_deadline_timestamp_seconds{collection} and fleetkeep_collection_alert_below{collection}
// (what FleetkeepCollectionBehind compares against). Re-queried when the database generation moves and
// at least once a minute, since seen_by_source changes with the clock alone.
class CampaignMetrics : public Collector {
 public:
  CampaignMetrics(prometheus::Registry& registry, Database& db,
                  std::function<std::shared_ptr<const Config>()> config);
  void refresh(bool force = false) override;

 private:
  Database& db_;
  std::function<std::shared_ptr<const Config>()> config_;
  prometheus::Family<prometheus::Gauge>& audit_devices_;
  prometheus::Family<prometheus::Gauge>& expected_;
  prometheus::Family<prometheus::Gauge>& returned_;
  prometheus::Family<prometheus::Gauge>& outstanding_;
  prometheus::Family<prometheus::Gauge>& deadline_;
  prometheus::Family<prometheus::Gauge>& alert_below_;
  std::mutex mutex_;
  std::uint64_t seen_generation_ = ~0ull;
  std::int64_t seen_minute_ = -1;
  std::set<std::string> audits_, collections_;  // label values published last time
};

// Seconds since the epoch at local midnight starting `date` (YYYY-MM-DD): the deadline day's start.
double localMidnight(const std::string& date);

}  // namespace fk
