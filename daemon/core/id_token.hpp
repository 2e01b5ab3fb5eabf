#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/base64url.hpp"
#include "core/error.hpp"

namespace fk {

// What an OpenID Connect ID token must satisfy to sign someone in.
struct IdTokenRules {
  std::vector<std::string> issuers;          // accepted `iss` values (Google: with and without https://)
  std::string client_id;                     // `aud` must be (or contain) it; `azp` too when aud lists several
  std::string nonce;                         // must come back unchanged (replay)
  std::vector<std::string> allowed_domains;  // the `hd` claim must be one of them; no `hd` = refused
  std::chrono::seconds skew{60};             // clock difference tolerated on `exp` and `iat`
};

struct IdTokenClaims {
  std::string subject;  // `sub`: the provider's stable account id
  std::string email;
  std::string domain;   // `hd`
};

// Checks an RS256-signed ID token (compact JWS) against the provider's key set (the JWKS document's
// JSON text) and the rules, at `now`. Refusals are Errc::unauthorized with details.reason one of:
// malformed, algorithm, unknown_key (the caller may refetch the key set once), signature, issuer,
// audience, expired, not_yet_valid, nonce, email, email_unverified, domain.
Result<IdTokenClaims> verifyIdToken(std::string_view jwt, std::string_view jwks_json, const IdTokenRules& rules,
                                    std::chrono::system_clock::time_point now);

using api::base64UrlDecode;
using api::base64UrlEncode;

}  // namespace fk
