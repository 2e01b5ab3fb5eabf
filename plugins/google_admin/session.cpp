#include "session.hpp"

#include <openssl/crypto.h>

#include <fstream>
#include <sstream>

#include "parse.hpp"

namespace fk::google_admin {

namespace {

constexpr std::uintmax_t kMaxKeyFileBytes = 64 * 1024;

std::unexpected<Failure> fail(api::FailureReason why, std::string message,
                              std::optional<std::chrono::seconds> retry_after = std::nullopt) {
  return std::unexpected(Failure::failure(why, std::move(message), retry_after));
}

std::string inSeconds(std::chrono::milliseconds d) {
  std::ostringstream s;
  s.precision(1);
  s << std::fixed << static_cast<double>(d.count()) / 1000.0 << " s";
  return s.str();
}

// Reads the key file, wiping the buffer afterwards: the private key should not linger in freed memory.
std::optional<std::string> readKeyFile(const std::filesystem::path& path, std::string& error) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec) {
    error = "cannot read " + path.string() + " (" + ec.message() + ")";
    return std::nullopt;
  }
  if (size > kMaxKeyFileBytes) {
    error = path.string() + " is too large for a service-account key";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(size, '\0');
  if (!in || !in.read(text.data(), static_cast<std::streamsize>(size))) {
    error = "cannot read " + path.string();
    return std::nullopt;
  }
  return text;
}

}  // namespace

Session::Session(api::PollContext& context, const Settings& settings, const Pacing& pacing,
                 std::optional<AccessToken>& token)
    : context_(context), settings_(settings), pacing_(pacing), token_(token) {}

std::optional<std::unexpected<Failure>> Session::stopped(std::string_view what) const {
  // The deadline first: the core's cancelled() also turns true at the deadline, and a timeout is the
  // truer name for that.
  if (context_.now() >= context_.deadline)
    return fail(api::FailureReason::timeout, std::string(what) + ": poll deadline reached");
  if (context_.cancelled && context_.cancelled())
    return fail(api::FailureReason::cancelled, "poll cancelled");
  return std::nullopt;
}

std::expected<api::HttpResponse, Failure> Session::send(const api::HttpRequest& request,
                                                        std::string_view what) {
  for (int attempt = 0;; ++attempt) {
    if (auto stop = stopped(what)) return *stop;
    auto outcome = context_.http.send(request, context_.deadline);
    if (!outcome.response) {
      if (auto stop = stopped(what)) return *stop;
      return fail(api::FailureReason::network, std::string(what) + ": " + outcome.error);
    }
    api::HttpResponse& response = *outcome.response;
    if (response.status >= 200 && response.status < 300) return std::move(response);
    ErrorVerdict verdict = classifyError(response.status, response.body);
    if (verdict.refresh_token) return std::move(response);
    std::string message = std::string(what) + ": " + verdict.message;
    if (!verdict.retry) return fail(verdict.reason, message);

    auto retry_after = parseRetryAfter(response.header("retry-after"), context_.now());
    if (attempt >= settings_.max_retries)
      return fail(verdict.reason, message + " (gave up after " + std::to_string(attempt) + " retries)",
                  retry_after);
    std::chrono::milliseconds wait = retry_after
                                         ? std::chrono::milliseconds(*retry_after)
                                         : std::chrono::milliseconds(1000 << attempt) + pacing_.jitter();
    if (context_.now() + wait >= context_.deadline) {
      // Waiting here would run past the deadline: hand the pause to the core's back-off instead.
      return fail(verdict.reason,
                  message + " (retry in " + inSeconds(wait) + " would pass the poll deadline)",
                  std::chrono::ceil<std::chrono::seconds>(wait));
    }
    context_.log.warn(message + "; retry " + std::to_string(attempt + 1) + " in " + inSeconds(wait));
    // Short slices, so a stopping daemon does not sit out a 16 s back-off.
    for (auto left = wait; left.count() > 0; left -= std::chrono::milliseconds(100)) {
      if (auto stop = stopped(what)) return *stop;
      pacing_.sleep(std::min(left, std::chrono::milliseconds(100)));
    }
  }
}

std::expected<AccessToken, Failure> Session::fetchToken() {
  std::string error;
  auto path = context_.resolve(settings_.credentials_file);
  auto text = readKeyFile(path, error);
  if (!text) return fail(api::FailureReason::config, "credentials_file: " + error);
  auto key = parseServiceAccountKey(*text, error);
  OPENSSL_cleanse(text->data(), text->size());
  if (!key) return fail(api::FailureReason::config, "credentials_file " + path.string() + ": " + error);

  std::string url = !settings_.token_url.empty() ? settings_.token_url
                    : !key->token_uri.empty()    ? key->token_uri
                                                 : std::string(kDefaultTokenUrl);
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
