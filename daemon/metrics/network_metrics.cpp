#include "metrics/network_metrics.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <map>

#include "core/values.hpp"
#include "store/network_queries.hpp"

namespace fk {
namespace {

struct Counts {
  std::map<std::string, std::int64_t> stale;  // by management source
  std::int64_t unmanaged = 0;
  std::int64_t lost_seen = 0;
};

std::string placeholders(std::size_t n, int first) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? ", ?" : "?") + std::to_string(first + static_cast<int>(i));
  return out;
}

Result<Counts> readCounts(Database& db, const Config& config, std::chrono::system_clock::time_point now) {
  const auto sources = network_sql::managementSources(config);
  const std::string threshold = network_sql::staleBefore(config, now);
  return db.with([&](SQLite::Database& conn) -> Result<Counts> {
    Counts c;
    if (!sources.empty()) {
      SQLite::Statement stale(
          conn, std::string("SELECT s.source, count(*) FROM device_sightings s JOIN devices d ON "
                            "d.id = s.device_id WHERE d.status = 'deployed' AND s.source IN (") +
                    placeholders(sources.size(), 2) + ") AND " + network_sql::kLastSync +
                    " < ?1 GROUP BY s.source");
      stale.bind(1, threshold);
      for (std::size_t i = 0; i < sources.size(); ++i) stale.bind(static_cast<int>(i) + 2, sources[i]);
      while (stale.executeStep()) c.stale[stale.getColumn(0).getString()] = stale.getColumn(1).getInt64();
    }
    // Seen on the network within the staleness window, and listed by no management source.
    SQLite::Statement unmanaged(
        conn, std::string("SELECT count(*) FROM device_presence p WHERE p.last_seen >= ?1 "
                          "AND NOT EXISTS (SELECT 1 FROM device_seen s WHERE s.device_id = "
                          "p.device_id AND s.source IN (") +
                  (sources.empty() ? std::string("NULL") : placeholders(sources.size(), 2)) + "))");
    unmanaged.bind(1, threshold);
    for (std::size_t i = 0; i < sources.size(); ++i) unmanaged.bind(static_cast<int>(i) + 2, sources[i]);
    if (unmanaged.executeStep()) c.unmanaged = unmanaged.getColumn(0).getInt64();
    SQLite::Statement lost(conn,
                           std::string("SELECT count(*) FROM devices d WHERE ") + network_sql::kLostSeen);
    if (lost.executeStep()) c.lost_seen = lost.getColumn(0).getInt64();
    return c;
  });
}

}  // namespace

NetworkMetrics::NetworkMetrics(prometheus::Registry& registry, Database& db,
                               std::function<std::shared_ptr<const Config>()> config)
    : db_(db),
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
                     .Add({})) {}

void NetworkMetrics::refresh(bool force) {
  std::lock_guard lock(mutex_);
  const std::uint64_t generation = db_.generation();
  const auto now = std::chrono::system_clock::now();
  const std::int64_t minute =
      std::chrono::duration_cast<std::chrono::minutes>(now.time_since_epoch()).count();
  auto config = config_();
  if (!config) return;
  if (!force && generation == seen_generation_ && minute == seen_minute_ && config == seen_config_) return;

  auto counts = readCounts(db_, *config, now);
  if (!counts) {
    spdlog::warn("network metrics refresh failed, keeping previous values: {}", counts.error().message);
    return;
  }
  const auto sources = network_sql::managementSources(*config);
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
    auto it = counts->stale.find(name);
    stale_.Add({{"source", name}}).Set(it == counts->stale.end() ? 0.0 : double(it->second));
    source_labels_.insert(name);
  }
  unmanaged_.Set(double(counts->unmanaged));
  lost_seen_.Set(double(counts->lost_seen));
  seen_generation_ = generation;
  seen_minute_ = minute;
  seen_config_ = config;
}

}  // namespace fk
