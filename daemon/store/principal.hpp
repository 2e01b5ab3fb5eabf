#pragma once

#include <string>

#include "core/scope.hpp"
#include "store/token_store.hpp"

namespace fk {

// Who is calling: an API token (scripts) or a signed-in user (browser session).
struct Principal {
  enum class Kind { token, user } kind = Kind::token;
  std::string name;
  Role role = Role::viewer;
  Scope scope;
  std::string session_id;  // the cookie's value, session calls only; never logged

  // The event actor: "token:NAME" or "user:NAME".
  std::string actor() const { return (kind == Kind::user ? "user:" : "token:") + name; }
};

}  // namespace fk
