#include "store/presence_store.hpp"

#include <tuple>
#include <vector>

#include "core/values.hpp"
#include "store/network_queries.hpp"
#include "store/sql_values.hpp"

namespace fk {
namespace {

using sql::bindText;

std::string describe(const Sighting& s) {
  std::string text = "seen by source " + s.source;
  if (!s.ip.empty()) text += " at " + s.ip;
  if (!s.interface.empty()) text += " on " + s.interface;
  if (!s.org_unit.empty()) text += " in org unit " + s.org_unit;
  return text + ", " + s.at;
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

SightingWriter::SightingWriter(SQLite::Database& db, std::string source)
    : db_(db),
      source_(std::move(source)),
      owner_(db,
             "SELECT d.id, d.status, coalesce(d.org_unit, '') FROM device_macs m "
             "JOIN devices d ON d.id = m.device_id WHERE m.mac = ?1 LIMIT 2"),
      presence_(db,
                "INSERT INTO device_presence (device_id, first_seen, last_seen, source, ip, interface) "
                "VALUES (?1, ?2, ?2, ?3, ?4, ?5) ON CONFLICT (device_id) DO UPDATE SET "
                "last_seen = excluded.last_seen, source = excluded.source, ip = excluded.ip, "
                "interface = excluded.interface WHERE excluded.last_seen >= last_seen"),
      device_seen_(db,
                   "INSERT INTO device_seen (device_id, source, first_seen, last_seen, fields) "
                   "VALUES (?1, ?2, ?3, ?3, ?4) ON CONFLICT (device_id, source) DO UPDATE SET "
                   "last_seen = max(last_seen, excluded.last_seen), fields = excluded.fields"),
      unknown_(db,
               "INSERT INTO unknown_macs (mac, first_seen, last_seen, source, ip, interface, hostname) "
               "VALUES (?1, ?2, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (mac) DO UPDATE SET "
               "last_seen = excluded.last_seen, source = excluded.source, ip = excluded.ip, "
               "interface = excluded.interface, hostname = coalesce(excluded.hostname, hostname) "
               "WHERE excluded.last_seen >= last_seen"),
      forget_(db, "DELETE FROM unknown_macs WHERE mac = ?1") {}

Status SightingWriter::record(const std::string& mac, const MacSighting& s) {
  owner_.bind(1, mac);
  std::vector<std::tuple<std::int64_t, std::string, std::string>> owners;
  while (owner_.executeStep())
    owners.emplace_back(owner_.getColumn(0).getInt64(), owner_.getColumn(1).getString(),
                        owner_.getColumn(2).getString());
  owner_.reset();
  if (owners.size() > 1) return {};
  if (owners.empty()) {
    unknown_.bind(1, mac);
    unknown_.bind(2, s.at);
    unknown_.bind(3, source_);
    bindText(unknown_, 4, s.ip);
    bindText(unknown_, 5, s.interface);
    bindText(unknown_, 6, s.hostname);
    unknown_.exec();
    unknown_.reset();
    return {};
  }
  const auto& [device_id, status_text, org_unit] = owners.front();
  presence_.bind(1, static_cast<std::int64_t>(device_id));
  presence_.bind(2, s.at);
  presence_.bind(3, source_);
  bindText(presence_, 4, s.ip);
  bindText(presence_, 5, s.interface);
  presence_.exec();
  presence_.reset();
  device_seen_.bind(1, static_cast<std::int64_t>(device_id));
  device_seen_.bind(2, source_);
  device_seen_.bind(3, s.at);
  device_seen_.bind(4, s.fields_json);
  device_seen_.exec();
  device_seen_.reset();
  // A MAC added to the registry since it was first seen stops being unknown.
  forget_.bind(1, mac);
  forget_.exec();
  forget_.reset();
  if (auto status = parseStatus(status_text))
    return noteLostSighting(db_, device_id, *status, {source_, s.at, s.ip, s.interface, org_unit});
  return {};
}

void SightingWriter::pruneUnknown(const std::string& expired_before, std::int64_t limit) {
  SQLite::Statement expire(db_, "DELETE FROM unknown_macs WHERE last_seen < ?1");
  expire.bind(1, expired_before);
  expire.exec();
  const std::int64_t count = db_.execAndGet("SELECT count(*) FROM unknown_macs").getInt64();
  if (count <= limit) return;
  SQLite::Statement evict(db_,
                          "DELETE FROM unknown_macs WHERE mac IN "
                          "(SELECT mac FROM unknown_macs ORDER BY last_seen, mac LIMIT ?1)");
  evict.bind(1, count - limit);
  evict.exec();
}

}  // namespace fk
