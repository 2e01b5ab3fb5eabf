#include "snipeit/snipeit.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <deque>
#include <filesystem>
#include <fstream>

#include "snipeit/parse.hpp"
#include "test_support/harness.hpp"

namespace fk::snipeit {
namespace {

using plugin_test::PollHarness;
using plugin_test::RecordingSink;

// Answers GET /api/v1/hardware from a script, in order; the last answer repeats.
struct ScriptedHttp : api::HttpClient {
  std::deque<api::HttpResponse> answers;
  std::vector<api::HttpRequest> sent;
  Outcome send(const api::HttpRequest& r, api::TimePoint) override {
    sent.push_back(r);
    api::HttpResponse a = answers.front();
    if (answers.size() > 1) answers.pop_front();
    return {a, ""};
  }
};

std::string page(long long total, const std::string& rows) {
  return "{\"total\":" + std::to_string(total) + ",\"rows\":[" + rows + "]}";
}

std::string asset(int id, const std::string& tag) {
  return "{\"id\":" + std::to_string(id) + ",\"asset_tag\":\"" + tag + "\",\"serial\":\"S" + std::to_string(id) +
         "\",\"name\":\"Cart &amp; Co\",\"model\":{\"id\":1,\"name\":\"HP Chromebook 11 G9 EE\"},"
         "\"category\":{\"id\":2,\"name\":\"Student Chromebooks\"},\"manufacturer\":{\"id\":3,\"name\":\"HP\"},"
         "\"supplier\":{\"id\":4,\"name\":\"CDW&#039;s\"},\"location\":{\"id\":5,\"name\":\"Maple\"},"
         "\"purchase_date\":{\"date\":\"2022-09-01\",\"formatted\":\"09/01/2022\"},\"purchase_cost\":\"1,234.56\","
         "\"order_number\":\"PO-1\",\"warranty_expires\":{\"date\":\"2025-09-01\",\"formatted\":\"x\"},"
         "\"asset_eol_date\":null,\"notes\":\"<p>first &lt;line&gt;</p>\","
         "\"status_label\":{\"id\":1,\"name\":\"Ready to Deploy\",\"status_type\":\"deployable\","
         "\"status_meta\":\"deployable\"}}";
}

class SnipeItPoll : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("snipeit_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    token_ = dir_ / "token";
    std::ofstream(token_) << "secret-token\n";
    ::chmod(token_.c_str(), 0600);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  api::PollResult poll(PollHarness<ScriptedHttp>& h, RecordingSink& sink, Pacing pacing = {}) {
    if (!pacing.sleep) {
      pacing.sleep = [this](std::chrono::milliseconds d, const std::function<bool()>&) {
        slept_.push_back(d);
        return true;
      };
    }
    auto source = makeSource({"http://127.0.0.1:1", token_.string(), 2}, pacing);
    return source->poll(h.ctx, sink);
  }

  std::filesystem::path dir_, token_;
  std::vector<std::chrono::milliseconds> slept_;
};

TEST_F(SnipeItPoll, PagesByOffsetAtTheConfiguredRate) {
  PollHarness<ScriptedHttp> h(api::Clock::now(), "/", dir_);
  h.http.answers = {{200, {}, page(3, asset(1, "A1") + "," + asset(2, "A2"))}, {200, {}, page(3, asset(3, "A3"))}};
  RecordingSink sink;
  const auto result = poll(h, sink);
  ASSERT_TRUE(result.ok) << result.message;
  ASSERT_EQ(h.http.sent.size(), 2u);
  EXPECT_NE(h.http.sent[0].url.find("/api/v1/hardware?limit=2&offset=0&sort=id&order=asc"), std::string::npos);
  EXPECT_NE(h.http.sent[1].url.find("offset=2"), std::string::npos);
  EXPECT_EQ(h.http.sent[0].headers.at(0).second, "Bearer secret-token");
  ASSERT_EQ(sink.seen.size(), 3u);
  const auto& f = sink.seen[0].fields;
  EXPECT_EQ(sink.seen[0].source_id, "1");
  EXPECT_EQ(f.at("name"), "Cart & Co");
  EXPECT_EQ(f.at("kind"), "chromebook");
  EXPECT_EQ(f.at("vendor"), "CDW's");
  EXPECT_EQ(f.at("purchase_price"), "1234.56");
  EXPECT_EQ(f.at("warranty_end"), "2025-09-01");
  EXPECT_EQ(f.at("notes"), "first <line>");
  EXPECT_EQ(f.at("status"), "in_stock");
  EXPECT_EQ(f.count("replacement_date"), 0u);
  // 120 a minute: the second request waited about half a second after the first.
  ASSERT_EQ(slept_.size(), 1u);
  EXPECT_GT(slept_[0], std::chrono::milliseconds(400));
}

TEST_F(SnipeItPoll, WaitsOutRetryAfterThenContinues) {
  PollHarness<ScriptedHttp> h(api::Clock::now(), "/", dir_);
  h.http.answers = {{429, {{"retry-after", "3"}}, R"({"status":"error","messages":"Too many requests"})"},
                    {200, {}, page(1, asset(1, "A1"))}};
  RecordingSink sink;
  Pacing fast;
  fast.requests_per_minute = 60000;
  const auto result = poll(h, sink, fast);
  ASSERT_TRUE(result.ok) << result.message;
  EXPECT_EQ(sink.seen.size(), 1u);
  EXPECT_NE(std::find(slept_.begin(), slept_.end(), std::chrono::milliseconds(3000)), slept_.end());
}

TEST_F(SnipeItPoll, AHugeRetryAfterIsCappedNotIgnored) {
  PollHarness<ScriptedHttp> h(api::Clock::now(), "/", dir_);
  h.http.answers = {{429, {{"retry-after", "999999999"}}, R"({"status":"error","messages":"Too many requests"})"}};
  RecordingSink sink;
  const auto result = poll(h, sink);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.reason, api::FailureReason::rate_limited);
  EXPECT_EQ(result.retry_after, std::chrono::hours(24)) << "31 years asked: at most a day, and not waited out";
  EXPECT_EQ(h.http.sent.size(), 1u);
}

TEST_F(SnipeItPoll, ABadTokenFailsAtOnceWithoutRetries) {
  PollHarness<ScriptedHttp> h(api::Clock::now(), "/", dir_);
  h.http.answers = {{401, {}, R"({"error":"Unauthorized or unauthenticated."})"}};
  RecordingSink sink;
  const auto result = poll(h, sink);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.reason, api::FailureReason::auth);
  EXPECT_EQ(h.http.sent.size(), 1u);
}

TEST_F(SnipeItPoll, ATruncatedPageFailsThePoll) {
  PollHarness<ScriptedHttp> h(api::Clock::now(), "/", dir_);
  const std::string second = page(3, asset(3, "A3"));
  h.http.answers = {{200, {}, page(3, asset(1, "A1") + "," + asset(2, "A2"))},
                    {200, {}, second.substr(0, second.size() / 2)}};
  RecordingSink sink;
  const auto result = poll(h, sink);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.reason, api::FailureReason::bad_response);
  EXPECT_NE(result.message.find("page 2"), std::string::npos) << result.message;
}

TEST_F(SnipeItPoll, ATokenFileOthersCanReadIsRefused) {
  ::chmod(token_.c_str(), 0644);
  PollHarness<ScriptedHttp> h(api::Clock::now(), "/", dir_);
  h.http.answers = {{200, {}, page(0, "")}};
  RecordingSink sink;
  const auto result = poll(h, sink);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.reason, api::FailureReason::config);
  EXPECT_TRUE(h.http.sent.empty()) << "the token is never sent";
}

TEST(SnipeItParse, ValuesAsSnipeItWritesThem) {
  EXPECT_EQ(normaliseCost("1.234,56"), "1234.56");
  EXPECT_EQ(normaliseCost("289.00"), "289.00");
  EXPECT_EQ(normaliseCost("1,234"), "1234");
  EXPECT_EQ(normaliseCost("n/a"), "");
  EXPECT_EQ(htmlUnescape("a &amp;amp; &#x41;&#66; &bogus; &"), "a &amp; AB &bogus; &");
  EXPECT_EQ(kindOfCategory("iPads"), "tablet");
  EXPECT_EQ(kindOfCategory("Printers"), "other");
  EXPECT_EQ(statusOfLabel("Deployed", "deployed"), "deployed");
  EXPECT_EQ(statusOfLabel("Stolen", "undeployable"), "stolen");
  EXPECT_EQ(statusOfLabel("Awaiting PO", "pending"), "on_order");
  EXPECT_EQ(statusOfLabel("Retired", "archived"), "retired");
  EXPECT_FALSE(parsePage("<html>login</html>", 1).has_value());
  EXPECT_FALSE(parsePage(R"({"status":"error","messages":"nope","payload":null})", 1).has_value());
}

}  // namespace
}  // namespace fk::snipeit
