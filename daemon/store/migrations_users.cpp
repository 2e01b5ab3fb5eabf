namespace fk {

// People who sign in (users), their browser sessions, and scopes for API tokens.
// - users.scopes and tokens.scopes are JSON arrays of location prefixes (core/scope.hpp); '[]' = the
//   whole district.
// - users.password_hash is NULL for a user who only signs in through OpenID Connect.
// - sessions keep only the SHA-256 of the cookie's session id; times are epoch seconds so expiry is a
//   plain comparison. Deleting a user (or its sessions) ends them at once.
const char* migrationUsers() {
  return R"sql(
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  email TEXT UNIQUE COLLATE NOCASE,
  role TEXT NOT NULL CHECK (role = 'viewer' OR role = 'technician' OR role = 'admin'),
  scopes TEXT NOT NULL DEFAULT '[]',
  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
  password_hash TEXT,
  oidc_subject TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);
ALTER TABLE tokens ADD COLUMN scopes TEXT NOT NULL DEFAULT '[]';
)sql";
}

}  // namespace fk
