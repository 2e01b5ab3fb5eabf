#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/scope.hpp"
#include "store/credential_cache.hpp"
#include "store/database.hpp"

namespace fk {

enum class Role { viewer = 0, technician = 1, admin = 2 };
std::string_view toString(Role r);
std::optional<Role> parseRole(std::string_view s);

struct TokenInfo {
  std::string name;
  Role role = Role::viewer;
  std::string created_at;
  std::string last_used_at;
  Scope scope;  // no prefixes = the whole district
};

// API tokens. The plaintext ("fk_<id>_<secret>") is shown once at creation; only its SHA-256 is
// stored, and checks compare hashes in constant time (CRYPTO_memcmp) after looking the row up by id.
// A token checked once is remembered (by id, with its hash) until the next commit to the database, so
// a script's or a desk's stream of requests costs SQLite nothing until something changes.
class TokenStore {
 public:
  explicit TokenStore(Database& db) : db_(db) {}

  Result<std::string> create(const std::string& name, Role role, const Scope& scope = {});  // 409 if the name exists
  Result<std::vector<TokenInfo>> list();
  Status revoke(const std::string& name);  // 404 if unknown
  std::optional<TokenInfo> authenticate(std::string_view presented);
  Result<std::size_t> count();

 private:
  struct Known {
    std::string hash;
    TokenInfo info;
  };
  std::optional<TokenInfo> lookup(std::int64_t id, const std::string& hash);

  Database& db_;
  std::shared_ptr<CredentialCache<std::int64_t, Known>> known_ = std::make_shared<CredentialCache<std::int64_t, Known>>();
};

}  // namespace fk
