#pragma once

// Audits (stocktakes): the expected set snapshotted at start, scans, the report and the close. The rules
// are core/audit.hpp; this file runs them inside SQLite transactions.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/audit.hpp"
#include "core/device.hpp"
#include "core/error.hpp"
#include "core/fees.hpp"
#include "store/database.hpp"

namespace fk {

struct Audit {
  std::int64_t id = 0;
  std::string name;
  std::string location;
  std::string created_at;
  std::string created_by;
  std::string closed_at;  // "" while open
  std::string closed_by;
  nlohmann::json close_result;  // null while open

  bool open() const { return closed_at.empty(); }
};

struct AuditCounts {
  std::int64_t expected = 0, found = 0, misplaced = 0, unexpected = 0, missing = 0, unknown = 0,
               seen_by_source = 0;
  std::int64_t of(std::string_view state) const;  // by the names in kAuditStates
};

// One line of the report: a scan (found, misplaced, unexpected, unknown) or an expected device not
// scanned (missing; seen_by_source says whether a source saw it within the window).
struct AuditItem {
  std::string state;
  std::optional<std::int64_t> device_id;  // unset for unknown codes
  std::string asset_tag, serial, model, status;
  std::string expected_location;  // from the snapshot ("" when not expected)
  std::string location;           // the registry's location now
  std::string code, scanned_at, scanned_by;
  std::string seen_source, seen_at;  // the latest sighting by any source
  bool seen_by_source = false;
  bool lost_found = false;  // scanned while lost or stolen
};

struct AuditReport {
  Audit audit;
  AuditCounts counts;
  std::vector<AuditItem> items;  // empty unless asked for
};

struct ScanOutcome {
  ScanResult result = ScanResult::unknown;
  std::string code;
  std::optional<Device> device;
  bool lost_found = false;
};

class AuditStore {
 public:
  // With `fees`, a close that marks a lent device lost charges its holder exactly as a transition does.
  explicit AuditStore(Database& db, const FeePolicy* fees = nullptr) : db_(db), fees_(fees) {}

  // 201: snapshots every in-service device within `location`. 409 on a duplicate name.
  Result<AuditReport> start(const std::string& name, const std::string& location, const std::string& actor,
                            const std::string& seen_since);
  // One scan in one transaction: concurrent scans of the same device count it once. 409 when closed.
  Result<ScanOutcome> scan(std::int64_t audit_id, const std::string& code, const std::string& actor);
  // Counts, and the items when `with_items`; a source's sighting at or after `seen_since` (RFC 3339)
  // makes a missing device seen_by_source.
  Result<AuditReport> report(std::int64_t audit_id, const std::string& seen_since, bool with_items);
  Result<std::vector<AuditReport>> list(std::optional<bool> open, const std::string& seen_since);
  // Applies the options in one transaction (events carry "audit: NAME" as the reason) and closes.
  Result<AuditReport> close(std::int64_t audit_id, const CloseOptions& options, const std::string& actor,
                            const std::string& seen_since);

 private:
  Database& db_;
  const FeePolicy* fees_;
};

// seen_since for a window ending now.
std::string seenSince(std::chrono::seconds window);

}  // namespace fk
