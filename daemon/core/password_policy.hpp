#pragma once

#include <string_view>

#include "core/error.hpp"

namespace fk {

inline constexpr std::size_t kMinPasswordLength = 10;
inline constexpr std::size_t kMaxPasswordLength = 1024;  // Argon2 takes any length; a bound keeps bodies small

// Length is counted in characters (UTF-8 code points), not bytes, so "ü" counts once. The error never
// quotes the password.
Status checkPasswordPolicy(std::string_view password);

}  // namespace fk
