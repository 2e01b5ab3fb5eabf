#include "sources/source_runner.hpp"

#include <spdlog/spdlog.h>

#include <strings.h>

#include <random>

#include "api/url_policy.hpp"
#include "core/values.hpp"
#include "store/source_store.hpp"

namespace fk {
namespace {

using namespace std::chrono_literals;

constexpr std::chrono::seconds kMaxDefaultTimeout = 10min;

// Log lines from a plugin, prefixed with its source's name.
class SourceLog : public api::Logger {
 public:
  explicit SourceLog(const std::string& name) : prefix_("source " + name + ": ") {}
  void debug(std::string_view m) override { spdlog::debug("{}{}", prefix_, m); }
  void info(std::string_view m) override { spdlog::info("{}{}", prefix_, m); }
  void warn(std::string_view m) override { spdlog::warn("{}{}", prefix_, m); }

 private:
  std::string prefix_;
};

// What a plugin's send() goes through: the poll's deadline caps the request's, and cancellation
// (stop, reload) reaches the client. The client counts on the wall clock, so the poll's monotonic
// deadline is turned into a wall time at each send: a clock step before it does not stretch it.
class PollHttp : public api::HttpClient {
 public:
  PollHttp(api::HttpClient& inner, std::function<api::TimePoint()> deadline, std::function<bool()> cancelled)
      : inner_(inner), deadline_(std::move(deadline)), cancelled_(std::move(cancelled)) {}
  Outcome send(const api::HttpRequest& request, api::TimePoint deadline) override {
    if (cancelled_()) return {std::nullopt, "cancelled"};
    // The backstop of api/url_policy.hpp, whatever a plugin checked: no credentials in the clear.
    for (const auto& [name, value] : request.headers)
      if (name.size() == 13 && strncasecmp(name.c_str(), "authorization", 13) == 0)
        if (auto why = api::credentialTargetProblem(request.url); !why.empty())
          return {std::nullopt, "not sending the credentials: the URL " + why};
    return inner_.sendCancellable(request, std::min(deadline, deadline_()), cancelled_);
  }

 private:
  api::HttpClient& inner_;
  std::function<api::TimePoint()> deadline_;
  std::function<bool()> cancelled_;
};

// Buffers a poll: nothing is applied until the plugin has returned success.
class BufferSink : public api::ObservationSink {
 public:
  void observe(api::Observation o) override {
    (o.kind == api::ObservationKind::network ? network : managed).push_back(std::move(o));
  }
  void observePerson(api::PersonObservation p) override { people.push_back(std::move(p)); }
  void skipped(std::string origin, std::string reason) override {
    ++skipped_count;
    if (skipped_examples.size() < 20) skipped_examples.push_back(origin + ": " + reason);
  }
  std::vector<api::Observation> managed, network;
  std::vector<api::PersonObservation> people;
  std::size_t skipped_count = 0;
  std::vector<std::string> skipped_examples;
};

// Up to a second added to each retry's back-off inside a poll, so sources that failed together do not
// retry in step.
std::chrono::milliseconds retryJitter() {
  thread_local std::minstd_rand rng(std::random_device{}());
  return std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 1000)(rng));
}

double seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

SourcePollSummary toSummary(const ReconcileSummary& r, std::size_t network, std::size_t skipped) {
  SourcePollSummary s;
  s.observed = r.observed + network;
  s.skipped = skipped;
  s.created = r.created;
  s.updated = r.updated;
  s.unchanged = r.unchanged;
  s.flagged = r.flagged;
  s.conflicts = r.conflicts;
  s.duplicates = r.duplicates;
  s.kept_manual = r.kept_manual;
  s.field_problems = r.field_problems;
  s.left_listing = r.left_listing;
  s.listed = r.listed;
  s.network = network;
  for (const auto& d : r.duplicate_keys) s.duplicate_keys.push_back({d.key, d.origins});
  s.problems = r.problems;
  for (const auto& m : r.people.problems)
    if (s.problems.size() < 40) s.problems.push_back(m);
  s.field_problems += r.people.problems_count;
  s.people = {r.people.observed, r.people.created, r.people.updated, r.people.unchanged, r.people.left,
              r.people.returned, r.people.return_dates};
  return s;
}

// What a successful poll changes in its source's status: the same values are recorded in the poll's
// transaction and then shown.
void succeeded(SourceStatus& s, api::TimePoint start, api::TimePoint end, double took, bool complete,
               SourcePollSummary summary) {
  s.last_end = end;
  s.last_duration_seconds = took;
  s.last_result = "ok";
  s.last_reason.clear();
  s.last_error.clear();
  s.last_success = end;
  if (complete) s.last_full_sync = start;
  s.summary = std::move(summary);
}

}  // namespace

RunnerSettings runnerSettings(const SourceConfig& s, const Config& config) {
  RunnerSettings out;
  out.name = s.name;
  out.plugin = s.plugin;
  out.schedule = {s.interval, s.full_sync_interval};
  out.timeout = s.timeout.value_or(std::min<std::chrono::seconds>(s.interval, kMaxDefaultTimeout));
  out.policy = {.create_unknown = s.on_unknown != "flag", .overwrite_manual = s.overwrite_manual};
  out.on_unknown = s.on_unknown;
  out.config_dir = config.file.parent_path();
  out.write_back = s.write_back;
  out.return_within_days = config.roster.return_within_days;
  return out;
}

SourceRunner::SourceRunner(RunnerSettings settings, std::unique_ptr<api::Source> source, RunnerWorld world)
    : name_(settings.name),
      source_(std::move(source)),
      world_(std::move(world)),
      reconcile_(world_.db),
      settings_(settings),
      schedule_(settings.schedule) {
  status_.name = settings.name;
  status_.plugin = settings.plugin;
  if (world_.write_back_metrics && source_->writeBack()) {
    world_.write_back_metrics->add(name_);
    write_back_ = std::make_shared<WriteBackRunner>(name_, world_.db, *world_.write_back_metrics,
                                                    world_.stragglers);
  }
  retime(settings);
  restore();
}

void SourceRunner::restore() {
  auto saved = SourceStore(world_.db).bookkeeping(name_);
  if (!saved) {
    // pollOnce() tries again before it polls; until then the status starts empty.
    spdlog::warn("source {}: reading its last poll: {}", name_, saved.error().message);
    return;
  }
  state_ = saved->state;
  state_loaded_ = true;
  status_.last_start = parseInstant(saved->last_start_at);
  status_.last_end = parseInstant(saved->last_end_at);
  status_.last_result = saved->last_result;
  status_.last_reason = saved->last_reason;
  status_.last_error = saved->last_error;
  status_.last_duration_seconds = saved->last_duration_seconds;
  status_.last_success = parseInstant(saved->last_success_end_at);
  status_.last_full_sync = parseInstant(saved->last_full_sync_at);
  status_.summary = saved->summary;
  std::optional<double> success_unix;
  if (status_.last_success)
    success_unix = std::chrono::duration<double>(status_.last_success->time_since_epoch()).count();
  std::optional<bool> up;
  if (!status_.last_result.empty()) up = status_.last_result == "ok";
  world_.metrics.restored(name_, up, success_unix, status_.summary.listed + status_.summary.network);
}

SourceRunner::~SourceRunner() {
  stop();
}

void SourceRunner::start() {
  {
    std::lock_guard lock(mutex_);
    planNext(schedule_.first(world_.monotonic(), random01(), status_.last_start.has_value()));
  }
  thread_ = std::jthread([this](std::stop_token stop) { loop(stop); });
}

void SourceRunner::stop() {
  cancel_ = true;
  if (thread_.joinable()) {
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
  }
}

bool SourceRunner::requestWriteBack() {
  std::lock_guard lock(mutex_);
  if (!write_back_ || status_.running || write_back_requested_) return false;
  write_back_requested_ = true;
  wake_.notify_all();
  return true;
}

bool SourceRunner::requestPoll() {
  std::lock_guard lock(mutex_);
  if (status_.running) return false;
  poll_requested_ = true;
  wake_.notify_all();
  return true;
}

void SourceRunner::retime(const RunnerSettings& s) {
  if (write_back_) write_back_->configure(s.write_back);
  std::lock_guard lock(mutex_);
  const bool interval_changed = s.schedule.interval != settings_.schedule.interval;
  settings_ = s;
  schedule_.retime(s.schedule);
  status_.interval = s.schedule.interval;
  status_.full_sync_interval = s.schedule.full_sync_interval;
  status_.timeout = s.timeout;
  status_.on_unknown = s.on_unknown;
  status_.overwrite_manual = s.policy.overwrite_manual;
  // A healthy source moves to the new rhythm now, not after the old interval ran out.
  if (interval_changed && next_ && schedule_.failures() == 0 && (last_start_ || status_.last_start)) {
    const Mono now = world_.monotonic();
    // A start from an earlier run is known only on the wall clock: placed by its distance from now.
    const Mono started =
        last_start_ ? *last_start_
                    : now - std::chrono::duration_cast<Mono::duration>(world_.now() - *status_.last_start);
    planNext(std::max(now, started + s.schedule.interval));
    wake_.notify_all();
  }
}

void SourceRunner::clockMoved() {
  std::lock_guard lock(mutex_);
  wake_.notify_all();
}

api::TimePoint SourceRunner::wallAt(Mono t) const {
  return world_.now() + std::chrono::duration_cast<api::Clock::duration>(t - world_.monotonic());
}

void SourceRunner::planNext(Mono at) {
  next_ = at;
  status_.next_poll = wallAt(at);
}

SourceStatus SourceRunner::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

double SourceRunner::random01() {
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

void SourceRunner::writeBackOnce(bool automatic) {
  api::WriteBack* target = source_->writeBack();
  if (!write_back_ || !target) return;
  RunnerSettings settings;
  {
    std::lock_guard lock(mutex_);
    settings = settings_;
  }
  SourceLog log(name_);
  const Mono deadline = world_.monotonic() + settings.timeout;
  auto cancelled = [this, deadline] { return cancel_.load() || world_.monotonic() >= deadline; };
  PollHttp http(world_.http, [this, deadline] { return wallAt(deadline); }, cancelled);
  api::PollContext ctx{.deadline = wallAt(deadline),
                       .now = world_.now,
                       .cancelled = cancelled,
                       .log = log,
                       .http = http,
                       .file_root = settings.file_root,
                       .config_dir = settings.config_dir,
                       .state = {},
                       .next_state = {},
                       .full_sync = false};
  write_back_->run(*target, ctx, automatic);
}

void SourceRunner::loop(std::stop_token stop) {
  std::unique_lock lock(mutex_);
  const auto due = [&] { return next_ && world_.monotonic() >= *next_; };
  while (!stop.stop_requested()) {
    // Waits on the steady clock for as long as the schedule's (monotonic) clock says, an hour at most:
    // the loop then looks again, so a wait never rests on one far-off reading.
    const auto left = next_ ? std::min<std::chrono::steady_clock::duration>(*next_ - world_.monotonic(), 1h)
                            : std::chrono::steady_clock::duration(1h);
    wake_.wait_until(lock, stop, std::chrono::steady_clock::now() + left,
                     [&] { return poll_requested_ || write_back_requested_ || due(); });
    if (stop.stop_requested()) return;
    if (write_back_requested_) {
      write_back_requested_ = false;
      status_.running = true;
      lock.unlock();
      writeBackOnce(false);
      lock.lock();
      status_.running = false;
      continue;
    }
    if (!poll_requested_ && !due()) continue;  // woken by a retime, a moved clock or the hourly look
    poll_requested_ = false;
    lock.unlock();
    pollOnce();
    lock.lock();
  }
}

void SourceRunner::pollOnce() {
  const api::TimePoint start = world_.now();
  const Mono started = world_.monotonic();
  RunnerSettings settings;
  bool full_sync = false;
  {
    std::lock_guard lock(mutex_);
    settings = settings_;
    status_.running = true;
    status_.last_start = start;
    last_start_ = started;
    full_sync = schedule_.fullSyncDue(started, last_full_sync_);
  }
  SourceLog log(name_);
  std::optional<api::PollResult> failure;
  if (!state_loaded_) {
    // The state a previous run saved; until it is read, polling would redo a first sync.
    auto saved = SourceStore(world_.db).bookkeeping(name_);
    if (saved) {
      state_ = saved->state;
      state_loaded_ = true;
    } else {
      failure = api::PollResult::failure(api::FailureReason::io,
                                         "reading the saved state: " + saved.error().message);
    }
  }

  const Mono deadline = started + settings.timeout;
  auto cancelled = [this, deadline] { return cancel_.load() || world_.monotonic() >= deadline; };
  BufferSink sink;
  std::string next_state = state_;
  bool complete = false;
  if (!failure) {
    PollHttp http(world_.http, [this, deadline] { return wallAt(deadline); }, cancelled);
    // The plugin sees the deadline on the wall clock it reads through now(); the core enforces the
    // monotonic one through cancelled() and the check below.
    api::PollContext ctx{.deadline = wallAt(deadline),
                         .now = world_.now,
                         .cancelled = cancelled,
                         .log = log,
                         .http = http,
                         .file_root = settings.file_root,
                         .config_dir = settings.config_dir,
                         .state = state_,
                         .next_state = state_,
                         .full_sync = full_sync,
                         .pause = world_.pause,
                         .jitter = retryJitter};
    api::PollResult result;
    try {
      result = source_->poll(ctx, sink);
    } catch (const std::exception& e) {
      result = api::PollResult::failure(api::FailureReason::bad_response,
                                        std::string("plugin error: ") + e.what());
    }
    const Mono returned = world_.monotonic();
    if (cancel_)
      failure = api::PollResult::failure(api::FailureReason::cancelled, "cancelled (stopping or removed)");
    else if (returned > deadline)
      failure = api::PollResult::failure(
          api::FailureReason::timeout,
          "poll ran past its " + std::to_string(settings.timeout.count()) + " s deadline");
    else if (!result.ok)
      failure = result;
    next_state = std::move(ctx.next_state);
    complete = result.complete_listing;
  }

  // Set inside the reconciliation's transaction: the outcome a successful poll commits with its changes.
  std::optional<SourceStatus> committed;
  api::TimePoint end{};
  Mono ended{};
  if (!failure) {
    const std::size_t network = sink.network.size();
    PollObservations poll{.source = name_,
                          .policy = settings.policy,
                          .managed = std::move(sink.managed),
                          .network = std::move(sink.network),
                          .complete_listing = complete,
                          .next_state = next_state,
                          .poll_time = start,
                          .people = std::move(sink.people),
                          .return_within_days = settings.return_within_days};
    poll.outcome = [&](const ReconcileSummary& r) {
      SourcePollSummary summary = toSummary(r, network, sink.skipped_count);
      for (auto& e : sink.skipped_examples)
        if (summary.problems.size() < 40) summary.problems.push_back("skipped " + e);
      end = world_.now();
      ended = world_.monotonic();
      {
        std::lock_guard lock(mutex_);
        committed = status_;
      }
      succeeded(*committed, start, end, seconds(ended - started), complete, std::move(summary));
      return *committed;
    };
    if (auto r = reconcile_.apply(std::move(poll), world_.hooks); r) {
      state_ = next_state;
    } else {
      committed.reset();
      failure = api::PollResult::failure(api::FailureReason::io, "applying the poll: " + r.error().message);
    }
  }

  if (!committed) {
    end = world_.now();
    ended = world_.monotonic();
  }
  const double took = seconds(ended - started);
  std::unique_lock lock(mutex_);
  status_.running = false;
  ++status_.polls;
  if (failure) {
    planNext(schedule_.afterFailure(ended, failure->retry_after, random01()));
    status_.last_end = end;
    status_.last_duration_seconds = took;
    status_.last_result = "failed";
    status_.last_reason = std::string(toString(failure->reason));
    status_.last_error = failure->message;
    world_.metrics.failed(name_, took, failure->reason);
    spdlog::warn("source {}: poll failed ({}): {}; next try in {} s", name_, status_.last_reason,
                 failure->message, std::chrono::duration_cast<std::chrono::seconds>(*next_ - ended).count());
  } else {
    planNext(schedule_.afterSuccess(started, ended, random01()));
    if (complete || full_sync) last_full_sync_ = started;
    succeeded(status_, start, end, took, complete, std::move(committed->summary));
    // Managed records: the devices the source lists; network sightings: the MACs this poll saw.
    world_.metrics.succeeded(name_, took, std::chrono::duration<double>(end.time_since_epoch()).count(),
                             status_.summary.listed + status_.summary.network);
    const auto& s = status_.summary;
    auto level = s.conflicts + s.duplicates + s.field_problems + s.skipped > 0 ? spdlog::level::warn
                                                                               : spdlog::level::info;
    spdlog::log(
        level,
        "source {}: poll ok in {:.2f} s: {} observed, {} created, {} updated, {} unchanged, {} flagged, "
        "{} conflicts, {} duplicates, {} kept as edited, {} skipped",
        name_, took, s.observed, s.created, s.updated, s.unchanged, s.flagged, s.conflicts, s.duplicates,
        s.kept_manual, s.skipped);
    for (const auto& d : s.duplicate_keys) {
      std::string where;
      for (const auto& o : d.origins) where += (where.empty() ? "" : ", ") + o;
      spdlog::warn("source {}: {} appears on several records ({}); none of them applied", name_, d.key,
                   where);
    }
  }
  status_.consecutive_failures = schedule_.failures();
  status_.backoff = schedule_.backoff();
  if (!failure && write_back_) {
    // Still on the source's thread, so a write-back never overlaps the source's next poll.
    status_.running = true;
    lock.unlock();
    writeBackOnce(true);
    lock.lock();
    status_.running = false;
  }
  // A successful poll's outcome is already recorded. A poll cut short by stopping says nothing about the
  // source's health: the last real outcome stays.
  if (!failure || failure->reason == api::FailureReason::cancelled) return;
  const SourceStatus outcome = status_;
  lock.unlock();
  if (auto ok = SourceStore(world_.db).recordOutcome(outcome); !ok)
    spdlog::warn("source {}: recording the poll's outcome: {}", name_, ok.error().message);
}

}  // namespace fk
