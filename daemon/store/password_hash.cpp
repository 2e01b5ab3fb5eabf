#include "store/password_hash.hpp"

#include <argon2.h>
#include <openssl/rand.h>

#include <array>
#include <vector>

namespace fk {

namespace {
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
}  // namespace

Result<std::string> hashPassword(std::string_view password, const Argon2Params& params) {
  std::array<unsigned char, kSaltBytes> salt{};
  // libargon2 makes no salt of its own.
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1)
    return std::unexpected(Error::internal("no random bytes for a password salt"));
  // argon2_encodedlen counts the terminating NUL.
  const std::size_t length = argon2_encodedlen(params.t_cost, params.m_cost_kib, params.parallelism, kSaltBytes,
                                               kHashBytes, Argon2_id);
  std::vector<char> encoded(length);
  const int rc = argon2id_hash_encoded(params.t_cost, params.m_cost_kib, params.parallelism, password.data(),
                                       password.size(), salt.data(), salt.size(), kHashBytes, encoded.data(),
                                       encoded.size());
  if (rc != ARGON2_OK)
    return std::unexpected(Error::internal(std::string("password hashing failed: ") + argon2_error_message(rc)));
  return std::string(encoded.data());
}

bool verifyPassword(const std::string& encoded, std::string_view password) {
  if (!encoded.starts_with("$argon2id$")) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

const std::string& decoyPasswordHash() {
  static const std::string kDecoy = [] {
    std::array<unsigned char, 32> random{};
    RAND_bytes(random.data(), static_cast<int>(random.size()));
    auto hash = hashPassword(std::string_view(reinterpret_cast<const char*>(random.data()), random.size()));
    return hash ? *hash : std::string();
  }();
  return kDecoy;
}

}  // namespace fk
