#include "store/write_back_store.hpp"

#include <nlohmann/json.hpp>
#include <unordered_map>

#include "core/values.hpp"
#include "store/device_rows.hpp"
#include "store/write_tx.hpp"
#include "store/sql_values.hpp"

namespace fk {

namespace {

using sql::text;

using api::WriteBackAction;

std::string jsonText(const nlohmann::json& j, std::string_view key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string_view remoteKeyOf(WriteBackAction action) {
  switch (action) {
    case WriteBackAction::set_asset_id: return api::kRemoteAssetId;
    case WriteBackAction::set_location: return api::kRemoteLocation;
    case WriteBackAction::set_user: return api::kRemoteUser;
    case WriteBackAction::disable:
    case WriteBackAction::reenable: return api::kRemoteStatus;
    case WriteBackAction::move_org_unit: return api::kRemoteOrgUnit;
  }
  return "";
}

std::string remoteValueAfter(const api::WriteBackChange& change) {
  switch (change.action) {
    case WriteBackAction::disable: return std::string(api::kRemoteDisabled);
    case WriteBackAction::reenable: return "ACTIVE";
    default: return change.value;
  }
}

Result<std::vector<write_back::DeviceState>> WriteBackStore::devices(const std::string& source) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<write_back::DeviceState>> {
    SQLite::Transaction tx(db);  // one snapshot for both reads
    SQLite::Statement q(
        db,
        "SELECT d.id, s.source_id, d.asset_tag, d.location, d.status, s.fields, "
        "  (SELECT p.email FROM checkouts c JOIN people p ON p.id = c.person_id "
        "    WHERE c.device_id = d.id AND c.returned_at IS NULL ORDER BY c.id DESC LIMIT 1), "
        "  EXISTS (SELECT 1 FROM write_back_disabled w WHERE w.source = s.source AND w.device_id = d.id) "
        "FROM device_seen s JOIN devices d ON d.id = s.device_id "
        "WHERE s.source = ?1 AND s.in_last_poll = 1 AND coalesce(s.source_id, '') <> '' ORDER BY d.id");
    q.bind(1, source);
    std::vector<write_back::DeviceState> out;
    std::unordered_map<std::int64_t, std::size_t> at;
    while (q.executeStep()) {
      write_back::DeviceState d;
      d.device_id = q.getColumn(0).getInt64();
      d.source_id = text(q, 1);
      d.asset_tag = text(q, 2);
      d.location = text(q, 3);
      d.status = parseStatus(text(q, 4)).value_or(DeviceStatus::in_stock);
      const nlohmann::json seen = nlohmann::json::parse(text(q, 5), nullptr, false);
      d.remote_asset_id = jsonText(seen, api::kRemoteAssetId);
      d.remote_location = jsonText(seen, api::kRemoteLocation);
      d.remote_user = jsonText(seen, api::kRemoteUser);
      d.remote_org_unit = jsonText(seen, api::kRemoteOrgUnit);
      d.remote_status = jsonText(seen, api::kRemoteStatus);
      d.holder_email = text(q, 6);
      d.disabled_by_fleetkeep = q.getColumn(7).getInt() != 0;
      at.emplace(d.device_id, out.size());
      out.push_back(std::move(d));
    }
    // What fleetkeep sent stands for Google's value until the source says something newer about that
    // device (its sighting row is rewritten only when the record changes) or lists everything again
    // (a full sync, which also shows an administrator's revert). An incremental poll that leaves the
    // device out says nothing, so the stale listing must not re-plan the change.
    SQLite::Statement sent(db,
                           "SELECT w.device_id, w.field, w.value FROM write_back_sent w "
                           "JOIN source_state st ON st.source = w.source "
                           "JOIN device_seen s ON s.source = w.source AND s.device_id = w.device_id "
                           "WHERE w.source = ?1 AND w.at >= s.last_seen "
                           "AND w.at >= coalesce(st.last_full_sync_at, '')");
    sent.bind(1, source);
    while (sent.executeStep()) {
      auto it = at.find(sent.getColumn(0).getInt64());
      if (it == at.end()) continue;
      write_back::DeviceState& d = out[it->second];
      const std::string field = text(sent, 1);
      std::string value = text(sent, 2);
      if (field == api::kRemoteAssetId) d.remote_asset_id = std::move(value);
      else if (field == api::kRemoteLocation) d.remote_location = std::move(value);
      else if (field == api::kRemoteUser) d.remote_user = std::move(value);
      else if (field == api::kRemoteOrgUnit) d.remote_org_unit = std::move(value);
      else if (field == api::kRemoteStatus) d.remote_status = std::move(value);
    }
    return out;
  });
}

Status WriteBackStore::recordApplied(const std::string& source, const std::vector<write_back::Change>& applied,
                                     api::TimePoint when) {
  if (applied.empty()) return {};
  return db_.with([&](SQLite::Database& db) -> Status {
    WriteTx tx(db_, db, formatInstant(when));
    const std::string& now = tx.now();
    const std::string actor = "source:" + source + " write-back";
    SQLite::Statement event(db, rows::kInsertEvent);
    SQLite::Statement sent(db,
                           "INSERT INTO write_back_sent (source, device_id, field, value, at) "
                           "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (source, device_id, field) "
                           "DO UPDATE SET value = ?4, at = ?5");
    SQLite::Statement disabled(db,
                               "INSERT INTO write_back_disabled (source, device_id, reason, at) "
                               "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (source, device_id) "
                               "DO UPDATE SET reason = ?3, at = ?4");
    SQLite::Statement reenabled(db, "DELETE FROM write_back_disabled WHERE source = ?1 AND device_id = ?2");
    // What a full listing since has superseded is of no further use.
    SQLite::Statement prune(db,
                            "DELETE FROM write_back_sent WHERE source = ?1 AND at < "
                            "(SELECT last_full_sync_at FROM source_state WHERE source = ?1)");
    prune.bind(1, source);
    prune.exec();
    for (const write_back::Change& c : applied) {
      const std::string after = remoteValueAfter(c.change);
      // Named after the source's field, prefixed with the source: the registry's own fields (status!)
      // are what reconciliation and the lost-device sightings read from the history.
      const std::string changes =
          nlohmann::json::array({nlohmann::json::array({source + "." + c.field, c.change.previous, after})})
              .dump();
      rows::insertEvent(event, c.device_id, now, actor, "write-back", changes, c.reason);
      sent.reset();
      sent.bind(1, source);
      sent.bind(2, static_cast<std::int64_t>(c.device_id));
      sent.bind(3, std::string(remoteKeyOf(c.change.action)));
      sent.bind(4, after);
      sent.bind(5, now);
      sent.exec();
      if (c.change.action == WriteBackAction::disable) {
        disabled.reset();
        disabled.bind(1, source);
        disabled.bind(2, static_cast<std::int64_t>(c.device_id));
        disabled.bind(3, c.reason);
        disabled.bind(4, now);
        disabled.exec();
      } else if (c.change.action == WriteBackAction::reenable) {
        reenabled.reset();
        reenabled.bind(1, source);
        reenabled.bind(2, static_cast<std::int64_t>(c.device_id));
        reenabled.exec();
      }
    }
    tx.commit();
    return {};
  });
}

}  // namespace fk
