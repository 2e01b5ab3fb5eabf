#include "sources/write_back_runner.hpp"

#include <spdlog/spdlog.h>

#include "sources/source_metrics.hpp"
#include "store/write_back_store.hpp"

namespace fk {

WriteBackRunner::WriteBackRunner(std::string source, Database& db, WriteBackMetrics& metrics,
                                 StragglerList stragglers)
    : source_(std::move(source)), db_(db), metrics_(metrics), stragglers_(std::move(stragglers)) {}

void WriteBackRunner::configure(std::optional<WriteBackConfig> config) {
  std::lock_guard lock(mutex_);
  config_ = std::move(config);
  if (status_.stopped) {
    status_.stopped = false;
    metrics_.stopped(source_, false);
  }
}

std::optional<WriteBackConfig> WriteBackRunner::config() const {
  std::lock_guard lock(mutex_);
  return config_;
}

write_back::Status WriteBackRunner::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

Result<write_back::Plan> WriteBackRunner::plan() const {
  auto config = this->config();
  if (!config) return write_back::Plan{};
  auto devices = WriteBackStore(db_).devices(source_);
  if (!devices) return std::unexpected(devices.error());
  std::vector<write_back::Straggler> late;
  if (config->disable_unreturned && stragglers_) {
    auto s = stragglers_(source_);
    if (!s) return std::unexpected(s.error());
    late = std::move(*s);
  }
  return write_back::plan(*config, *devices, late);
}

void WriteBackRunner::run(api::WriteBack& target, api::PollContext& context, bool automatic) {
  auto config = this->config();
  if (!config) return;
  const api::TimePoint started = context.now();
  auto planned = plan();
  std::unique_lock lock(mutex_);
  status_.last_run = started;
  if (!planned) {
    status_.last_result = "failed";
    lock.unlock();
    spdlog::warn("source {}: write-back: planning: {}", source_, planned.error().message);
    return;
  }
  write_back::Plan& p = *planned;
  const std::size_t held = p.cap_hit ? p.disables : 0;
  metrics_.planned(source_, p.changes.size(), held);
  if (p.cap_hit)
    spdlog::warn("source {}: write-back: {} disables planned, over max_disables_per_poll ({}); none is sent",
                 source_, p.disables, config->max_disables_per_poll);
  // Errors of changes no longer planned (done elsewhere, or the reason went away) are dropped.
  std::map<std::pair<std::int64_t, api::WriteBackAction>, std::string> errors;
  for (const auto& c : p.changes)
    if (auto e = status_.errors.find({c.device_id, c.change.action}); e != status_.errors.end())
      errors.insert(*e);
  status_.errors = std::move(errors);

  if (automatic && (config->dry_run || status_.stopped)) {
    status_.last_result = status_.stopped ? "stopped" : "dry run";
    status_.last_sent = status_.last_applied = status_.last_failed = 0;
    return;
  }
  if (!automatic && status_.stopped) {
    status_.stopped = false;  // a person asked: try once more
    metrics_.stopped(source_, false);
  }
  status_.stopped_reason.clear();
  status_.stopped_message.clear();
  std::vector<const write_back::Change*> sending;
  std::vector<api::WriteBackChange> changes;
  for (const auto& c : p.changes) {
    if (c.held) continue;
    sending.push_back(&c);
    changes.push_back(c.change);
  }
  status_.last_sent = changes.size();
  if (changes.empty()) {
    status_.last_result = "nothing to do";
    status_.last_applied = status_.last_failed = 0;
    return;
  }
  lock.unlock();

  api::WriteBackResult result;
  try {
    result = target.apply(context, changes);
  } catch (const std::exception& e) {
    result.stopped = api::PollResult::failure(api::FailureReason::bad_response,
                                              std::string("plugin error: ") + e.what());
  }
  result.outcomes.resize(changes.size(), {false, "not sent"});

  std::vector<write_back::Change> applied;
  std::map<api::WriteBackAction, std::size_t> by_action;
  std::size_t failed = 0;
  lock.lock();
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const write_back::Change& c = *sending[i];
    const auto key = std::make_pair(c.device_id, c.change.action);
    if (result.outcomes[i].applied) {
      applied.push_back(c);
      ++by_action[c.change.action];
      status_.errors.erase(key);
    } else {
      ++failed;
      status_.errors[key] = result.outcomes[i].error;
    }
  }
  lock.unlock();
  auto recorded = WriteBackStore(db_).recordApplied(source_, applied, context.now());
  if (!recorded)
    spdlog::error("source {}: write-back: recording {} applied changes: {}", source_, applied.size(),
                  recorded.error().message);
  for (const auto& [action, n] : by_action) metrics_.applied(source_, action, n);
  if (failed) metrics_.failed(source_, failed);
  metrics_.planned(source_, p.changes.size() - applied.size(), held);

  lock.lock();
  status_.last_duration_seconds = std::chrono::duration<double>(context.now() - started).count();
  status_.last_applied = applied.size();
  status_.last_failed = failed;
  if (result.stopped) {
    status_.stopped_reason = std::string(toString(result.stopped->reason));
    status_.stopped_message = result.stopped->message;
    status_.last_result = "stopped";
    // A refusal (scope, privilege, grant) would be refused again at every poll: pause until a person
    // acts. A rate limit or an outage only ends this run; the next poll tries again.
    const auto why = result.stopped->reason;
    if (why == api::FailureReason::forbidden || why == api::FailureReason::auth ||
        why == api::FailureReason::config) {
      status_.stopped = true;
      metrics_.stopped(source_, true);
    }
  } else {
    status_.last_result = failed ? "partly applied" : "applied";
  }
  const std::string outcome = status_.last_result;
  const bool paused = status_.stopped;
  lock.unlock();
  std::string why;
  if (result.stopped)
    why = "; stopped: " + result.stopped->message +
          (paused ? " (nothing more is sent after polls until an apply by hand or a reload)"
                  : " (the next poll tries again)");
  auto level = failed || result.stopped ? spdlog::level::warn : spdlog::level::info;
  spdlog::log(level, "source {}: write-back {}: {} sent, {} applied, {} failed{}", source_, outcome,
              changes.size(), applied.size(), failed, why);
}

}  // namespace fk
