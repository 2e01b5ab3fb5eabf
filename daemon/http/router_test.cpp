#include "http/router.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

Handler tagged(std::string tag) {
  return [tag](Request&) { return jsonResponse(200, {{"tag", tag}}); };
}

std::string call(const Router::Match& m) {
  Request req;
  return nlohmann::json::parse((*m.handler)(req).body).at("tag").get<std::string>();
}

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/healthz", {.min_role = std::nullopt}, tagged("healthz"));
    router_.add("GET", "/api/v1/devices", {}, tagged("list"));
    router_.add("POST", "/api/v1/devices", {.min_role = Role::technician, .body = RouteOptions::Body::json},
                tagged("create"));
    router_.add("GET", "/api/v1/devices/{ref}", {}, tagged("get"));
    router_.add("PATCH", "/api/v1/devices/{ref}", {.body = RouteOptions::Body::json}, tagged("patch"));
    router_.add("GET", "/api/v1/devices/{ref}/events", {}, tagged("events"));
    router_.add("POST", "/api/v1/devices:import", {.body = RouteOptions::Body::csv}, tagged("import"));
    router_.add("GET", "/api/v1/devices:export", {}, tagged("export"));
    router_.add("GET", "/api/v1/models/{model}", {}, tagged("model"));
    router_.add("GET", "/api/v1/things/{id}", {}, tagged("thing"));
    router_.add("GET", "/api/v1/things/latest", {}, tagged("latest"));
  }
  Router router_;
};

TEST_F(RouterTest, MatchesLiteralRoute) {
  auto m = router_.match("GET", "/healthz");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(call(m), "healthz");
  EXPECT_EQ(m.route, "/healthz");
  EXPECT_FALSE(m.options.min_role.has_value());
}

TEST_F(RouterTest, CapturesDecodedParam) {
  auto m = router_.match("GET", "/api/v1/devices/tag%3ACB-1001");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(call(m), "get");
  EXPECT_EQ(m.route, "/api/v1/devices/{ref}");
  EXPECT_EQ(m.params.at("ref"), "tag:CB-1001");
}

TEST_F(RouterTest, EncodedSlashStaysInOneSegment) {
  auto m = router_.match("GET", "/api/v1/models/Lenovo%20300e%2F500e");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.params.at("model"), "Lenovo 300e/500e");
  // Unencoded, the slash is a separator, so the path has one segment too many.
  EXPECT_EQ(router_.match("GET", "/api/v1/models/Lenovo 300e/500e").handler, nullptr);
}

TEST_F(RouterTest, PlusInPathIsNotASpace) {
  auto m = router_.match("GET", "/api/v1/models/A+B");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(m.params.at("model"), "A+B");
}

TEST_F(RouterTest, ColonActionsAreTheirOwnRoutes) {
  auto imp = router_.match("POST", "/api/v1/devices:import");
  ASSERT_NE(imp.handler, nullptr);
  EXPECT_EQ(call(imp), "import");
  EXPECT_EQ(imp.options.body, RouteOptions::Body::csv);
  auto exp = router_.match("GET", "/api/v1/devices:export");
  ASSERT_NE(exp.handler, nullptr);
  EXPECT_EQ(call(exp), "export");
  EXPECT_EQ(exp.route, "/api/v1/devices:export");
}

TEST_F(RouterTest, NestedRouteAfterParam) {
  auto m = router_.match("GET", "/api/v1/devices/42/events");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(call(m), "events");
  EXPECT_EQ(m.params.at("ref"), "42");
}

TEST_F(RouterTest, LiteralSegmentBeatsParam) {
  EXPECT_EQ(call(router_.match("GET", "/api/v1/things/latest")), "latest");
  EXPECT_EQ(call(router_.match("GET", "/api/v1/things/7")), "thing");
}

TEST_F(RouterTest, WrongMethodOnKnownPathIs405WithAllowedMethods) {
  auto m = router_.match("DELETE", "/api/v1/devices/7");
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "PATCH"}));
}

TEST_F(RouterTest, UnknownPathIsNotKnown) {
  for (const char* path : {"/nope", "/api/v1/devices/", "/api/v1/devices/7/events/x", "/", "", "/api/v1"}) {
    auto m = router_.match("GET", path);
    EXPECT_EQ(m.handler, nullptr) << path;
    EXPECT_FALSE(m.path_known) << path;
  }
}

TEST_F(RouterTest, EmptyParamDoesNotMatch) {
  EXPECT_EQ(router_.match("GET", "/api/v1/devices//events").handler, nullptr);
}

TEST_F(RouterTest, MalformedEscapesNeverMatch) {
  for (const char* path : {"/api/v1/devices/%", "/api/v1/devices/%4", "/api/v1/devices/%zz", "/api/v1/devices/a%g1"}) {
    auto m = router_.match("GET", path);
    EXPECT_EQ(m.handler, nullptr) << path;
    EXPECT_FALSE(m.path_known) << path;
  }
}

TEST_F(RouterTest, EscapedLiteralStillMatches) {
  auto m = router_.match("GET", "/api/v1/%64evices");
  ASSERT_NE(m.handler, nullptr);
  EXPECT_EQ(call(m), "list");
}

TEST(RouterAdd, DuplicateRouteIsRefused) {
  Router r;
  r.add("GET", "/x", {}, tagged("a"));
  EXPECT_THROW(r.add("GET", "/x", {}, tagged("b")), std::logic_error);
}

TEST(PercentDecode, Cases) {
  EXPECT_EQ(percentDecode("a%20b"), "a b");
  EXPECT_EQ(percentDecode("a+b"), "a+b");
  EXPECT_EQ(percentDecode("a+b", true), "a b");
  EXPECT_EQ(percentDecode("%2f%2F"), "//");
  EXPECT_EQ(percentDecode("%C3%A9"), "\xC3\xA9");
  EXPECT_EQ(percentDecode(""), "");
  EXPECT_FALSE(percentDecode("%").has_value());
  EXPECT_FALSE(percentDecode("abc%2").has_value());
  EXPECT_FALSE(percentDecode("%G0").has_value());
}

}  // namespace
}  // namespace fk
