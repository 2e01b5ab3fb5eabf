#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/device.hpp"
#include "core/device_csv.hpp"
#include "core/error.hpp"
#include "core/scope.hpp"
#include "core/fees.hpp"
#include "store/database.hpp"

namespace SQLite {
class Column;
}

namespace fk {

struct DeviceField;

struct DeviceFilter {
  std::optional<DeviceStatus> status;
  std::optional<DeviceKind> kind;
  std::optional<std::string> model;     // exact
  std::optional<std::string> location;  // exact
  std::optional<std::string> code;      // asset tag or serial, exact (barcode scan)
  std::optional<std::string> q;         // substring of tag, serial, model, location, notes (case-insensitive)
  int limit = 100;                      // 1..1000
  std::int64_t after_id = 0;            // keyset cursor: rows with id > after_id, ascending
  // Presence and sync signals (store/network_queries.hpp says how each is decided).
  std::optional<std::string> seen_since;    // RFC 3339: some source saw it at or after
  std::optional<std::string> stale_before;  // RFC 3339: deployed, and a stale_sources source last synced it before
  std::vector<std::string> stale_sources;   // management sources, for stale_before
  bool lost_seen = false;                   // lost or stolen, and sighted since it was marked so
  std::optional<bool> loaner;               // in (true) or out of (false) the loaner pool
};

struct DevicePage {
  std::vector<Device> items;
  std::optional<std::int64_t> next_after_id;  // set when more rows may follow
};

// One row of a device list read where SQLite holds it, for a body written straight from the row:
// copying ~20 text columns into a Device (and the Device's MACs) was a third of a 50-device page's
// CPU. The values are the ones readDevice() would put in the Device (NULL text as "", an unknown kind
// or status as its default). Valid only inside the callback that receives it.
class DeviceRowView {
 public:
  std::int64_t id() const;
  // A text, identifier or date field's value, "" for NULL.
  std::string_view text(const DeviceField& f) const;
  std::optional<std::int64_t> purchasePriceCents() const;
  DeviceKind kind() const;
  DeviceStatus status() const;
  bool loaner() const;
  std::int64_t version() const;
  std::string_view createdAt() const;
  std::string_view updatedAt() const;
  std::int64_t repairCostCents() const;
  std::optional<Device::Holder> holder() const;
  // The device's MACs, sorted, separated by '\n' (a normalised MAC has none); "" when it has none.
  std::string_view macList() const;

 private:
  friend class DeviceStore;
  explicit DeviceRowView(const std::vector<SQLite::Column>& columns) : columns_(columns) {}
  std::string_view column(int index) const;
  // One per column of the statement, made once per page: each reads the statement's current row.
  const std::vector<SQLite::Column>& columns_;
};

// An append-only history row.
struct DeviceEvent {
  std::int64_t id = 0;
  std::int64_t device_id = 0;
  std::string at;      // RFC 3339
  std::string actor;   // "token:NAME", "source:NAME", "system"
  std::string action;  // created, updated, transition, imported
  std::vector<FieldChange> changes;
  std::string reason;  // transitions: the caller's reason
};

struct ImportSummary {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::size_t checkouts = 0;                 // loans the file's checkout columns made
  std::size_t people_created = 0;            // holders the registry did not have yet
  std::vector<std::string> ignored_columns;  // header names the import did not use
  FieldErrors warnings{};                    // read but not applied (e.g. an unknown status label)
};

// Per-source sighting of a device ("seen" in the API).
struct DeviceSighting {
  std::string source;
  std::string first_seen;
  std::string last_seen;
  std::string source_id;
  nlohmann::json fields = nlohmann::json::object();
};

// With a scope (a building-scoped user or token), every read, list, export and write sees only devices
// whose location lies in it: others answer 404 as if absent, and a create or update that would put a
// device outside it is refused (403). The check is part of each query, inside its transaction.
class DeviceStore {
 public:
  // `fees`: the policy in force (null: none); a transition to lost or stolen while lent charges the
  // holder, and back to stock refunds, in the transition's transaction.
  explicit DeviceStore(Database& db, Scope scope = {}, const FeePolicy* fees = nullptr)
      : db_(db), scope_(std::move(scope)), fees_(fees) {}
  DeviceStore(Database& db, const FeePolicy* fees) : DeviceStore(db, Scope{}, fees) {}

  // 409 on duplicate serial or asset tag (details name the field); 400 for invalid drafts.
  Result<Device> create(const DeviceDraft& draft, const std::string& actor);
  Result<Device> get(const DeviceRef& ref);
  Result<DevicePage> list(const DeviceFilter& filter);
  // The same page, each row handed to `fn` as it is read (its MACs in the same query), for a body
  // written without Devices. Returns the next page's cursor (list()'s next_after_id).
  Result<std::optional<std::int64_t>> listRows(const DeviceFilter& filter,
                                               const std::function<void(const DeviceRowView&)>& fn);
  // 409 when expected_version differs from the stored one (details carry the current version).
  Result<Device> update(const DeviceRef& ref, const DeviceDraft& draft, std::int64_t expected_version,
                        const std::string& actor);
  // 409 naming the allowed moves when the lifecycle refuses.
  Result<Device> transition(const DeviceRef& ref, DeviceStatus to, const std::string& reason,
                            const std::string& actor);
  Result<std::vector<DeviceEvent>> events(const DeviceRef& ref);
  Result<std::vector<DeviceSighting>> sightings(std::int64_t device_id);
  // get() and sightings() in one read transaction (one snapshot, one lock of the file): GET by ref.
  // `sightings` is empty when reading them failed, which only costs the answer its "seen".
  struct WithSightings {
    Device device;
    std::optional<std::vector<DeviceSighting>> sightings;
  };
  Result<WithSightings> getWithSightings(const DeviceRef& ref);

  // All rows or none, in one transaction. A row matches an existing device by serial, then asset tag;
  // matches update (only changed fields become events), others create. Conflicts (a row whose serial
  // and tag point at two different devices, duplicates within the file) refuse the whole import with
  // an importRefused() error (core/error.hpp) listing each line. Each row is validated here.
  Result<ImportSummary> import(const std::vector<ImportRow>& rows, const std::string& actor);
  // The same for an inventory CSV (core/device_csv.hpp): parsed on a second thread while this one
  // writes, so a large file costs about what its writing does, and memory stays bounded by a few
  // batches of rows rather than the whole file. A problem anywhere in the file refuses all of it.
  Result<ImportSummary> importCsv(std::string_view csv, const std::string& actor,
                                  const DeviceImportOptions& options = {});
  // The same over a body read as it arrives (an HTTP request still being received): never held whole.
  // The write transaction is open while the rest arrives; a body cut off (InputAborted) rolls it back
  // and answers an error.
  Result<ImportSummary> importCsv(ByteSource& body, const std::string& actor,
                                  const DeviceImportOptions& options = {});

  // Streams every device in id order.
  Status forEach(const std::function<void(const Device&)>& fn);
  // The next kBatchSize devices (fewer at the end) in id order after `after_id`, each batch read in a
  // transaction of its own: what forEach reads, for a caller that keeps its place between calls.
  static constexpr std::size_t kBatchSize = 1000;
  Result<std::vector<Device>> batchAfter(std::int64_t after_id);

 private:
  Result<ImportSummary> importParsed(DeviceCsvParser& parser, const std::string& actor,
                                     const DeviceImportOptions& options);

  Database& db_;
  Scope scope_;
  const FeePolicy* fees_;
};

}  // namespace fk
