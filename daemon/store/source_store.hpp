#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/source_status.hpp"
#include "store/database.hpp"
#include "store/write_tx.hpp"

namespace fk {

// What a source kept from its last successful poll (source_state), and how its last poll went (v7).
struct SourceBookkeeping {
  std::string state;            // the plugin's cursor; "" before the first success
  std::string last_success_at;  // RFC 3339, "" = never; when the last successful poll started
  std::string last_full_sync_at;

  // The last poll that finished, failed or not; "" / 0 when none was recorded.
  std::string last_start_at, last_end_at;
  std::string last_result;  // "ok", "failed"
  std::string last_reason, last_error;
  double last_duration_seconds = 0;
  std::string last_success_end_at;  // last_success_at for a database whose polls predate v7
  SourcePollSummary summary;        // of the last successful poll
};

// A device a source lists that the registry lacks, waiting for a person (source_unknown).
struct FlaggedDevice {
  std::string key;
  std::string source_id;
  std::string serial;
  std::string asset_tag;
  std::vector<std::string> macs;
  nlohmann::json fields = nlohmann::json::object();
  std::string origin;
  std::string reason;
  std::string first_seen;
  std::string updated_at;
};

// Read side of the sources' bookkeeping; reconcile_store writes it inside each poll's transaction.
class SourceStore {
 public:
  explicit SourceStore(Database& db) : db_(db) {}

  Result<SourceBookkeeping> bookkeeping(const std::string& source);
  // Keeps how the poll that just finished went: times, result, error, and the summary of the last
  // successful poll. Never touches the state or last_success_at, which only a successful poll's
  // reconciliation writes.
  Status recordOutcome(const SourceStatus& status);
  // Oldest first; `limit` rows at most.
  Result<std::vector<FlaggedDevice>> flagged(const std::string& source, int limit);
  Result<std::int64_t> flaggedCount(const std::string& source);

 private:
  Database& db_;
};

// recordOutcome's row, written inside the caller's write transaction: a successful poll's
// reconciliation (store/reconcile_store) records its outcome with its changes. Throws SQLite's errors.
void writeOutcome(WriteTx& tx, const SourceStatus& status);

}  // namespace fk
