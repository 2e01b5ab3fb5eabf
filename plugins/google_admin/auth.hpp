#pragma once

// Service-account auth with domain-wide delegation: the key file, the RS256-signed JWT assertion and
// the token endpoint's answer. Pure apart from OpenSSL; the HTTP exchange lives in session.cpp.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_pacing.hpp"
#include "api/source.hpp"

namespace fk::google_admin {

inline constexpr std::string_view kScope =
    "https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly";
// Asked for instead when the source writes back (annotations, disable/reenable, OU moves); covers reading.
inline constexpr std::string_view kWriteScope = "https://www.googleapis.com/auth/admin.directory.device.chromeos";
inline constexpr std::string_view kDefaultTokenUrl = "https://oauth2.googleapis.com/token";
// What older key files name as token_uri: Google's too.
inline constexpr std::string_view kLegacyTokenUrl = "https://accounts.google.com/o/oauth2/token";
inline constexpr std::string_view kJwtBearerGrant = "urn:ietf:params:oauth:grant-type:jwt-bearer";

struct ServiceAccountKey {
  std::string client_email;
  std::string private_key;  // PKCS#8 PEM
  std::string private_key_id;
  std::string token_uri;
  ~ServiceAccountKey();  // wipes private_key
};
// `error` names what is missing or wrong; it never quotes the file.
std::optional<ServiceAccountKey> parseServiceAccountKey(std::string_view json, std::string& error);

struct JwtClaims {
  std::string iss;  // the service account's client_email
  std::string sub;  // the delegated admin
  std::string scope;
  std::string aud;  // the token URL the assertion is posted to
  std::int64_t iat = 0;
  std::int64_t exp = 0;  // iat + 1 h, the most Google accepts
};
JwtClaims makeClaims(const ServiceAccountKey& key, std::string subject, std::string token_url,
                     api::TimePoint now, std::string_view scope = kScope);

// header.claims.signature, each base64url without padding; RS256 with the key's private key.
std::optional<std::string> signJwt(const JwtClaims& claims, const ServiceAccountKey& key, std::string& error);

std::string base64Url(std::string_view bytes);
std::optional<std::string> base64UrlDecode(std::string_view text);

// grant_type=urn:...:jwt-bearer&assertion=JWT
std::string tokenRequestBody(std::string_view assertion);

// Renewed a little before it expires (at most 5 min, at most half its life).
using AccessToken = api::BearerToken;
std::optional<AccessToken> parseTokenResponse(std::string_view body, api::TimePoint now, std::string& error);

}  // namespace fk::google_admin
