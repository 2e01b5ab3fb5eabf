#include "core/write_back.hpp"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace fk::write_back {

namespace {

using api::WriteBackAction;

// Google matches org unit paths and email addresses without regard to case; a difference only in case
// is not a change, or every poll would send it again.
bool sameIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string_view fieldOf(WriteBackAction action) {
  switch (action) {
    case WriteBackAction::set_asset_id: return "annotatedAssetId";
    case WriteBackAction::set_location: return "annotatedLocation";
    case WriteBackAction::set_user: return "annotatedUser";
    case WriteBackAction::disable:
    case WriteBackAction::reenable: return "status";
    case WriteBackAction::move_org_unit: return "orgUnitPath";
  }
  return "";
}

Plan plan(const WriteBackConfig& config, const std::vector<DeviceState>& devices,
          const std::vector<Straggler>& stragglers) {
  std::unordered_map<std::int64_t, const Straggler*> late;
  for (const Straggler& s : stragglers) late.emplace(s.device_id, &s);

  Plan out;
  for (const DeviceState& d : devices) {
    if (d.source_id.empty()) continue;  // nothing to address the record by
    auto add = [&](WriteBackAction action, std::string value, std::string previous, std::string reason) {
      Change c;
      c.device_id = d.device_id;
      c.asset_tag = d.asset_tag;
      c.change = {d.source_id, action, std::move(value), std::move(previous)};
      c.field = std::string(fieldOf(action));
      c.reason = std::move(reason);
      out.changes.push_back(std::move(c));
    };
    // An empty registry value is "not known here", never "clear Google's".
    if (config.asset_id && !d.asset_tag.empty() && d.asset_tag != d.remote_asset_id)
      add(WriteBackAction::set_asset_id, d.asset_tag, d.remote_asset_id, "");
    if (config.location && !d.location.empty() && d.location != d.remote_location)
      add(WriteBackAction::set_location, d.location, d.remote_location, "");
    if (config.user && !d.holder_email.empty() && !sameIgnoringCase(d.holder_email, d.remote_user))
      add(WriteBackAction::set_user, d.holder_email, d.remote_user, "lent to " + d.holder_email);

    // A deprovisioned device is out of management: disabling or re-enabling it would fail anyway.
    if (d.remote_status != api::kRemoteDeprovisioned) {
      const bool lost = d.status == DeviceStatus::lost || d.status == DeviceStatus::stolen;
      const auto straggler = late.find(d.device_id);
      const bool disabled = d.remote_status == api::kRemoteDisabled;
      std::string why;
      if (config.disable_lost && lost)
        why = "marked " + std::string(toString(d.status)) + " in fleetkeep";
      else if (config.disable_unreturned && straggler != late.end())
        why = straggler->second->reason;
      if (!why.empty() && !disabled) {
        add(WriteBackAction::disable, "", d.remote_status, std::move(why));
        ++out.disables;
      } else if (why.empty() && disabled && d.disabled_by_fleetkeep && !lost && straggler == late.end()) {
        // Found or returned: only what fleetkeep itself locked is unlocked, and only once no reason holds.
        add(WriteBackAction::reenable, "", d.remote_status,
            "now " + std::string(toString(d.status)) + " in fleetkeep; fleetkeep disabled it");
      }
    }

    if (auto ou = config.org_unit_for_status.find(d.status); ou != config.org_unit_for_status.end()) {
      if (!sameIgnoringCase(ou->second, d.remote_org_unit))
        add(WriteBackAction::move_org_unit, ou->second, d.remote_org_unit,
            std::string(toString(d.status)) + " in fleetkeep");
    }
  }

  if (out.disables > static_cast<std::size_t>(std::max(config.max_disables_per_poll, 0))) {
    // All or nothing: a bad import marking a school's fleet lost must not lock the first 50 of it.
    out.cap_hit = true;
    for (Change& c : out.changes)
      if (c.change.action == WriteBackAction::disable) c.held = true;
  }
  return out;
}

}  // namespace fk::write_back
