#pragma once

/// @file
/// The plugin contract: the only fleetkeep header a source plugin includes.
///
/// A plugin supplies a SourceFactory (stateless: names the plugin, validates its own YAML keys, creates
/// instances) and a Source (one per configured source). The core wraps every Source: it owns the
/// interval, jitter, deadline, back-off, logging, metrics and reconciliation. A poll only reads the
/// outside world and emits Observations; it never touches the database or the HTTP server.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace fk::api {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;

/// What kind of record an observation is.
enum class ObservationKind {
  /// A management or inventory system's record of a device (Google Admin, Intune, a CSV inventory):
  /// reconciled into the registry (matched by source id, serial, then MAC; unknown ones created or flagged).
  managed,
  /// A MAC address seen on the network (neighbour table, DHCP lease): recorded as presence on the device
  /// owning that MAC, or kept in the unknown-MAC table; never creates or edits registry fields.
  network,
};

/// One device as a source saw it during one poll. Every field is optional: leave unset what the source
/// does not say, and the core leaves that registry field alone.
struct Observation {
  ObservationKind kind = ObservationKind::managed;
  /// The source's own stable key for the record (Google deviceId, Intune id); "" when it has none.
  std::string source_id;
  /// Where in the input the record came from ("line 12", "page 3 item 7"), for error messages.
  std::string origin;
  /// Registry fields the source asserts, keyed by the device field names of the API and CSV export
  /// (every field a caller writes in the device field table, docs/api.md's device object, but `macs`,
  /// which go below).
  /// Values are strings in API format (dates YYYY-MM-DD, money "289.00", loaner "true"/"false").
  /// The core validates them: a bad value drops that field (reported), not the record. An empty value
  /// counts as unset: a source never clears a registry field. `status` is used only when the core
  /// creates the device (default in_stock); later status changes are a person's decision.
  std::map<std::string, std::string> fields;
  /// MAC addresses in any common notation; the core normalises them and ignores ones it cannot read.
  std::vector<std::string> macs;
  /// When the device last checked in with the source (Google lastSync, Intune lastSyncDateTime).
  std::optional<TimePoint> last_sync;
  /// When the source's record was last changed or written, if the source knows (a CSV file's mtime).
  /// Unset = the time of the poll. It decides whether the source's value is newer than a person's edit
  /// of the same field (see docs/sources.md, "Who wins").
  std::optional<TimePoint> observed_at;
  /// Source-specific facts kept verbatim on the device's `seen[source].fields` (os_version, user, ip,
  /// hostname, interface, state, compliance...). Shown, not reconciled.
  std::map<std::string, std::string> extra;
};

/// One person as a roster source (a student information system) saw them during one poll.
struct PersonObservation {
  /// The roster's stable key for the person (OneRoster sourcedId): fleetkeep's `external_id`.
  std::string external_id;
  /// Where in the input the record came from ("users.csv line 12"), for error messages.
  std::string origin;
  /// Person fields the source asserts, keyed by the people API's names: name, email, role
  /// (student|staff), grade, homeroom, location, household. A key left out leaves that field alone;
  /// an empty value clears it (the roster is the authority on the people it lists).
  std::map<std::string, std::string> fields;
  /// False when the roster says the person has left (OneRoster status=tobedeleted, enabledUser=false):
  /// the core marks them inactive, never deletes them.
  bool active = true;
};

/// Receives a poll's observations. The core buffers them and reconciles only after poll() returned
/// success, in one transaction; a failed poll's observations are discarded.
class ObservationSink {
 public:
  virtual ~ObservationSink() = default;
  virtual void observe(Observation observation) = 0;
  /// A person from a roster. With a successful complete listing (PollResult::complete_listing), the
  /// people this source listed before and no longer lists become inactive.
  virtual void observePerson(PersonObservation person) = 0;
  /// A record the plugin could not read and skipped (a malformed line). Counted and logged by the core;
  /// the poll still succeeds. Use a failed PollResult instead when the input as a whole is unusable.
  virtual void skipped(std::string origin, std::string reason) = 0;
};

/// Log lines go through the core (prefixed with the source name). Never pass secrets.
class Logger {
 public:
  virtual ~Logger() = default;
  virtual void debug(std::string_view message) = 0;
  virtual void info(std::string_view message) = 0;
  virtual void warn(std::string_view message) = 0;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  ///< names lowercased
  std::string body;
  /// First header with that (lowercase) name, or "".
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
};

/// The HTTP client the core lends a plugin (libcurl in the daemon, a fake in tests). Requests stop at the
/// poll's deadline. A transport failure (refused, timed out, TLS) is reported in `error`; any HTTP status,
/// including 4xx/5xx, is a response.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  struct Outcome {
    std::optional<HttpResponse> response;
    std::string error;  ///< set when there is no response
  };
  virtual Outcome send(const HttpRequest& request, TimePoint deadline) = 0;
  /// send() that also gives up once `cancelled()` turns true (daemon stopping, source removed), so a
  /// slow server cannot hold up a shutdown until the deadline. Plugins call send(): the core hands
  /// them a client whose send() forwards here with the poll's cancellation. The default ignores
  /// `cancelled`; a real client overrides it (libcurl: a progress callback).
  virtual Outcome sendCancellable(const HttpRequest& request, TimePoint deadline,
                                  const std::function<bool()>& cancelled) {
    (void)cancelled;
    return send(request, deadline);
  }
};

/// Why a poll failed; becomes the `reason` label of fleetkeep_source_poll_errors_total (keep it to these).
enum class FailureReason { timeout, network, auth, forbidden, rate_limited, server_error, bad_response, io, config, cancelled };

/// A poll's verdict. On failure nothing the poll emitted is applied and no device is marked missing.
struct PollResult {
  bool ok = true;
  FailureReason reason = FailureReason::bad_response;
  std::string message;  ///< for the log and GET /api/v1/sources; never a secret
  /// The source asked for a pause (HTTP Retry-After): the core waits at least this long before retrying.
  std::optional<std::chrono::seconds> retry_after;
  /// True when this poll listed everything the source knows (a full sync), not just changes: devices
  /// and people it no longer lists have left it.
  bool complete_listing = false;

  static PollResult success(bool complete_listing = false) {
    PollResult r;
    r.complete_listing = complete_listing;
    return r;
  }
  static PollResult failure(FailureReason why, std::string message,
                            std::optional<std::chrono::seconds> retry_after = std::nullopt) {
    PollResult r;
    r.ok = false;
    r.reason = why;
    r.message = std::move(message);
    r.retry_after = retry_after;
    return r;
  }
};

/// What a poll may use. Everything outside the process comes through here, so tests inject fixtures.
struct PollContext {
  /// Stop by this time; the core treats a poll that returns later as failed (reason timeout).
  TimePoint deadline;
  /// The clock; use it instead of Clock::now() so tests can fix the time.
  std::function<TimePoint()> now;
  /// True when the poll should give up early (daemon stopping or source removed by a reload).
  std::function<bool()> cancelled;
  Logger& log;
  HttpClient& http;
  /// Prefix for every file the plugin reads (an absolute configured path is read under it): "/" in
  /// production, a fixture tree in tests.
  std::filesystem::path file_root;
  /// Folder of the config file: relative configured paths are relative to it.
  std::filesystem::path config_dir;
  /// The source's persisted state from its last successful poll ("" at first): an incremental-sync
  /// cursor, a file fingerprint, a cached token expiry. Plugins own its format (JSON is a good choice).
  std::string state;
  /// Set this to the state to persist. It starts as a copy of `state` (a plugin with nothing new to
  /// remember leaves it alone) and is saved only if the poll succeeds, in the same transaction as the
  /// reconciliation.
  std::string next_state;
  /// The core asks for a full listing (first poll, or `full_sync_interval` has passed).
  bool full_sync = false;
  /// How sleep() lets time pass. Unset: real time, in slices so a cancellation is seen within 100 ms.
  /// A test with a fake clock sets one that advances it.
  std::function<void(std::chrono::milliseconds)> pause;
  /// Added to each back-off step of a retry (api/http_pacing.hpp), so sources retrying together spread
  /// out. The core draws up to a second at random; unset means none.
  std::function<std::chrono::milliseconds()> jitter;

  /// Waits `d`, returning early with false once the poll is cancelled (stop, reload, deadline).
  bool sleep(std::chrono::milliseconds d) {
    const auto stop = [this] { return cancelled && cancelled(); };
    if (pause) {
      pause(d);
    } else {
      const auto until = std::chrono::steady_clock::now() + d;
      for (auto left = d; left.count() > 0 && !stop();
           left = std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now()))
        std::this_thread::sleep_for(std::min(left, std::chrono::milliseconds(100)));
    }
    return !stop();
  }

  /// Resolves a configured path against config_dir and then file_root.
  std::filesystem::path resolve(const std::filesystem::path& configured) const {
    std::filesystem::path p = configured.is_absolute() ? configured : config_dir / configured;
    if (file_root.empty() || file_root == "/") return p;
    return file_root / p.relative_path();
  }
};

class WriteBack;  // api/write_back.hpp

/// One configured source. Created by its factory; polled by the core, never concurrently with itself.
class Source {
 public:
  virtual ~Source() = default;
  virtual PollResult poll(PollContext& context, ObservationSink& sink) = 0;
  /// The source's write-back (api/write_back.hpp), or null when it cannot write to its records.
  virtual WriteBack* writeBack() { return nullptr; }
};

/// A config problem in the plugin's own keys, positioned at the YAML node at fault.
struct ConfigIssue {
  int line = 0;    ///< 1-based
  int column = 0;  ///< 1-based
  std::string message;
  /// The key at fault ("path"), or "" for the entry as a whole. The core prefixes the message with
  /// the entry's path: "sources[2].path: must not be empty".
  std::string key;
};

/// The source's entry from the config file.
struct SourceSpec {
  std::string name;
  /// The whole YAML entry. The core owns the keys isCoreKey() names; everything else belongs to the
  /// plugin.
  YAML::Node node;
  std::filesystem::path config_dir;
};

/// Stateless: names the plugin, checks its YAML keys, creates instances.
class SourceFactory {
 public:
  virtual ~SourceFactory() = default;
  /// The `plugin:` value in the config (google_admin, csv_import...).
  virtual std::string name() const = 0;
  /// Every problem in the plugin's own keys (unknown keys, wrong types, missing required ones), each at
  /// its node's line and column. Keys the core owns must be accepted silently.
  virtual std::vector<ConfigIssue> validate(const YAML::Node& entry) const = 0;
  /// Called only with an entry that validate() accepted.
  virtual std::unique_ptr<Source> create(const SourceSpec& spec) const = 0;
  /// True when its sources implement writeBack(): only then does the core accept a `write_back:` block.
  virtual bool writesBack() const { return false; }
  /// True when its records carry the device's own last check-in (last_sync), as device management
  /// consoles do: the registry measures a device's staleness against such sources only.
  virtual bool reportsCheckIns() const { return false; }
};

/// Keys every source entry has, owned by the core (plugins accept them without complaint):
/// name, plugin, interval, full_sync_interval, on_unknown, timeout (the poll's deadline),
/// overwrite_manual (whether the source may overwrite a field a person edited more recently) and
/// write_back (what the core plans for a plugin that writesBack()).
inline bool isCoreKey(std::string_view key) {
  return key == "name" || key == "plugin" || key == "interval" || key == "full_sync_interval" ||
         key == "on_unknown" || key == "timeout" || key == "overwrite_manual" || key == "write_back";
}

}  // namespace fk::api
