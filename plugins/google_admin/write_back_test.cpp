// Write-back delivery against an in-process fake of Google's write endpoints: grouping, partial batch
// results, retries, and a refusal stopping the run.

#include "write_back.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <deque>
#include <map>
#include <set>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "auth.hpp"
#include "test_key.hpp"
#include "test_support/harness.hpp"

namespace fk::google_admin {
namespace {

using api::WriteBackAction;
using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::kTokenUrl;
using testing::reply;

constexpr char kDevices[] = "https://admin.test/admin/directory/v1/customer/my_customer/devices/chromeos";

// Records the write calls; answers batchChangeStatus per device (failing those in `refuse`).
class FakeWrites : public api::HttpClient {
 public:
  std::vector<api::HttpRequest> writes;
  std::deque<api::HttpResponse> faults;  // served instead of the next write calls
  std::map<std::string, std::string> refuse;  // deviceId -> error message in a batch
  std::set<std::string> unknown;              // PATCH answers 404 for these
  std::string scope;

  Outcome send(const api::HttpRequest& r, api::TimePoint) override {
    if (r.url == kTokenUrl) {
      auto a = r.body.find("assertion=");
      std::string jwt = r.body.substr(a + 10);
      auto first = jwt.find('.'), second = jwt.find('.', first + 1);
      scope = json::parse(base64UrlDecode(jwt.substr(first + 1, second - first - 1)).value_or("{}"))["scope"];
      return {reply(200, R"({"access_token":"ya29.w","token_type":"Bearer","expires_in":3599})"), ""};
    }
    writes.push_back(r);
    if (!faults.empty()) {
      auto f = faults.front();
      faults.pop_front();
      return {f, ""};
    }
    if (r.url.ends_with(":batchChangeStatus")) {
      json body = json::parse(r.body), results = json::array();
      for (const auto& id : body["deviceIds"]) {
        if (id == "missing") continue;  // Google left it out of its answer
        if (refuse.contains(id))
          results.push_back({{"deviceId", id}, {"error", {{"code", 412}, {"message", refuse[id]}}}});
        else
          results.push_back({{"deviceId", id}, {"response", json::object()}});
      }
      return {reply(200, json{{"changeChromeOsDeviceStatusResults", results}}.dump()), ""};
    }
    if (r.method == "PATCH") {
      for (const auto& id : unknown)
        if (r.url.find("/" + id + "?") != std::string::npos)
          return {reply(404, R"({"error":{"code":404,"errors":[{"reason":"notFound"}]}})"), ""};
      return {reply(200, "{}"), ""};
    }
    return {reply(200, ""), ""};
  }
};

class WriteBackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("google_write_back_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    testing::writeKeyFile(dir_, kTokenUrl);
    settings.token_url = kTokenUrl;  // a key file's token_uri is followed only to Google's own host
    settings.customer_id = "my_customer";
    settings.credentials_file = "service-account.json";
    settings.subject = "admin@district.example.org";
    settings.api_base_url = "https://admin.test";
    settings.write_back = true;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  api::WriteBackResult apply(const std::vector<api::WriteBackChange>& changes) {
    plugin_test::QuietLog log;
    // The core's pacing waits on the fake clock (PollContext::pause), without jitter.
    api::PollContext context{now + seconds(300),
                             [this] { return now; },
                             [] { return false; },
                             log,
                             google,
                             "/",
                             dir_,
                             "",
                             "",
                             false,
                             [this](milliseconds d) {
                               slept += d;
                               now += d;
                             },
                             [] { return milliseconds(0); }};
    std::optional<AccessToken> token;
    Session session(context, settings, token);
    return applyChanges(context, session, settings, changes);
  }

  std::filesystem::path dir_;
  Settings settings;
  FakeWrites google;
  api::TimePoint now = api::TimePoint{seconds{1795701807}};
  milliseconds slept{0};
};

api::WriteBackChange change(std::string id, WriteBackAction a, std::string value = "") {
  return {std::move(id), a, std::move(value), ""};
}

TEST_F(WriteBackTest, GroupsChangesIntoGooglesCalls) {
  std::vector<api::WriteBackChange> changes;
  for (int i = 0; i < 60; ++i) changes.push_back(change("d" + std::to_string(i), WriteBackAction::disable));
  changes.push_back(change("r1", WriteBackAction::reenable));
  changes.push_back(change("a1", WriteBackAction::set_asset_id, "CB-1"));
  changes.push_back(change("a1", WriteBackAction::set_location, "Room 12"));
  changes.push_back(change("m1", WriteBackAction::move_org_unit, "/Retired"));
  changes.push_back(change("m2", WriteBackAction::move_org_unit, "/Retired"));
  changes.push_back(change("m3", WriteBackAction::move_org_unit, "/Lost and Found"));
  auto r = apply(changes);
  EXPECT_FALSE(r.stopped);
  ASSERT_EQ(r.outcomes.size(), changes.size());
  for (const auto& o : r.outcomes) EXPECT_TRUE(o.applied) << o.error;
  EXPECT_EQ(google.scope, std::string(kWriteScope));

  ASSERT_EQ(google.writes.size(), 6u);  // 2 disable batches, 1 reenable, 2 moves, 1 PATCH
  EXPECT_EQ(google.writes[0].url, std::string(kDevices) + ":batchChangeStatus");
  json first = json::parse(google.writes[0].body);
  EXPECT_EQ(first["deviceIds"].size(), 50u);
  EXPECT_EQ(first["changeChromeOsDeviceStatusAction"], "CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_DISABLE");
  EXPECT_FALSE(first.contains("deprovisionReason"));
  EXPECT_EQ(json::parse(google.writes[1].body)["deviceIds"].size(), 10u);
  EXPECT_EQ(json::parse(google.writes[2].body)["changeChromeOsDeviceStatusAction"],
            "CHANGE_CHROME_OS_DEVICE_STATUS_ACTION_REENABLE");
  EXPECT_EQ(google.writes[3].url, std::string(kDevices) + "/moveDevicesToOu?orgUnitPath=%2FLost%20and%20Found");
  EXPECT_EQ(google.writes[4].url, std::string(kDevices) + "/moveDevicesToOu?orgUnitPath=%2FRetired");
  EXPECT_EQ(json::parse(google.writes[4].body), (json{{"deviceIds", {"m1", "m2"}}}));
  EXPECT_EQ(google.writes[5].method, "PATCH");
  EXPECT_EQ(google.writes[5].url, std::string(kDevices) + "/a1?projection=BASIC");
  EXPECT_EQ(json::parse(google.writes[5].body), (json{{"annotatedAssetId", "CB-1"}, {"annotatedLocation", "Room 12"}}));
  EXPECT_THAT(google.writes[5].headers, ::testing::Contains(std::pair<std::string, std::string>(
                                            "authorization", "Bearer ya29.w")));
}

TEST_F(WriteBackTest, BatchResultsAreReadPerDevice) {
  google.refuse["d2"] = "No license available";
  auto r = apply({change("d1", WriteBackAction::reenable), change("d2", WriteBackAction::reenable),
                  change("missing", WriteBackAction::reenable)});
  EXPECT_FALSE(r.stopped);
  EXPECT_TRUE(r.outcomes[0].applied);
  EXPECT_FALSE(r.outcomes[1].applied);
  EXPECT_EQ(r.outcomes[1].error, "code 412: No license available");
  EXPECT_FALSE(r.outcomes[2].applied);
  EXPECT_THAT(r.outcomes[2].error, ::testing::HasSubstr("no result"));
}

TEST_F(WriteBackTest, ForbiddenStopsTheRunAtOnce) {
  google.faults.push_back(reply(403, R"({"error":{"code":403,"errors":[{"reason":"forbidden"}]}})"));
  auto r = apply({change("d1", WriteBackAction::disable), change("a1", WriteBackAction::set_asset_id, "X"),
                  change("a2", WriteBackAction::set_asset_id, "Y")});
  ASSERT_TRUE(r.stopped);
  EXPECT_EQ(r.stopped->reason, api::FailureReason::forbidden);
  EXPECT_EQ(google.writes.size(), 1u) << "no storm: nothing after the refusal";
  for (const auto& o : r.outcomes) EXPECT_FALSE(o.applied);
  EXPECT_EQ(r.outcomes[2].error, "not sent");
}

TEST_F(WriteBackTest, RateLimitsAndServerErrorsAreRetriedWithRetryAfter) {
  google.faults.push_back(reply(429, R"({"error":{"code":429,"errors":[{"reason":"rateLimitExceeded"}]}})",
                                {{"retry-after", "7"}}));
  google.faults.push_back(reply(503, R"({"error":{"code":503,"errors":[{"reason":"backendError"}]}})"));
  auto r = apply({change("a1", WriteBackAction::set_user, "s1@students.example.org")});
  EXPECT_FALSE(r.stopped);
  EXPECT_TRUE(r.outcomes[0].applied);
  EXPECT_EQ(google.writes.size(), 3u);
  EXPECT_EQ(slept, seconds(7) + seconds(2)) << "Retry-After, then the second back-off step";
}

TEST_F(WriteBackTest, ARateLimitThatOutlastsTheRetriesStops) {
  settings.max_retries = 1;
  for (int i = 0; i < 2; ++i)
    google.faults.push_back(reply(429, R"({"error":{"code":429,"errors":[{"reason":"rateLimitExceeded"}]}})"));
  auto r = apply({change("a1", WriteBackAction::set_asset_id, "X"), change("a2", WriteBackAction::set_asset_id, "Y")});
  ASSERT_TRUE(r.stopped);
  EXPECT_EQ(r.stopped->reason, api::FailureReason::rate_limited);
  EXPECT_EQ(google.writes.size(), 2u);
}

TEST_F(WriteBackTest, AnUnknownDeviceFailsOnlyItsOwnChange) {
  google.unknown = {"gone"};
  auto r = apply({change("gone", WriteBackAction::set_asset_id, "X"), change("a2", WriteBackAction::set_asset_id, "Y")});
  EXPECT_FALSE(r.stopped);
  EXPECT_FALSE(r.outcomes[0].applied);
  EXPECT_THAT(r.outcomes[0].error, ::testing::HasSubstr("404"));
  EXPECT_TRUE(r.outcomes[1].applied);
}

TEST_F(WriteBackTest, NeverSendsAnEmptyValue) {
  auto r = apply({change("a1", WriteBackAction::set_location, "")});
  EXPECT_FALSE(r.outcomes[0].applied);
  EXPECT_TRUE(google.writes.empty());
}

}  // namespace
}  // namespace fk::google_admin
