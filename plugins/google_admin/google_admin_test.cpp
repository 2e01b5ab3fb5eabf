// The source end to end against an in-process fake of Google (token endpoint and device list).

#include "google_admin.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "auth.hpp"
#include "test_key.hpp"
#include "test_support/harness.hpp"

namespace fk::google_admin {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::kTokenUrl;
using testing::reply;

constexpr char kBase[] = "https://admin.test";

std::map<std::string, std::string> queryOf(const std::string& url) {
  std::map<std::string, std::string> out;
  auto q = url.find('?');
  if (q == std::string::npos) return out;
  std::string rest = url.substr(q + 1);
  for (std::size_t pos = 0; pos <= rest.size();) {
    auto amp = rest.find('&', pos);
    if (amp == std::string::npos) amp = rest.size();
    std::string item = rest.substr(pos, amp - pos);
    auto eq = item.find('=');
    out[item.substr(0, eq)] = eq == std::string::npos ? "" : item.substr(eq + 1);
    pos = amp + 1;
  }
  return out;
}

// Checks what Google checks (signature, claims, bearer token) and serves `devices` in pages.
class FakeGoogle : public api::HttpClient {
 public:
  std::vector<json> devices;
  std::deque<api::HttpResponse> list_faults;   // served instead of the next list pages
  std::deque<api::HttpResponse> token_faults;  // served instead of the next tokens
  std::vector<api::HttpRequest> list_requests;
  int token_requests = 0;
  std::string transport_error;
  std::string current_token;

  Outcome send(const api::HttpRequest& r, api::TimePoint) override {
    if (!transport_error.empty()) return {std::nullopt, transport_error};
    if (r.url == kTokenUrl) return {token(r), ""};
    list_requests.push_back(r);
    return {list(r), ""};
  }

 private:
  api::HttpResponse token(const api::HttpRequest& r) {
    ++token_requests;
    EXPECT_EQ(r.method, "POST");
    auto form = queryOf("?" + r.body);
    EXPECT_EQ(form["grant_type"], "urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer");
    const std::string& jwt = form["assertion"];
    EXPECT_TRUE(testing::verifyWithTestKey(jwt)) << "bad signature";
    auto first = jwt.find('.'), second = jwt.find('.', first + 1);
    json claims = json::parse(base64UrlDecode(jwt.substr(first + 1, second - first - 1)).value_or("{}"));
    EXPECT_EQ(claims["iss"], testing::kTestClientEmail);
    EXPECT_EQ(claims["sub"], "admin@district.example.org");
    EXPECT_EQ(claims["aud"], kTokenUrl);
    EXPECT_EQ(claims["scope"], std::string(kScope));
    EXPECT_EQ(claims["exp"].get<std::int64_t>() - claims["iat"].get<std::int64_t>(), 3600);
    if (!token_faults.empty()) {
      auto fault = token_faults.front();
      token_faults.pop_front();
      return fault;
    }
    current_token = "ya29.fake-" + std::to_string(token_requests);
    return reply(
        200, json{{"access_token", current_token}, {"token_type", "Bearer"}, {"expires_in", 3599}}.dump());
  }

  api::HttpResponse list(const api::HttpRequest& r) {
    EXPECT_EQ(r.method, "GET");
    if (!list_faults.empty()) {
      auto fault = list_faults.front();
      list_faults.pop_front();
      return fault;
    }
    bool authorized = false;
    for (const auto& [k, v] : r.headers)
      authorized |= (k == "authorization" && v == "Bearer " + current_token);
    if (!authorized) return reply(401, R"({"error":{"code":401,"errors":[{"reason":"authError"}]}})");
    auto q = queryOf(r.url);
    std::size_t size = std::stoul(q["maxResults"]);
    std::size_t start = q["pageToken"].empty() ? 0 : std::stoul(q["pageToken"].substr(1));
    json page = {{"kind", "admin#directory#chromeosdevices"}, {"chromeosdevices", json::array()}};
    for (std::size_t i = start; i < std::min(start + size, devices.size()); ++i)
      page["chromeosdevices"].push_back(devices[i]);
    if (start + size < devices.size()) page["nextPageToken"] = "p" + std::to_string(start + size);
    return reply(200, page.dump());
  }
};

using Sink = plugin_test::RecordingSink;

struct Log : api::Logger {
  std::vector<std::string> lines;
  void debug(std::string_view m) override { lines.emplace_back(m); }
  void info(std::string_view m) override { lines.emplace_back(m); }
  void warn(std::string_view m) override { lines.emplace_back(m); }
};

json device(int i) {
  char mac[16];
  std::snprintf(mac, sizeof mac, "f8b46a%06x", i);
  return {{"deviceId", "dev-" + std::to_string(i)},
          {"serialNumber", "SN" + std::to_string(1000 + i)},
          {"model", "HP Chromebook 11 G9 EE"},
          {"macAddress", mac},
          {"lastSync", "2026-11-26T14:03:27.512Z"}};
}

class GoogleAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("google_admin_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    testing::writeKeyFile(dir_, kTokenUrl);
    settings.token_url = kTokenUrl;  // a key file's token_uri is followed only to Google's own host
    settings.customer_id = "my_customer";
    settings.credentials_file = "service-account.json";
    settings.subject = "admin@district.example.org";
    settings.api_base_url = kBase;
    for (int i = 0; i < 7; ++i) google.devices.push_back(device(i));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<api::Source> source() { return makeSource(settings); }

  api::PollResult poll(api::Source& s, std::string state = "", bool full = false) {
    sink = Sink{};
    api::PollContext context{now + seconds(deadline_s),
                             [this] { return now; },
                             [this] { return cancel; },
                             log,
                             google,
                             "/",
                             dir_,
                             state,
                             state,
                             full,
                             pause,
                             [this] { return jitter; }};
    auto result = s.poll(context, sink);
    next_state = context.next_state;
    return result;
  }

  std::filesystem::path dir_;
  Settings settings;
  FakeGoogle google;
  Sink sink;
  Log log;
  api::TimePoint now = api::TimePoint{seconds{1795701807}};  // 2026-11-26T14:03:27Z
  int deadline_s = 300;
  bool cancel = false;
  milliseconds slept{0};
  milliseconds jitter{250};
  // The poll's waits pass on the fake clock.
  std::function<void(milliseconds)> pause = [this](milliseconds d) {
    slept += d;
    now += d;
  };
  std::string next_state;
};

TEST_F(GoogleAdminTest, AKeyFilesTokenUriIsFollowedOnlyToGoogle) {
  settings.token_url = "";  // the key file's token_uri decides
  for (const std::string& uri : {std::string(kTokenUrl), std::string("http://oauth2.googleapis.com/token"),
                                 std::string("https://oauth2.googleapis.com.evil.test/token")}) {
    testing::writeKeyFile(dir_, uri);
    auto s = source();
    auto r = poll(*s);
    EXPECT_FALSE(r.ok) << uri;
    EXPECT_EQ(r.reason, api::FailureReason::config) << r.message;
    EXPECT_NE(r.message.find("token_uri"), std::string::npos) << r.message;
    EXPECT_NE(r.message.find("token_url"), std::string::npos) << "says how to allow it: " << r.message;
    EXPECT_EQ(google.token_requests, 0) << uri << ": the signed assertion was not sent";
  }
  // Configured, the same endpoint is used: the config, not the key file, is the admin's word.
  settings.token_url = kTokenUrl;
  auto s = source();
  auto r = poll(*s);
  EXPECT_TRUE(r.ok) << r.message;
}

TEST_F(GoogleAdminTest, FirstPollListsEveryPage) {
  settings.max_results = 3;
  auto s = source();
  auto r = poll(*s);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_TRUE(r.complete_listing);
  ASSERT_EQ(sink.seen.size(), 7u);
  EXPECT_EQ(sink.seen[6].source_id, "dev-6");
  EXPECT_EQ(sink.seen[6].origin, "page 3 item 1");
  ASSERT_EQ(google.list_requests.size(), 3u);
  const std::string& first = google.list_requests[0].url;
  EXPECT_TRUE(
      first.starts_with("https://admin.test/admin/directory/v1/customer/my_customer/devices/chromeos?"));
  auto q = queryOf(first);
  EXPECT_EQ(q["maxResults"], "3");
  EXPECT_EQ(q["projection"], "FULL");
  EXPECT_FALSE(q.contains("pageToken"));
  EXPECT_FALSE(q.contains("query"));
  EXPECT_EQ(queryOf(google.list_requests[2].url)["pageToken"], "p6");
  EXPECT_EQ(google.token_requests, 1);
  EXPECT_EQ(json::parse(next_state), (json{{"since", "2026-11-25"}, {"customer_id", "my_customer"}}));
}

TEST_F(GoogleAdminTest, LaterPollsAskOnlyForChangesUntilAFullSyncIsDue) {
  auto s = source();
  std::string state = R"({"since":"2026-11-20","customer_id":"my_customer"})";
  auto r = poll(*s, state);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_FALSE(r.complete_listing);
  EXPECT_EQ(queryOf(google.list_requests.back().url)["query"], "sync%3A2026-11-20..");
  EXPECT_EQ(json::parse(next_state)["since"], "2026-11-25");

  r = poll(*s, state, /*full=*/true);
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.complete_listing);
  EXPECT_FALSE(queryOf(google.list_requests.back().url).contains("query"));

  r = poll(*s, R"({"since":"2026-11-20","customer_id":"C0other"})");
  EXPECT_TRUE(r.complete_listing) << "a cursor of another customer does not apply";
}

TEST_F(GoogleAdminTest, TokenIsReusedUntilShortlyBeforeExpiry) {
  auto s = source();
  ASSERT_TRUE(poll(*s).ok);
  now += std::chrono::minutes(50);
  ASSERT_TRUE(poll(*s).ok);
  EXPECT_EQ(google.token_requests, 1);
  now += std::chrono::minutes(6);  // 56 min: inside the renewal margin
  ASSERT_TRUE(poll(*s).ok);
  EXPECT_EQ(google.token_requests, 2);
}

TEST_F(GoogleAdminTest, RateLimitWaitsRetryAfterThenSucceeds) {
  google.list_faults.push_back(reply(
      429, R"({"error":{"code":429,"errors":[{"reason":"rateLimitExceeded"}]}})", {{"retry-after", "7"}}));
  auto s = source();
  auto r = poll(*s);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(slept, seconds(7));
  EXPECT_EQ(sink.seen.size(), 7u);
}

TEST_F(GoogleAdminTest, ServerErrorsBackOffExponentially) {
  for (int i = 0; i < 3; ++i)
    google.list_faults.push_back(
        reply(503, R"({"error":{"code":503,"errors":[{"reason":"backendError"}]}})"));
  auto s = source();
  auto r = poll(*s);
  ASSERT_TRUE(r.ok) << r.message;
  EXPECT_EQ(slept, milliseconds(1250 + 2250 + 4250));
  EXPECT_EQ(google.list_requests.size(), 4u);
}

TEST_F(GoogleAdminTest, GivesUpAfterMaxRetries) {
  settings.max_retries = 2;
  for (int i = 0; i < 5; ++i) google.list_faults.push_back(reply(500, "<html>Internal error</html>"));
  auto s = source();
  auto r = poll(*s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::server_error);
  EXPECT_EQ(google.list_requests.size(), 3u);
  EXPECT_TRUE(sink.seen.empty());
  EXPECT_EQ(next_state, "");
}

TEST_F(GoogleAdminTest, QuotaForbiddenIsRetriedButForbiddenIsNot) {
  google.list_faults.push_back(
      reply(403, R"({"error":{"code":403,"errors":[{"reason":"userRateLimitExceeded"}]}})"));
  auto s = source();
  ASSERT_TRUE(poll(*s).ok);

  google.list_requests.clear();
  google.list_faults.push_back(reply(
      403,
      R"({"error":{"code":403,"message":"Not Authorized to access this resource/api","errors":[{"reason":"forbidden"}]}})"));
  auto r = poll(*s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::forbidden);
  EXPECT_EQ(google.list_requests.size(), 1u);
  EXPECT_THAT(r.message, ::testing::HasSubstr("Not Authorized"));
}

TEST_F(GoogleAdminTest, WaitPastTheDeadlineGoesToTheCoresBackOff) {
  deadline_s = 30;
  google.list_faults.push_back(reply(429, "", {{"retry-after", "120"}}));
  auto s = source();
  auto r = poll(*s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::rate_limited);
  EXPECT_EQ(r.retry_after, seconds(120));
  EXPECT_EQ(slept, milliseconds(0));
}

TEST_F(GoogleAdminTest, CancelledDuringBackOff) {
  google.list_faults.push_back(reply(503, ""));
  auto s = source();
  cancel = false;
  pause = [this](milliseconds d) {
    now += d;
    cancel = true;
  };
  jitter = milliseconds(0);
  auto cancellable = makeSource(settings);
  auto r = poll(*cancellable);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::cancelled);
}

TEST_F(GoogleAdminTest, UnauthorizedGetsOneFreshTokenThenFails) {
  auto s = source();
  ASSERT_TRUE(poll(*s).ok);
  google.current_token = "revoked";  // the cached token is no longer accepted
  ASSERT_TRUE(poll(*s).ok);
  EXPECT_EQ(google.token_requests, 2);

  google.list_requests.clear();
  for (int i = 0; i < 2; ++i) google.list_faults.push_back(reply(401, R"({"error":{"code":401}})"));
  auto r = poll(*s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::auth);
  EXPECT_EQ(google.list_requests.size(), 2u);
  EXPECT_EQ(google.token_requests, 3);
}

TEST_F(GoogleAdminTest, RefusedTokenFailsWithoutListing) {
  google.token_faults.push_back(
      reply(400, R"({"error":"invalid_grant","error_description":"Invalid email or User ID"})"));
  auto s = source();
  auto r = poll(*s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::auth);
  EXPECT_EQ(r.message, "token request: HTTP 400 invalid_grant: Invalid email or User ID");
  EXPECT_EQ(google.token_requests, 1);
  EXPECT_TRUE(google.list_requests.empty());
}

TEST_F(GoogleAdminTest, TruncatedPageFailsThePollCleanly) {
  settings.max_results = 3;
  google.list_faults.push_back(reply(
      200, json{{"chromeosdevices", {device(0), device(1), device(2)}}, {"nextPageToken", "p3"}}.dump()));
  std::string page2 =
      json{{"chromeosdevices", {device(3), device(4), device(5)}}, {"nextPageToken", "p6"}}.dump();
  google.list_faults.push_back(reply(200, page2.substr(0, page2.size() - 40)));
  auto s = source();
  std::string state = R"({"since":"2026-11-20","customer_id":"my_customer"})";
  auto r = poll(*s, state, /*full=*/true);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::bad_response);
  EXPECT_THAT(r.message, ::testing::HasSubstr("page 2"));
  EXPECT_EQ(next_state, state) << "the cursor must not move past a failed poll";
}

TEST_F(GoogleAdminTest, RepeatingPageTokenIsABadResponse) {
  for (int i = 0; i < 3; ++i)
    google.list_faults.push_back(
        reply(200, json{{"chromeosdevices", {device(i)}}, {"nextPageToken", "same"}}.dump()));
  auto s = source();
  auto r = poll(*s);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.reason, api::FailureReason::bad_response);
  EXPECT_EQ(google.list_requests.size(), 2u);
}

TEST_F(GoogleAdminTest, UnidentifiableRecordsAreSkippedNotFatal) {
  google.devices.push_back(json{{"model", "HP Chromebook 14"}});
  auto s = source();
  ASSERT_TRUE(poll(*s).ok);
  EXPECT_EQ(sink.seen.size(), 7u);
  ASSERT_EQ(sink.skips.size(), 1u);
  EXPECT_THAT(sink.skips[0], ::testing::StartsWith("page 1 item 8: "));
}

TEST_F(GoogleAdminTest, KeyFileProblemsAreConfigFailures) {
  settings.credentials_file = "missing.json";
  auto r = poll(*source());
  EXPECT_EQ(r.reason, api::FailureReason::config);
  EXPECT_THAT(r.message, ::testing::HasSubstr("missing.json"));

  std::ofstream(dir_ / "bad.json") << R"({"type":"service_account","client_email":"x@y"})";
  settings.credentials_file = (dir_ / "bad.json").string();
  r = poll(*source());
  EXPECT_EQ(r.reason, api::FailureReason::config);
  EXPECT_THAT(r.message, ::testing::HasSubstr("no private_key"));
}

TEST_F(GoogleAdminTest, TransportFailures) {
  google.transport_error = "Failed to connect to admin.test port 443";
  auto r = poll(*source());
  EXPECT_EQ(r.reason, api::FailureReason::network);
  deadline_s = 0;
  r = poll(*source());
  EXPECT_EQ(r.reason, api::FailureReason::timeout);
}

TEST_F(GoogleAdminTest, NoSecretInLogsOrMessages) {
  google.list_faults.push_back(reply(503, ""));
  google.list_faults.push_back(reply(401, ""));
  auto s = source();
  auto r = poll(*s);
  ASSERT_TRUE(r.ok) << r.message;
  google.list_faults.push_back(reply(403, R"({"error":{"errors":[{"reason":"forbidden"}]}})"));
  r = poll(*s);
  ASSERT_FALSE(log.lines.empty());
  log.lines.push_back(r.message);
  for (const auto& line : log.lines) {
    EXPECT_EQ(line.find("ya29"), std::string::npos) << line;
    EXPECT_EQ(line.find("PRIVATE KEY"), std::string::npos) << line;
    EXPECT_EQ(line.find("assertion"), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace fk::google_admin
