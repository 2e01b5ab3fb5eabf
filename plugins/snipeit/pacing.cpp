#include "snipeit/pacing.hpp"

#include "api/http_pacing.hpp"

#include <thread>

namespace fk::snipeit {
namespace {

bool realSleep(std::chrono::milliseconds d, const std::function<bool()>& cancelled) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (cancelled && cancelled()) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        std::chrono::milliseconds(100), until - std::chrono::steady_clock::now()));
  }
  return true;
}

}  // namespace

PacedClient::PacedClient(Pacing pacing) : pacing_(std::move(pacing)) {
  if (!pacing_.sleep) pacing_.sleep = realSleep;
  if (pacing_.requests_per_minute < 1) pacing_.requests_per_minute = 1;
}

bool PacedClient::wait(api::PollContext& ctx, std::chrono::milliseconds d) {
  if (d <= std::chrono::milliseconds::zero()) return true;
  return pacing_.sleep(d, ctx.cancelled);
}

api::HttpClient::Outcome PacedClient::send(api::PollContext& ctx, const api::HttpRequest& request) {
  const auto gap = std::chrono::milliseconds(60000 / pacing_.requests_per_minute);
  retry_after_.reset();
  for (int retries = 0;; ++retries) {
    if (last_) {
      const auto since = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - *last_);
      if (!wait(ctx, gap - since)) return {std::nullopt, "poll cancelled"};
    }
    last_ = std::chrono::steady_clock::now();
    auto outcome = ctx.http.sendCancellable(request, ctx.deadline, ctx.cancelled);
    if (!outcome.response) return outcome;
    const int status = outcome.response->status;
    if (status != 429 && status != 503) return outcome;
    // Both forms, at most a day (api/http_pacing.hpp); the scheduler caps it again at its back-off ceiling.
    const auto asked = api::parseRetryAfter(outcome.response->header("retry-after"), ctx.now());
    const auto delay = asked.value_or(std::chrono::seconds(1 << std::min(retries, 5)));
    retry_after_ = delay;
    const bool fits = ctx.now() + delay < ctx.deadline && delay <= pacing_.max_wait;
    if (retries >= pacing_.max_retries || !fits) return outcome;
    ctx.log.info("Snipe-IT answered " + std::to_string(status) + "; retrying in " + std::to_string(delay.count()) + "s");
    if (!wait(ctx, delay)) return {std::nullopt, "poll cancelled"};
  }
}

}  // namespace fk::snipeit
