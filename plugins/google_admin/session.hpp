#pragma once

// One poll's conversation with Google: the access token (cached across polls by the source) and
// requests retried with back-off inside the poll's deadline.

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
  Session(api::PollContext& context, const Settings& settings, const Pacing& pacing,
          std::optional<AccessToken>& token);

  // GET with the Bearer token. A 401 earns one fresh token and one more try, then the poll fails (auth).
  std::expected<api::HttpResponse, Failure> get(const std::string& url, std::string_view what);
  // The same for any method, with a JSON body when `body` is not empty (write-back).
  std::expected<api::HttpResponse, Failure> call(const std::string& method, const std::string& url,
                                                 const std::string& body, std::string_view what);

 private:
  // Sends, retrying 429, the quota reasons and 500/502/503/504 with back-off (Retry-After when given).
  // Returns 2xx and 401 responses; anything else is a failure.
  std::expected<api::HttpResponse, Failure> send(const api::HttpRequest& request, std::string_view what);
  std::expected<std::string, Failure> accessToken();
  // A failure when the poll is past its deadline or cancelled.
  std::optional<std::unexpected<Failure>> stopped(std::string_view what) const;
  std::expected<AccessToken, Failure> fetchToken();

  api::PollContext& context_;
  const Settings& settings_;
  const Pacing& pacing_;
  std::optional<AccessToken>& token_;
};

}  // namespace fk::google_admin
