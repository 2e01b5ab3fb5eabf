#pragma once

// A throw-away RSA key made when the tests start (no key is committed), and RS256 verification, for
// tests only.

#include <filesystem>
#include <string>
#include <string_view>

namespace fk::google_admin::testing {

// PKCS#8 PEM of a 2048-bit key generated once per test process.
const std::string& testPrivateKeyPem();
// True when `jwt`'s signature verifies with the public half of the test key.
bool verifyWithTestKey(std::string_view jwt);
// A service-account key file like Google's, holding the test key; returns its path.
std::filesystem::path writeKeyFile(const std::filesystem::path& dir, const std::string& token_uri);

inline constexpr std::string_view kTestClientEmail = "fleetkeep-sync@district-test.iam.gserviceaccount.com";

}  // namespace fk::google_admin::testing
