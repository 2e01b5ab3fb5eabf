#pragma once

// SQL shared by presence recording (sources/presence.cpp), the device list filters (device_store.cpp)
// and the network metrics (metrics/network_metrics.cpp), so the API, the CLI and /metrics count the same
// devices. Tables: v5 (migrations_network.cpp) and device_seen.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/values.hpp"

namespace fk::network_sql {

// Events that set a device's status (stored as [field, old, new] triples): the latest one on a lost
// device is when it was marked lost.
inline constexpr const char* kStatusEvent = "changes LIKE '%[\"status\",%'";

// `d` is lost or stolen and a source has sighted it since it was marked so.
inline constexpr const char* kLostSeen =
    "(d.status = 'lost' OR d.status = 'stolen') AND EXISTS (SELECT 1 FROM lost_sightings l "
    "WHERE l.device_id = d.id AND l.marked_event_id = (SELECT coalesce(max(e.id), 0) FROM events e "
    "WHERE e.device_id = d.id AND e.changes LIKE '%[\"status\",%'))";

// When a management source last heard from the device: its own last sync when it reported one, else
// when it last listed the device. `s` is a row of the device_sightings view (v4), whose last_seen is
// the true one (device_seen.last_seen lags for rows the latest poll merely confirmed).
inline constexpr const char* kLastSync = "coalesce(s.last_sync, s.last_seen)";

// Ids of devices some source saw at or after `p` (an SQL parameter such as "?3"). Two index range
// reads rather than a scan of the view: rows with their own last_seen (device_seen_last_seen), and
// rows confirmed by a source's latest poll (device_seen_source), whose last_seen is that poll's time.
// CROSS JOIN keeps source_state (a handful of rows) outermost, so device_seen is read by its index.
inline std::string seenSinceIds(const std::string& p) {
  return "SELECT device_id FROM device_seen WHERE last_seen >= " + p +
         " UNION SELECT s.device_id FROM source_state st CROSS JOIN device_seen s ON s.source = st.source AND "
         "s.in_last_poll = 1 WHERE st.last_success_at >= " +
         p;
}

// Management sources are the ones whose plugin reports check-ins (SourceConfig::reports_check_ins):
// staleness is measured against them. Inventory files and network sources are not.
inline std::vector<std::string> managementSources(const Config& config) {
  std::vector<std::string> names;
  for (const auto& s : config.sources)
    if (s.reports_check_ins) names.push_back(s.name);
  return names;
}

// The instant before which a last sync is stale.
inline std::string staleBefore(const Config& config, std::chrono::system_clock::time_point now) {
  return formatInstant(now - std::chrono::days(config.alerts.stale_sync_days));
}

// ?seen_since= takes a date (its midnight UTC) or an RFC 3339 UTC instant; returns the canonical instant.
inline std::optional<std::string> parseSince(std::string_view text) {
  if (text.size() == 10 && isValidDate(text)) return std::string(text) + "T00:00:00Z";
  if (text.size() != 20 || !isValidDate(text.substr(0, 10)) || text[10] != 'T' || text[13] != ':' ||
      text[16] != ':' || text[19] != 'Z')
    return std::nullopt;
  for (std::size_t i : {11u, 12u, 14u, 15u, 17u, 18u})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  if (text.substr(11, 2) > "23" || text.substr(14, 2) > "59" || text.substr(17, 2) > "59")
    return std::nullopt;
  return std::string(text);
}

}  // namespace fk::network_sql
