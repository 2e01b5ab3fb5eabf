#pragma once

// A throw-away RSA key made when the tests start (no key is committed), and RS256 verification, for
// tests only; with what the fake Google of the sync and write-back tests answers.

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/source.hpp"

namespace fk::google_admin::testing {

// PKCS#8 PEM of a 2048-bit key generated once per test process.
const std::string& testPrivateKeyPem();
// True when `jwt`'s signature verifies with the public half of the test key.
bool verifyWithTestKey(std::string_view jwt);
// A service-account key file like Google's, holding the test key; returns its path.
std::filesystem::path writeKeyFile(const std::filesystem::path& dir, const std::string& token_uri);

inline constexpr std::string_view kTestClientEmail = "fleetkeep-sync@district-test.iam.gserviceaccount.com";
// Where the test key files send the token request: the fake Google answers it.
inline constexpr char kTokenUrl[] = "https://oauth2.test/token";

// A response of the fake Google.
inline api::HttpResponse reply(int status, std::string body,
                               std::vector<std::pair<std::string, std::string>> headers = {}) {
  return api::HttpResponse{status, std::move(headers), std::move(body)};
}

}  // namespace fk::google_admin::testing
