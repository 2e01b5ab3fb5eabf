// writePoll: one poll's records written as core/reconcile plans them, inside ReconcileStore::apply's
// transaction. The plan and the decisions are core/reconcile's; this file reads the few rows a decision
// needs and writes what it decides, keeping the index in step with every key it writes.

#include "store/reconcile_writer.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unordered_set>
#include <utility>

#include "core/json_text.hpp"
#include "core/values.hpp"
#include "store/device_import.hpp"
#include "store/device_rows.hpp"
#include "store/sql_values.hpp"

namespace fk {
namespace {

using sql::bindText;
using sql::text;

using nlohmann::json;
namespace rc = reconcile;

constexpr std::size_t kMaxRecordProblems = 20;
constexpr std::size_t kMaxDuplicates = 20;

// Written by hand: the first sync of a 100k-device source writes one of each per device, and building
// a JSON tree for each was a visible share of its time.
std::string assertedJson(const rc::Asserted& a) {
  std::string out = "{";
  for (const auto& [field, v] : a) {
    if (out.size() > 1) out += ',';
    appendJsonString(out, field);
    out += ":[";
    appendJsonString(out, v.value);
    out += ',';
    appendJsonString(out, v.since);
    out += ']';
  }
  return out + "}";
}

rc::Asserted parseAsserted(const std::string& text) {
  rc::Asserted out;
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return out;
  for (const auto& [field, v] : j.items())
    if (v.is_array() && v.size() == 2 && v[0].is_string() && v[1].is_string())
      out[field] = {v[0].get<std::string>(), v[1].get<std::string>()};
  return out;
}

// What `seen[source].fields` shows: the source's own facts, and when the device last checked in.
std::string sightingFields(const rc::Record& r) {
  std::string out = "{";
  auto add = [&](std::string_view k, std::string_view v) {
    if (out.size() > 1) out += ',';
    appendJsonString(out, k);
    out += ':';
    appendJsonString(out, v);
  };
  for (const auto& [k, v] : r.extra)
    if (k != "last_sync") add(k, v);
  if (!r.last_sync.empty()) add("last_sync", r.last_sync);
  return out + "}";
}

std::string unknownKey(const rc::Record& r) {
  auto field = [&](const char* name) {
    auto it = r.fields.find(name);
    return it == r.fields.end() ? std::string() : it->second;
  };
  if (!r.source_id.empty()) return "id:" + r.source_id;
  if (auto s = field("serial"); !s.empty()) return "serial:" + s;
  if (auto t = field("asset_tag"); !t.empty()) return "tag:" + t;
  if (!r.macs.empty()) return "mac:" + r.macs.front();
  return "origin:" + r.origin;
}

class Applier {
 public:
  Applier(SQLite::Database& db, PollObservations& poll, const ReconcileHooks& hooks, rc::Index& idx)
      : db_(db),
        poll_(poll),
        hooks_(hooks),
        actor_("source:" + poll.source),
        now_(formatInstant(poll.poll_time)),
        idx_(idx),
        load_history_(db, "SELECT at, actor, changes FROM events WHERE device_id = ?1 ORDER BY id DESC"),
        load_asserted_(db, "SELECT asserted FROM device_seen WHERE device_id = ?1 AND source = ?2"),
        upsert_seen_(
            db,
            "INSERT INTO device_seen (device_id, source, first_seen, last_seen, source_id, fields, "
            "last_sync, "
            "obs_hash, device_version, asserted, in_last_poll) VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, "
            "?9, 1) "
            "ON CONFLICT (device_id, source) DO UPDATE SET last_seen = ?3, source_id = ?4, fields = ?5, "
            "last_sync = coalesce(?6, last_sync), obs_hash = ?7, device_version = ?8, asserted = ?9, "
            "in_last_poll = 1"),
        insert_event_(db, rows::kInsertEvent),
        insert_device_(db, rows::kInsertDevice),
        insert_mac_(db, rows::kInsertMac) {}

  ReconcileSummary run() {
    SQLite::Statement prev(db_, "SELECT last_success_at FROM source_state WHERE source = ?1");
    prev.bind(1, poll_.source);
    if (prev.executeStep()) previous_success_ = text(prev, 0);

    std::vector<rc::Record> records;
    records.reserve(poll_.managed.size());
    for (api::Observation& o : poll_.managed) {
      records.push_back(rc::readObservation(std::move(o)));
      for (const FieldError& e : records.back().problems) {
        ++summary_.field_problems;
        note(records.back().origin + ": " + e.field + ": " + e.message);
      }
    }
    summary_.observed = records.size();
    observed_.reserve(records.size());
    const rc::Plan plan = rc::plan(idx_, records, poll_.policy);
    for (const rc::Duplicate& d : plan.duplicates) {
      if (summary_.duplicate_keys.size() < kMaxDuplicates) summary_.duplicate_keys.push_back(d);
    }
    for (const rc::Step& step : plan.steps) apply(step, records[step.record]);

    if (poll_.complete_listing) dropUnlisted();
    if (hooks_.presence && !poll_.network.empty()) {
      if (auto ok = hooks_.presence(db_, poll_.source, poll_.network, poll_.poll_time); !ok)
        throw std::runtime_error("recording network presence: " + ok.error().message);
    }
    saveState();
    SQLite::Statement listed(
        db_,
        "SELECT (SELECT count(*) FROM device_seen WHERE source = ?1 AND in_last_poll = 1) + "
        "(SELECT count(*) FROM source_unknown WHERE source = ?1)");
    listed.bind(1, poll_.source);
    listed.executeStep();
    summary_.listed = static_cast<std::size_t>(listed.getColumn(0).getInt64());
    return summary_;
  }

  bool wroteRegistry() const { return wrote_registry_; }

 private:
  void note(std::string message) {
    if (summary_.problems.size() < kMaxRecordProblems) summary_.problems.push_back(std::move(message));
  }

  void apply(const rc::Step& step, const rc::Record& r) {
    switch (step.action) {
      case rc::Action::duplicate: ++summary_.duplicates; return;
      case rc::Action::conflict:
        ++summary_.conflicts;
        note(r.origin + ": " + step.message);
        return;
      case rc::Action::flag: return flag(r, step.message);
      case rc::Action::create: return create(r);
      case rc::Action::unchanged: unchanged(step.match.device_id); return sighted(step.match.device_id, r);
      case rc::Action::review: review(step.match.device_id, r); return sighted(step.match.device_id, r);
    }
  }

  // A lost or stolen device that checked in with a management source has been found, as far as it goes.
  void sighted(std::int64_t id, const rc::Record& r) {
    if (!hooks_.lost_sighting || r.last_sync.empty()) return;
    const DeviceStatus status = idx_.devices.at(id).status;
    if (status != DeviceStatus::lost && status != DeviceStatus::stolen) return;
    if (auto ok = hooks_.lost_sighting(db_, id, status, poll_.source, r); !ok)
      throw std::runtime_error("recording a lost device's sighting: " + ok.error().message);
    wrote_registry_ = true;
  }

  void unchanged(std::int64_t id) {
    ++summary_.unchanged;
    observed_.insert(id);
    rc::SeenRow& seen = idx_.seen.at(id);
    if (seen.in_last_poll) return;  // the fast path: nothing to write
    SQLite::Statement back(
        db_, "UPDATE device_seen SET in_last_poll = 1, last_seen = ?1 WHERE device_id = ?2 AND source = ?3");
    back.bind(1, now_);
    back.bind(2, static_cast<std::int64_t>(id));
    back.bind(3, poll_.source);
    back.exec();
    seen.in_last_poll = true;
    wrote_registry_ = true;
  }

  void create(const rc::Record& r) {
    DeviceDraft draft = rc::draftOf(r.fields);
    draft.macs = r.macs;
    Device d;
    applyDraft(d, draft);
    d.status = draft.status.value_or(DeviceStatus::in_stock);
    if (auto errors = validateNewDevice(draft); !errors.empty()) {
      ++summary_.conflicts;
      note(r.origin + ": " + errors.front().field + ": " + errors.front().message);
      return;
    }
    insert_device_.reset();
    rows::bindFields(insert_device_, d);
    insert_device_.bind(18, now_);
    insert_device_.exec();
    d.id = db_.getLastInsertRowid();
    d.version = 1;
    for (const std::string& m : d.macs) {
      insert_mac_.reset();
      insert_mac_.bind(1, static_cast<std::int64_t>(d.id));
      insert_mac_.bind(2, m);
      insert_mac_.exec();
      idx_.by_mac[m].push_back(d.id);
    }
    std::string changes;
    rows::creationChangesJson(d, changes);
    event(d.id, "created", changes);
    idx_.devices[d.id] = {d.serial, d.asset_tag, d.version, d.status};
    if (!d.serial.empty()) idx_.by_serial[d.serial] = d.id;
    if (!d.asset_tag.empty()) idx_.by_tag[d.asset_tag] = d.id;
    writeSeen(d.id, r, d.version, rc::assertedAtCreation(r, now_));
    ++summary_.created;
  }

  void review(std::int64_t id, const rc::Record& r) {
    auto device = rows::loadById(db_, id);
    if (!device) throw std::runtime_error("device " + std::to_string(id) + " vanished during reconciliation");
    const rc::Decision decision =
        rc::decide(*device, r, prior(id), history(id), idx_, poll_.policy, actor_, now_);
    for (const rc::Kept& k : decision.kept) {
      ++summary_.kept_manual;
      note(r.origin + ": " + k.field + " kept as " + k.set.actor + " set it at " + k.set.at +
           " (source says \"" + k.source_value + "\")");
    }
    for (const FieldError& e : decision.refused) {
      ++summary_.conflicts;
      note(r.origin + ": " + e.field + ": " + e.message);
    }
    std::int64_t version = device->version;
    if (decision.changes) {
      Device after = *device;
      const std::vector<FieldChange> changes = applyDraft(after, decision.draft);
      SQLite::Statement update(db_, rows::kUpdateDevice);
      rows::bindFields(update, after);
      update.bind(18, now_);
      update.bind(19, static_cast<std::int64_t>(id));
      update.bind(20, static_cast<std::int64_t>(device->version));
      if (update.exec() != 1)
        throw std::runtime_error("device " + std::to_string(id) + " changed during reconciliation");
      if (after.macs != device->macs) {
        for (const std::string& m : after.macs) {
          insert_mac_.reset();
          insert_mac_.bind(1, static_cast<std::int64_t>(id));
          insert_mac_.bind(2, m);
          insert_mac_.exec();
          auto& owners = idx_.by_mac[m];
          if (std::find(owners.begin(), owners.end(), id) == owners.end()) owners.push_back(id);
        }
      }
      event(id, "updated", rows::changesJson(changes));
      ++version;
      if (after.serial != device->serial) rekey(idx_.by_serial, device->serial, after.serial, id);
      if (after.asset_tag != device->asset_tag) rekey(idx_.by_tag, device->asset_tag, after.asset_tag, id);
      idx_.devices[id] = {after.serial, after.asset_tag, version, after.status};
      ++summary_.updated;
    } else {
      ++summary_.unchanged;
    }
    writeSeen(id, r, version, decision.asserted);
  }

  void flag(const rc::Record& r, const std::string& reason) {
    ++summary_.flagged;
    const std::string key = unknownKey(r);
    present_unknown_.insert(key);
    SQLite::Statement same(db_, "SELECT obs_hash FROM source_unknown WHERE source = ?1 AND key = ?2");
    same.bind(1, poll_.source);
    same.bind(2, key);
    if (same.executeStep() && static_cast<std::uint64_t>(same.getColumn(0).getInt64()) == r.hash) return;
    auto field = [&](const char* name) {
      auto it = r.fields.find(name);
      return it == r.fields.end() ? std::string() : it->second;
    };
    json fields = json::object();
    for (const auto& [k, v] : r.fields) fields[k] = v;
    for (const auto& [k, v] : r.extra) fields[k] = v;
    SQLite::Statement up(
        db_,
        "INSERT INTO source_unknown (source, key, source_id, serial, asset_tag, macs, fields, origin, "
        "reason, obs_hash, first_seen, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
        "?11) "
        "ON CONFLICT (source, key) DO UPDATE SET source_id = ?3, serial = ?4, asset_tag = ?5, macs = ?6, "
        "fields = ?7, origin = ?8, reason = ?9, obs_hash = ?10, updated_at = ?11");
    up.bind(1, poll_.source);
    up.bind(2, key);
    bindText(up, 3, r.source_id);
    bindText(up, 4, field("serial"));
    bindText(up, 5, field("asset_tag"));
    up.bind(6, json(r.macs).dump());
    up.bind(7, fields.dump(-1, ' ', false, json::error_handler_t::replace));
    bindText(up, 8, r.origin);
    up.bind(9, reason);
    up.bind(10, static_cast<std::int64_t>(r.hash));
    up.bind(11, now_);
    up.exec();
  }

  void writeSeen(std::int64_t id, const rc::Record& r, std::int64_t version, const rc::Asserted& asserted) {
    observed_.insert(id);
    upsert_seen_.reset();
    upsert_seen_.bind(1, static_cast<std::int64_t>(id));
    upsert_seen_.bind(2, poll_.source);
    upsert_seen_.bind(3, now_);
    bindText(upsert_seen_, 4, r.source_id);
    upsert_seen_.bind(5, sightingFields(r));
    bindText(upsert_seen_, 6, r.last_sync);
    upsert_seen_.bind(7, static_cast<std::int64_t>(r.hash));
    upsert_seen_.bind(8, static_cast<std::int64_t>(version));
    upsert_seen_.bind(9, assertedJson(asserted));
    upsert_seen_.exec();
    rc::SeenRow& seen = idx_.seen[id];
    if (seen.source_id != r.source_id) rekey(idx_.by_source_id, seen.source_id, r.source_id, id);
    seen = {r.source_id, r.hash, version, true};
    wrote_registry_ = true;
  }

  // The index outlives the poll (ReconcileStore keeps it), so it must end as a fresh load would read
  // the registry: an old key leaves only if it was this device's, and an empty key is never indexed.
  static void rekey(std::unordered_map<std::string, std::int64_t>& keys, const std::string& from,
                    const std::string& to, std::int64_t id) {
    if (auto it = keys.find(from); !from.empty() && it != keys.end() && it->second == id) keys.erase(it);
    if (!to.empty()) keys[to] = id;
  }

  // A complete listing without a device means the source no longer has it: it leaves the listing
  // (its last_seen freezes at the last poll that had it). Nothing about the device itself changes.
  void dropUnlisted() {
    SQLite::Statement leave(db_,
                            "UPDATE device_seen SET in_last_poll = 0, last_seen = coalesce(?1, last_seen) "
                            "WHERE device_id = ?2 AND source = ?3");
    for (auto& [id, seen] : idx_.seen) {
      if (!seen.in_last_poll || observed_.count(id)) continue;
      leave.reset();
      bindText(leave, 1, previous_success_);
      leave.bind(2, static_cast<std::int64_t>(id));
      leave.bind(3, poll_.source);
      leave.exec();
      seen.in_last_poll = false;
      ++summary_.left_listing;
      wrote_registry_ = true;
    }
    SQLite::Statement keys(db_, "SELECT key FROM source_unknown WHERE source = ?1");
    keys.bind(1, poll_.source);
    std::vector<std::string> gone;
    while (keys.executeStep())
      if (!present_unknown_.count(keys.getColumn(0).getString()))
        gone.push_back(keys.getColumn(0).getString());
    SQLite::Statement drop(db_, "DELETE FROM source_unknown WHERE source = ?1 AND key = ?2");
    for (const std::string& key : gone) {
      drop.reset();
      drop.bind(1, poll_.source);
      drop.bind(2, key);
      drop.exec();
    }
  }

  void saveState() {
    SQLite::Statement st(
        db_,
        "INSERT INTO source_state (source, state, last_success_at, last_full_sync_at, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?3) ON CONFLICT (source) DO UPDATE SET state = ?2, "
        "last_success_at = ?3, last_full_sync_at = coalesce(?4, last_full_sync_at), updated_at = ?3");
    st.bind(1, poll_.source);
    st.bind(2, poll_.next_state);
    st.bind(3, now_);
    if (poll_.complete_listing)
      st.bind(4, now_);
    else
      st.bind(4);
    st.exec();
  }

  void event(std::int64_t id, const char* action, const std::string& changes) {
    rows::insertEvent(insert_event_, id, now_, actor_, action, changes, {});
    wrote_registry_ = true;
  }

  // Newest change of each field, by anyone; creation and import events count as setting every field.
  rc::History history(std::int64_t id) {
    rc::History out;
    load_history_.reset();
    load_history_.bind(1, static_cast<std::int64_t>(id));
    while (load_history_.executeStep()) {
      const std::string at = load_history_.getColumn(0).getString();
      const std::string actor = load_history_.getColumn(1).getString();
      const std::string changes = load_history_.getColumn(2).getString();
      if (changes == import::kInitialValues) {
        // A bulk import's creation event names no fields: it set every field the device then had.
        for (std::string_view field : rc::assertableFields())
          out.emplace(std::string(field), rc::LastSet{at, actor});
        continue;
      }
      for (const FieldChange& c : rows::parseChanges(changes))
        out.emplace(c.field, rc::LastSet{at, actor});  // newest first: emplace keeps the first
    }
    return out;
  }

  rc::Asserted prior(std::int64_t id) {
    load_asserted_.reset();
    load_asserted_.bind(1, static_cast<std::int64_t>(id));
    load_asserted_.bind(2, poll_.source);
    if (!load_asserted_.executeStep()) return {};
    return parseAsserted(load_asserted_.getColumn(0).getString());
  }

  SQLite::Database& db_;
  PollObservations& poll_;  // its managed observations are taken apart into records
  const ReconcileHooks& hooks_;
  const std::string actor_;
  const std::string now_;
  std::string previous_success_;
  rc::Index& idx_;  // the caller's: after run() it is the index as this poll leaves the registry
  ReconcileSummary summary_;
  std::unordered_set<std::int64_t> observed_;
  std::unordered_set<std::string> present_unknown_;
  bool wrote_registry_ = false;
  SQLite::Statement load_history_, load_asserted_, upsert_seen_, insert_event_, insert_device_, insert_mac_;
};

}  // namespace

PollWrite writePoll(SQLite::Database& db, PollObservations& poll, const ReconcileHooks& hooks,
                    rc::Index& index) {
  Applier applier(db, poll, hooks, index);
  ReconcileSummary summary = applier.run();
  return {std::move(summary), applier.wroteRegistry()};
}

}  // namespace fk
