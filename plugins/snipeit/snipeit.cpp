#include "snipeit/snipeit.hpp"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "api/config_keys.hpp"
#include "api/url_policy.hpp"
#include "core/secret_file.hpp"
#include "snipeit/parse.hpp"

namespace fk::snipeit {
namespace {

using api::FailureReason;
using api::PollResult;

// Reads the token on every poll, so a rotated token is picked up without a restart. A token others
// can read is refused, not only warned about: it is a password to the whole inventory.
std::expected<std::string, PollResult> readToken(api::PollContext& ctx, const std::string& configured) {
  auto read = readSecretFile(ctx.resolve(configured), "api_token_file");
  if (!read) return std::unexpected(PollResult::failure(FailureReason::config, read.error().message));
  if (read->shared) {
    return std::unexpected(PollResult::failure(
        FailureReason::config, "api_token_file " + read->source.string() + " is readable by group or others (chmod 600 it)"));
  }
  return std::move(read->text);
}

std::string shortBody(const std::string& body) {
  std::string s = body.substr(0, 200);
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

class SnipeItSource : public api::Source {
 public:
  SnipeItSource(Settings settings, Pacing pacing) : settings_(std::move(settings)), client_(std::move(pacing)) {}

  PollResult poll(api::PollContext& ctx, api::ObservationSink& sink) override {
    auto token = readToken(ctx, settings_.api_token_file);
    if (!token) return token.error();
    long long offset = 0;
    for (int page = 1;; ++page) {
      if (ctx.cancelled()) return PollResult::failure(FailureReason::cancelled, "poll cancelled");
      // sort=id&order=asc: the default (created_at desc) shifts pages when assets are added mid-walk.
      api::HttpRequest request{"GET",
                               settings_.base_url + "/api/v1/hardware?limit=" + std::to_string(settings_.page_size) +
                                   "&offset=" + std::to_string(offset) + "&sort=id&order=asc",
                               {{"Authorization", "Bearer " + *token}, {"Accept", "application/json"}},
                               ""};
      auto outcome = client_.send(ctx, request);
      if (!outcome.response) return transportFailure(ctx, outcome.error);
      const api::HttpResponse& r = *outcome.response;
      if (r.status == 401) {
        return PollResult::failure(FailureReason::auth, "Snipe-IT refused the API token (401): " + shortBody(r.body));
      }
      if (r.status == 403) return PollResult::failure(FailureReason::forbidden, "Snipe-IT answered 403: " + shortBody(r.body));
      if (r.status == 429) {
        return PollResult::failure(FailureReason::rate_limited, "Snipe-IT is throttling (429)", client_.retryAfter());
      }
      if (r.status >= 500) {
        return PollResult::failure(FailureReason::server_error, "Snipe-IT answered " + std::to_string(r.status),
                                   client_.retryAfter());
      }
      if (r.status != 200) {
        return PollResult::failure(FailureReason::bad_response,
                                   "Snipe-IT answered " + std::to_string(r.status) + ": " + shortBody(r.body));
      }
      auto parsed = parsePage(r.body, page);
      if (!parsed) return PollResult::failure(FailureReason::bad_response, parsed.error());
      for (auto& [origin, reason] : parsed->skipped) sink.skipped(origin, reason);
      for (auto& device : parsed->devices) sink.observe(std::move(device));
      offset += static_cast<long long>(parsed->rows);
      // An offset past the total gives empty rows: the walk ends either way.
      if (parsed->rows == 0 || offset >= parsed->total) break;
    }
    return PollResult::success(true);
  }

 private:
  static PollResult transportFailure(api::PollContext& ctx, const std::string& error) {
    if (ctx.cancelled()) return PollResult::failure(FailureReason::cancelled, "poll cancelled");
    if (ctx.now() >= ctx.deadline) return PollResult::failure(FailureReason::timeout, error);
    return PollResult::failure(FailureReason::network, error);
  }

  Settings settings_;
  PacedClient client_;
};

Settings readSettings(api::ConfigKeys& keys, Pacing& pacing) {
  Settings s;
  s.base_url = keys.requiredString("base_url").value_or("");
  s.api_token_file = keys.requiredString("api_token_file").value_or("");
  s.page_size = static_cast<int>(keys.optionalInt("page_size", 500, 1, 500).value_or(500));
  pacing.requests_per_minute =
      static_cast<int>(keys.optionalInt("requests_per_minute", 120, 1, 100000).value_or(120));
  while (s.base_url.ends_with('/')) s.base_url.pop_back();
  return s;
}

class Factory : public api::SourceFactory {
 public:
  std::string name() const override { return "snipeit"; }

  std::vector<api::ConfigIssue> validate(const YAML::Node& entry) const override {
    api::ConfigKeys keys(entry);
    Pacing pacing;
    const Settings s = readSettings(keys, pacing);
    if (!s.base_url.empty() && !s.base_url.starts_with("https://") && !s.base_url.starts_with("http://")) {
      keys.problem("base_url", "must be an http:// or https:// URL");
    } else if (auto why = api::credentialTargetProblem(s.base_url); !s.base_url.empty() && !why.empty()) {
      keys.problem("base_url", why);  // the API token goes there
    }
    return keys.finish();
  }

  std::unique_ptr<api::Source> create(const api::SourceSpec& spec) const override {
    api::ConfigKeys keys(spec.node);
    Pacing pacing;
    Settings s = readSettings(keys, pacing);
    return makeSource(std::move(s), std::move(pacing));
  }
};

}  // namespace

std::unique_ptr<api::Source> makeSource(Settings settings, Pacing pacing) {
  return std::make_unique<SnipeItSource>(std::move(settings), std::move(pacing));
}

}  // namespace fk::snipeit

namespace fk::plugins {

std::unique_ptr<api::SourceFactory> makeSnipeItFactory() {
  return std::make_unique<snipeit::Factory>();
}

}  // namespace fk::plugins
