#include "core/id_token.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

namespace fk {

namespace {

using nlohmann::json;

Error tokenRefused(std::string_view reason, std::string message) {
  return Error{Errc::unauthorized, std::move(message), {{"reason", reason}}};
}

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using CtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using BldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;

// An RSA public key from a JWK's modulus and exponent (big-endian, base64url).
KeyPtr rsaKey(const std::string& n64, const std::string& e64) {
  auto n = base64UrlDecode(n64);
  auto e = base64UrlDecode(e64);
  if (!n || !e || n->empty() || e->empty()) return nullptr;
  BnPtr bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()), static_cast<int>(n->size()), nullptr));
  BnPtr bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()), static_cast<int>(e->size()), nullptr));
  BldPtr bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld) return nullptr;
  if (!OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()))
    return nullptr;
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  CtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) return nullptr;
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) return nullptr;
  return KeyPtr(key);
}

bool verifyRs256(EVP_PKEY* key, std::string_view signed_part, const std::string& signature) {
  MdCtxPtr md(EVP_MD_CTX_new());
  if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key) != 1) return false;
  return EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

std::optional<json> jsonPart(std::string_view part) {
  auto text = base64UrlDecode(part);
  if (!text) return std::nullopt;
  json j = json::parse(*text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  return j;
}

std::string text(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<IdTokenClaims> verifyIdToken(std::string_view jwt, std::string_view jwks_json, const IdTokenRules& rules,
                                    std::chrono::system_clock::time_point now) {
  const auto dot1 = jwt.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : jwt.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || jwt.find('.', dot2 + 1) != std::string_view::npos)
    return std::unexpected(tokenRefused("malformed", "the ID token is not a signed JWT"));
  auto header = jsonPart(jwt.substr(0, dot1));
  auto claims = jsonPart(jwt.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = base64UrlDecode(jwt.substr(dot2 + 1));
  if (!header || !claims || !signature)
    return std::unexpected(tokenRefused("malformed", "the ID token is not a signed JWT"));

  // The algorithm comes from the token, so only the one we expect may be honoured ("none", HS256 with
  // the public key as secret: the classic forgeries).
  if (text(*header, "alg") != "RS256")
    return std::unexpected(tokenRefused("algorithm", "the ID token is not signed with RS256"));
  const std::string kid = text(*header, "kid");
  json jwks = json::parse(jwks_json, nullptr, false);
  const json* jwk = nullptr;
  if (jwks.is_object() && jwks.contains("keys") && jwks["keys"].is_array()) {
    for (const auto& k : jwks["keys"])
      if (k.is_object() && text(k, "kid") == kid && text(k, "kty") == "RSA") jwk = &k;
  }
  if (!jwk)
    return std::unexpected(
        tokenRefused("unknown_key", "the ID token's key \"" + kid + "\" is not in the provider's key set"));
  if (auto alg = text(*jwk, "alg"); !alg.empty() && alg != "RS256")
    return std::unexpected(tokenRefused("algorithm", "the provider's key is not an RS256 key"));
  auto key = rsaKey(text(*jwk, "n"), text(*jwk, "e"));
  if (!key || !verifyRs256(key.get(), jwt.substr(0, dot2), *signature))
    return std::unexpected(tokenRefused("signature", "the ID token's signature does not verify"));

  const json& c = *claims;
  if (std::find(rules.issuers.begin(), rules.issuers.end(), text(c, "iss")) == rules.issuers.end())
    return std::unexpected(tokenRefused("issuer", "the ID token comes from another issuer"));
  bool audience = false;
  if (auto aud = c.find("aud"); aud != c.end()) {
    if (aud->is_string()) audience = *aud == rules.client_id;
    if (aud->is_array()) {
      for (const auto& a : *aud) audience = audience || (a.is_string() && a == rules.client_id);
      // Several audiences: the token must have been issued to us (OIDC Core 3.1.3.7).
      if (aud->size() > 1) audience = audience && text(c, "azp") == rules.client_id;
    }
  }
  if (!audience)
    return std::unexpected(tokenRefused("audience", "the ID token was issued to another client"));
  const auto t = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  auto exp = c.find("exp");
  if (exp == c.end() || !exp->is_number() || t >= exp->get<std::int64_t>() + rules.skew.count())
    return std::unexpected(tokenRefused("expired", "the ID token has expired"));
  if (auto iat = c.find("iat"); iat != c.end() && iat->is_number() && iat->get<std::int64_t>() > t + rules.skew.count())
    return std::unexpected(tokenRefused("not_yet_valid", "the ID token is issued in the future"));
  if (rules.nonce.empty() || text(c, "nonce") != rules.nonce)
    return std::unexpected(tokenRefused("nonce", "the ID token's nonce does not match this sign-in"));
  const std::string email = text(c, "email");
  if (email.empty()) return std::unexpected(tokenRefused("email", "the ID token carries no email"));
  // A JSON bool, but older tokens carry the string "true".
  auto verified = c.find("email_verified");
  if (verified == c.end() || !((verified->is_boolean() && verified->get<bool>()) || (verified->is_string() && *verified == "true")))
    return std::unexpected(tokenRefused("email_unverified", "the provider has not verified " + email));
  const std::string hd = text(c, "hd");
  if (hd.empty() || std::find(rules.allowed_domains.begin(), rules.allowed_domains.end(), hd) == rules.allowed_domains.end())
    return std::unexpected(
        tokenRefused("domain", email + " is not an account of an allowed Workspace domain"));
  return IdTokenClaims{text(c, "sub"), email, hd};
}

}  // namespace fk
