#pragma once

// The notification outbox: each planned notice once (kind, subject, day), its delivery state and
// retries. Safe for several threads and several processes on one file: a notice is claimed by one
// sender in one UPDATE before any SMTP traffic, so it never goes out twice.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/notify_plan.hpp"
#include "core/time_zone.hpp"
#include "store/database.hpp"

namespace fk {

struct OutboxRow {
  std::int64_t id = 0;
  std::string kind, subject, day;
  std::vector<std::string> to, cc;
  nlohmann::json context;
  std::string status;
  std::string not_before;
  int attempts = 0;
  std::string last_error;
  int last_code = 0;
  std::string created_at, sent_at, updated_at;
};

struct OutboxCounts {
  std::int64_t queued = 0;  // queued or being sent
  std::map<std::string, std::int64_t> sent, failed;  // by kind
};

class OutboxStore {
 public:
  explicit OutboxStore(Database& db) : db_(db) {}

  // Inserts the notices not in the outbox yet, each due at `not_before(notice)`; returns how many
  // were new. One transaction: a re-plan sees all of a plan or none of it.
  Result<int> enqueue(const std::vector<Notice>& notices,
                      const std::function<std::string(const Notice&)>& not_before);
  // Takes the oldest queued notice whose time has come, for `owner`, until `lease_until`.
  Result<std::optional<OutboxRow>> claimNext(const std::string& now, const std::string& owner,
                                             const std::string& lease_until);
  Status markSent(std::int64_t id, const std::string& now);
  // Back to the queue, due again at `next_at`.
  Status markRetry(std::int64_t id, const std::string& next_at, const std::string& error, int code);
  Status markFailed(std::int64_t id, const std::string& error, int code);
  // A notice still `sending` after its lease belonged to a process that died mid-send: SMTP may
  // have accepted it, so it is failed as interrupted rather than sent again. Returns how many.
  Result<int> failInterrupted(const std::string& now);
  // Newest first; `status` "" = all.
  Result<std::vector<OutboxRow>> list(const std::string& status, int limit);
  Result<OutboxCounts> counts();

 private:
  Database& db_;
};

// What the planner needs from the registry: open loans to people, and work orders open or
// resolved since `resolved_since` (RFC 3339). Dates are local to `zone`.
struct NoticeFacts {
  std::vector<LoanFact> loans;
  std::vector<RepairFact> repairs;
  std::vector<CollectionFact> collections;  // none when facts are gathered for one person
};
Result<NoticeFacts> loadNoticeFacts(Database& db, const TimeZone& zone, const std::string& resolved_since,
                                    const std::string& person = "");

}  // namespace fk
