#pragma once

// Write-back planning (pure): from the registry and the values a source listed last, the changes the
// source's records need. The core plans; the plugin only delivers (api/write_back.hpp).

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/write_back.hpp"
#include "core/device.hpp"

namespace fk {

// A source entry's `write_back:` block. The actions are off unless named; dry_run is on unless turned off.
struct WriteBackConfig {
  bool asset_id = false;            // annotatedAssetId <- asset_tag
  bool location = false;            // annotatedLocation <- location
  bool user = false;                // annotatedUser <- the holder's email while lent
  bool disable_lost = false;        // lost/stolen -> disable; found -> reenable
  bool disable_unreturned = false;  // still out after a collection's deadline -> disable
  std::map<DeviceStatus, std::string> org_unit_for_status;  // registry status -> org unit path
  bool dry_run = true;              // plan and show; send only on a person's "apply"
  int max_disables_per_poll = 50;   // more planned than this: none is sent, and an alert fires
};

namespace write_back {

// One device the source lists, as the registry has it and as the source listed it.
struct DeviceState {
  std::int64_t device_id = 0;
  std::string source_id;
  // The registry's side.
  std::string asset_tag;
  std::string location;
  std::string holder_email;  // of the person holding it while lent; "" otherwise
  DeviceStatus status = DeviceStatus::in_stock;
  // The source's side, as last listed (api/write_back.hpp's extra keys).
  std::string remote_asset_id;
  std::string remote_location;
  std::string remote_user;
  std::string remote_org_unit;
  std::string remote_status;  // DISABLED, ACTIVE, DEPROVISIONED...
  // fleetkeep disabled it (and has not re-enabled it since): only such a device is re-enabled, so a
  // device an administrator disabled for a reason of their own stays disabled.
  bool disabled_by_fleetkeep = false;
};

// A device still out after a collection's deadline, from the caller (collections live elsewhere).
struct Straggler {
  std::int64_t device_id = 0;
  std::string reason;  // "collection \"June 2027\" closed 2027-06-05, still out"
};

struct Change {
  std::int64_t device_id = 0;
  std::string asset_tag;  // for people reading the list
  api::WriteBackChange change;
  std::string field;   // annotatedAssetId, annotatedLocation, annotatedUser, status, orgUnitPath
  std::string reason;  // why a disable, reenable or move is planned
  bool held = false;   // a disable the cap holds back
};

struct Plan {
  std::vector<Change> changes;  // by device, then action
  std::size_t disables = 0;     // planned disables, held or not
  bool cap_hit = false;         // disables > max_disables_per_poll: every disable is held
};

Plan plan(const WriteBackConfig& config, const std::vector<DeviceState>& devices,
          const std::vector<Straggler>& stragglers);

// How a source's write-back last went (GET /api/v1/sources/{name}/write-back).
struct Status {
  std::optional<std::chrono::system_clock::time_point> last_run;
  // "" never ran; "dry run" planned only; "nothing to do"; "applied"; "partly applied" (some changes
  // failed and stay pending); "stopped" (the source refused write-back); "failed" (could not plan).
  std::string last_result;
  std::size_t last_sent = 0, last_applied = 0, last_failed = 0;
  double last_duration_seconds = 0;  // planning, sending and recording
  // After the source refused write-back as a whole (403, a revoked grant), nothing more is sent after
  // polls until a person applies by hand or the config is reloaded.
  bool stopped = false;
  // Why the last run ended early (also a rate limit or an outage, which do not pause write-back).
  std::string stopped_reason, stopped_message;
  // The last error of each change that failed, by device and action, until it is applied or unplanned.
  std::map<std::pair<std::int64_t, api::WriteBackAction>, std::string> errors;
};

// The source's field an action writes, for lists and events.
std::string_view fieldOf(api::WriteBackAction action);

}  // namespace write_back
}  // namespace fk
