#include "intune/intune.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "api/config_keys.hpp"
#include "intune/parse.hpp"

namespace fk::intune {
namespace {

using api::FailureReason;
using api::PollResult;

constexpr auto kTokenMargin = std::chrono::seconds(120);  // renew this long before the token expires

bool realSleep(std::chrono::seconds d, const std::function<bool()>& cancelled) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (std::chrono::steady_clock::now() < until) {
    if (cancelled && cancelled()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

struct CachedToken {
  std::string value;
  api::TimePoint expires;
};

class IntuneSource : public api::Source {
 public:
  IntuneSource(Settings settings, Pacing pacing)
      : settings_(std::move(settings)), pacing_(std::move(pacing)) {}

  PollResult poll(api::PollContext& ctx, api::ObservationSink& sink) override {
    std::string url = settings_.firstPageUrl();
    std::set<std::string> visited;
    for (int page = 1; !url.empty(); ++page) {
      if (ctx.cancelled()) return PollResult::failure(FailureReason::cancelled, "poll cancelled");
      if (!visited.insert(url).second)
        return PollResult::failure(FailureReason::bad_response,
                                   "@odata.nextLink points back to an earlier page");
      auto response = get(ctx, url);
      if (!response) return response.error();
      auto parsed = parsePage(response->body, page);
      if (!parsed) return PollResult::failure(FailureReason::bad_response, parsed.error());
      for (auto& [origin, reason] : parsed->skipped) sink.skipped(origin, reason);
      for (auto& device : parsed->devices) sink.observe(std::move(device));
      url = parsed->next_link;  // followed exactly as given: it carries Graph's own skip token
    }
    return PollResult::success(true);
  }

 private:
  // GET with the bearer token. A 401 gets one fresh token and one more try; 429 and 503 wait for
  // Retry-After (or back off) while that fits in the poll.
  std::expected<api::HttpResponse, PollResult> get(api::PollContext& ctx, const std::string& url) {
    bool renewed = false;
    int retries = 0;
    for (;;) {
      auto token = accessToken(ctx);
      if (!token) return std::unexpected(token.error());
      api::HttpRequest request{
          "GET", url, {{"Authorization", "Bearer " + *token}, {"Accept", "application/json"}}, ""};
      auto outcome = ctx.http.send(request, ctx.deadline);
      if (!outcome.response) return std::unexpected(transportFailure(ctx, outcome.error));
      const api::HttpResponse& r = *outcome.response;
      if (r.status >= 200 && r.status < 300) return r;
      if (r.status == 401 && !renewed) {
        token_.reset();
        renewed = true;
        continue;
      }
      if (r.status == 401)
        return std::unexpected(PollResult::failure(FailureReason::auth, describeError(r.status, r.body)));
      if (r.status == 403)
        return std::unexpected(PollResult::failure(
            FailureReason::forbidden,
            describeError(r.status, r.body) + " (the app needs DeviceManagementManagedDevices.Read.All)"));
      if (r.status == 429 || r.status == 503 || r.status == 502 || r.status == 504) {
        // Without Retry-After, back off 1, 2, 4 s.
        const auto wait =
            parseRetryAfter(r.header("retry-after")).value_or(std::chrono::seconds(1 << retries));
        const bool fits = ctx.now() + wait < ctx.deadline && wait <= pacing_.max_wait;
        if (retries < pacing_.max_retries && fits) {
          ++retries;
          ctx.log.info("Graph answered " + std::to_string(r.status) + "; retrying in " +
                       std::to_string(wait.count()) + "s");
          if (!pacing_.sleep(wait, ctx.cancelled))
            return std::unexpected(PollResult::failure(FailureReason::cancelled, "poll cancelled"));
          continue;
        }
        return std::unexpected(
            PollResult::failure(r.status == 429 ? FailureReason::rate_limited : FailureReason::server_error,
                                describeError(r.status, r.body), wait));
      }
      const FailureReason why = r.status >= 500 ? FailureReason::server_error : FailureReason::bad_response;
      return std::unexpected(PollResult::failure(why, describeError(r.status, r.body)));
    }
  }

  std::expected<std::string, PollResult> accessToken(api::PollContext& ctx) {
    if (token_ && ctx.now() + kTokenMargin < token_->expires) return token_->value;
    // Read on every renewal, so a rotated secret is picked up without a restart.
    const auto file = ctx.resolve(settings_.client_secret_file);
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::string secret = text.str();
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r' || secret.back() == ' '))
      secret.pop_back();
    if (!in || secret.empty())
      return std::unexpected(
          PollResult::failure(FailureReason::config, "cannot read client_secret_file " + file.string()));

    api::HttpRequest request;
    request.method = "POST";
    request.url = settings_.tokenUrl();
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    request.body = "grant_type=client_credentials&client_id=" + formEncode(settings_.client_id) +
                   "&client_secret=" + formEncode(secret) +
                   "&scope=" + formEncode("https://graph.microsoft.com/.default");
    auto outcome = ctx.http.send(request, ctx.deadline);
    if (!outcome.response) return std::unexpected(transportFailure(ctx, "token request: " + outcome.error));
    const api::HttpResponse& r = *outcome.response;
    if (r.status == 429) {
      return std::unexpected(PollResult::failure(FailureReason::rate_limited,
                                                 "token request: " + describeError(r.status, r.body),
                                                 parseRetryAfter(r.header("retry-after"))));
    }
    if (r.status >= 500)
      return std::unexpected(PollResult::failure(FailureReason::server_error,
                                                 "token request: " + describeError(r.status, r.body)));
    if (r.status != 200)
      return std::unexpected(PollResult::failure(
          FailureReason::auth, "token request refused: " + describeError(r.status, r.body)));
    auto token = parseTokenResponse(r.body);
    if (!token) return std::unexpected(PollResult::failure(FailureReason::bad_response, token.error()));
    token_ = CachedToken{token->access_token, ctx.now() + token->expires_in};
    return token_->value;
  }

  static PollResult transportFailure(api::PollContext& ctx, const std::string& error) {
    if (ctx.cancelled()) return PollResult::failure(FailureReason::cancelled, "poll cancelled");
    if (ctx.now() >= ctx.deadline) return PollResult::failure(FailureReason::timeout, error);
    return PollResult::failure(FailureReason::network, error);
  }

  Settings settings_;
  Pacing pacing_;
  std::optional<CachedToken> token_;  // in memory only: a token is a secret and never reaches the database
};

bool isHttpUrl(const std::string& url) {
  return url.starts_with("https://") || url.starts_with("http://");
}

Settings readSettings(api::ConfigKeys& keys) {
  Settings s;
  s.tenant_id = keys.requiredString("tenant_id").value_or("");
  s.client_id = keys.requiredString("client_id").value_or("");
  s.client_secret_file = keys.requiredString("client_secret_file").value_or("");
  s.graph_base_url = keys.optionalString("graph_base_url", s.graph_base_url).value_or(s.graph_base_url);
  s.token_url = keys.optionalString("token_url", "", true).value_or("");
  s.filter = keys.optionalString("filter", "", true).value_or("");
  while (s.graph_base_url.ends_with('/')) s.graph_base_url.pop_back();
  return s;
}

class Factory : public api::SourceFactory {
 public:
  std::string name() const override { return "intune"; }

  std::vector<api::ConfigIssue> validate(const YAML::Node& entry) const override {
    api::ConfigKeys keys(entry);
    const Settings s = readSettings(keys);
    if (!isHttpUrl(s.graph_base_url)) keys.problem("graph_base_url", "must be an http:// or https:// URL");
    if (!s.token_url.empty() && !isHttpUrl(s.token_url))
      keys.problem("token_url", "must be an http:// or https:// URL");
    if (s.tenant_id.find_first_of("/?#% ") != std::string::npos)
      keys.problem("tenant_id", "must be a tenant id or domain (no /, ?, #, % or spaces)");
    return keys.finish();
  }

  std::unique_ptr<api::Source> create(const api::SourceSpec& spec) const override {
    api::ConfigKeys keys(spec.node);
    return makeSource(readSettings(keys), Pacing{});
  }
};

}  // namespace

std::string Settings::tokenUrl() const {
  if (!token_url.empty()) return token_url;
  return "https://login.microsoftonline.com/" + tenant_id + "/oauth2/v2.0/token";
}

std::string Settings::firstPageUrl() const {
  std::string url = graph_base_url + "/v1.0/deviceManagement/managedDevices?$select=" + kSelect;
  if (!filter.empty()) {
    url += "&$filter=" + formEncode(filter);
  }
  return url;
}

std::unique_ptr<api::Source> makeSource(Settings settings, Pacing pacing) {
  if (!pacing.sleep) pacing.sleep = realSleep;
  return std::make_unique<IntuneSource>(std::move(settings), std::move(pacing));
}

}  // namespace fk::intune

namespace fk::plugins {

std::unique_ptr<api::SourceFactory> makeIntuneFactory() {
  return std::make_unique<intune::Factory>();
}

}  // namespace fk::plugins
