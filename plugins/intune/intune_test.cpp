#include "intune/intune.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "api/http_pacing.hpp"
#include "intune/parse.hpp"
#include "test_support/harness.hpp"

namespace fk::intune {
namespace {

using namespace std::chrono_literals;

std::string fixture(const std::string& name) {
  return plugin_test::readFile(TESTDATA_DIR, name);
}

const api::TimePoint kNow = *parseInstant("2026-10-06T12:00:00Z");

TEST(Instant, ReadsGraphSpellings) {
  EXPECT_EQ(formatInstant(*parseInstant("2026-10-05T08:15:30.1234567Z")), "2026-10-05T08:15:30Z");
  EXPECT_EQ(formatInstant(*parseInstant("2026-10-06T10:00:00+02:00")), "2026-10-06T08:00:00Z");
  EXPECT_EQ(formatInstant(*parseInstant("2026-10-06T10:00:00-05:30")), "2026-10-06T15:30:00Z");
  EXPECT_FALSE(parseInstant("0001-01-01T00:00:00Z"));  // Graph's "never"
  EXPECT_FALSE(parseInstant("4052-11-26T14:03:27Z"));  // would wrap a nanosecond clock (fuzz_graph_page)
  EXPECT_FALSE(parseInstant("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(parseInstant("2026-10-06 10:00:00"));
  EXPECT_FALSE(parseInstant("2026-10-06T10:00:00"));  // no zone
  EXPECT_FALSE(parseInstant(""));
}

TEST(Mac, NormalisesGraphSpellings) {
  EXPECT_EQ(normaliseMac("3C22FB123456"), "3c:22:fb:12:34:56");
  EXPECT_EQ(normaliseMac("3c-22-fb-12-34-56"), "3c:22:fb:12:34:56");
  EXPECT_FALSE(normaliseMac("000000000000"));
  EXPECT_FALSE(normaliseMac("3C22FB1234"));
  EXPECT_FALSE(normaliseMac("3C22FB12345G"));
  EXPECT_FALSE(normaliseMac(""));
}

TEST(Errors, DescribeBothErrorShapesAndRetryAfter) {
  EXPECT_EQ(
      describeError(
          403, R"({"error":{"code":"Forbidden","message":"Application is not authorized","innerError":{}}})"),
      "HTTP 403 Forbidden: Application is not authorized");
  EXPECT_EQ(
      describeError(
          401,
          R"({"error":"invalid_client","error_description":"AADSTS7000215: bad secret.\r\nTrace ID: x"})"),
      "HTTP 401 invalid_client: AADSTS7000215: bad secret.");
  EXPECT_EQ(describeError(502, "<html>bad gateway</html>"), "HTTP 502");
  // Retry-After is read by the core's pacing, in both of its forms; a date two weeks out waits a day at most.
  EXPECT_EQ(api::parseRetryAfter(" 7 ", kNow), 7s);
  EXPECT_EQ(api::parseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT", kNow), 24h);
  EXPECT_FALSE(api::parseRetryAfter("", kNow));
  EXPECT_EQ(api::urlEncode("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
}

TEST(Page, MapsTheManagedDeviceFields) {
  auto page = parsePage(fixture("page1.json"), 1);
  ASSERT_TRUE(page) << page.error();
  EXPECT_EQ(page->next_link,
            "https://graph.example.test/v1.0/deviceManagement/"
            "managedDevices?$select=id&$skiptoken=LastDeviceId%3d'2'");
  ASSERT_EQ(page->devices.size(), 2u);
  const api::Observation& o = page->devices[0];
  EXPECT_EQ(o.kind, api::ObservationKind::managed);
  EXPECT_EQ(o.source_id, "6f9c1a2e-0001-4c1e-9a55-1b2c3d4e5f60");
  EXPECT_EQ(o.origin, "page 1 item 1");
  EXPECT_EQ(o.fields.at("serial"), "5CD1234ABC");
  EXPECT_EQ(o.fields.at("manufacturer"), "HP");
  EXPECT_EQ(o.fields.at("model"), "HP ProBook 440 G9");
  EXPECT_EQ(o.fields.at("kind"), "laptop");
  EXPECT_EQ(o.macs, std::vector<std::string>{"3c:22:fb:12:34:56"});
  EXPECT_EQ(formatInstant(*o.last_sync), "2026-10-05T08:15:30Z");
  EXPECT_EQ(o.extra.at("os"), "Windows");
  EXPECT_EQ(o.extra.at("os_version"), "10.0.22631.4317");
  EXPECT_EQ(o.extra.at("compliance"), "compliant");
  EXPECT_EQ(o.extra.at("user"), "j.doe@district.example");
  EXPECT_EQ(o.extra.at("enrolled"), "2024-08-20T14:00:00Z");
  EXPECT_EQ(o.extra.at("device_name"), "LAPTOP-7");
  const api::Observation& ipad = page->devices[1];
  EXPECT_EQ(ipad.fields.at("kind"), "tablet");
  EXPECT_FALSE(ipad.last_sync);    // never synced
  EXPECT_TRUE(ipad.macs.empty());  // all zeros
  EXPECT_FALSE(ipad.extra.contains("user"));
}

TEST(Page, SkipsUnreadableItemsAndRefusesUnreadablePages) {
  auto page = parsePage(fixture("page2.json"), 2);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->next_link.empty());
  ASSERT_EQ(page->devices.size(), 2u);
  EXPECT_EQ(page->devices[0].macs, std::vector<std::string>{"a4:b1:c1:00:00:03"});
  EXPECT_FALSE(page->devices[1].fields.contains("kind"));  // Linux: left for a person
  EXPECT_TRUE(page->devices[1].macs.empty());
  ASSERT_EQ(page->skipped.size(), 2u);
  EXPECT_EQ(page->skipped[0].first, "page 2 item 2");
  EXPECT_EQ(page->skipped[1].first, "page 2 item 3");
  EXPECT_FALSE(parsePage("<html>", 1));
  EXPECT_FALSE(parsePage(R"({"value": {}})", 1));
  EXPECT_FALSE(parsePage("[]", 1));
}

// --- the source against a scripted Graph ----------------------------------------------------------

struct FakeHttp : api::HttpClient {
  // Answers by URL prefix, in order; the last answer for a prefix repeats.
  std::map<std::string, std::deque<api::HttpResponse>> script;
  std::vector<api::HttpRequest> sent;
  std::string transport_error;
  Outcome send(const api::HttpRequest& r, api::TimePoint) override {
    sent.push_back(r);
    if (!transport_error.empty()) return {std::nullopt, transport_error};
    for (auto& [prefix, answers] : script) {
      if (!r.url.starts_with(prefix) || answers.empty()) continue;
      api::HttpResponse a = answers.front();
      if (answers.size() > 1) answers.pop_front();
      return {a, ""};
    }
    return {api::HttpResponse{404, {}, R"({"error":{"code":"NotFound","message":"no route"}})"}, ""};
  }
  int count(const std::string& prefix) const {
    int n = 0;
    for (const auto& r : sent) n += r.url.starts_with(prefix);
    return n;
  }
};

using Sink = plugin_test::RecordingSink;

constexpr const char* kToken = "https://login.example.test/tenant-1/token";
constexpr const char* kGraph = "https://graph.example.test/v1.0/deviceManagement/managedDevices";

api::HttpResponse ok(std::string body) {
  return {200, {{"content-type", "application/json"}}, std::move(body)};
}
api::HttpResponse tokenOk() {
  return ok(R"({"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"tok-1"})");
}

struct Harness : plugin_test::PollHarness<FakeHttp> {
  std::vector<std::chrono::seconds> slept;
  std::unique_ptr<api::Source> source;

  Harness() : PollHarness(kNow, TESTDATA_DIR, "/etc", kNow + 60s) {
    Settings s;
    s.tenant_id = "tenant-1";
    s.client_id = "client-1";
    s.client_secret_file = "/client_secret";
    s.graph_base_url = "https://graph.example.test";
    s.token_url = kToken;
    ctx.pause = [this](std::chrono::milliseconds d) {
      slept.push_back(std::chrono::duration_cast<std::chrono::seconds>(d));
    };
    source = makeSource(s);
    http.script[kToken] = {tokenOk()};
  }
  api::PollResult poll(Sink& sink) { return source->poll(ctx, sink); }
};

TEST(IntuneSource, AuthenticatesPagesAndMaps) {
  Harness h;
  h.http.script[std::string(kGraph) + "?$select=id,"] = {ok(fixture("page1.json"))};
  h.http.script[std::string(kGraph) + "?$select=id&$skiptoken"] = {ok(fixture("page2.json"))};
  Sink sink;
  auto result = h.poll(sink);
  ASSERT_TRUE(result.ok) << result.message;
  EXPECT_TRUE(result.complete_listing);
  EXPECT_EQ(sink.seen.size(), 4u);
  EXPECT_EQ(sink.skips.size(), 2u);

  ASSERT_EQ(h.http.sent.size(), 3u);
  const api::HttpRequest& token = h.http.sent[0];
  EXPECT_EQ(token.method, "POST");
  EXPECT_EQ(token.body,
            "grant_type=client_credentials&client_id=client-1&client_secret=s3cr3t~value%26more"
            "&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default");
  const api::HttpRequest& first = h.http.sent[1];
  EXPECT_EQ(first.url, std::string(kGraph) + "?$select=" + kSelect);
  EXPECT_EQ(first.headers[0], (std::pair<std::string, std::string>{"Authorization", "Bearer tok-1"}));
  // The next link is followed byte for byte, quote and escape included.
  EXPECT_EQ(h.http.sent[2].url,
            "https://graph.example.test/v1.0/deviceManagement/"
            "managedDevices?$select=id&$skiptoken=LastDeviceId%3d'2'");

  // The token is reused by the next poll.
  Sink again;
  ASSERT_TRUE(h.poll(again).ok);
  EXPECT_EQ(h.http.count(kToken), 1);
}

// The next link comes from the server; the bearer token goes wherever it points. Another host, a
// downgrade to http:// or a user@ trick ends the poll, and nothing is sent there.
TEST(IntuneSource, ANextLinkOffTheConfiguredHostIsNotFollowed) {
  for (const std::string next :
       {"https://evil.example.test/v1.0/deviceManagement/managedDevices?$skiptoken=2",
        "http://graph.example.test/v1.0/deviceManagement/managedDevices?$skiptoken=2",
        "https://graph.example.test:8443/v1.0/x?$skiptoken=2",
        "https://graph.example.test@evil.example.test/v1.0/x?$skiptoken=2"}) {
    Harness h;
    h.http.script[std::string(kGraph) + "?$select=id,"] = {
        ok(R"({"value":[{"id":"d-1","serialNumber":"S1"}],"@odata.nextLink":")" + next + R"("})")};
    Sink sink;
    auto result = h.poll(sink);
    EXPECT_FALSE(result.ok) << next;
    EXPECT_EQ(result.reason, api::FailureReason::bad_response);
    EXPECT_NE(result.message.find("@odata.nextLink"), std::string::npos) << result.message;
    EXPECT_EQ(result.message.find("skiptoken"), std::string::npos) << "the link's query is not echoed";
    EXPECT_EQ(h.http.sent.size(), 2u) << next << ": only the token request and the first page";
  }
}

TEST(IntuneConfig, CredentialsGoOverHttpsOrToThisMachineOnly) {
  const auto issues = [](const std::string& extra) {
    return plugins::makeIntuneFactory()->validate(YAML::Load(
        "{name: i, plugin: intune, tenant_id: t, client_id: c, client_secret_file: /s" + extra + "}"));
  };
  EXPECT_TRUE(issues(", graph_base_url: http://127.0.0.1:8080, token_url: 'http://[::1]:9/token'").empty());
  EXPECT_TRUE(issues(", graph_base_url: http://localhost:8080").empty());
  auto bad = issues(", graph_base_url: http://graph.example.test, token_url: http://sso.example.test/token");
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_EQ(bad[0].key, "graph_base_url");
  EXPECT_NE(bad[0].message.find("https://"), std::string::npos) << bad[0].message;
  EXPECT_EQ(bad[1].key, "token_url");
}

TEST(IntuneSource, DefaultTokenUrlNamesTheTenantAndFilterIsEncoded) {
  Settings s;
  s.tenant_id = "district.example";
  s.filter = "operatingSystem eq 'Windows'";
  EXPECT_EQ(s.tokenUrl(), "https://login.microsoftonline.com/district.example/oauth2/v2.0/token");
  EXPECT_EQ(s.firstPageUrl(),
            std::string("https://graph.microsoft.com/v1.0/deviceManagement/managedDevices?$select=") +
                kSelect + "&$filter=operatingSystem%20eq%20%27Windows%27");
}

TEST(IntuneSource, WaitsOutAShortRetryAfter) {
  Harness h;
  h.http.script[kGraph] = {
      {429, {{"retry-after", "2"}}, R"({"error":{"code":"TooManyRequests","message":"slow down"}})"},
      ok(R"({"value": [{"id": "a"}]})")};
  Sink sink;
  auto result = h.poll(sink);
  ASSERT_TRUE(result.ok) << result.message;
  EXPECT_EQ(h.slept, std::vector<std::chrono::seconds>{2s});
  EXPECT_EQ(sink.seen.size(), 1u);
}

TEST(IntuneSource, HandsALongRetryAfterToTheScheduler) {
  Harness h;
  h.http.script[kGraph] = {{429, {{"retry-after", "120"}}, "{}"}};
  Sink sink;
  auto result = h.poll(sink);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.reason, api::FailureReason::rate_limited);
  EXPECT_EQ(result.retry_after, 120s);
  EXPECT_TRUE(h.slept.empty());
}

TEST(IntuneSource, GivesUpAfterBoundedRetries) {
  Harness h;
  h.http.script[kGraph] = {{503, {}, "{}"}};  // no Retry-After: 1, 2, 4 s, then fail
  Sink sink;
  auto result = h.poll(sink);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.reason, api::FailureReason::server_error);
  EXPECT_EQ(h.slept, (std::vector<std::chrono::seconds>{1s, 2s, 4s}));
  EXPECT_EQ(h.http.count(kGraph), 4);
}

TEST(IntuneSource, RenewsTheTokenOnceOn401) {
  Harness h;
  h.http.script[kGraph] = {
      {401, {}, R"({"error":{"code":"InvalidAuthenticationToken","message":"expired"}})"},
      ok(R"({"value": []})")};
  Sink sink;
  ASSERT_TRUE(h.poll(sink).ok);
  EXPECT_EQ(h.http.count(kToken), 2);

  Harness twice;
  twice.http.script[kGraph] = {
      {401, {}, R"({"error":{"code":"InvalidAuthenticationToken","message":"no"}})"}};
  auto result = twice.poll(sink);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.reason, api::FailureReason::auth);
  EXPECT_EQ(twice.http.count(kToken), 2);
}

TEST(IntuneSource, ReportsTokenRefusalWithoutTheSecret) {
  Harness h;
  h.http.script[kToken] = {
      {401,
       {},
       R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."})"}};
  Sink sink;
  auto result = h.poll(sink);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.reason, api::FailureReason::auth);
  EXPECT_NE(result.message.find("invalid_client"), std::string::npos);
  EXPECT_EQ(result.message.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(h.http.count(kGraph), 0);
}

TEST(IntuneSource, ClassifiesFailures) {
  struct Case {
    api::HttpResponse response;
    api::FailureReason reason;
  };
  const Case cases[] = {
      {{403, {}, R"({"error":{"code":"Forbidden","message":"no"}})"}, api::FailureReason::forbidden},
      {{500, {}, "{}"}, api::FailureReason::server_error},
      {{400, {}, "{}"}, api::FailureReason::bad_response},
      {ok("not json"), api::FailureReason::bad_response},
      {ok(R"({"value": [], "@odata.nextLink": "https://graph.example.test/v1.0/deviceManagement/managedDevices?$select=)" +
          std::string(kSelect) + "\"}"),
       api::FailureReason::bad_response},  // a next link pointing back at the first page
  };
  for (const Case& c : cases) {
    Harness h;
    h.http.script[kGraph] = {c.response};
    Sink sink;
    auto result = h.poll(sink);
    EXPECT_FALSE(result.ok) << c.response.status;
    EXPECT_EQ(result.reason, c.reason) << c.response.status << " " << result.message;
  }
  Harness h;
  h.http.transport_error = "connection refused";
  Sink sink;
  auto result = h.poll(sink);
  EXPECT_EQ(result.reason, api::FailureReason::network);
}

TEST(IntuneSource, FailsWithoutItsSecretFile) {
  Harness h;
  Settings s;
  s.tenant_id = "t";
  s.client_id = "c";
  s.client_secret_file = "/missing_secret";
  auto source = makeSource(s);
  Sink sink;
  auto result = source->poll(h.ctx, sink);
  EXPECT_EQ(result.reason, api::FailureReason::config);
  EXPECT_TRUE(h.http.sent.empty());
}

std::vector<api::ConfigIssue> validate(const std::string& yaml) {
  return plugins::makeIntuneFactory()->validate(YAML::Load(yaml));
}

TEST(IntuneFactory, ValidatesItsKeys) {
  EXPECT_TRUE(
      validate(
          "{name: intune, plugin: intune, interval: 1h, tenant_id: t, client_id: c, "
          "client_secret_file: /etc/fleetkeep/intune.secret, graph_base_url: https://graph.microsoft.com, "
          "token_url: \"\"}")
          .empty());
  auto issues = validate(
      "name: intune\nplugin: intune\nclient_id: c\nclient_secret_file: s\n"
      "graph_base_url: ftp://x\ntenant: t\n");
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_NE(issues[0].message.find("tenant_id"), std::string::npos);  // missing
  EXPECT_EQ(issues[1].key, "graph_base_url");
  EXPECT_EQ(issues[1].line, 5);
  EXPECT_EQ(issues[2].key, "tenant");  // unknown
}

}  // namespace
}  // namespace fk::intune
