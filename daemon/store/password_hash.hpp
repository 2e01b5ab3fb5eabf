#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace fk {

// Argon2id (libargon2), the OWASP-recommended password hash, with a 16-byte random salt per hash and a
// 32-byte tag, stored in the library's encoded form ("$argon2id$v=19$m=...,t=...,p=...$salt$hash").
// The parameters are read back from that string when checking, so a change here keeps old hashes
// working. Tuned on the project's build machine (one core) to about 60 ms per check: slow enough to
// make guessing a stolen database's passwords expensive, fast enough that a sign-in does not drag and
// four concurrent checks (one per HTTP worker) use 4 x 19 MiB. Figures in docs/signin.md.
struct Argon2Params {
  std::uint32_t t_cost = 5;         // iterations
  std::uint32_t m_cost_kib = 19456;  // 19 MiB, OWASP's minimum memory for Argon2id
  std::uint32_t parallelism = 1;    // lanes; 1 keeps each check on one worker thread
};
inline constexpr Argon2Params kArgon2Params{};

// Hashes a password with a fresh salt.
Result<std::string> hashPassword(std::string_view password, const Argon2Params& params = kArgon2Params);

// True when `password` matches `encoded`. A malformed `encoded` is a mismatch.
bool verifyPassword(const std::string& encoded, std::string_view password);

// A valid hash of a random password, computed once: checked against when a sign-in names no user, so an
// unknown name costs as much time as a wrong password (no timing oracle for which names exist).
const std::string& decoyPasswordHash();

}  // namespace fk
