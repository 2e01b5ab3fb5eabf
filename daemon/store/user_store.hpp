#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/scope.hpp"
#include "store/database.hpp"
#include "store/token_store.hpp"

namespace fk {

struct UserInfo {
  std::int64_t id = 0;
  std::string name;
  std::string email;  // "" = none
  Role role = Role::viewer;
  Scope scope;
  bool disabled = false;
  bool has_password = false;
  std::string created_at;
};

struct NewUser {
  std::string name;
  Role role = Role::viewer;
  std::string email;
  Scope scope;
};

// People who sign in. Passwords are kept only as Argon2id hashes (store/password_hash.hpp); disabling a
// user or changing a password ends the user's sessions in the same transaction.
class UserStore {
 public:
  explicit UserStore(Database& db) : db_(db) {}

  // `password` empty: the user signs in only through OpenID Connect. 409 on a taken name or email.
  Result<UserInfo> create(const NewUser& user, const std::string& password);
  Result<std::vector<UserInfo>> list();
  Status setDisabled(const std::string& name, bool disabled);  // 404 if unknown
  Status setPassword(const std::string& name, const std::string& password);
  Result<std::size_t> count();

  // The user when `name` exists, is enabled and `password` matches; nullopt otherwise. An Argon2 check
  // runs whatever the name, so the answer takes the same time for a name that does not exist.
  std::optional<UserInfo> checkPassword(const std::string& name, const std::string& password);
  std::optional<UserInfo> findByEmail(const std::string& email);
  // Remembers the provider's stable account id after an OpenID Connect sign-in.
  void noteOidcSubject(std::int64_t user_id, const std::string& subject);

 private:
  Database& db_;
};

}  // namespace fk
