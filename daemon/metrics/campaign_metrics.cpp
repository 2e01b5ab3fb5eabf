#include "metrics/campaign_metrics.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

#include "core/audit.hpp"
#include "store/audit_store.hpp"
#include "store/collection_store.hpp"

namespace fk {

namespace {

prometheus::Family<prometheus::Gauge>& family(prometheus::Registry& registry, const char* name, const char* help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

}  // namespace

double localMidnight(const std::string& date) {
  std::tm tm{};
  tm.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(date.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(date.substr(8, 2));
  tm.tm_isdst = -1;
  return static_cast<double>(std::mktime(&tm));
}

CampaignMetrics::CampaignMetrics(prometheus::Registry& registry, Database& db,
                                 std::function<std::shared_ptr<const Config>()> config)
    : db_(db),
      config_(std::move(config)),
      audit_devices_(family(registry, "fleetkeep_audit_devices",
                            "Devices of each open audit by state (expected, found, misplaced, unexpected, missing, "
                            "unknown, seen_by_source).")),
      expected_(family(registry, "fleetkeep_collection_expected",
                       "Checkouts an open collection campaign collects: outstanding plus returned.")),
      returned_(family(registry, "fleetkeep_collection_returned",
                       "Checkouts returned since an open collection campaign began.")),
      outstanding_(family(registry, "fleetkeep_collection_outstanding",
                          "Open checkouts an open collection campaign still waits for.")),
      deadline_(family(registry, "fleetkeep_collection_deadline_timestamp_seconds",
                       "Start (local midnight) of an open collection campaign's deadline day.")),
      alert_below_(family(registry, "fleetkeep_collection_alert_below",
                          "Share returned below which FleetkeepCollectionBehind fires (collections.alert_below).")) {}

void CampaignMetrics::refresh(bool force) {
  std::lock_guard lock(mutex_);
  const std::uint64_t generation = db_.generation();
  const auto minute = std::chrono::duration_cast<std::chrono::minutes>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  if (!force && generation == seen_generation_ && minute == seen_minute_) return;
  auto config = config_ ? config_() : nullptr;
  const std::string since = seenSince(config ? config->audits.seen_window : std::chrono::seconds(14 * 86400));
  auto audits = AuditStore(db_).list(true, since);
  auto collections = CollectionStore(db_).list(true);
  if (!audits || !collections) {
    spdlog::warn("audit and collection metrics refresh failed, keeping previous values: {}",
                 (!audits ? audits.error() : collections.error()).message);
    return;
  }
  std::set<std::string> audit_names, collection_names;
  for (const auto& r : *audits) {
    audit_names.insert(r.audit.name);
    for (auto state : kAuditStates) {
      audit_devices_.Add({{"audit", r.audit.name}, {"state", std::string(state)}})
          .Set(static_cast<double>(r.counts.of(state)));
    }
  }
  for (const auto& gone : audits_) {
    if (audit_names.contains(gone)) continue;
    for (auto state : kAuditStates)
      audit_devices_.Remove(&audit_devices_.Add({{"audit", gone}, {"state", std::string(state)}}));
  }
  for (const auto& r : *collections) {
    const std::map<std::string, std::string> labels{{"collection", r.collection.name}};
    collection_names.insert(r.collection.name);
    expected_.Add(labels).Set(static_cast<double>(r.counts.expected));
    returned_.Add(labels).Set(static_cast<double>(r.counts.returned));
    outstanding_.Add(labels).Set(static_cast<double>(r.counts.outstanding));
    deadline_.Add(labels).Set(localMidnight(r.collection.deadline));
    alert_below_.Add(labels).Set(r.collection.alert_below);
  }
  for (const auto& gone : collections_) {
    if (collection_names.contains(gone)) continue;
    const std::map<std::string, std::string> labels{{"collection", gone}};
    for (auto* f : {&expected_, &returned_, &outstanding_, &deadline_, &alert_below_}) f->Remove(&f->Add(labels));
  }
  audits_ = std::move(audit_names);
  collections_ = std::move(collection_names);
  seen_generation_ = generation;
  seen_minute_ = minute;
}

}  // namespace fk
