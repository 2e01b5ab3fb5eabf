#include "http/browser.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

Request withHeaders(std::map<std::string, std::string> h) {
  Request r;
  r.headers = std::move(h);
  return r;
}

TEST(SameOrigin, NoBrowserHeadersIsAllowed) { EXPECT_TRUE(sameOrigin(withHeaders({{"host", "127.0.0.1:9470"}}))); }

TEST(SameOrigin, OriginMustNameTheHost) {
  EXPECT_TRUE(sameOrigin(withHeaders({{"host", "fleet.example.org"}, {"origin", "https://Fleet.example.org"}})));
  EXPECT_TRUE(sameOrigin(withHeaders({{"host", "127.0.0.1:9470"}, {"origin", "http://127.0.0.1:9470"}})));
  EXPECT_FALSE(sameOrigin(withHeaders({{"host", "127.0.0.1:9470"}, {"origin", "http://127.0.0.1:9471"}})));
  EXPECT_FALSE(sameOrigin(withHeaders({{"host", "fleet.example.org"}, {"origin", "https://evil.example"}})));
  EXPECT_FALSE(sameOrigin(withHeaders({{"host", "fleet.example.org"}, {"origin", "null"}})));
  EXPECT_FALSE(sameOrigin(withHeaders({{"origin", "https://fleet.example.org"}})));
}

TEST(SameOrigin, RefererCountsWhenThereIsNoOrigin) {
  EXPECT_TRUE(sameOrigin(withHeaders({{"host", "h:1"}, {"referer", "http://h:1/desk?x=1"}})));
  EXPECT_FALSE(sameOrigin(withHeaders({{"host", "h:1"}, {"referer", "http://evil.example/h:1/"}})));
  EXPECT_FALSE(sameOrigin(withHeaders({{"host", "h:1"}, {"referer", "http://h:1@evil.example/"}})));
}

TEST(SessionCookie, FoundAmongOthers) {
  EXPECT_EQ(sessionCookie(withHeaders({{"cookie", "a=1; fk_session=abc; b=2"}})), "abc");
  EXPECT_EQ(sessionCookie(withHeaders({{"cookie", "fk_session=xyz"}})), "xyz");
  EXPECT_EQ(sessionCookie(withHeaders({{"cookie", "xfk_session=1"}})), "");
  EXPECT_EQ(sessionCookie(withHeaders({})), "");
}

TEST(SessionCookie, Attributes) {
  EXPECT_EQ(sessionSetCookie("abc", false), "fk_session=abc; HttpOnly; SameSite=Strict; Path=/");
  EXPECT_EQ(sessionSetCookie("abc", true), "fk_session=abc; HttpOnly; SameSite=Strict; Path=/; Secure");
  EXPECT_NE(sessionClearCookie(false).find("Max-Age=0"), std::string::npos);
}

}  // namespace
}  // namespace fk
