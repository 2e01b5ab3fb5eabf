#pragma once

/// @file
/// Write-back: the optional half of the plugin contract through which the registry's state reaches the
/// source's own records (Google Admin's annotated asset ID, location and user; disabling a lost device).
///
/// The core decides; the plugin only delivers. After a successful poll (or on
/// `POST /api/v1/sources/{name}/write-back:apply`) the core plans, from the registry and the values the
/// source listed last, the changes the source's records need (core/write_back.hpp), and hands them to
/// the source's WriteBack on the source's own thread. The plugin sends each change and says, per change,
/// whether it took. It never sees the registry, and it never decides what to change.
///
/// To be planned against, a source that writes back lists its current values of the writable fields in
/// Observation::extra under the keys below (empty or absent = the source's field is empty).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/source.hpp"

namespace fk::api {

/// Observation::extra keys carrying the source's current values of the fields write-back manages.
inline constexpr std::string_view kRemoteAssetId = "asset_id";
inline constexpr std::string_view kRemoteLocation = "location";
inline constexpr std::string_view kRemoteUser = "user";
inline constexpr std::string_view kRemoteOrgUnit = "org_unit";
/// The record's management state. kRemoteDisabled means the device is disabled (it shows a lock screen
/// and cannot be used); kRemoteDeprovisioned means it left management, and status changes are not sent.
inline constexpr std::string_view kRemoteStatus = "status";
inline constexpr std::string_view kRemoteDisabled = "DISABLED";
inline constexpr std::string_view kRemoteDeprovisioned = "DEPROVISIONED";

enum class WriteBackAction {
  set_asset_id,  ///< value: the registry's asset tag
  set_location,  ///< value: the registry's location
  set_user,      ///< value: the email of the person holding the device
  disable,       ///< value: ""; reversible (reenable)
  reenable,      ///< value: ""
  move_org_unit, ///< value: the target org unit path ("/Retired")
};

/// One change to one of the source's records.
struct WriteBackChange {
  std::string source_id;  ///< the source's own key for the record (Google deviceId)
  WriteBackAction action = WriteBackAction::set_asset_id;
  std::string value;      ///< the new value; never "" for the set_* actions
  std::string previous;   ///< the value as the source last listed it (for the plugin's log lines)
};

/// How one change went.
struct WriteBackOutcome {
  bool applied = false;
  std::string error;  ///< why not, when not applied (for the log and the pending list)
};

/// The outcome of one apply: one entry per change, in the order given.
struct WriteBackResult {
  std::vector<WriteBackOutcome> outcomes;
  /// Set when the plugin stopped sending before the end (the source refused write-back as a whole: a
  /// missing scope, a revoked grant; or the deadline passed). The core shows it and sends nothing more
  /// automatically until the config is reloaded or a person applies by hand; the changes not tried stay
  /// pending.
  std::optional<PollResult> stopped;
};

/// A source's write-back. Called on the source's own thread, never alongside its poll. The context is
/// a poll's (deadline, cancellation, clock, log, HTTP client, file root); `state` and `next_state` are
/// not used.
class WriteBack {
 public:
  virtual ~WriteBack() = default;
  virtual WriteBackResult apply(PollContext& context, const std::vector<WriteBackChange>& changes) = 0;
};

inline std::string_view toString(WriteBackAction a) {
  switch (a) {
    case WriteBackAction::set_asset_id: return "asset_id";
    case WriteBackAction::set_location: return "location";
    case WriteBackAction::set_user: return "user";
    case WriteBackAction::disable: return "disable";
    case WriteBackAction::reenable: return "reenable";
    case WriteBackAction::move_org_unit: return "move";
  }
  return "?";
}

}  // namespace fk::api
