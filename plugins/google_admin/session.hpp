#pragma once

// One poll's conversation with Google: the access token (cached across polls by the source) and
// requests, paced by the core.

#include <expected>
#include <optional>
#include <string>
#include <string_view>

#include "api/source.hpp"
#include "auth.hpp"
#include "google_admin.hpp"

namespace fk::google_admin {

using Failure = api::PollResult;

class Session {
 public:
  Session(api::PollContext& context, const Settings& settings, std::optional<AccessToken>& token);

  // GET with the Bearer token. A 401 earns one fresh token and one more try, then the poll fails (auth).
  std::expected<api::HttpResponse, Failure> get(const std::string& url, std::string_view what);
  // The same for any method, with a JSON body when `body` is not empty (write-back).
  std::expected<api::HttpResponse, Failure> call(const std::string& method, const std::string& url,
                                                 const std::string& body, std::string_view what);

 private:
  // Sends through the core's pacing (api/http_pacing.hpp), which also retries the quota 403s.
  // Returns 2xx and 401 responses; anything else is a failure.
  std::expected<api::HttpResponse, Failure> send(const api::HttpRequest& request, std::string_view what);
  std::expected<std::string, Failure> accessToken();
  std::expected<AccessToken, Failure> fetchToken();

  api::PollContext& context_;
  const Settings& settings_;
  std::optional<AccessToken>& token_;
};

}  // namespace fk::google_admin
