#pragma once

// How the snipeit source paces its requests: Snipe-IT allows 120 API requests a minute per user
// (API_THROTTLE_PER_MINUTE), answers 429 with Retry-After past it, and a poll waits inside its
// deadline rather than failing. Kept apart from the source so it can move to the shared HTTP helpers
// the plugins are converging on without touching the paging or the mapping.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "api/source.hpp"

namespace fk::snipeit {

struct Pacing {
  int requests_per_minute = 120;
  std::chrono::seconds max_wait{60};  // longest Retry-After waited out inside one poll
  int max_retries = 3;
  // Sleeps `d`, returning false early when the poll is cancelled. Tests replace it.
  std::function<bool(std::chrono::milliseconds d, const std::function<bool()>& cancelled)> sleep;
};

// Spaces requests evenly at the configured rate (a token bucket of one: no bursts that would use up
// the minute's allowance and then meet a 429) and retries throttled answers.
class PacedClient {
 public:
  explicit PacedClient(Pacing pacing);

  // Sends `request`, waiting first if the last one was too recent. 429 and 503 are retried after
  // Retry-After (or 1, 2, 4 s) while that fits the poll's deadline and max_wait; otherwise the answer
  // is returned as it is, with retry_after() saying how long the server asked for.
  api::HttpClient::Outcome send(api::PollContext& ctx, const api::HttpRequest& request);
  std::optional<std::chrono::seconds> retryAfter() const { return retry_after_; }

 private:
  bool wait(api::PollContext& ctx, std::chrono::milliseconds d);

  Pacing pacing_;
  std::optional<std::chrono::steady_clock::time_point> last_;
  std::optional<std::chrono::seconds> retry_after_;
};

}  // namespace fk::snipeit
