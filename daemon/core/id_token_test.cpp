#include "core/id_token.hpp"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <nlohmann/json.hpp>

namespace fk {
namespace {

using nlohmann::json;
using Clock = std::chrono::system_clock;

// A provider's signing key, made for the test run.
class Provider {
 public:
  Provider() : key_(EVP_RSA_gen(2048)) {}
  ~Provider() { EVP_PKEY_free(key_); }

  std::string jwks(const std::string& kid = "k1") const {
    return json{{"keys", {{{"kty", "RSA"}, {"kid", kid}, {"alg", "RS256"}, {"use", "sig"}, {"n", bn(OSSL_PKEY_PARAM_RSA_N)},
                           {"e", bn(OSSL_PKEY_PARAM_RSA_E)}}}}}
        .dump();
  }

  std::string sign(const json& claims, const json& header = {{"alg", "RS256"}, {"kid", "k1"}, {"typ", "JWT"}}) const {
    const std::string input = base64UrlEncode(header.dump()) + "." + base64UrlEncode(claims.dump());
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key_);
    std::size_t size = 0;
    EVP_DigestSign(md, nullptr, &size, reinterpret_cast<const unsigned char*>(input.data()), input.size());
    std::string sig(size, '\0');
    EVP_DigestSign(md, reinterpret_cast<unsigned char*>(sig.data()), &size,
                   reinterpret_cast<const unsigned char*>(input.data()), input.size());
    EVP_MD_CTX_free(md);
    sig.resize(size);
    return input + "." + base64UrlEncode(sig);
  }

 private:
  std::string bn(const char* name) const {
    BIGNUM* b = nullptr;
    EVP_PKEY_get_bn_param(key_, name, &b);
    std::string out(static_cast<std::size_t>(BN_num_bytes(b)), '\0');
    BN_bn2bin(b, reinterpret_cast<unsigned char*>(out.data()));
    BN_free(b);
    return base64UrlEncode(out);
  }
  EVP_PKEY* key_;
};

class IdToken : public ::testing::Test {
 protected:
  static Provider& provider() {
    static Provider p;
    return p;
  }
  static Provider& stranger() {
    static Provider p;
    return p;
  }
  Clock::time_point now_ = Clock::time_point(std::chrono::seconds(1'800'000'000));
  IdTokenRules rules_{{"https://accounts.google.com", "accounts.google.com"}, "client-123", "nonce-abc", {"example.org"}};

  json claims() const {
    return {{"iss", "https://accounts.google.com"}, {"aud", "client-123"}, {"azp", "client-123"},
            {"sub", "1100042"}, {"email", "rivera@example.org"}, {"email_verified", true}, {"hd", "example.org"},
            {"nonce", "nonce-abc"}, {"iat", 1'800'000'000 - 10}, {"exp", 1'800'000'000 + 3600}};
  }
  Result<IdTokenClaims> check(const std::string& jwt) { return verifyIdToken(jwt, provider().jwks(), rules_, now_); }
  std::string reason(const Result<IdTokenClaims>& r) {
    return r ? "accepted" : r.error().details.value("reason", "?");
  }
};

TEST_F(IdToken, AGoodTokenSignsIn) {
  auto r = check(provider().sign(claims()));
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->email, "rivera@example.org");
  EXPECT_EQ(r->subject, "1100042");
  EXPECT_EQ(r->domain, "example.org");
}

TEST_F(IdToken, TheLegacyIssuerAndAStringEmailVerifiedAreAccepted) {
  auto c = claims();
  c["iss"] = "accounts.google.com";
  c["email_verified"] = "true";
  EXPECT_EQ(reason(check(provider().sign(c))), "accepted");
}

TEST_F(IdToken, AnotherKeysSignatureIsRefused) {
  EXPECT_EQ(reason(check(stranger().sign(claims()))), "signature");
}

TEST_F(IdToken, ATamperedPayloadIsRefused) {
  std::string jwt = provider().sign(claims());
  auto c = claims();
  c["email"] = "boss@example.org";
  const auto d1 = jwt.find('.'), d2 = jwt.rfind('.');
  jwt = jwt.substr(0, d1 + 1) + base64UrlEncode(c.dump()) + jwt.substr(d2);
  EXPECT_EQ(reason(check(jwt)), "signature");
}

TEST_F(IdToken, OnlyRs256IsHonoured) {
  EXPECT_EQ(reason(check(provider().sign(claims(), {{"alg", "none"}, {"kid", "k1"}}))), "algorithm");
  EXPECT_EQ(reason(check(provider().sign(claims(), {{"alg", "HS256"}, {"kid", "k1"}}))), "algorithm");
  const std::string unsigned_jwt = base64UrlEncode(json{{"alg", "none"}}.dump()) + "." + base64UrlEncode(claims().dump()) + ".";
  EXPECT_EQ(reason(check(unsigned_jwt)), "algorithm");
}

TEST_F(IdToken, AnUnknownKeyIdAsksForARefetch) {
  EXPECT_EQ(reason(check(provider().sign(claims(), {{"alg", "RS256"}, {"kid", "rotated"}}))), "unknown_key");
}

TEST_F(IdToken, WrongIssuerIsRefused) {
  auto c = claims();
  c["iss"] = "https://evil.example";
  EXPECT_EQ(reason(check(provider().sign(c))), "issuer");
}

TEST_F(IdToken, WrongAudienceIsRefused) {
  auto c = claims();
  c["aud"] = "another-client";
  EXPECT_EQ(reason(check(provider().sign(c))), "audience");
  c["aud"] = json::array({"another-client", "client-123"});
  c["azp"] = "another-client";
  EXPECT_EQ(reason(check(provider().sign(c))), "audience");
  c["azp"] = "client-123";
  EXPECT_EQ(reason(check(provider().sign(c))), "accepted");
}

TEST_F(IdToken, ExpiredBeyondTheSkewIsRefused) {
  auto c = claims();
  c["exp"] = 1'800'000'000 - 30;  // within the 60 s skew
  EXPECT_EQ(reason(check(provider().sign(c))), "accepted");
  c["exp"] = 1'800'000'000 - 61;
  EXPECT_EQ(reason(check(provider().sign(c))), "expired");
  c.erase("exp");
  EXPECT_EQ(reason(check(provider().sign(c))), "expired");
}

TEST_F(IdToken, IssuedInTheFutureIsRefused) {
  auto c = claims();
  c["iat"] = 1'800'000'000 + 600;
  EXPECT_EQ(reason(check(provider().sign(c))), "not_yet_valid");
}

TEST_F(IdToken, AnotherSignInsNonceIsRefused) {
  auto c = claims();
  c["nonce"] = "nonce-of-another-sign-in";
  EXPECT_EQ(reason(check(provider().sign(c))), "nonce");
  c.erase("nonce");
  EXPECT_EQ(reason(check(provider().sign(c))), "nonce");
}

TEST_F(IdToken, AnUnverifiedEmailIsRefused) {
  auto c = claims();
  c["email_verified"] = false;
  EXPECT_EQ(reason(check(provider().sign(c))), "email_unverified");
  c.erase("email_verified");
  EXPECT_EQ(reason(check(provider().sign(c))), "email_unverified");
}

TEST_F(IdToken, ADomainOutsideTheAllowedOnesIsRefused) {
  auto c = claims();
  c["hd"] = "other.org";
  EXPECT_EQ(reason(check(provider().sign(c))), "domain");
  c.erase("hd");  // a consumer account
  EXPECT_EQ(reason(check(provider().sign(c))), "domain");
}

TEST_F(IdToken, GarbageIsMalformed) {
  EXPECT_EQ(reason(check("")), "malformed");
  EXPECT_EQ(reason(check("a.b")), "malformed");
  EXPECT_EQ(reason(check("a.b.c.d")), "malformed");
  EXPECT_EQ(reason(check("!!.??.**")), "malformed");
}

TEST(Base64Url, RoundTripAndRefusals) {
  for (std::string s : std::vector<std::string>{"", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\xff\xfe\x00", 3)})
    EXPECT_EQ(base64UrlDecode(base64UrlEncode(s)).value(), s);
  EXPECT_EQ(base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64UrlDecode("ab+/").has_value());
  EXPECT_FALSE(base64UrlDecode("abc=").has_value());
  EXPECT_FALSE(base64UrlDecode("a").has_value());
}

}  // namespace
}  // namespace fk
