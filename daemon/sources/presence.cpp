#include "sources/presence.hpp"

#include <SQLiteCpp/Statement.h>

#include <map>
#include <nlohmann/json.hpp>

#include "core/values.hpp"
#include "store/network_queries.hpp"

namespace fk {
namespace {

// One MAC's sighting in this poll, merged over the observations that named it.
struct Seen {
  std::string at;
  std::string ip;
  std::string interface;
  std::string hostname;
  nlohmann::json fields = nlohmann::json::object();
};

std::string extra(const api::Observation& o, const char* key) {
  auto it = o.extra.find(key);
  return it == o.extra.end() ? std::string() : it->second;
}

bool isIpv4(const std::string& ip) {
  return !ip.empty() && ip.find(':') == std::string::npos;
}

// A MAC named by several entries (IPv4 and IPv6 neighbours, two leases): the latest time, and an IPv4
// address over an IPv6 one, since that is what a technician looks for in the DHCP server or switch.
std::map<std::string, Seen> merge(const std::vector<api::Observation>& observations,
                                  api::TimePoint poll_time) {
  std::map<std::string, Seen> by_mac;
  for (const api::Observation& o : observations) {
    if (o.kind != api::ObservationKind::network) continue;
    const std::string at = formatInstant(o.observed_at.value_or(poll_time));
    for (const std::string& text : o.macs) {
      auto mac = normaliseMac(text);
      if (!mac) continue;
      auto [it, fresh] = by_mac.try_emplace(*mac);
      Seen& s = it->second;
      const std::string ip = extra(o, "ip");
      if (fresh || (isIpv4(ip) && !isIpv4(s.ip)) || (isIpv4(ip) == isIpv4(s.ip) && at > s.at)) {
        s.ip = ip;
        s.interface = extra(o, "interface");
        for (const auto& [k, v] : o.extra) s.fields[k] = v;
      }
      if (s.hostname.empty()) s.hostname = extra(o, "hostname");
      if (at > s.at) s.at = at;
    }
  }
  return by_mac;
}

void bindText(SQLite::Statement& st, int index, const std::string& value) {
  if (value.empty())
    st.bind(index);
  else
    st.bind(index, value);
}

std::string describe(const Sighting& s) {
  std::string text = "seen by source " + s.source;
  if (!s.ip.empty()) text += " at " + s.ip;
  if (!s.interface.empty()) text += " on " + s.interface;
  if (!s.org_unit.empty()) text += " in org unit " + s.org_unit;
  return text + ", " + s.at;
}

// Drops unknown MACs not seen within the TTL, then the least recently seen beyond the limit.
void pruneUnknown(SQLite::Database& db, api::TimePoint poll_time, const Config::Network& network) {
  SQLite::Statement expire(db, "DELETE FROM unknown_macs WHERE last_seen < ?1");
  expire.bind(1, formatInstant(poll_time - network.unknown_mac_ttl));
  expire.exec();
  const std::int64_t count = db.execAndGet("SELECT count(*) FROM unknown_macs").getInt64();
  if (count <= network.unknown_mac_limit) return;
  SQLite::Statement evict(db,
                          "DELETE FROM unknown_macs WHERE mac IN "
                          "(SELECT mac FROM unknown_macs ORDER BY last_seen, mac LIMIT ?1)");
  evict.bind(1, count - network.unknown_mac_limit);
  evict.exec();
}

}  // namespace

Status noteLostSighting(SQLite::Database& db, std::int64_t device_id, DeviceStatus status,
                        const Sighting& s) {
  if (status != DeviceStatus::lost && status != DeviceStatus::stolen) return {};
  try {
    // The event that last set the status (changes are stored as [field, old, new] triples) marks the
    // start of the loss; only sightings after it count.
    SQLite::Statement marked(db, std::string("SELECT id, at FROM events WHERE device_id = ?1 AND ") +
                                     network_sql::kStatusEvent + " ORDER BY id DESC LIMIT 1");
    marked.bind(1, static_cast<std::int64_t>(device_id));
    std::int64_t marked_id = 0;
    std::string marked_at;
    if (marked.executeStep()) {
      marked_id = marked.getColumn(0).getInt64();
      marked_at = marked.getColumn(1).getString();
    }
    if (s.at < marked_at) return {};

    SQLite::Statement prior(db, "SELECT marked_event_id, last_seen FROM lost_sightings WHERE device_id = ?1");
    prior.bind(1, static_cast<std::int64_t>(device_id));
    bool new_episode = true;
    if (prior.executeStep() && prior.getColumn(0).getInt64() == marked_id) {
      const std::string last = prior.getColumn(1).getString();
      if (s.at <= last) return {};  // nothing newer than what is recorded (a re-listed old sync)
      auto last_t = parseInstant(last), now_t = parseInstant(s.at);
      new_episode = !last_t || !now_t || *now_t - *last_t > kSightingEpisodeGap;
    }

    SQLite::Statement upsert(
        db,
        "INSERT INTO lost_sightings (device_id, marked_event_id, first_seen, last_seen, source, "
        "ip, interface, org_unit) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7) "
        "ON CONFLICT (device_id) DO UPDATE SET "
        "first_seen = CASE WHEN marked_event_id = excluded.marked_event_id THEN first_seen "
        "ELSE excluded.first_seen END, "
        "marked_event_id = excluded.marked_event_id, last_seen = excluded.last_seen, "
        "source = excluded.source, ip = excluded.ip, interface = excluded.interface, "
        "org_unit = excluded.org_unit");
    upsert.bind(1, static_cast<std::int64_t>(device_id));
    upsert.bind(2, static_cast<std::int64_t>(marked_id));
    upsert.bind(3, s.at);
    upsert.bind(4, s.source);
    bindText(upsert, 5, s.ip);
    bindText(upsert, 6, s.interface);
    bindText(upsert, 7, s.org_unit);
    upsert.exec();

    if (new_episode) {
      SQLite::Statement event(db,
                              "INSERT INTO events (device_id, at, actor, action, changes, reason) "
                              "VALUES (?1, ?2, ?3, 'sighted', '[]', ?4)");
      event.bind(1, static_cast<std::int64_t>(device_id));
      event.bind(2, s.at);
      event.bind(3, "source:" + s.source);
      event.bind(4, describe(s));
      event.exec();
    }
    return {};
  } catch (const std::exception& e) {
    return std::unexpected(Error::internal(std::string("recording a lost device's sighting: ") + e.what()));
  }
}

Status recordPresence(SQLite::Database& db, const std::string& source,
                      const std::vector<api::Observation>& seen, api::TimePoint poll_time,
                      const Config::Network& network) {
  try {
    const auto by_mac = merge(seen, poll_time);
    SQLite::Statement owner(db,
                            "SELECT d.id, d.status, coalesce(d.org_unit, '') FROM device_macs m "
                            "JOIN devices d ON d.id = m.device_id WHERE m.mac = ?1 LIMIT 2");
    SQLite::Statement presence(
        db,
        "INSERT INTO device_presence (device_id, first_seen, last_seen, source, ip, interface) "
        "VALUES (?1, ?2, ?2, ?3, ?4, ?5) ON CONFLICT (device_id) DO UPDATE SET "
        "last_seen = excluded.last_seen, source = excluded.source, ip = excluded.ip, "
        "interface = excluded.interface WHERE excluded.last_seen >= last_seen");
    SQLite::Statement device_seen(
        db,
        "INSERT INTO device_seen (device_id, source, first_seen, last_seen, fields) "
        "VALUES (?1, ?2, ?3, ?3, ?4) ON CONFLICT (device_id, source) DO UPDATE SET "
        "last_seen = max(last_seen, excluded.last_seen), fields = excluded.fields");
    SQLite::Statement unknown(
        db,
        "INSERT INTO unknown_macs (mac, first_seen, last_seen, source, ip, interface, hostname) "
        "VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (mac) DO UPDATE SET "
        "last_seen = excluded.last_seen, source = excluded.source, ip = excluded.ip, "
        "interface = excluded.interface, hostname = coalesce(excluded.hostname, hostname) "
        "WHERE excluded.last_seen >= last_seen");
    SQLite::Statement forget(db, "DELETE FROM unknown_macs WHERE mac = ?1");

    for (const auto& [mac, s] : by_mac) {
      owner.bind(1, mac);
      std::vector<std::tuple<std::int64_t, std::string, std::string>> owners;
      while (owner.executeStep())
        owners.emplace_back(owner.getColumn(0).getInt64(), owner.getColumn(1).getString(),
                            owner.getColumn(2).getString());
      owner.reset();
      // A MAC on two devices (a shared USB Ethernet adapter) says nothing about either of them.
      if (owners.size() > 1) continue;
      if (owners.empty()) {
        unknown.bind(1, mac);
        unknown.bind(2, s.at);
        unknown.bind(3, source);
        bindText(unknown, 4, s.ip);
        bindText(unknown, 5, s.interface);
        bindText(unknown, 6, s.hostname);
        unknown.exec();
        unknown.reset();
        continue;
      }
      const auto& [device_id, status_text, org_unit] = owners.front();
      presence.bind(1, static_cast<std::int64_t>(device_id));
      presence.bind(2, s.at);
      presence.bind(3, source);
      bindText(presence, 4, s.ip);
      bindText(presence, 5, s.interface);
      presence.exec();
      presence.reset();
      device_seen.bind(1, static_cast<std::int64_t>(device_id));
      device_seen.bind(2, source);
      device_seen.bind(3, s.at);
      device_seen.bind(4, s.fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      device_seen.exec();
      device_seen.reset();
      // A MAC added to the registry since it was first seen stops being unknown.
      forget.bind(1, mac);
      forget.exec();
      forget.reset();

      if (auto status = parseStatus(status_text)) {
        if (auto r = noteLostSighting(db, device_id, *status, {source, s.at, s.ip, s.interface, org_unit});
            !r)
          return r;
      }
    }
    pruneUnknown(db, poll_time, network);
    return {};
  } catch (const std::exception& e) {
    return std::unexpected(Error::internal(std::string("recording network presence: ") + e.what()));
  }
}

}  // namespace fk
