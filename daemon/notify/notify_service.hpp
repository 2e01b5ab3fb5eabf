#pragma once

// The notification threads: the planner (at start, every plan_interval, and on demand) fills the
// outbox; the sender drains it within the send window, one mail at a time under the rate limit,
// with back-off on transient failures. Both read the config in force, so a reload applies to the
// next plan and the next mail.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/config.hpp"
#include "store/database.hpp"

namespace fk {

struct PlanSummary {
  int planned = 0;             // notices due today
  int added = 0;               // new in the outbox (the rest were planned before)
  int people_without_email = 0;
  std::string day;
};

class NotifyService {
 public:
  using Clock = std::chrono::system_clock;
  NotifyService(Database& db, std::function<std::shared_ptr<const Config>()> config,
                std::function<Clock::time_point()> now = [] { return Clock::now(); });
  ~NotifyService();
  void start();
  void stop();
  // Plans now with the config in force; an error when notifications are not configured.
  Result<PlanSummary> planNow();

 private:
  void planLoop(std::stop_token stop);
  void sendLoop(std::stop_token stop);
  // Sends one due notice if there is one; false when there was nothing to send.
  bool sendOne(const Config& config);
  template <class Pred>
  void sleepFor(std::stop_token& stop, std::chrono::milliseconds d, Pred wake);

  Database& db_;
  std::function<std::shared_ptr<const Config>()> config_;
  std::function<Clock::time_point()> now_;
  std::string owner_;  // names this process's claims in the outbox
  std::mutex mutex_;
  std::condition_variable_any wake_;
  bool work_ = false;  // a plan added notices: the sender looks again at once
  std::jthread planner_, sender_;
};

// The mail `kind` would send `person` today, rendered, nothing stored or sent:
// {"to", "cc", "subject", "text", "html", "items"}. 404 for an unknown person, 400 when there is
// nothing of that kind to tell them, 409 when notifications are not configured.
Result<nlohmann::json> previewNotice(Database& db, const Config& config, const std::string& kind,
                                     const std::string& person);

}  // namespace fk
