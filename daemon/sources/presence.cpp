#include "sources/presence.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "core/values.hpp"

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

}  // namespace

Status recordPresence(SQLite::Database& db, const std::string& source,
                      const std::vector<api::Observation>& seen, api::TimePoint poll_time,
                      const Config::Network& network) {
  try {
    SightingWriter writer(db, source);
    for (const auto& [mac, s] : merge(seen, poll_time)) {
      const MacSighting sighting{s.at, s.ip, s.interface, s.hostname,
                                 s.fields.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
      if (auto r = writer.record(mac, sighting); !r) return r;
    }
    writer.pruneUnknown(formatInstant(poll_time - network.unknown_mac_ttl), network.unknown_mac_limit);
    return {};
  } catch (const std::exception& e) {
    return std::unexpected(Error::internal(std::string("recording network presence: ") + e.what()));
  }
}

}  // namespace fk
