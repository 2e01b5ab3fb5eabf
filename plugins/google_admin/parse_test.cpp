#include "parse.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "api/http_pacing.hpp"
#include "test_support/harness.hpp"

namespace fk::google_admin {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::Pair;

std::string fixture(const std::string& name) {
  std::string text = plugin_test::readFile(GOOGLE_ADMIN_TESTDATA, name);
  EXPECT_FALSE(text.empty()) << name;
  return text;
}

api::TimePoint at(std::int64_t epoch_ms) {
  return api::TimePoint{std::chrono::milliseconds{epoch_ms}};
}

TEST(Mapping, RealisticDeviceCarriesEveryField) {
  std::string error;
  auto page = parseDevicePage(fixture("devices_page1.json"), error);
  ASSERT_TRUE(page) << error;
  ASSERT_EQ(page->devices.size(), 3u);
  EXPECT_EQ(page->next_page_token, "CgwIt8vNtgYQ4OeY0gMSDAoKNUNEMTIzNFhZWg");

  auto o = mapDevice(page->devices[0], "page 1 item 1");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->kind, api::ObservationKind::managed);
  EXPECT_EQ(o->source_id, "9a1e2b3c-4d5e-4f60-8a7b-1c2d3e4f5a6b");
  EXPECT_EQ(o->origin, "page 1 item 1");
  EXPECT_THAT(o->fields, ElementsAre(Pair("asset_tag", "CB-1001"), Pair("aue_date", "2028-06-01"),
                                     Pair("kind", "chromebook"), Pair("location", "Lincoln MS / Cart 3"),
                                     Pair("manufacturer", "HP"), Pair("model", "HP Chromebook 11 G9 EE"),
                                     Pair("notes", "Replaced keyboard 2026-03"),
                                     Pair("org_unit", "/Students/Lincoln MS"), Pair("serial", "5CD1234XYZ")));
  EXPECT_THAT(o->macs, ElementsAre("f8:b4:6a:1c:2d:3e", "0c:7a:15:ab:12:cd"));
  ASSERT_TRUE(o->last_sync);
  EXPECT_EQ(*o->last_sync, at(1795701807512));  // 2026-11-26T14:03:27.512Z
  EXPECT_EQ(o->extra.at("status"), "ACTIVE");
  EXPECT_EQ(o->extra.at("os_version"), "130.0.6723.126");
  EXPECT_EQ(o->extra.at("user"), "jsmith@students.example.org");
  // Google's side of the write-back fields (api/write_back.hpp).
  EXPECT_EQ(o->extra.at("asset_id"), o->fields.at("asset_tag"));
  EXPECT_EQ(o->extra.at("location"), o->fields.at("location"));
  EXPECT_EQ(o->extra.at("org_unit"), "/Students/Lincoln MS");
  EXPECT_EQ(o->extra.at("recent_users"), "jsmith@students.example.org,tdoe@students.example.org");
  EXPECT_EQ(o->extra.at("recent_unmanaged_users"), "1");
  EXPECT_EQ(o->extra.at("ip"), "10.20.30.41");
  EXPECT_EQ(o->extra.at("wan_ip"), "203.0.113.7");
  EXPECT_FALSE(o->extra.contains("chrome_os_type")) << "only Flex is worth a note";
  EXPECT_FALSE(o->fields.contains("status")) << "Google's status is not the registry lifecycle";
}

TEST(Mapping, DeprecatedAueAndColonMacs) {
  std::string error;
  auto page = parseDevicePage(fixture("devices_page1.json"), error);
  ASSERT_TRUE(page);
  auto o = mapDevice(page->devices[1], "page 1 item 2");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->fields.at("aue_date"), "2024-06-30");  // 1719730800000 ms = 2024-06-30T07:00:00Z
  EXPECT_EQ(o->fields.at("manufacturer"), "Acer");
  EXPECT_THAT(o->macs, ElementsAre("a4:34:d9:01:02:03"));
  EXPECT_EQ(o->extra.at("status"), "DEPROVISIONED");
  EXPECT_FALSE(o->fields.contains("asset_tag"));
  EXPECT_FALSE(o->extra.contains("ip"));
}

TEST(Mapping, FlexDeviceIsNotCalledAChromebook) {
  std::string error;
  auto page = parseDevicePage(fixture("devices_page1.json"), error);
  ASSERT_TRUE(page);
  auto o = mapDevice(page->devices[2], "x");
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->fields.contains("kind"));
  EXPECT_EQ(o->fields.at("aue_date"), "2031-08-01");  // timestamp form of autoUpdateThrough
  EXPECT_EQ(o->fields.at("manufacturer"), "Dell");
  EXPECT_EQ(o->extra.at("chrome_os_type"), "chromeOsFlex");
}

TEST(Mapping, SparseDeviceHasOnlyItsId) {
  auto o = mapDevice(json::parse(fixture("sparse_device.json")), "page 2 item 9");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->source_id, "3c2b1a00-0000-4000-8000-00000000abcd");
  EXPECT_THAT(o->fields, ElementsAre(Pair("kind", "chromebook")));
  EXPECT_TRUE(o->macs.empty());
  EXPECT_FALSE(o->last_sync);
  EXPECT_TRUE(o->extra.empty());
}

TEST(Mapping, WrongTypesAndBlanksAreIgnored) {
  json d = {{"deviceId", "d1"},           {"serialNumber", 12345},
            {"annotatedAssetId", "   "},  {"macAddress", "not-a-mac"},
            {"lastSync", "yesterday"},    {"recentUsers", "jsmith"},
            {"lastKnownNetwork", {1, 2}}, {"autoUpdateThrough", "2028-02-30"},
            {"model", "  Lenovo 100e  "}};
  auto o = mapDevice(d, "x");
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->fields.contains("serial"));
  EXPECT_FALSE(o->fields.contains("asset_tag"));
  EXPECT_FALSE(o->fields.contains("aue_date"));
  EXPECT_EQ(o->fields.at("model"), "Lenovo 100e");
  EXPECT_EQ(o->fields.at("manufacturer"), "Lenovo");
  EXPECT_TRUE(o->macs.empty());
  EXPECT_FALSE(o->last_sync);
}

TEST(Mapping, RecordWithNothingToMatchIsSkipped) {
  EXPECT_FALSE(mapDevice(json{{"model", "HP Chromebook 14"}, {"status", "ACTIVE"}}, "x"));
  EXPECT_TRUE(mapDevice(json{{"serialNumber", "ABC"}}, "x"));
  EXPECT_TRUE(mapDevice(json{{"macAddress", "001122334455"}}, "x"));
}

TEST(Timestamps, Rfc3339AndEpochMilliseconds) {
  EXPECT_EQ(parseTimestamp("2020-02-18T00:26:57.326Z"), at(1581985617326));
  EXPECT_EQ(parseTimestamp("2020-02-18T00:26:57Z"), at(1581985617000));
  EXPECT_EQ(parseTimestamp("2020-02-18T01:26:57.3+01:00"), at(1581985617300));
  EXPECT_EQ(parseTimestamp("2020-02-17T19:26:57.326123-05:00"), at(1581985617326));
  EXPECT_EQ(parseTimestamp("1581985617326"), at(1581985617326));
  EXPECT_FALSE(parseTimestamp("2020-02-18"));
  // Past 2262 a nanosecond time point wraps into the past (found by fuzz_google_page): no time at all.
  EXPECT_FALSE(parseTimestamp("4052-11-26T14:03:27.512Z"));
  EXPECT_FALSE(parseTimestamp("999999999999999"));
  EXPECT_TRUE(parseTimestamp("2199-12-31T23:59:59Z"));
  EXPECT_FALSE(parseTimestamp("2020-02-30T00:00:00Z"));
  EXPECT_FALSE(parseTimestamp("2020-02-18T25:00:00Z"));
  EXPECT_FALSE(parseTimestamp("2020-02-18T00:00:00"));
  EXPECT_FALSE(parseTimestamp(""));
}

TEST(Aue, PrefersAutoUpdateThroughInEitherForm) {
  EXPECT_EQ(aueDate(json{{"autoUpdateThrough", "2021-06-01"}}), "2021-06-01");
  EXPECT_EQ(aueDate(json{{"autoUpdateThrough", "2021-06-01T00:00:00Z"}}), "2021-06-01");
  EXPECT_EQ(aueDate(json{{"autoUpdateThrough", "2027-06-01"}, {"autoUpdateExpiration", "1719730800000"}}),
            "2027-06-01");
  EXPECT_EQ(aueDate(json{{"autoUpdateExpiration", "1719730800000"}}), "2024-06-30");
  EXPECT_EQ(aueDate(json{{"autoUpdateThrough", "soon"}, {"autoUpdateExpiration", "1719730800000"}}),
            "2024-06-30");
  EXPECT_FALSE(
      aueDate(json{{"autoUpdateExpiration", 1719730800000}}));  // a number, not the documented string
  EXPECT_FALSE(aueDate(json::object()));
}

TEST(Macs, NormalisedToColonLowercase) {
  EXPECT_EQ(normaliseMac("F8B46A1C2D3E"), "f8:b4:6a:1c:2d:3e");
  EXPECT_EQ(normaliseMac("f8-b4-6a-1c-2d-3e"), "f8:b4:6a:1c:2d:3e");
  EXPECT_FALSE(normaliseMac("f8b46a1c2d3"));
  EXPECT_FALSE(normaliseMac("f8b46a1c2d3g"));
  EXPECT_FALSE(normaliseMac(""));
}

TEST(Manufacturer, OnlyWhenTheModelNamesIt) {
  EXPECT_EQ(manufacturerFromModel("ASUS Chromebook Flip C434"), "ASUS");
  EXPECT_EQ(manufacturerFromModel("Asus Chromebook CX1"), "ASUS");
  EXPECT_EQ(manufacturerFromModel("Google Pixelbook Go"), "Google");
  EXPECT_EQ(manufacturerFromModel("Chromebook 11"), "");
  EXPECT_EQ(manufacturerFromModel("HPX 14"), "");
}

TEST(Pages, TruncatedOrMalformedIsAnError) {
  std::string body = fixture("devices_page1.json");
  std::string error;
  EXPECT_FALSE(parseDevicePage(body.substr(0, body.size() / 2), error));
  EXPECT_NE(error.find("not valid JSON"), std::string::npos);
  EXPECT_FALSE(parseDevicePage("[]", error));
  EXPECT_FALSE(parseDevicePage(R"({"chromeosdevices": {"a": 1}})", error));
  EXPECT_FALSE(parseDevicePage(R"({"chromeosdevices": [1]})", error));
  EXPECT_FALSE(parseDevicePage(R"({"chromeosdevices": [], "nextPageToken": 7})", error));
  EXPECT_FALSE(parseDevicePage("", error));
}

TEST(Pages, EmptyListingIsALastPage) {
  std::string error;
  auto page = parseDevicePage(R"({"kind": "admin#directory#chromeosdevices", "etag": "x"})", error);
  ASSERT_TRUE(page) << error;
  EXPECT_TRUE(page->devices.empty());
  EXPECT_TRUE(page->next_page_token.empty());
}

TEST(Errors, DecidedOnReasonNotStatus) {
  auto forbidden = classifyError(403, fixture("error_forbidden.json"));
  EXPECT_EQ(forbidden.reason, api::FailureReason::forbidden);
  EXPECT_FALSE(forbidden.retry);
  EXPECT_EQ(forbidden.message, "HTTP 403 forbidden: Not Authorized to access this resource/api");

  auto user_quota = classifyError(403, fixture("error_user_rate_limit.json"));
  EXPECT_EQ(user_quota.reason, api::FailureReason::rate_limited);
  EXPECT_TRUE(user_quota.retry);

  auto quota = classifyError(403, R"({"error":{"code":403,"errors":[{"reason":"quotaExceeded"}]}})");
  EXPECT_TRUE(quota.retry);

  auto rate = classifyError(429, fixture("error_rate_limit.json"));
  EXPECT_EQ(rate.reason, api::FailureReason::rate_limited);
  EXPECT_TRUE(rate.retry);
  EXPECT_TRUE(classifyError(429, "").retry);

  auto backend = classifyError(503, fixture("error_backend.json"));
  EXPECT_EQ(backend.reason, api::FailureReason::server_error);
  EXPECT_TRUE(backend.retry);
  EXPECT_TRUE(classifyError(500, "<html>oops</html>").retry);
  EXPECT_FALSE(classifyError(501, "").retry);

  auto auth = classifyError(401, fixture("error_auth.json"));
  EXPECT_EQ(auth.reason, api::FailureReason::auth);
  EXPECT_TRUE(auth.refresh_token);
  EXPECT_FALSE(auth.retry);

  EXPECT_EQ(classifyError(404, R"({"error":{"code":404,"errors":[{"reason":"notFound"}]}})").reason,
            api::FailureReason::config);
  EXPECT_EQ(classifyError(400, R"({"error":{"code":400,"errors":[{"reason":"invalid"}]}})").reason,
            api::FailureReason::bad_response);
}

TEST(Errors, RefusedGrantIsAuthAndNotRetried) {
  for (int status : {400, 401}) {
    auto v = classifyError(status, fixture("token_invalid_grant.json"));
    EXPECT_EQ(v.reason, api::FailureReason::auth);
    EXPECT_FALSE(v.retry);
    EXPECT_FALSE(v.refresh_token);
    EXPECT_EQ(v.message, "HTTP " + std::to_string(status) + " invalid_grant: Invalid JWT Signature.");
  }
}

TEST(Errors, MessagesStayOneShortLine) {
  std::string long_message(1000, 'x');
  auto v = classifyError(500, R"({"error":{"message":"line1\nline2 )" + long_message + R"("}})");
  EXPECT_EQ(v.message.find('\n'), std::string::npos);
  EXPECT_LT(v.message.size(), 260u);
}

TEST(RetryAfter, SecondsOrHttpDate) {
  auto now = api::TimePoint{std::chrono::seconds{1445412470}};  // Wed, 21 Oct 2015 07:27:50 GMT
  EXPECT_EQ(api::parseRetryAfter("120", now), std::chrono::seconds{120});
  EXPECT_EQ(api::parseRetryAfter(" 0 ", now), std::chrono::seconds{0});
  EXPECT_EQ(api::parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now), std::chrono::seconds{10});
  EXPECT_EQ(api::parseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now), std::chrono::seconds{0});
  EXPECT_FALSE(api::parseRetryAfter("", now));
  EXPECT_FALSE(api::parseRetryAfter("soon", now));
  EXPECT_FALSE(api::parseRetryAfter("-5", now));
}

}  // namespace
}  // namespace fk::google_admin
