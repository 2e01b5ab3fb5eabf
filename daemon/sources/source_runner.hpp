#pragma once

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>

#include "api/source.hpp"
#include "core/config.hpp"
#include "core/reconcile.hpp"
#include "core/source_status.hpp"
#include "sources/schedule.hpp"
#include "sources/source_metrics.hpp"
#include "sources/write_back_runner.hpp"
#include "store/database.hpp"
#include "store/reconcile_store.hpp"

namespace fk {

// A configured source as the wrapper runs it.
struct RunnerSettings {
  std::string name;
  std::string plugin;
  ScheduleSettings schedule;
  std::chrono::seconds timeout{600};
  reconcile::Policy policy;
  std::string on_unknown = "create";
  std::filesystem::path config_dir;
  std::filesystem::path file_root = "/";
  std::optional<WriteBackConfig> write_back;  // the entry's write_back: block
  int return_within_days = 10;               // roster.return_within, for roster sources' leavers
};

// The interval, full sync, deadline, on_unknown and overwrite_manual of a config entry.
RunnerSettings runnerSettings(const SourceConfig& source, const Config& config);

// What a runner uses of the world; the daemon passes the real one, tests their fakes.
struct RunnerWorld {
  Database& db;
  api::HttpClient& http;
  SourceMetrics& metrics;
  // The wall clock: what the registry and the status show (poll times, sightings, RFC 3339 instants).
  std::function<api::TimePoint()> now = [] { return api::Clock::now(); };
  // The monotonic clock: what the schedule and the deadlines run on, so stepping the wall clock back
  // (NTP, a restored VM) does not pause every source. A test with a fake clock sets both.
  std::function<std::chrono::steady_clock::time_point()> monotonic = [] {
    return std::chrono::steady_clock::now();
  };
  // How a poll's waits pass (PollContext::pause); unset: real time. A test with a fake clock advances it.
  std::function<void(std::chrono::milliseconds)> pause;
  ReconcileHooks hooks;
  WriteBackMetrics* write_back_metrics = nullptr;  // null: the source never writes back (tests)
  StragglerList stragglers;
};

// The core wrapper around one source: its own thread, the schedule (interval, jitter, back-off,
// Retry-After, full syncs), the deadline, logging, metrics and reconciliation of what a poll saw.
// A poll never overlaps itself: there is one thread per source and a poll runs only on it.
class SourceRunner {
 public:
  SourceRunner(RunnerSettings settings, std::unique_ptr<api::Source> source, RunnerWorld world);
  ~SourceRunner();
  SourceRunner(const SourceRunner&) = delete;
  SourceRunner& operator=(const SourceRunner&) = delete;

  void start();
  // Cancels a running poll (the plugin sees cancelled()) and joins the thread.
  void stop();
  // Asks the thread for a poll now; false when one is running.
  bool requestPoll();
  // A reload changed the core keys (interval, timeouts, policy); the plugin's keys are unchanged.
  void retime(const RunnerSettings& settings);
  // Re-reads the clocks now: a test's fake clock moved (the real ones need no telling).
  void clockMoved();

  SourceStatus status() const;
  const std::string& name() const { return name_; }

  // Asks the thread to send the pending write-back changes now (dry run or not); false when it is
  // busy polling or already asked.
  bool requestWriteBack();
  // Null when the source does not write back (no write_back block, or a plugin without write-back).
  // Shared, so an API request planning from it outlives a reload that retires this runner.
  std::shared_ptr<const WriteBackRunner> writeBack() const { return write_back_; }

  // One poll and its reconciliation, on the caller's thread. The thread calls it; tests call it.
  void pollOnce();
  // The write-back run the thread does after a successful poll (automatic) or when asked.
  void writeBackOnce(bool automatic);

 private:
  void loop(std::stop_token stop);
  double random01();
  // The last poll's outcome and the plugin's state as a previous run left them (source_state).
  void restore();
  using Mono = Schedule::TimePoint;
  // A monotonic time as the wall clock shows it now, for the status.
  api::TimePoint wallAt(Mono t) const;
  // Sets next_ and the status's next_poll with it. Call with mutex_ held.
  void planNext(Mono at);

  const std::string name_;
  std::unique_ptr<api::Source> source_;
  RunnerWorld world_;
  ReconcileStore reconcile_;  // keeps this source's index of the registry between polls
  std::shared_ptr<WriteBackRunner> write_back_;

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable_any wake_;
  RunnerSettings settings_;
  Schedule schedule_;
  SourceStatus status_;
  std::optional<Mono> next_;
  std::optional<Mono> last_start_;  // the last poll's start in this process
  bool poll_requested_ = false;
  bool write_back_requested_ = false;
  bool state_loaded_ = false;
  std::string state_;                   // the plugin's state as last saved
  std::optional<Mono> last_full_sync_;  // in this process: the first poll is always full
  std::minstd_rand rng_{std::random_device{}()};

  std::atomic<bool> cancel_{false};
  std::jthread thread_;
};

}  // namespace fk
