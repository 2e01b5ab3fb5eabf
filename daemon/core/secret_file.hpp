#pragma once

// The one reader of secret files (Google's service-account key, the Intune client secret, the
// Snipe-IT token, the SMTP password, the OpenID Connect client secret), for the plugins and the core
// alike, so where a secret comes from, how large it may be and who may read it are decided once.

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace fk {

// A secret is a few hundred bytes (a service-account key about 2.4 KiB); anything larger is not one.
inline constexpr std::size_t kMaxSecretFileBytes = 64 * 1024;

// Where a configured secret file is read from: under systemd with LoadCredential=, the credential of
// the same file name in $CREDENTIALS_DIRECTORY when it is there; otherwise the configured path.
std::filesystem::path secretSource(const std::filesystem::path& configured);

struct SecretText {
  std::string text;  // without a trailing line end
  std::filesystem::path source;  // the file it was read from (a path, never the content: safe to log)
  bool shared = false;           // group or others have some access to the file
  // Set, the first time this process reads a shared file, to the warning to log (then empty, so a
  // secret read on every poll or every mail does not flood the log).
  std::string warning;

  SecretText() = default;
  SecretText(SecretText&&) noexcept;
  SecretText& operator=(SecretText&&) noexcept;
  SecretText(const SecretText&) = delete;
  SecretText& operator=(const SecretText&) = delete;
  ~SecretText();  // wipes `text`
};

// Reads the secret of `what` (the config key, for messages) from secretSource(file): a regular file
// of at most kMaxSecretFileBytes, not empty once a trailing CR/LF is taken off. Errors name the key
// and the path, never the content.
Result<SecretText> readSecretFile(const std::filesystem::path& file, std::string_view what);

}  // namespace fk
