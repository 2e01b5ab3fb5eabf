#include "api/url_policy.hpp"

#include <gtest/gtest.h>

namespace fk {
namespace {

TEST(UrlPolicy, ReadsTheOriginTheClientWillConnectTo) {
  auto o = api::urlOrigin("HTTPS://Graph.Microsoft.com/v1.0/x?$skiptoken=a");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->scheme, "https");
  EXPECT_EQ(o->host, "graph.microsoft.com");
  EXPECT_EQ(o->port, 443);
  EXPECT_EQ(api::urlOrigin("http://127.0.0.1:8080")->port, 8080);
  EXPECT_EQ(api::urlOrigin("http://[::1]:9/token")->host, "[::1]");
  // Whatever a parser could read two ways is refused, so no host but the one curl connects to passes.
  for (const char* bad :
       {"https://graph.microsoft.com@evil.test/", "https://evil.test\\@graph.microsoft.com/", "https://a b/",
        "https://graph.microsoft.com%2eevil.test/", "https://graph.microsoft.com:99999/", "https://host:/x",
        "https://host:8x/", "ftp://host/", "//host/x", "https:///x", "https://[nothex]/", "https://[::1/",
        "https://h\xc3\xa9.test/", "https://host\t/"})
    EXPECT_FALSE(api::urlOrigin(bad)) << bad;
}

TEST(UrlPolicy, CredentialsGoOverHttpsOrOverHttpToThisMachineOnly) {
  for (const char* ok : {"https://graph.microsoft.com/v1.0", "http://127.0.0.1:8080/x", "http://127.1.2.3/",
                         "http://localhost:9/token", "http://[::1]:8443/"})
    EXPECT_EQ(api::credentialTargetProblem(ok), "") << ok;
  for (const char* bad :
       {"http://snipe.district.example/", "http://10.0.0.5/token", "http://127.0.0.1.evil.test/",
        "http://0x7f000001/", "http://[::2]/", "http://localhost.evil.test/"}) {
    EXPECT_NE(api::credentialTargetProblem(bad), "") << bad;
  }
  EXPECT_NE(api::credentialTargetProblem("http://10.0.0.5/token?secret=x").find("10.0.0.5"),
            std::string::npos);
  EXPECT_EQ(api::credentialTargetProblem("http://10.0.0.5/token?secret=x").find("secret"), std::string::npos);
}

TEST(UrlPolicy, ServerGivenUrlsAreFollowedOnlyOnTheConfiguredOrigin) {
  const char* home = "https://graph.microsoft.com";
  EXPECT_EQ(api::followProblem("https://graph.microsoft.com/v1.0/x?$skiptoken=2", home), "");
  EXPECT_EQ(api::followProblem("https://GRAPH.microsoft.com:443/v1.0/x", home), "")
      << "same origin, spelt otherwise";
  for (const char* bad :
       {"https://evil.test/v1.0/x", "http://graph.microsoft.com/v1.0/x", "https://graph.microsoft.com:8443/x",
        "https://graph.microsoft.com.evil.test/x", "https://graph.microsoft.com@evil.test/x", "/v1.0/x"}) {
    const std::string why = api::followProblem(bad, home);
    EXPECT_NE(why, "") << bad;
  }
  EXPECT_NE(api::followProblem("https://evil.test/x", home).find("evil.test"), std::string::npos);
  EXPECT_EQ(api::followProblem("http://127.0.0.1:8080/p?page=2", "http://127.0.0.1:8080"), "");
  EXPECT_NE(api::followProblem("http://127.0.0.1:8081/p", "http://127.0.0.1:8080"), "");
}

}  // namespace
}  // namespace fk
