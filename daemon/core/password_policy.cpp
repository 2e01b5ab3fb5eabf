#include "core/password_policy.hpp"

namespace fk {

Status checkPasswordPolicy(std::string_view password) {
  std::size_t chars = 0;
  for (unsigned char c : password)
    if ((c & 0xC0) != 0x80) ++chars;  // count lead bytes only
  for (unsigned char c : password)
    if (c < 0x20 || c == 0x7f)
      return std::unexpected(Error::invalid("password", "a password cannot contain control characters or line breaks"));
  if (chars < kMinPasswordLength)
    return std::unexpected(Error::invalid(
        "password", "a password needs at least " + std::to_string(kMinPasswordLength) + " characters"));
  if (password.size() > kMaxPasswordLength)
    return std::unexpected(Error::invalid(
        "password", "a password is at most " + std::to_string(kMaxPasswordLength) + " bytes"));
  return {};
}

}  // namespace fk
