#include "http/oidc_client.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <array>
#include <cctype>
#include <fstream>

#include "api/url_policy.hpp"
#include "core/secret_file.hpp"

namespace fk {

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr auto kPendingLife = 10min;
constexpr auto kDiscoveryLife = 1h;
constexpr auto kKeySetRefetch = 1min;
constexpr auto kRequestTimeout = 10s;
constexpr std::size_t kMaxPending = 10000;

Error refused(std::string message) { return Error{Errc::unauthorized, std::move(message), {}}; }

std::string randomText(std::size_t bytes) {
  std::vector<unsigned char> b(bytes);
  RAND_bytes(b.data(), static_cast<int>(b.size()));
  return base64UrlEncode(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
}

std::string formEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + formEncode(k) + "=" + formEncode(v);
  return out;
}

// PKCE S256: base64url(SHA-256(verifier)).
std::string challengeOf(const std::string& verifier) {
  std::array<unsigned char, 32> d{};
  unsigned int size = 0;
  EVP_Digest(verifier.data(), verifier.size(), d.data(), &size, EVP_sha256(), nullptr);
  return base64UrlEncode(std::string_view(reinterpret_cast<const char*>(d.data()), size));
}

Result<SecretText> clientSecret(const std::filesystem::path& file) {
  auto secret = readSecretFile(file, "web.oidc.client_secret_file");
  if (!secret) return std::unexpected(Error::internal(secret.error().message));
  if (!secret->warning.empty()) spdlog::warn("{}", secret->warning);
  return secret;
}

std::vector<std::string> issuersFor(const std::string& issuer) {
  // Google documents both forms of its issuer (the second for legacy clients).
  if (issuer == "https://accounts.google.com") return {issuer, "accounts.google.com"};
  return {issuer};
}

}  // namespace

Result<api::HttpResponse> OidcClient::fetch(api::HttpRequest request) {
  auto outcome = http_.send(request, now_() + kRequestTimeout);
  if (!outcome.response)
    return std::unexpected(Error::internal("the sign-in provider did not answer: " + outcome.error));
  return std::move(*outcome.response);
}

Result<json> OidcClient::discovery(const Config::Web::Oidc& config) {
  {
    std::lock_guard lock(mutex_);
    if (discovery_issuer_ == config.issuer && now_() < discovery_until_) return discovery_;
  }
  auto r = fetch({"GET", config.issuer + "/.well-known/openid-configuration", {}, {}});
  if (!r) return std::unexpected(r.error());
  json doc = json::parse(r->body, nullptr, false);
  if (r->status != 200 || !doc.is_object())
    return std::unexpected(Error::internal("the provider's discovery document is not usable (HTTP " +
                                           std::to_string(r->status) + ")"));
  for (const char* key : {"authorization_endpoint", "token_endpoint", "jwks_uri"})
    if (!doc.contains(key) || !doc[key].is_string())
      return std::unexpected(Error::internal(std::string("the provider's discovery document has no ") + key));
  std::lock_guard lock(mutex_);
  discovery_issuer_ = config.issuer;
  discovery_ = doc;
  discovery_until_ = now_() + kDiscoveryLife;
  return doc;
}

Result<std::string> OidcClient::keySet(const std::string& uri, bool refresh) {
  {
    std::lock_guard lock(mutex_);
    const bool fresh_enough = now_() - jwks_fetched_ < kKeySetRefetch;
    if (jwks_uri_ == uri && !jwks_.empty() && (!refresh || fresh_enough)) return jwks_;
  }
  auto r = fetch({"GET", uri, {}, {}});
  if (!r) return std::unexpected(r.error());
  if (r->status != 200) return std::unexpected(Error::internal("the provider's key set answered HTTP " + std::to_string(r->status)));
  std::lock_guard lock(mutex_);
  jwks_uri_ = uri;
  jwks_ = r->body;
  jwks_fetched_ = now_();
  return jwks_;
}

Result<OidcClient::Redirect> OidcClient::start(const Config::Web::Oidc& config) {
  auto doc = discovery(config);
  if (!doc) return std::unexpected(doc.error());
  Redirect out;
  out.state = randomText(32);
  Pending p{randomText(32), randomText(48), now_() + kPendingLife};  // 64-character verifier
  const std::string endpoint = (*doc)["authorization_endpoint"].get<std::string>();
  std::vector<std::pair<std::string, std::string>> query{
      {"response_type", "code"},      {"client_id", config.client_id}, {"redirect_uri", config.redirect_url},
      {"scope", "openid email"},      {"state", out.state},            {"nonce", p.nonce},
      {"code_challenge", challengeOf(p.verifier)}, {"code_challenge_method", "S256"},
      {"prompt", "select_account"}};
  // Only tunes the provider's account chooser; the hd claim is what is checked.
  if (config.allowed_domains.size() == 1) query.emplace_back("hd", config.allowed_domains.front());
  out.url = endpoint + (endpoint.find('?') == std::string::npos ? "?" : "&") + form(query);
  std::lock_guard lock(mutex_);
  const auto now = now_();
  std::erase_if(pending_, [&](const auto& e) { return e.second.expires <= now; });
  if (pending_.size() >= kMaxPending) return std::unexpected(Error{Errc::too_many_requests, "too many sign-ins in progress", {}});
  pending_.emplace(out.state, std::move(p));
  return out;
}

Result<IdTokenClaims> OidcClient::finish(const Config::Web::Oidc& config, const std::string& state,
                                         const std::string& browser_state, const std::string& code) {
  Pending p;
  {
    std::lock_guard lock(mutex_);
    if (state.empty() || state != browser_state)
      return std::unexpected(refused("this sign-in was not started from this browser; start again"));
    auto it = pending_.find(state);
    if (it == pending_.end() || it->second.expires <= now_())
      return std::unexpected(refused("this sign-in has expired or was already used; start again"));
    p = std::move(it->second);
    pending_.erase(it);
  }
  if (code.empty()) return std::unexpected(refused("the provider sent no authorization code"));
  auto doc = discovery(config);
  if (!doc) return std::unexpected(doc.error());
  auto secret = clientSecret(config.client_secret_file);
  if (!secret) return std::unexpected(secret.error());
  // The discovery document is the provider's word; the client secret goes only where api/url_policy.hpp
  // lets credentials go (https, or http to this machine).
  const std::string token_endpoint = (*doc)["token_endpoint"].get<std::string>();
  if (auto why = api::credentialTargetProblem(token_endpoint); !why.empty())
    return std::unexpected(Error::internal("the provider's token_endpoint " + why + "; the client secret is not sent"));
  api::HttpRequest token{"POST", token_endpoint,
                         {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}},
                         form({{"grant_type", "authorization_code"},
                               {"code", code},
                               {"redirect_uri", config.redirect_url},
                               {"client_id", config.client_id},
                               {"client_secret", secret->text},
                               {"code_verifier", p.verifier}})};
  auto r = fetch(token);
  if (!r) return std::unexpected(r.error());
  json body = json::parse(r->body, nullptr, false);
  if (r->status != 200 || !body.is_object() || !body.contains("id_token") || !body["id_token"].is_string())
    return std::unexpected(refused("the provider refused the sign-in code (HTTP " + std::to_string(r->status) + ")"));
  const std::string id_token = body["id_token"].get<std::string>();
  IdTokenRules rules{issuersFor(config.issuer), config.client_id, p.nonce, config.allowed_domains};
  const std::string jwks_uri = (*doc)["jwks_uri"].get<std::string>();
  auto keys = keySet(jwks_uri, false);
  if (!keys) return std::unexpected(keys.error());
  auto claims = verifyIdToken(id_token, *keys, rules, now_());
  if (!claims && claims.error().details.value("reason", "") == "unknown_key") {
    // The provider rotated its keys since we fetched them.
    keys = keySet(jwks_uri, true);
    if (!keys) return std::unexpected(keys.error());
    claims = verifyIdToken(id_token, *keys, rules, now_());
  }
  return claims;
}

}  // namespace fk
