#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include <nlohmann/json.hpp>

#include "api/source.hpp"
#include "core/config.hpp"
#include "core/id_token.hpp"

namespace fk {

// The relying-party side of OpenID Connect sign-in (authorization code + PKCE): discovery, the
// authorization redirect, the code exchange and the ID token check. Provider documents are cached:
// discovery for an hour, the key set until a token names a key it lacks (refetched at most once a
// minute). Pending sign-ins live in memory for ten minutes and can be finished once.
class OidcClient {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  explicit OidcClient(api::HttpClient& http, Clock now = [] { return std::chrono::system_clock::now(); })
      : http_(http), now_(std::move(now)) {}

  struct Redirect {
    std::string url;    // the provider's authorization endpoint with our parameters
    std::string state;  // also goes to the browser in a cookie, to bind the callback to it
  };
  Result<Redirect> start(const Config::Web::Oidc& config);

  // `state` from the query and `browser_state` from the cookie must match a pending sign-in, which is
  // then used up (a replayed callback is refused).
  Result<IdTokenClaims> finish(const Config::Web::Oidc& config, const std::string& state,
                               const std::string& browser_state, const std::string& code);

 private:
  Result<nlohmann::json> discovery(const Config::Web::Oidc& config);
  Result<std::string> keySet(const std::string& uri, bool refresh);
  Result<api::HttpResponse> fetch(api::HttpRequest request);

  struct Pending {
    std::string nonce;
    std::string verifier;
    std::chrono::system_clock::time_point expires;
  };
  api::HttpClient& http_;
  Clock now_;
  std::mutex mutex_;
  std::map<std::string, Pending> pending_;
  std::string discovery_issuer_;
  nlohmann::json discovery_;
  std::chrono::system_clock::time_point discovery_until_{};
  std::string jwks_uri_, jwks_;
  std::chrono::system_clock::time_point jwks_fetched_{};
};

}  // namespace fk
