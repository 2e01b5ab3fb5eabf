#include "auth.hpp"

#include "api/base64url.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <nlohmann/json.hpp>

namespace fk::google_admin {

using nlohmann::json;

namespace {

template <auto Free>
struct Deleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;

// A passphrase-protected key must fail, not make OpenSSL prompt on a terminal the daemon doesn't have.
int noPassphrase(char*, int, int, void*) {
  return -1;
}

std::string requiredText(const json& j, const char* key, std::string& error) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    if (error.empty()) error = std::string("no ") + key;
    return {};
  }
  return it->get<std::string>();
}

}  // namespace

ServiceAccountKey::~ServiceAccountKey() {
  if (!private_key.empty()) OPENSSL_cleanse(private_key.data(), private_key.size());
}

std::optional<ServiceAccountKey> parseServiceAccountKey(std::string_view text, std::string& error) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = "not a JSON service-account key";
    return std::nullopt;
  }
  if (auto type = j.find("type"); type != j.end() && *type != "service_account") {
    error = "type is not service_account";
    return std::nullopt;
  }
  error.clear();
  ServiceAccountKey key;
  key.client_email = requiredText(j, "client_email", error);
  key.private_key = requiredText(j, "private_key", error);
  if (auto it = j.find("private_key_id"); it != j.end() && it->is_string())
    key.private_key_id = it->get<std::string>();
  if (auto it = j.find("token_uri"); it != j.end() && it->is_string()) key.token_uri = it->get<std::string>();
  if (!error.empty()) return std::nullopt;
  // json copies are not wiped; drop the parsed tree's key text now rather than at scope end.
  if (auto it = j.find("private_key"); it != j.end()) {
    auto& s = it->get_ref<std::string&>();
    OPENSSL_cleanse(s.data(), s.size());
  }
  return key;
}

JwtClaims makeClaims(const ServiceAccountKey& key, std::string subject, std::string token_url,
                     api::TimePoint now, std::string_view scope) {
  JwtClaims c;
  c.iss = key.client_email;
  c.sub = std::move(subject);
  c.scope = std::string(scope);
  c.aud = std::move(token_url);
  c.iat = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  c.exp = c.iat + 3600;
  return c;
}

std::optional<std::string> signJwt(const JwtClaims& claims, const ServiceAccountKey& key,
                                   std::string& error) {
  json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!key.private_key_id.empty()) header["kid"] = key.private_key_id;
  json body = {{"iss", claims.iss}, {"sub", claims.sub}, {"scope", claims.scope},
               {"aud", claims.aud}, {"iat", claims.iat}, {"exp", claims.exp}};
  std::string input = base64Url(header.dump()) + "." + base64Url(body.dump());

  BioPtr bio(BIO_new_mem_buf(key.private_key.data(), static_cast<int>(key.private_key.size())));
  KeyPtr pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr) : nullptr);
  MdCtxPtr md(EVP_MD_CTX_new());
  std::size_t length = 0;
  std::string signature;
  bool ok = pkey && EVP_PKEY_get_base_id(pkey.get()) == EVP_PKEY_RSA && md &&
            EVP_DigestSignInit(md.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) == 1 &&
            EVP_DigestSign(md.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(input.data()),
                           input.size()) == 1;
  if (ok) {
    signature.resize(length);
    ok = EVP_DigestSign(md.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                        reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
    signature.resize(length);
  }
  // OpenSSL's queued errors would otherwise surface in some unrelated later call on this thread.
  ERR_clear_error();
  if (!ok) {
    error = pkey ? "private_key could not sign (not an RSA key?)"
                 : "private_key is not a readable PEM private key";
    return std::nullopt;
  }
  return input + "." + base64Url(signature);
}

std::string base64Url(std::string_view bytes) { return api::base64UrlEncode(bytes); }

std::optional<std::string> base64UrlDecode(std::string_view text) { return api::base64UrlDecode(text); }

std::string tokenRequestBody(std::string_view assertion) {
  return "grant_type=" + api::urlEncode(kJwtBearerGrant) + "&assertion=" + api::urlEncode(assertion);
}

std::optional<AccessToken> parseTokenResponse(std::string_view body, api::TimePoint now, std::string& error) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = "token response is not JSON";
    return std::nullopt;
  }
  auto token = j.find("access_token");
  if (token == j.end() || !token->is_string() || token->get_ref<const std::string&>().empty()) {
    error = "token response has no access_token";
    return std::nullopt;
  }
  if (auto type = j.find("token_type"); type != j.end() && type->is_string()) {
    std::string t = type->get<std::string>();
    if (t != "Bearer" && t != "bearer") {
      error = "token response has token_type " + t.substr(0, 20) + ", not Bearer";
      return std::nullopt;
    }
  }
  std::int64_t seconds = 3600;
  if (auto in = j.find("expires_in"); in != j.end() && in->is_number_integer())
    seconds = in->get<std::int64_t>();
  if (seconds <= 0 || seconds > 86400) {
    error = "token response has expires_in " + std::to_string(seconds);
    return std::nullopt;
  }
  return AccessToken::issued(token->get<std::string>(), now, std::chrono::seconds{seconds},
                             std::min(std::chrono::seconds{300}, std::chrono::seconds{seconds / 2}));
}

}  // namespace fk::google_admin
