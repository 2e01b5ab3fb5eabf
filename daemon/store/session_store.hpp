#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/session_rules.hpp"
#include "store/credential_cache.hpp"
#include "store/database.hpp"
#include "store/principal.hpp"

namespace fk {

struct NewSession {
  std::string id;    // the fk_session cookie's value: 256 random bits, base64url; shown once
  std::string csrf;  // the X-CSRF-Token value bound to it
};

// The CSRF token of a session: base64url(SHA-256("fleetkeep-csrf:" + id)). Derived, not stored: only the
// holder of the session id can compute it, and a page reloaded from the cookie gets it back from
// GET /auth/me.
std::string csrfTokenFor(std::string_view session_id);
// Constant-time check of a presented X-CSRF-Token against the session's.
bool csrfMatches(std::string_view session_id, std::string_view presented);

// Browser sessions. Only the SHA-256 of a session id is stored, so a copy of the database opens no
// session. `now` is injectable for tests. A session checked once is remembered until the next commit to
// the database (see CredentialCache); its expiry is still judged on every request.
class SessionStore {
 public:
  using Clock = std::function<SysTime()>;
  explicit SessionStore(Database& db, Clock now = [] { return std::chrono::system_clock::now(); })
      : db_(db), now_(std::move(now)) {}

  Result<NewSession> start(std::int64_t user_id);
  // The signed-in user behind a cookie value, while the session is alive and the user enabled.
  // Refreshes the idle timer (at most once a minute, so most calls stay reads).
  std::optional<Principal> authenticate(std::string_view session_id, const SessionLimits& limits);
  void end(std::string_view session_id);

 private:
  struct Known {
    std::int64_t created = 0;
    std::int64_t last_seen = 0;
    Principal principal;
  };
  std::optional<Known> lookup(const std::string& hash, std::string_view session_id, SysTime now,
                              const SessionLimits& limits);

  Database& db_;
  Clock now_;
  std::shared_ptr<CredentialCache<std::string, Known>> known_ = std::make_shared<CredentialCache<std::string, Known>>();
};

}  // namespace fk
