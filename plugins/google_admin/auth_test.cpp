#include "auth.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "test_key.hpp"

namespace fk::google_admin {
namespace {

using nlohmann::json;

ServiceAccountKey testAccount() {
  ServiceAccountKey key;
  key.client_email = std::string(testing::kTestClientEmail);
  key.private_key = testing::testPrivateKeyPem();
  key.private_key_id = "kid-1";
  key.token_uri = "https://oauth2.googleapis.com/token";
  return key;
}

json part(const std::string& jwt, int index) {
  std::size_t start = 0;
  for (int i = 0; i < index; ++i) start = jwt.find('.', start) + 1;
  auto end = jwt.find('.', start);
  auto decoded = base64UrlDecode(jwt.substr(start, end - start));
  EXPECT_TRUE(decoded.has_value());
  return json::parse(decoded.value_or("null"));
}

const api::TimePoint kNow = api::TimePoint{std::chrono::seconds{1795000000}};

TEST(Jwt, ClaimsAreWhatGoogleExpects) {
  auto claims = makeClaims(testAccount(), "admin@example.org", "https://oauth2.googleapis.com/token", kNow);
  EXPECT_EQ(claims.iss, testing::kTestClientEmail);
  EXPECT_EQ(claims.sub, "admin@example.org");
  EXPECT_EQ(claims.scope, "https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly");
  EXPECT_EQ(claims.aud, "https://oauth2.googleapis.com/token");
  EXPECT_EQ(claims.iat, 1795000000);
  EXPECT_EQ(claims.exp, 1795000000 + 3600);
}

TEST(Jwt, SignedWithRs256AndVerifiesWithThePublicKey) {
  std::string error;
  auto claims = makeClaims(testAccount(), "admin@example.org", "http://127.0.0.1:1/token", kNow);
  auto jwt = signJwt(claims, testAccount(), error);
  ASSERT_TRUE(jwt) << error;
  EXPECT_EQ(std::count(jwt->begin(), jwt->end(), '.'), 2);
  EXPECT_EQ(jwt->find_first_of("=+/"), std::string::npos) << "base64url without padding";
  EXPECT_TRUE(testing::verifyWithTestKey(*jwt));

  json header = part(*jwt, 0);
  EXPECT_EQ(header["alg"], "RS256");
  EXPECT_EQ(header["typ"], "JWT");
  EXPECT_EQ(header["kid"], "kid-1");
  json body = part(*jwt, 1);
  EXPECT_EQ(body["iss"], testing::kTestClientEmail);
  EXPECT_EQ(body["sub"], "admin@example.org");
  EXPECT_EQ(body["aud"], "http://127.0.0.1:1/token");
  EXPECT_EQ(body["scope"], std::string(kScope));
  EXPECT_EQ(body["iat"], 1795000000);
  EXPECT_EQ(body["exp"], 1795003600);
}

TEST(Jwt, TamperedClaimsNoLongerVerify) {
  std::string error;
  auto jwt = signJwt(makeClaims(testAccount(), "admin@example.org", "aud", kNow), testAccount(), error);
  ASSERT_TRUE(jwt);
  auto dot = jwt->find('.');
  std::string other_body = base64Url(R"({"sub":"root@example.org"})");
  std::string forged = jwt->substr(0, dot + 1) + other_body + jwt->substr(jwt->rfind('.'));
  EXPECT_FALSE(testing::verifyWithTestKey(forged));
}

TEST(Jwt, UnreadableKeyIsAnErrorWithoutTheKeyText) {
  ServiceAccountKey key = testAccount();
  key.private_key = "-----BEGIN PRIVATE KEY-----\nnot really\n-----END PRIVATE KEY-----\n";
  std::string error;
  EXPECT_FALSE(signJwt(makeClaims(key, "a@b", "aud", kNow), key, error));
  EXPECT_NE(error.find("private_key"), std::string::npos);
  EXPECT_EQ(error.find("not really"), std::string::npos);
}

TEST(Jwt, EncryptedKeyFailsInsteadOfPrompting) {
  ServiceAccountKey key = testAccount();
  key.private_key =
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n"
      "-----END ENCRYPTED PRIVATE KEY-----\n";
  std::string error;
  EXPECT_FALSE(signJwt(makeClaims(key, "a@b", "aud", kNow), key, error));
}

TEST(Base64Url, RoundTripsAllLengths) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(base64UrlDecode(base64Url(bytes)), bytes);
    bytes += static_cast<char>(i * 37 + 250);
  }
  EXPECT_EQ(base64Url("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64UrlDecode("ab+c"));
}

TEST(ServiceAccountKey, ReadsGoogleKeyFile) {
  std::string error;
  auto key = parseServiceAccountKey(
      R"({"type":"service_account","client_email":"x@p.iam.gserviceaccount.com","private_key":"PEM",
          "private_key_id":"abc","token_uri":"https://oauth2.googleapis.com/token","client_id":"1"})",
      error);
  ASSERT_TRUE(key) << error;
  EXPECT_EQ(key->client_email, "x@p.iam.gserviceaccount.com");
  EXPECT_EQ(key->private_key, "PEM");
  EXPECT_EQ(key->private_key_id, "abc");
  EXPECT_EQ(key->token_uri, "https://oauth2.googleapis.com/token");
}

TEST(ServiceAccountKey, NamesWhatIsMissing) {
  std::string error;
  EXPECT_FALSE(parseServiceAccountKey(R"({"type":"service_account","private_key":"PEM"})", error));
  EXPECT_EQ(error, "no client_email");
  EXPECT_FALSE(
      parseServiceAccountKey(R"({"type":"authorized_user","client_email":"a","private_key":"b"})", error));
  EXPECT_EQ(error, "type is not service_account");
  EXPECT_FALSE(parseServiceAccountKey("{\"private_key\": \"secret-pem", error));
  EXPECT_EQ(error.find("secret"), std::string::npos);
}

TEST(TokenRequest, IsAFormWithTheJwtBearerGrant) {
  EXPECT_EQ(tokenRequestBody("a.b.c"),
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=a.b.c");
  EXPECT_EQ(api::urlEncode("sync:2026-11-26.. x/y"), "sync%3A2026-11-26..%20x%2Fy");
}

TEST(TokenResponse, CachedUntilShortlyBeforeExpiry) {
  std::string error;
  auto token = parseTokenResponse(R"({"access_token":"ya29.abc","token_type":"Bearer","expires_in":3599})",
                                  kNow, error);
  ASSERT_TRUE(token) << error;
  EXPECT_EQ(token->value, "ya29.abc");
  EXPECT_EQ(token->expires_at, kNow + std::chrono::seconds{3599});
  EXPECT_TRUE(token->usable(kNow + std::chrono::seconds{3000}));
  EXPECT_FALSE(token->usable(kNow + std::chrono::seconds{3400}));

  auto short_lived = parseTokenResponse(R"({"access_token":"t","expires_in":60})", kNow, error);
  ASSERT_TRUE(short_lived);
  EXPECT_TRUE(short_lived->usable(kNow + std::chrono::seconds{29}));
  EXPECT_FALSE(short_lived->usable(kNow + std::chrono::seconds{30}));
}

TEST(TokenResponse, RefusesAnswersWithoutAUsableToken) {
  std::string error;
  EXPECT_FALSE(parseTokenResponse(R"({"token_type":"Bearer","expires_in":3599})", kNow, error));
  EXPECT_FALSE(parseTokenResponse(R"({"access_token":"t","token_type":"MAC"})", kNow, error));
  EXPECT_FALSE(parseTokenResponse(R"({"access_token":"t","expires_in":0})", kNow, error));
  EXPECT_FALSE(parseTokenResponse(R"({"access_token":"t", "expi)", kNow, error));
}

}  // namespace
}  // namespace fk::google_admin
