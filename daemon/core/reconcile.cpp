#include "core/reconcile.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

namespace fk::reconcile {
namespace {

const std::string& fieldOr(const Record& r, const char* name) {
  static const std::string kNone;
  auto it = r.fields.find(name);
  return it == r.fields.end() ? kNone : it->second;
}

template <class Map>
std::optional<std::int64_t> lookup(const Map& map, const std::string& key) {
  if (key.empty()) return std::nullopt;
  auto it = map.find(key);
  if (it == map.end()) return std::nullopt;
  return it->second;
}

const DeviceKeys* keysOf(const Index& index, std::int64_t id) {
  auto it = index.devices.find(id);
  return it == index.devices.end() ? nullptr : &it->second;
}

// A key other than the serial may name a device only if the serials do not disagree.
bool serialAgrees(const Index& index, std::int64_t id, const std::string& serial) {
  const DeviceKeys* keys = keysOf(index, id);
  return serial.empty() || !keys || keys->serial.empty() || keys->serial == serial;
}

std::string deviceName(const Index& index, std::int64_t id) {
  const DeviceKeys* keys = keysOf(index, id);
  std::string out = "device " + std::to_string(id);
  if (keys && !keys->serial.empty()) out += " (serial " + keys->serial + ")";
  return out;
}

}  // namespace

std::string_view toString(Match::By by) {
  switch (by) {
    case Match::By::none: return "none";
    case Match::By::source_id: return "source_id";
    case Match::By::serial: return "serial";
    case Match::By::asset_tag: return "asset_tag";
    case Match::By::mac: return "mac";
  }
  return "none";
}

Match match(const Index& index, const Record& r) {
  if (auto id = lookup(index.by_source_id, r.source_id)) return {Match::By::source_id, *id, {}};
  const std::string& serial = fieldOr(r, "serial");
  if (auto id = lookup(index.by_serial, serial)) return {Match::By::serial, *id, {}};
  const std::string& tag = fieldOr(r, "asset_tag");
  if (auto id = lookup(index.by_tag, tag)) {
    if (serialAgrees(index, *id, serial)) return {Match::By::asset_tag, *id, {}};
    return {Match::By::none, 0,
            "asset tag " + tag + " is " + deviceName(index, *id) + ", not serial " + serial};
  }
  std::optional<std::int64_t> by_mac;
  for (const std::string& mac : r.macs) {
    auto it = index.by_mac.find(mac);
    if (it == index.by_mac.end()) continue;
    if (it->second.size() != 1 || (by_mac && *by_mac != it->second.front())) return {};  // ambiguous
    by_mac = it->second.front();
  }
  if (by_mac && serialAgrees(index, *by_mac, serial)) return {Match::By::mac, *by_mac, {}};
  return {};
}

Plan plan(const Index& index, const std::vector<Record>& records, const Policy& policy) {
  Plan out;
  out.steps.resize(records.size());

  // Keys repeated across records: applying both would merge two devices or flip one back and forth.
  std::vector<bool> repeated(records.size(), false);
  // Each key maps to its first record only; the (rare) repeats are collected on the side, so a
  // 100k-record poll allocates no vector per key.
  std::unordered_map<std::string_view, std::size_t> first;
  first.reserve(records.size());
  auto findRepeats = [&](const char* label, auto key_of) {
    first.clear();
    std::map<std::string_view, std::vector<std::size_t>> repeats;
    for (std::size_t i = 0; i < records.size(); ++i) {
      std::string_view key = key_of(records[i]);
      if (key.empty()) continue;
      auto [it, fresh] = first.emplace(key, i);
      if (fresh) continue;
      auto& at = repeats[key];
      if (at.empty()) at.push_back(it->second);
      at.push_back(i);
    }
    std::vector<Duplicate> found;
    for (const auto& [key, at] : repeats) {
      Duplicate d{std::string(label) + " " + std::string(key), {}};
      for (std::size_t i : at) {
        repeated[i] = true;
        d.origins.push_back(records[i].origin);
      }
      found.push_back(std::move(d));
    }
    std::sort(found.begin(), found.end(),
              [](const Duplicate& a, const Duplicate& b) { return a.key < b.key; });
    for (auto& d : found) out.duplicates.push_back(std::move(d));
  };
  findRepeats("source id", [](const Record& r) -> std::string_view { return r.source_id; });
  findRepeats("serial", [](const Record& r) -> std::string_view { return fieldOr(r, "serial"); });
  findRepeats("asset tag", [](const Record& r) -> std::string_view { return fieldOr(r, "asset_tag"); });

  std::unordered_map<std::int64_t, std::size_t> claimed;
  claimed.reserve(records.size());
  for (std::size_t i = 0; i < records.size(); ++i) {
    const Record& r = records[i];
    Step& step = out.steps[i];
    step.record = i;
    if (repeated[i]) {
      step.action = Action::duplicate;
      continue;
    }
    step.match = match(index, r);
    if (!step.match.conflict.empty()) {
      step.action = Action::conflict;
      step.message = step.match.conflict;
      continue;
    }
    if (step.match.by == Match::By::none) {
      const bool identifiable = !fieldOr(r, "serial").empty() || !fieldOr(r, "asset_tag").empty();
      if (policy.create_unknown && identifiable) {
        step.action = Action::create;
      } else {
        step.action = Action::flag;
        step.message =
            identifiable ? "unknown device (on_unknown: flag)" : "no serial or asset tag to create it by";
      }
      continue;
    }
    const std::int64_t id = step.match.device_id;
    if (auto [it, fresh] = claimed.emplace(id, i); !fresh) {
      step.action = Action::conflict;
      step.message = "matches " + deviceName(index, id) + " like " + records[it->second].origin;
      continue;
    }
    auto seen = index.seen.find(id);
    const DeviceKeys* keys = keysOf(index, id);
    const bool same = seen != index.seen.end() && keys && seen->second.hash == r.hash &&
                      seen->second.device_version == keys->version && seen->second.source_id == r.source_id;
    step.action = same ? Action::unchanged : Action::review;
  }
  return out;
}

Decision decide(const Device& device, const Record& r, const Asserted& prior, const History& history,
                const Index& index, const Policy& policy, const std::string& actor,
                const std::string& poll_time) {
  Decision out;
  const std::string& fresh_since = r.observed_at.empty() ? poll_time : r.observed_at;
  auto assertion = [&](const std::string& field, const std::string& value) {
    auto p = prior.find(field);
    return Assertion{value, p != prior.end() && p->second.value == value ? p->second.since : fresh_since};
  };
  // Someone else set the field after the source began saying what it says now.
  auto keptBy = [&](const std::string& field, const Assertion& a) -> const LastSet* {
    if (policy.overwrite_manual) return nullptr;
    auto h = history.find(field);
    if (h == history.end() || h->second.actor == actor || a.since > h->second.at) return nullptr;
    return &h->second;
  };
  auto taken = [&](const std::unordered_map<std::string, std::int64_t>& map, const std::string& value) {
    auto it = map.find(value);
    return it != map.end() && it->second != device.id;
  };

  std::map<std::string, std::string> changes;
  for (const auto& [field, value] : r.fields) {
    if (field == "status") continue;  // a person's decision once the device exists
    Assertion a = assertion(field, value);
    out.asserted[field] = a;
    const std::string current = fieldText(device, field);
    if (current == value) continue;
    if (const LastSet* by = keptBy(field, a)) {
      out.kept.push_back({field, current, value, *by});
      continue;
    }
    if ((field == "serial" && taken(index.by_serial, value)) ||
        (field == "asset_tag" && taken(index.by_tag, value))) {
      out.refused.push_back(
          {0, field,
           "\"" + value + "\" belongs to device " +
               std::to_string((field == "serial" ? index.by_serial : index.by_tag).at(value))});
      continue;
    }
    changes.emplace(field, value);
  }
  out.draft = draftOf(changes);
  out.changes = !changes.empty();

  if (!r.macs.empty()) {
    std::string said;
    for (const auto& m : r.macs) said += (said.empty() ? "" : ";") + m;
    Assertion a = assertion("macs", said);
    out.asserted["macs"] = a;
    std::vector<std::string> merged = device.macs;
    merged.insert(merged.end(), r.macs.begin(), r.macs.end());
    std::sort(merged.begin(), merged.end());
    merged.erase(std::unique(merged.begin(), merged.end()), merged.end());
    if (merged != device.macs) {
      if (const LastSet* by = keptBy("macs", a)) {
        out.kept.push_back({"macs", fieldText(device, "macs"), said, *by});
      } else {
        out.draft.macs = std::move(merged);
        out.changes = true;
      }
    }
  }
  return out;
}

Asserted assertedAtCreation(const Record& r, const std::string& poll_time) {
  const std::string& since = r.observed_at.empty() ? poll_time : r.observed_at;
  Asserted out;
  for (const auto& [field, value] : r.fields)
    if (field != "status") out[field] = {value, since};
  if (!r.macs.empty()) {
    std::string said;
    for (const auto& m : r.macs) said += (said.empty() ? "" : ";") + m;
    out["macs"] = {said, since};
  }
  return out;
}

}  // namespace fk::reconcile
