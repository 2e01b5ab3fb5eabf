#pragma once

#include <chrono>
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

// What one keep-alive connection remembers of the token it last proved. The next request on it that
// presents the same bytes (compared in constant time) while the database is unchanged since the proof
// (the same data_version: no commit by anyone, this process or another) is the same caller, and skips
// hashing the token and the shared cache; any commit in between sends it back to the full check, so a
// revoked token is still refused on the very next request. Empty until a token passes.
struct ProvenToken {
  std::string presented;
  std::int64_t version = 0;
  TokenInfo info;
  // When last_used_at is due again (its resolution after the stored stamp): the check that stamps it
  // goes through the database.
  std::chrono::system_clock::time_point stamp_due{};
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
  // `proven`: the connection's memory of its last proof, read and updated (nullptr: none).
  std::optional<TokenInfo> authenticate(std::string_view presented, ProvenToken* proven = nullptr);
  Result<std::size_t> count();

 private:
  struct Known {
    std::string hash;
    TokenInfo info;
  };
  // The check without the connection's memory: the shared cache, then the database.
  std::optional<TokenInfo> check(std::string_view presented, const std::optional<std::int64_t>& version);
  std::optional<TokenInfo> lookup(std::int64_t id, const std::string& hash);

  Database& db_;
  std::shared_ptr<CredentialCache<std::int64_t, Known>> known_ = std::make_shared<CredentialCache<std::int64_t, Known>>();
};

}  // namespace fk
