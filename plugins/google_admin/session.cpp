#include "session.hpp"

#include <openssl/crypto.h>

#include <fstream>

#include "api/http_pacing.hpp"
#include "api/url_policy.hpp"
#include "core/secret_file.hpp"
#include "parse.hpp"

namespace fk::google_admin {

namespace {

std::unexpected<Failure> fail(api::FailureReason why, std::string message,
                              std::optional<std::chrono::seconds> retry_after = std::nullopt) {
  return std::unexpected(Failure::failure(why, std::move(message), retry_after));
}

}  // namespace

Session::Session(api::PollContext& context, const Settings& settings, std::optional<AccessToken>& token)
    : context_(context), settings_(settings), token_(token) {}

std::expected<api::HttpResponse, Failure> Session::send(const api::HttpRequest& request,
                                                        std::string_view what) {
  // Google says to decide on error.errors[].reason, not on the status alone: a 403 can be a quota
  // error worth a retry.
  api::RetryOptions retry{
      .max_retries = settings_.max_retries,
      .also_retry =
          [](const api::HttpResponse& r) { return r.status == 403 && classifyError(r.status, r.body).retry; },
      .what = std::string(what)};
  auto sent = api::sendPaced(context_, request, retry);
  if (!sent) return std::unexpected(std::move(sent.error()));
  api::HttpResponse& response = sent->response;
  if (response.status >= 200 && response.status < 300) return std::move(response);
  const ErrorVerdict verdict = classifyError(response.status, response.body);
  if (verdict.refresh_token) return std::move(response);
  return fail(verdict.reason, std::string(what) + ": " + verdict.message + sent->gave_up, sent->retry_after);
}

std::expected<AccessToken, Failure> Session::fetchToken() {
  std::string error;
  auto secret = readSecretFile(context_.resolve(settings_.credentials_file), "credentials_file");
  if (!secret) return fail(api::FailureReason::config, secret.error().message);
  if (!secret->warning.empty()) context_.log.warn(secret->warning);
  const auto path = secret->source;
  auto key = parseServiceAccountKey(secret->text, error);  // the key file's buffer is wiped with `secret`
  if (!key) return fail(api::FailureReason::config, "credentials_file " + path.string() + ": " + error);

  std::string url = !settings_.token_url.empty() ? settings_.token_url
                    : !key->token_uri.empty()    ? key->token_uri
                                                 : std::string(kDefaultTokenUrl);
  // The key file names where its signed assertion goes; followed only to Google's own token endpoint
  // (a key file is data that travels). Anything else has to be configured as token_url.
  if (settings_.token_url.empty() && !key->token_uri.empty() &&
      !api::followProblem(url, kDefaultTokenUrl).empty() &&
      !api::followProblem(url, kLegacyTokenUrl).empty()) {
    const auto where = api::urlOrigin(url);
    return fail(api::FailureReason::config,
                "credentials_file " + path.string() + ": token_uri " +
                    (where ? where->scheme + "://" + where->host : std::string("(unreadable)")) +
                    " is not Google's token endpoint; set token_url to send the assertion there");
  }
  auto jwt = signJwt(makeClaims(*key, settings_.subject, url, context_.now(), settings_.write_back ? kWriteScope : kScope), *key, error);
  if (!jwt) return fail(api::FailureReason::config, "credentials_file " + path.string() + ": " + error);

  api::HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"content-type", "application/x-www-form-urlencoded"}, {"accept", "application/json"}};
  request.body = tokenRequestBody(*jwt);
  auto response = send(request, "token request");
  OPENSSL_cleanse(request.body.data(), request.body.size());
  if (!response) return std::unexpected(std::move(response.error()));
  if (response->status < 200 || response->status >= 300)
    return fail(api::FailureReason::auth,
                "token request: " + classifyError(response->status, response->body).message);
  auto token = parseTokenResponse(response->body, context_.now(), error);
  OPENSSL_cleanse(response->body.data(), response->body.size());
  if (!token) return fail(api::FailureReason::auth, "token request: " + error);
  context_.log.debug("obtained an access token for " + settings_.subject);
  return std::move(*token);
}

std::expected<std::string, Failure> Session::accessToken() {
  if (!token_ || !token_->usable(context_.now())) {
    token_.reset();
    auto fresh = fetchToken();
    if (!fresh) return std::unexpected(std::move(fresh.error()));
    token_ = std::move(*fresh);
  }
  return token_->value;
}

std::expected<api::HttpResponse, Failure> Session::get(const std::string& url, std::string_view what) {
  return call("GET", url, "", what);
}

std::expected<api::HttpResponse, Failure> Session::call(const std::string& method, const std::string& url,
                                                        const std::string& body, std::string_view what) {
  for (int attempt = 0;; ++attempt) {
    auto token = accessToken();
    if (!token) return std::unexpected(std::move(token.error()));
    api::HttpRequest request;
    request.method = method;
    request.url = url;
    request.headers = {{"authorization", "Bearer " + *token}, {"accept", "application/json"}};
    if (!body.empty()) {
      request.headers.emplace_back("content-type", "application/json");
      request.body = body;
    }
    auto response = send(request, what);
    if (!response || response->status != 401) return response;
    token_.reset();  // revoked or expired early: the next request signs a new assertion
    if (attempt == 1)
      return fail(api::FailureReason::auth, std::string(what) + ": " +
                                                classifyError(response->status, response->body).message +
                                                " (also with a fresh token)");
  }
}

}  // namespace fk::google_admin
