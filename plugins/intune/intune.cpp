#include "intune/intune.hpp"

#include <fstream>
#include <set>
#include <sstream>

#include "api/config_keys.hpp"
#include "api/http_pacing.hpp"
#include "api/url_policy.hpp"
#include "core/secret_file.hpp"
#include "intune/parse.hpp"

namespace fk::intune {
namespace {

using api::FailureReason;
using api::PollResult;

constexpr auto kTokenMargin = std::chrono::seconds(120);  // renew this long before the token expires
constexpr int kMaxRetries = 3;

class IntuneSource : public api::Source {
 public:
  explicit IntuneSource(Settings settings) : settings_(std::move(settings)) {}

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
      // ... but only on the configured host: the link comes from the server, the token goes with it.
      if (auto why = api::followProblem(url, settings_.graph_base_url); !url.empty() && !why.empty())
        return PollResult::failure(FailureReason::bad_response,
                                   "page " + std::to_string(page) + ": @odata.nextLink " + why);
    }
    return PollResult::success(true);
  }

 private:
  // GET with the bearer token, paced by the core (429 and 5xx retried). A 401 gets one fresh token and
  // one more try.
  std::expected<api::HttpResponse, PollResult> get(api::PollContext& ctx, const std::string& url) {
    bool renewed = false;
    for (;;) {
      auto token = accessToken(ctx);
      if (!token) return std::unexpected(token.error());
      api::HttpRequest request{
          "GET", url, {{"Authorization", "Bearer " + *token}, {"Accept", "application/json"}}, ""};
      auto sent = api::sendPaced(ctx, request, {.max_retries = kMaxRetries, .what = "Graph"});
      if (!sent) return std::unexpected(sent.error());
      const api::HttpResponse& r = sent->response;
      if (r.status >= 200 && r.status < 300) return r;
      if (r.status == 401 && !renewed) {
        token_.reset();
        renewed = true;
        continue;
      }
      return std::unexpected(failure(r, "", *sent));
    }
  }

  std::expected<std::string, PollResult> accessToken(api::PollContext& ctx) {
    if (token_ && token_->usable(ctx.now())) return token_->value;
    // Read on every renewal, so a rotated secret is picked up without a restart.
    auto read = readSecretFile(ctx.resolve(settings_.client_secret_file), "client_secret_file");
    if (!read) return std::unexpected(PollResult::failure(FailureReason::config, read.error().message));
    if (!read->warning.empty()) ctx.log.warn(read->warning);
    const std::string& secret = read->text;

    api::HttpRequest request;
    request.method = "POST";
    request.url = settings_.tokenUrl();
    request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Accept", "application/json"}};
    request.body = "grant_type=client_credentials&client_id=" + api::urlEncode(settings_.client_id) +
                   "&client_secret=" + api::urlEncode(secret) +
                   "&scope=" + api::urlEncode("https://graph.microsoft.com/.default");
    auto sent = api::sendPaced(ctx, request, {.max_retries = kMaxRetries, .what = "token request"});
    if (!sent) return std::unexpected(sent.error());
    const api::HttpResponse& r = sent->response;
    if (r.status != 200) {
      // Any other refusal of the token request is about the app's credentials.
      const bool paced = r.status == 429 || r.status >= 500;
      return std::unexpected(
          paced ? failure(r, "token request: ", *sent)
                : PollResult::failure(FailureReason::auth,
                                      "token request refused: " + describeError(r.status, r.body)));
    }
    auto token = parseTokenResponse(r.body);
    if (!token) return std::unexpected(PollResult::failure(FailureReason::bad_response, token.error()));
    token_ = api::BearerToken::issued(token->access_token, ctx.now(), token->expires_in, kTokenMargin);
    return token_->value;
  }

  // A refusal from Graph or Entra, by status; the pacing's verdict (gave up, pause) carried along.
  static PollResult failure(const api::HttpResponse& r, const std::string& prefix,
                            const api::PacedResponse& paced) {
    const std::string message = prefix + describeError(r.status, r.body) + paced.gave_up;
    if (r.status == 401) return PollResult::failure(FailureReason::auth, message);
    if (r.status == 403)
      return PollResult::failure(FailureReason::forbidden,
                                 message + " (the app needs DeviceManagementManagedDevices.Read.All)");
    if (r.status == 429) return PollResult::failure(FailureReason::rate_limited, message, paced.retry_after);
    if (r.status >= 500) return PollResult::failure(FailureReason::server_error, message, paced.retry_after);
    return PollResult::failure(FailureReason::bad_response, message);
  }

  Settings settings_;
  std::optional<api::BearerToken> token_;  // in memory only: a secret never reaches the database
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
  bool reportsCheckIns() const override { return true; }

  std::vector<api::ConfigIssue> validate(const YAML::Node& entry) const override {
    api::ConfigKeys keys(entry);
    const Settings s = readSettings(keys);
    // Both receive a secret (the client secret, the bearer token).
    const auto checkUrl = [&](const char* key, const std::string& url) {
      if (!isHttpUrl(url))
        keys.problem(key, "must be an http:// or https:// URL");
      else if (auto why = api::credentialTargetProblem(url); !why.empty())
        keys.problem(key, why);
    };
    checkUrl("graph_base_url", s.graph_base_url);
    if (!s.token_url.empty()) checkUrl("token_url", s.token_url);
    if (s.tenant_id.find_first_of("/?#% ") != std::string::npos)
      keys.problem("tenant_id", "must be a tenant id or domain (no /, ?, #, % or spaces)");
    return keys.finish();
  }

  std::unique_ptr<api::Source> create(const api::SourceSpec& spec) const override {
    api::ConfigKeys keys(spec.node);
    return makeSource(readSettings(keys));
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
    url += "&$filter=" + api::urlEncode(filter);
  }
  return url;
}

std::unique_ptr<api::Source> makeSource(Settings settings) {
  return std::make_unique<IntuneSource>(std::move(settings));
}

}  // namespace fk::intune

namespace fk::plugins {

std::unique_ptr<api::SourceFactory> makeIntuneFactory() {
  return std::make_unique<intune::Factory>();
}

}  // namespace fk::plugins
