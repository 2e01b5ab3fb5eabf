#include "store/user_store.hpp"

#include <sqlite3.h>

#include "core/password_policy.hpp"
#include "core/values.hpp"
#include "store/password_hash.hpp"
#include "store/write_tx.hpp"

namespace fk {

namespace {

constexpr const char* kUserColumns =
    "id, name, coalesce(email, ''), role, scopes, disabled, password_hash IS NOT NULL, created_at";

UserInfo readUser(SQLite::Statement& st) {
  return UserInfo{st.getColumn(0).getInt64(),
                  st.getColumn(1).getString(),
                  st.getColumn(2).getString(),
                  parseRole(st.getColumn(3).getString()).value_or(Role::viewer),
                  scopeFromJson(st.getColumn(4).getString()),
                  st.getColumn(5).getInt() != 0,
                  st.getColumn(6).getInt() != 0,
                  st.getColumn(7).getString()};
}

// Same alphabet as token names: it shows in events as user:NAME and in URLs.
bool validUserName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-' || c == '@';
    if (!ok) return false;
  }
  return true;
}

bool validEmail(const std::string& email) {
  const auto at = email.find('@');
  return email.size() <= 254 && at != std::string::npos && at > 0 && at + 1 < email.size() &&
         email.find_first_of(" \t\r\n<>") == std::string::npos && email.find('@', at + 1) == std::string::npos;
}

}  // namespace

Result<UserInfo> UserStore::create(const NewUser& user, const std::string& password) {
  if (!validUserName(user.name))
    return std::unexpected(Error::invalid("name", "a user name is 1-64 characters of A-Z a-z 0-9 . _ - @"));
  if (!user.email.empty() && !validEmail(user.email))
    return std::unexpected(Error::invalid("email", "not an email address: " + user.email));
  std::optional<std::string> hash;
  if (!password.empty()) {
    if (auto ok = checkPasswordPolicy(password); !ok) return std::unexpected(ok.error());
    auto h = hashPassword(password);
    if (!h) return std::unexpected(h.error());
    hash = std::move(*h);
  }
  return db_.with([&](SQLite::Database& db) -> Result<UserInfo> {
    try {
      WriteTx tx(db_, db);
      const std::string& now = tx.now();
      SQLite::Statement ins(db,
                            "INSERT INTO users (name, email, role, scopes, password_hash, created_at, updated_at) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)");
      ins.bind(1, user.name);
      if (user.email.empty()) ins.bind(2); else ins.bind(2, user.email);
      ins.bind(3, std::string(toString(user.role)));
      ins.bind(4, scopeToJson(user.scope));
      if (hash) ins.bind(5, *hash); else ins.bind(5);
      ins.bind(6, now);
      ins.exec();
      tx.commit();
      return UserInfo{db.getLastInsertRowid(), user.name, user.email, user.role, user.scope, false,
                      hash.has_value(), now};
    } catch (const SQLite::Exception& e) {
      if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) {
        const bool email = std::string(e.what()).find("email") != std::string::npos;
        return std::unexpected(Error::conflict(
            email ? "a user with email " + user.email + " already exists" : "a user named " + user.name + " already exists",
            {{"field", email ? "email" : "name"}}));
      }
      throw;
    }
  });
}

Result<std::vector<UserInfo>> UserStore::list() {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<UserInfo>> {
    SQLite::Statement st(db, std::string("SELECT ") + kUserColumns + " FROM users ORDER BY name");
    std::vector<UserInfo> out;
    while (st.executeStep()) out.push_back(readUser(st));
    return out;
  });
}

Status UserStore::setDisabled(const std::string& name, bool disabled) {
  return db_.with([&](SQLite::Database& db) -> Status {
    WriteTx tx(db_, db);
    SQLite::Statement up(db, "UPDATE users SET disabled = ?1, updated_at = ?2 WHERE name = ?3");
    up.bind(1, disabled ? 1 : 0);
    up.bind(2, tx.now());
    up.bind(3, name);
    if (up.exec() == 0) return std::unexpected(Error::notFound("no user named " + name));
    if (disabled) {
      SQLite::Statement end(db, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?1)");
      end.bind(1, name);
      end.exec();
    }
    tx.commit();
    return {};
  });
}

Status UserStore::setPassword(const std::string& name, const std::string& password) {
  if (auto ok = checkPasswordPolicy(password); !ok) return ok;
  auto hash = hashPassword(password);
  if (!hash) return std::unexpected(hash.error());
  return db_.with([&](SQLite::Database& db) -> Status {
    WriteTx tx(db_, db);
    SQLite::Statement up(db, "UPDATE users SET password_hash = ?1, updated_at = ?2 WHERE name = ?3");
    up.bind(1, *hash);
    up.bind(2, tx.now());
    up.bind(3, name);
    if (up.exec() == 0) return std::unexpected(Error::notFound("no user named " + name));
    SQLite::Statement end(db, "DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE name = ?1)");
    end.bind(1, name);
    end.exec();
    tx.commit();
    return {};
  });
}

Result<std::size_t> UserStore::count() {
  return db_.with([&](SQLite::Database& db) -> Result<std::size_t> {
    return static_cast<std::size_t>(db.execAndGet("SELECT count(*) FROM users").getInt64());
  });
}

std::optional<UserInfo> UserStore::checkPassword(const std::string& name, const std::string& password) {
  auto row = db_.with([&](SQLite::Database& db) -> Result<std::optional<std::pair<UserInfo, std::string>>> {
    SQLite::Statement st(db, std::string("SELECT ") + kUserColumns +
                                 ", coalesce(password_hash, '') FROM users WHERE name = ?1");
    st.bind(1, name);
    if (!st.executeStep()) return std::nullopt;
    return std::make_pair(readUser(st), st.getColumn(8).getString());
  });
  const bool found = row && *row && !(*row)->second.empty();
  const bool match = verifyPassword(found ? (*row)->second : decoyPasswordHash(), password);
  if (!found || !match || (*row)->first.disabled) return std::nullopt;
  return (*row)->first;
}

std::optional<UserInfo> UserStore::findByEmail(const std::string& email) {
  auto row = db_.with([&](SQLite::Database& db) -> Result<std::optional<UserInfo>> {
    SQLite::Statement st(db, std::string("SELECT ") + kUserColumns + " FROM users WHERE email = ?1");
    st.bind(1, email);
    if (!st.executeStep()) return std::nullopt;
    return readUser(st);
  });
  if (!row) return std::nullopt;
  return *row;
}

void UserStore::noteOidcSubject(std::int64_t user_id, const std::string& subject) {
  (void)db_.with([&](SQLite::Database& db) -> Status {
    SQLite::Statement up(db, "UPDATE users SET oidc_subject = ?1 WHERE id = ?2 AND oidc_subject IS NOT ?1");
    up.bind(1, subject);
    up.bind(2, user_id);
    up.exec();
    return {};
  });
}

}  // namespace fk
