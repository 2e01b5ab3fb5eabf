#include "sources/source_runner.hpp"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <future>

#include "core/values.hpp"
#include "store/device_store.hpp"
#include "store/source_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using namespace std::chrono_literals;

struct NoHttp : api::HttpClient {
  Outcome send(const api::HttpRequest&, api::TimePoint) override { return {std::nullopt, "offline"}; }
};

// A plugin whose every poll the test scripts.
class ScriptedSource : public api::Source {
 public:
  std::function<api::PollResult(api::PollContext&, api::ObservationSink&)> next;
  std::vector<bool> full_syncs;
  std::vector<std::string> states;
  api::PollResult poll(api::PollContext& ctx, api::ObservationSink& sink) override {
    full_syncs.push_back(ctx.full_sync);
    states.push_back(ctx.state);
    return next(ctx, sink);
  }
};

api::Observation device(const std::string& serial) {
  api::Observation o;
  o.fields["serial"] = serial;
  o.origin = serial;
  return o;
}

class SourceRunnerTest : public test::StoreTest {
 protected:
  std::unique_ptr<SourceRunner> runner(RunnerSettings settings = {}) {
    auto source = std::make_unique<ScriptedSource>();
    source_ = source.get();
    if (settings.name.empty()) settings.name = "inv";
    settings.plugin = "scripted";
    settings.schedule.interval = 1h;
    if (settings.timeout == 600s) settings.timeout = 60s;
    RunnerWorld world{.db = db(), .http = http_, .metrics = metrics_, .now = [this] { return now_.load(); },
                     .monotonic = [this] { return mono_.load(); }};
    return std::make_unique<SourceRunner>(settings, std::move(source), std::move(world));
  }

  std::string metrics() { return prometheus::TextSerializer().Serialize(registry_.Collect()); }

  // Both clocks move together unless a test steps the wall clock on its own.
  void advance(std::chrono::nanoseconds d) {
    now_ = now_.load() + d;
    mono_ = mono_.load() + d;
  }

  std::atomic<api::TimePoint> now_ = api::Clock::now();
  std::atomic<std::chrono::steady_clock::time_point> mono_ = std::chrono::steady_clock::now();
  NoHttp http_;
  prometheus::Registry registry_;
  SourceMetrics metrics_{registry_};
  ScriptedSource* source_ = nullptr;
};

TEST_F(SourceRunnerTest, ASuccessfulPollIsReconciledAndReported) {
  auto r = runner();
  source_->next = [&](api::PollContext& ctx, api::ObservationSink& sink) {
    sink.observe(device("S1"));
    sink.observe(device("S2"));
    sink.skipped("line 9", "unreadable");
    ctx.next_state = "cursor-1";
    advance(2s);
    return api::PollResult::success(true);
  };
  r->pollOnce();
  const SourceStatus s = r->status();
  EXPECT_EQ(s.last_result, "ok");
  EXPECT_EQ(s.summary.created, 2u);
  EXPECT_EQ(s.summary.skipped, 1u);
  EXPECT_EQ(s.summary.listed, 2u);
  EXPECT_DOUBLE_EQ(s.last_duration_seconds, 2.0);
  EXPECT_GE(*s.next_poll, *s.last_start + 54min);
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 2);
  EXPECT_EQ(SourceStore(db()).bookkeeping("inv")->state, "cursor-1");
  const std::string text = metrics();
  EXPECT_NE(text.find("fleetkeep_source_up{source=\"inv\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("fleetkeep_source_devices_observed{source=\"inv\"} 2"), std::string::npos) << text;
  EXPECT_NE(text.find("fleetkeep_source_poll_duration_seconds_count{source=\"inv\"} 1"), std::string::npos)
      << text;
}

// rate() and absent() need the series before the first failure of each kind: every reason is there at 0
// as soon as the source is, and goes with it.
TEST_F(SourceRunnerTest, EveryErrorReasonIsExportedAtZeroFromTheStart) {
  metrics_.add("fresh");
  std::string text = metrics();
  for (const char* reason : {"timeout", "network", "auth", "forbidden", "rate_limited", "server_error",
                             "bad_response", "io", "config", "cancelled"}) {
    EXPECT_NE(text.find("fleetkeep_source_poll_errors_total{reason=\"" + std::string(reason) +
                        "\",source=\"fresh\"} 0"),
              std::string::npos)
        << reason << "\n" << text;
  }
  metrics_.failed("fresh", 1.0, api::FailureReason::io);
  text = metrics();
  EXPECT_NE(text.find("fleetkeep_source_poll_errors_total{reason=\"io\",source=\"fresh\"} 1"), std::string::npos);
  metrics_.remove("fresh");
  EXPECT_EQ(metrics().find("source=\"fresh\""), std::string::npos);
}

TEST_F(SourceRunnerTest, AFailedPollChangesNothingAndBacksOff) {
  auto r = runner();
  source_->next = [&](api::PollContext& ctx, api::ObservationSink& sink) {
    sink.observe(device("S1"));
    ctx.next_state = "never-saved";
    return api::PollResult::failure(api::FailureReason::rate_limited, "429 rateLimitExceeded", 3h);
  };
  r->pollOnce();
  SourceStatus s = r->status();
  EXPECT_EQ(s.last_result, "failed");
  EXPECT_EQ(s.last_reason, "rate_limited");
  EXPECT_EQ(s.last_error, "429 rateLimitExceeded");
  EXPECT_EQ(s.consecutive_failures, 1);
  EXPECT_EQ(s.backoff, 2h);
  EXPECT_EQ(*s.next_poll, *s.last_end + 3h) << "Retry-After beyond the back-off wins";
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM source_state WHERE state <> '' OR last_success_at IS NOT NULL"), 0)
      << "neither the plugin's state nor the sightings' time moves";
  EXPECT_EQ(SourceStore(db()).bookkeeping("inv")->last_result, "failed") << "but the outcome is kept";
  std::string text = metrics();
  EXPECT_NE(text.find("fleetkeep_source_up{source=\"inv\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("fleetkeep_source_poll_errors_total{reason=\"rate_limited\",source=\"inv\"} 1"),
            std::string::npos)
      << text;

  source_->next = [&](api::PollContext&, api::ObservationSink& sink) {
    sink.observe(device("S1"));
    return api::PollResult::success();
  };
  r->pollOnce();
  s = r->status();
  EXPECT_EQ(s.last_result, "ok");
  EXPECT_EQ(s.consecutive_failures, 0);
  EXPECT_EQ(s.backoff, 0s);
  EXPECT_TRUE(s.last_error.empty());
}

// A successful poll's changes and its outcome are one transaction: when the outcome cannot be written,
// nothing of the poll is kept, and the poll is reported (and recorded) as failed.
TEST_F(SourceRunnerTest, ASuccessfulPollCommitsItsOutcomeWithItsChanges) {
  exec("CREATE TRIGGER refuse_ok BEFORE UPDATE ON source_state WHEN NEW.last_result = 'ok' "
       "BEGIN SELECT RAISE(ABORT, 'outcome refused'); END");
  auto r = runner();
  source_->next = [&](api::PollContext& ctx, api::ObservationSink& sink) {
    sink.observe(device("S1"));
    ctx.next_state = "cursor-1";
    return api::PollResult::success(true);
  };
  r->pollOnce();
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 0);
  EXPECT_EQ(r->status().last_result, "failed");
  EXPECT_NE(r->status().last_error.find("outcome refused"), std::string::npos) << r->status().last_error;
  auto kept = SourceStore(db()).bookkeeping("inv");
  EXPECT_EQ(kept->last_result, "failed");
  EXPECT_EQ(kept->state, "");
  EXPECT_EQ(kept->last_success_at, "");

  exec("DROP TRIGGER refuse_ok");
  advance(1h);
  r->pollOnce();
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 1);
  kept = SourceStore(db()).bookkeeping("inv");
  EXPECT_EQ(kept->last_result, "ok");
  EXPECT_EQ(kept->state, "cursor-1");
  EXPECT_EQ(kept->summary.created, 1u);
  EXPECT_EQ(kept->last_success_end_at, formatInstant(now_.load()));
}

TEST_F(SourceRunnerTest, APollPastItsDeadlineIsATimeoutAndAppliesNothing) {
  RunnerSettings settings;
  settings.timeout = 30s;
  auto r = runner(settings);
  source_->next = [&](api::PollContext& ctx, api::ObservationSink& sink) {
    sink.observe(device("S1"));
    advance(31s);
    EXPECT_TRUE(ctx.cancelled()) << "past the deadline a plugin is told to give up";
    return api::PollResult::success();
  };
  r->pollOnce();
  EXPECT_EQ(r->status().last_reason, "timeout");
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 0);
}

TEST_F(SourceRunnerTest, StateIsSavedOnlyOnSuccessAndHandedBackAfterARestart) {
  auto r = runner();
  source_->next = [&](api::PollContext& ctx, api::ObservationSink&) {
    ctx.next_state = "good";
    return api::PollResult::success(true);
  };
  r->pollOnce();
  source_->next = [&](api::PollContext& ctx, api::ObservationSink&) {
    EXPECT_EQ(ctx.next_state, "good") << "next_state starts as the current state";
    ctx.next_state = "bad";
    return api::PollResult::failure(api::FailureReason::network, "refused");
  };
  r->pollOnce();
  source_->next = [&](api::PollContext&, api::ObservationSink&) { return api::PollResult::success(); };
  r->pollOnce();
  EXPECT_EQ(source_->states, (std::vector<std::string>{"", "good", "good"}));
  EXPECT_EQ(source_->full_syncs, (std::vector<bool>{true, false, false}));

  auto restarted = runner();
  source_->next = [&](api::PollContext&, api::ObservationSink&) { return api::PollResult::success(); };
  restarted->pollOnce();
  EXPECT_EQ(source_->states, std::vector<std::string>{"good"});
  EXPECT_EQ(source_->full_syncs, std::vector<bool>{true}) << "the first poll after a start is a full sync";
}

TEST_F(SourceRunnerTest, ARestartedRunnerReportsTheLastPollItDidNotRun) {
  auto r = runner();
  source_->next = [&](api::PollContext& ctx, api::ObservationSink& sink) {
    sink.observe(device("S1"));
    sink.observe(device("S2"));
    ctx.next_state = "cursor-1";
    advance(3s);
    return api::PollResult::success(true);
  };
  r->pollOnce();
  advance(1h);
  source_->next = [&](api::PollContext&, api::ObservationSink& sink) {
    sink.observe(device("S3"));
    advance(2s);
    return api::PollResult::failure(api::FailureReason::bad_response, "line 3 (purchase_date): not a date");
  };
  r->pollOnce();
  const SourceStatus before = r->status();
  r.reset();
  ASSERT_EQ(scalar("SELECT count(*) FROM devices"), 2);

  // A new process: fresh metrics, the same database.
  prometheus::Registry registry;
  SourceMetrics metrics(registry);
  auto source = std::make_unique<ScriptedSource>();
  ScriptedSource* plugin = source.get();
  RunnerSettings settings{.name = "inv", .plugin = "scripted"};
  settings.schedule.interval = 1h;
  SourceRunner restarted(settings, std::move(source),
                         RunnerWorld{.db = db(), .http = http_, .metrics = metrics, .now = [this] { return now_.load(); },
                     .monotonic = [this] { return mono_.load(); }});
  const SourceStatus s = restarted.status();
  auto instant = [](const std::optional<api::TimePoint>& t) { return t ? formatInstant(*t) : std::string("none"); };
  EXPECT_EQ(s.polls, 0u);
  EXPECT_EQ(s.last_result, "failed");
  EXPECT_EQ(s.last_reason, "bad_response");
  EXPECT_EQ(s.last_error, "line 3 (purchase_date): not a date");
  EXPECT_DOUBLE_EQ(s.last_duration_seconds, 2.0);
  EXPECT_EQ(instant(s.last_start), instant(before.last_start));
  EXPECT_EQ(instant(s.last_end), instant(before.last_end));
  EXPECT_EQ(instant(s.last_success), instant(before.last_success));
  EXPECT_EQ(instant(s.last_success), instant(now_.load() - 1h - 2s)) << "when the successful poll ended";
  EXPECT_EQ(instant(s.last_full_sync), instant(before.last_full_sync));
  EXPECT_EQ(s.summary.created, 2u);
  EXPECT_EQ(s.summary.listed, 2u);
  EXPECT_EQ(s.summary.observed, 2u);

  const std::string text = prometheus::TextSerializer().Serialize(registry.Collect());
  EXPECT_NE(text.find("fleetkeep_source_up{source=\"inv\"} 0"), std::string::npos) << text;
  EXPECT_NE(text.find("fleetkeep_source_devices_observed{source=\"inv\"} 2"), std::string::npos) << text;
  const auto success_unix =
      std::chrono::duration_cast<std::chrono::seconds>(before.last_success->time_since_epoch()).count();
  EXPECT_NE(text.find("fleetkeep_source_last_success_timestamp_seconds{source=\"inv\"} " +
                      std::to_string(success_unix)),
            std::string::npos)
      << text;

  plugin->next = [&](api::PollContext&, api::ObservationSink&) { return api::PollResult::success(); };
  restarted.pollOnce();
  EXPECT_EQ(plugin->states, std::vector<std::string>{"cursor-1"});
  EXPECT_EQ(restarted.status().last_result, "ok");
  EXPECT_EQ(restarted.status().summary.created, 0u);
}

TEST_F(SourceRunnerTest, APluginThatThrowsFailsThePollNotTheDaemon) {
  auto r = runner();
  source_->next = [&](api::PollContext&, api::ObservationSink&) -> api::PollResult {
    throw std::runtime_error("boom");
  };
  r->pollOnce();
  EXPECT_EQ(r->status().last_reason, "bad_response");
  EXPECT_NE(r->status().last_error.find("boom"), std::string::npos);
}

TEST_F(SourceRunnerTest, PollNowRunsOnTheThreadAndNeverOverlapsAndStopCancels) {
  now_ = api::Clock::now();
  auto r = runner();
  std::promise<void> entered;
  std::atomic<int> polls{0};
  std::atomic<bool> saw_cancel{false};
  source_->next = [&](api::PollContext& ctx, api::ObservationSink&) {
    if (polls++ == 0) return api::PollResult::success();
    entered.set_value();
    while (!ctx.cancelled()) std::this_thread::sleep_for(5ms);  // a slow source that honours cancelled()
    saw_cancel = true;
    return api::PollResult::success();
  };
  r->start();  // the first poll comes within a few seconds of start
  for (int i = 0; i < 1000 && polls.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_EQ(polls.load(), 1);
  for (int i = 0; i < 100 && r->status().running; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(r->requestPoll());
  entered.get_future().wait();
  EXPECT_TRUE(r->status().running);
  EXPECT_FALSE(r->requestPoll()) << "a second poll while one runs is refused";

  const auto before = std::chrono::steady_clock::now();
  r->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
  EXPECT_TRUE(saw_cancel.load());
  EXPECT_EQ(r->status().last_reason, "cancelled");
  EXPECT_EQ(polls.load(), 2);
}

// Waits (in real time, generously) until `done` holds; false if it never did.
template <class F>
bool eventually(F done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

TEST_F(SourceRunnerTest, ASourceThatNeverPolledPollsAtOnce) {
  std::vector<std::unique_ptr<SourceRunner>> runners;
  std::atomic<int> polls{0};
  for (int i = 0; i < 3; ++i) {
    RunnerSettings settings;
    settings.name = "new" + std::to_string(i);
    runners.push_back(runner(settings));
    source_->next = [&](api::PollContext&, api::ObservationSink&) {
      ++polls;
      return api::PollResult::success();
    };
  }
  // The fake clocks stand still: only a poll due at once (no start-up jitter) can run.
  for (auto& r : runners) r->start();
  EXPECT_TRUE(eventually([&] { return polls.load() == 3; })) << polls.load() << " of 3 polled";
  for (auto& r : runners) r->stop();

  // A restart after a poll is spread out again (schedule_test): the start-up jitter is for those.
}

TEST_F(SourceRunnerTest, SteppingTheWallClockBackDoesNotPauseTheSource) {
  auto r = runner();
  std::atomic<int> polls{0};
  source_->next = [&](api::PollContext&, api::ObservationSink&) {
    ++polls;
    return api::PollResult::success();
  };
  r->start();
  ASSERT_TRUE(eventually([&] { return polls.load() == 1 && !r->status().running; }));
  // NTP steps the wall clock back a day; an interval (with the most jitter) passes on the monotonic one.
  now_ = now_.load() - 24h;
  mono_ = mono_.load() + 67min;
  r->clockMoved();
  EXPECT_TRUE(eventually([&] { return polls.load() == 2; })) << "the source waits for the wall clock";
  ASSERT_TRUE(eventually([&] { return !r->status().running; }));
  const auto next = *r->status().next_poll;
  EXPECT_GE(next, now_.load() + 54min) << "the next poll is shown on the wall clock as it is now";
  EXPECT_LE(next, now_.load() + 66min);
  r->stop();
  EXPECT_EQ(polls.load(), 2);
}

TEST_F(SourceRunnerTest, DeadlinesRunOnTheMonotonicClock) {
  RunnerSettings settings;
  settings.timeout = 30s;
  auto r = runner(settings);
  source_->next = [&](api::PollContext& ctx, api::ObservationSink& sink) {
    sink.observe(device("S1"));
    now_ = now_.load() + 24h;  // the wall clock jumps ahead; only a second really passes
    mono_ = mono_.load() + 1s;
    EXPECT_FALSE(ctx.cancelled());
    return api::PollResult::success();
  };
  r->pollOnce();
  EXPECT_EQ(r->status().last_result, "ok") << r->status().last_error;
  EXPECT_DOUBLE_EQ(r->status().last_duration_seconds, 1.0);

  source_->next = [&](api::PollContext& ctx, api::ObservationSink& sink) {
    sink.observe(device("S2"));
    now_ = now_.load() - 24h;  // stepped back: the deadline still comes 30 s after the start
    mono_ = mono_.load() + 31s;
    EXPECT_TRUE(ctx.cancelled());
    return api::PollResult::success();
  };
  r->pollOnce();
  EXPECT_EQ(r->status().last_reason, "timeout");
  EXPECT_EQ(scalar("SELECT count(*) FROM devices"), 1);
}

TEST_F(SourceRunnerTest, TheLongestDurationsOverflowNothing) {
  RunnerSettings settings;
  settings.timeout = std::chrono::hours(24 * 36500);
  auto r = runner(settings);
  r->retime([&] {
    RunnerSettings longest = settings;
    longest.name = "inv";
    longest.plugin = "scripted";
    longest.schedule.interval = std::chrono::hours(24 * 36500);
    return longest;
  }());
  source_->next = [&](api::PollContext& ctx, api::ObservationSink&) {
    EXPECT_GT(ctx.deadline, now_.load()) << "the deadline, a century on, is still ahead";
    EXPECT_FALSE(ctx.cancelled());
    return api::PollResult::failure(api::FailureReason::rate_limited, "slow down", std::chrono::seconds::max());
  };
  r->pollOnce();
  const SourceStatus s = r->status();
  EXPECT_EQ(s.last_reason, "rate_limited");
  ASSERT_TRUE(s.next_poll);
  EXPECT_GE(*s.next_poll, now_.load() + std::chrono::hours(24 * 36500)) << "a century of back-off, not a wrap";
}

TEST_F(SourceRunnerTest, RemovedSourcesLoseTheirSeries) {
  auto r = runner();
  source_->next = [&](api::PollContext&, api::ObservationSink&) {
    return api::PollResult::failure(api::FailureReason::io, "gone");
  };
  r->pollOnce();
  ASSERT_NE(metrics().find("source=\"inv\""), std::string::npos);
  metrics_.remove("inv");
  EXPECT_EQ(metrics().find("source=\"inv\""), std::string::npos);
}

}  // namespace
}  // namespace fk
