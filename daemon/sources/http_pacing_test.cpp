#include "api/http_pacing.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <deque>

namespace fk {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

const api::TimePoint kNow = api::TimePoint{std::chrono::seconds{1795701807}};  // 2026-11-26T14:03:27Z

struct Log : api::Logger {
  std::vector<std::string> warnings;
  void debug(std::string_view) override {}
  void info(std::string_view) override {}
  void warn(std::string_view m) override { warnings.emplace_back(m); }
};

// Answers from a script, in order; the last answer repeats. An empty status is a transport failure.
struct ScriptedHttp : api::HttpClient {
  std::deque<api::HttpResponse> script;
  int sent = 0;
  Outcome send(const api::HttpRequest&, api::TimePoint) override {
    ++sent;
    api::HttpResponse r = script.front();
    if (script.size() > 1) script.pop_front();
    if (r.status == 0) return {std::nullopt, "connection refused"};
    return {r, ""};
  }
};

api::HttpResponse answer(int status, std::string retry_after = "") {
  api::HttpResponse r{status, {}, "{}"};
  if (!retry_after.empty()) r.headers.emplace_back("retry-after", retry_after);
  return r;
}

// A poll context on a fake clock: sleep() advances it and records each wait.
struct Pacing : ::testing::Test {
  Log log;
  ScriptedHttp http;
  api::TimePoint now = kNow;
  bool cancel = false;
  std::vector<milliseconds> waits;
  api::PollContext ctx{.deadline = kNow + 60s,
                       .now = [this] { return now; },
                       .cancelled = [this] { return cancel; },
                       .log = log,
                       .http = http,
                       .pause =
                           [this](milliseconds d) {
                             waits.push_back(d);
                             now += d;
                           },
                       .jitter = [] { return milliseconds(0); }};

  std::expected<api::PacedResponse, api::PollResult> send(api::RetryOptions options = {}) {
    return api::sendPaced(ctx, api::HttpRequest{"GET", "https://api.test/x", {}, ""}, options);
  }
};

TEST(BackOff, DoublesFromOneSecondUpToTheCeiling) {
  EXPECT_EQ(api::BackOff::step(0, 0ms), 1s);
  EXPECT_EQ(api::BackOff::step(1, 0ms), 2s);
  EXPECT_EQ(api::BackOff::step(4, 0ms), 16s);
  EXPECT_EQ(api::BackOff::step(3, 250ms), 8250ms);
  EXPECT_EQ(api::BackOff::step(5, 0ms), api::BackOff::kCeiling);
  EXPECT_EQ(api::BackOff::step(4, 20s), api::BackOff::kCeiling) << "jitter never pushes past the ceiling";
  EXPECT_EQ(api::BackOff::step(40, 0ms), api::BackOff::kCeiling) << "no overflow on a large retry count";
}

TEST(RetryAfter, ReadsSecondsAndHttpDates) {
  EXPECT_EQ(api::parseRetryAfter("120", kNow), 120s);
  EXPECT_EQ(api::parseRetryAfter(" 0 ", kNow), 0s);
  EXPECT_EQ(api::parseRetryAfter("Thu, 26 Nov 2026 14:03:37 GMT", kNow), 10s);
  EXPECT_EQ(api::parseRetryAfter("Thu, 26 Nov 2026 14:00:00 GMT", kNow), 0s) << "a date in the past: no wait";
  EXPECT_EQ(api::parseRetryAfter("Thu, 26 Nov 2026 14:03:37 GMT", kNow - 1h), 3610s);
  EXPECT_EQ(api::parseRetryAfter("99999999", kNow), 24h) << "at most a day";
  EXPECT_EQ(api::parseRetryAfter("Sat, 26 Dec 2026 14:03:27 GMT", kNow), 24h);
  // The clock counts nanoseconds and ends in 2262: a later date is still "at most a day", not an overflow.
  EXPECT_EQ(api::parseRetryAfter("Mon, 01 Jan 2263 00:00:00 GMT", kNow), 24h);
  EXPECT_EQ(api::parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", kNow), 24h);
  EXPECT_EQ(api::parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", api::TimePoint::max()), 24h);
  for (const char* bad :
       {"", "soon", "-5", "1.5", "Thu, 31 Nov 2026 14:03:37 GMT", "Thu, 26 Nov 2026 14:03:37 UTC",
        "Thu, 26 Xyz 2026 14:03:37 GMT", "Thu, 26 Nov 2026 25:03:37 GMT"})
    EXPECT_FALSE(api::parseRetryAfter(bad, kNow)) << bad;
}

TEST(UrlEncode, KeepsOnlyUnreservedCharacters) {
  EXPECT_EQ(api::urlEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(api::urlEncode("a b&c=d/é:@+"), "a%20b%26c%3Dd%2F%C3%A9%3A%40%2B");
  EXPECT_EQ(api::urlEncode(""), "");
}

TEST(BearerToken, IsRenewedAMarginBeforeItExpires) {
  auto token = api::BearerToken::issued("tok", kNow, 3600s, 120s);
  EXPECT_EQ(token.expires_at, kNow + 3600s);
  EXPECT_TRUE(token.usable(kNow + 3479s));
  EXPECT_FALSE(token.usable(kNow + 3480s));
  EXPECT_FALSE(api::BearerToken{}.usable(kNow)) << "an empty token is never usable";
}

TEST_F(Pacing, RetriesServerErrorsOnTheBackOffScheduleThenSucceeds) {
  http.script = {answer(503), answer(500), answer(502), answer(200)};
  ctx.jitter = [] { return milliseconds(250); };
  auto r = send();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->response.status, 200);
  EXPECT_EQ(r->gave_up, "");
  EXPECT_EQ(waits, (std::vector<milliseconds>{1250ms, 2250ms, 4250ms}));
  EXPECT_EQ(http.sent, 4);
  ASSERT_EQ(log.warnings.size(), 3u);
  EXPECT_EQ(log.warnings[0], "request: HTTP 503; retry 1 in 1.3 s");
}

TEST_F(Pacing, HonoursRetryAfterInBothForms) {
  http.script = {answer(429, "7"), answer(503, "Thu, 26 Nov 2026 14:03:49 GMT"), answer(200)};
  auto r = send();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->response.status, 200);
  // The date is read against the clock after the first wait: 14:03:34 to 14:03:49.
  EXPECT_EQ(waits, (std::vector<milliseconds>{7s, 15s}));
}

TEST_F(Pacing, HandsAWaitLongerThanTheCeilingToTheScheduler) {
  http.script = {answer(429, "120")};
  ctx.deadline = kNow + 1h;
  auto r = send();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->response.status, 429);
  EXPECT_EQ(r->retry_after, 120s);
  EXPECT_EQ(r->gave_up, " (retry in 120.0 s is longer than a poll waits)");
  EXPECT_TRUE(waits.empty());
  EXPECT_EQ(http.sent, 1);
}

TEST_F(Pacing, HandsAWaitPastTheDeadlineToTheScheduler) {
  http.script = {answer(503, "20")};
  ctx.deadline = kNow + 15s;
  auto r = send();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->retry_after, 20s);
  EXPECT_EQ(r->gave_up, " (retry in 20.0 s would pass the poll deadline)");
  EXPECT_TRUE(waits.empty());
}

TEST_F(Pacing, GivesUpAfterMaxRetries) {
  http.script = {answer(500)};
  auto r = send({.max_retries = 2, .what = "page 1"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->response.status, 500);
  EXPECT_EQ(r->gave_up, " (gave up after 2 retries)");
  EXPECT_EQ(r->retry_after, std::nullopt);
  EXPECT_EQ(http.sent, 3);
  EXPECT_EQ(waits, (std::vector<milliseconds>{1s, 2s}));

  http.sent = 0;
  http.script = {answer(503)};
  r = send({.max_retries = 0});
  ASSERT_TRUE(r);
  EXPECT_EQ(http.sent, 1) << "max_retries 0 sends once";
}

TEST_F(Pacing, ReturnsOtherAnswersAtOnceUnlessThePluginRetriesThem) {
  for (int status : {200, 204, 400, 401, 403, 404, 501, 505}) {
    http.sent = 0;
    http.script = {answer(status)};
    auto r = send();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->response.status, status);
    EXPECT_EQ(http.sent, 1) << status;
  }
  EXPECT_TRUE(waits.empty());
  http.sent = 0;
  http.script = {answer(403), answer(200)};
  auto r = send({.also_retry = [](const api::HttpResponse& a) { return a.status == 403; }});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->response.status, 200);
  EXPECT_EQ(http.sent, 2);
}

TEST_F(Pacing, TransportFailureDeadlineAndCancellationAreFailures) {
  http.script = {answer(0)};
  auto r = send({.what = "token request"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, api::FailureReason::network);
  EXPECT_EQ(r.error().message, "token request: connection refused");

  http.script = {answer(200)};
  now = ctx.deadline;
  r = send();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, api::FailureReason::timeout);
  EXPECT_EQ(http.sent, 1) << "nothing sent past the deadline";

  now = kNow;
  http.script = {answer(503), answer(200)};
  ctx.pause = [this](milliseconds d) {
    now += d;
    cancel = true;  // the daemon stops while the poll waits
  };
  r = send();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().reason, api::FailureReason::cancelled);
}

TEST(PollContextSleep, RealTimeSleepEndsAtOnceWhenCancelled) {
  Log log;
  ScriptedHttp http;
  std::atomic<int> checks{0};
  api::PollContext ctx{.deadline = api::Clock::now() + 1h,
                       .now = [] { return api::Clock::now(); },
                       .cancelled = [&] { return ++checks > 2; },
                       .log = log,
                       .http = http};
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(ctx.sleep(1h));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "a cancelled sleep returns within a few slices";

  checks = -1000000;
  EXPECT_TRUE(ctx.sleep(30ms)) << "an uncancelled sleep runs to its end";
}

}  // namespace
}  // namespace fk
