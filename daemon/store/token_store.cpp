#include "store/token_store.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <cstdio>

#include "core/values.hpp"
#include "store/statement_cache.hpp"
#include "store/write_tx.hpp"

namespace fk {

namespace {

constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kSecretHex = kSecretBytes * 2;
// last_used_at is advisory; writing it on every request would turn each read into a write.
constexpr std::chrono::seconds kLastUsedResolution{60};

std::string toHex(const unsigned char* data, std::size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 0x0f];
  }
  return out;
}

std::optional<std::string> sha256Hex(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr) != 1)
    return std::nullopt;
  return toHex(digest.data(), size);
}

bool validTokenName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// "fk_<id>_<64 lowercase hex>" -> id; anything else is rejected before touching the database.
std::optional<std::int64_t> parseTokenId(std::string_view token) {
  if (!token.starts_with("fk_")) return std::nullopt;
  token.remove_prefix(3);
  std::size_t sep = token.find('_');
  if (sep == 0 || sep == std::string_view::npos || sep > 18) return std::nullopt;
  std::int64_t id = 0;
  for (char c : token.substr(0, sep)) {
    if (c < '0' || c > '9') return std::nullopt;
    id = id * 10 + (c - '0');
  }
  std::string_view secret = token.substr(sep + 1);
  if (secret.size() != kSecretHex) return std::nullopt;
  for (char c : secret) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
  }
  return id;
}

}  // namespace

std::string_view toString(Role r) {
  switch (r) {
    case Role::viewer: return "viewer";
    case Role::technician: return "technician";
    case Role::admin: return "admin";
  }
  return "viewer";
}

std::optional<Role> parseRole(std::string_view s) {
  if (s == "viewer") return Role::viewer;
  if (s == "technician") return Role::technician;
  if (s == "admin") return Role::admin;
  return std::nullopt;
}

Result<std::string> TokenStore::create(const std::string& name, Role role, const Scope& scope) {
  if (!validTokenName(name)) {
    return std::unexpected(Error::invalid("name", "token name must be 1-64 characters of A-Z a-z 0-9 . _ -"));
  }
  std::array<unsigned char, kSecretBytes> secret{};
  if (RAND_bytes(secret.data(), static_cast<int>(secret.size())) != 1) {
    return std::unexpected(Error::internal("no random bytes for a new token"));
  }
  const std::string secret_hex = toHex(secret.data(), secret.size());
  return db_.with([&](SQLite::Database& db) -> Result<std::string> {
    try {
      WriteTx tx(db_, db);
      SQLite::Statement ins(db, "INSERT INTO tokens (name, role, hash, created_at, scopes) VALUES (?1, ?2, '', ?3, ?4)");
      ins.bind(1, name);
      ins.bind(2, std::string(toString(role)));
      ins.bind(3, tx.now());
      ins.bind(4, scopeToJson(scope));
      ins.exec();
      // The id is part of the plaintext, so the hash can only be computed once the row exists.
      const std::string token = "fk_" + std::to_string(db.getLastInsertRowid()) + "_" + secret_hex;
      auto hash = sha256Hex(token);
      if (!hash) return std::unexpected(Error::internal("cannot hash a new token"));
      SQLite::Statement set(db, "UPDATE tokens SET hash = ?1 WHERE id = ?2");
      set.bind(1, *hash);
      set.bind(2, static_cast<std::int64_t>(db.getLastInsertRowid()));
      set.exec();
      tx.commit();
      return token;
    } catch (const SQLite::Exception& e) {
      if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) {
        return std::unexpected(
            Error::conflict("a token named " + name + " already exists", {{"field", "name"}}));
      }
      throw;
    }
  });
}

Result<std::vector<TokenInfo>> TokenStore::list() {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<TokenInfo>> {
    SQLite::Statement st(
        db, "SELECT name, role, created_at, coalesce(last_used_at, ''), scopes FROM tokens ORDER BY name");
    std::vector<TokenInfo> out;
    while (st.executeStep()) {
      out.push_back({st.getColumn(0).getString(),
                     parseRole(st.getColumn(1).getString()).value_or(Role::viewer),
                     st.getColumn(2).getString(), st.getColumn(3).getString(),
                     scopeFromJson(st.getColumn(4).getString())});
    }
    return out;
  });
}

Status TokenStore::revoke(const std::string& name) {
  return db_.with([&](SQLite::Database& db) -> Status {
    WriteTx tx(db_, db);
    SQLite::Statement del(db, "DELETE FROM tokens WHERE name = ?1");
    del.bind(1, name);
    if (del.exec() == 0) return std::unexpected(Error::notFound("no token named " + name));
    tx.commit();
    return {};
  });
}

namespace {

bool sameSecret(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

std::optional<TokenInfo> TokenStore::authenticate(std::string_view presented, ProvenToken* proven) {
  // The version is read before any lookup: an entry stored under it is from no earlier a snapshot.
  std::optional<std::int64_t> version;
  try {
    version = db_.dataVersion();
  } catch (const std::exception&) {
    // No version, no cache: the database answers.
  }
  const auto now = std::chrono::system_clock::now();
  if (proven && version && !proven->presented.empty() && proven->version == *version &&
      sameSecret(proven->presented, presented) && now < proven->stamp_due)
    return proven->info;
  auto info = check(presented, version);
  if (proven) {
    if (info && version) {
      proven->presented.assign(presented);
      proven->version = *version;
      proven->info = *info;
      const auto stamped = parseInstant(info->last_used_at);
      proven->stamp_due = stamped ? *stamped + kLastUsedResolution : now;
    } else {
      *proven = ProvenToken{};
    }
  }
  return info;
}

std::optional<TokenInfo> TokenStore::check(std::string_view presented, const std::optional<std::int64_t>& version) {
  auto id = parseTokenId(presented);
  if (!id) return std::nullopt;
  auto hash = sha256Hex(presented);
  if (!hash) return std::nullopt;
  if (version) {
    if (auto known = known_->find(*id, *version)) {
      if (!sameSecret(known->hash, *hash)) return std::nullopt;
      // A stamp due goes through the database, whose write then empties the cache for everyone.
      if (known->info.last_used_at >= formatInstant(std::chrono::system_clock::now() - kLastUsedResolution))
        return known->info;
    }
  }
  auto info = lookup(*id, *hash);
  if (info && version) known_->store(*id, Known{*hash, *info}, *version);
  return info;
}

std::optional<TokenInfo> TokenStore::lookup(std::int64_t id, const std::string& hash) {
  auto found = db_.with([&](SQLite::Database& db) -> Result<std::optional<TokenInfo>> {
    auto st = cachedStatement(
        db, "SELECT name, role, created_at, coalesce(last_used_at, ''), hash, scopes FROM tokens WHERE id = ?1");
    st->bind(1, static_cast<std::int64_t>(id));
    if (!st->executeStep()) return std::optional<TokenInfo>();
    const std::string stored = st->getColumn(4).getString();
    if (stored.size() != hash.size() || CRYPTO_memcmp(stored.data(), hash.data(), hash.size()) != 0) {
      return std::optional<TokenInfo>();
    }
    TokenInfo info{st->getColumn(0).getString(), parseRole(st->getColumn(1).getString()).value_or(Role::viewer),
                   st->getColumn(2).getString(), st->getColumn(3).getString(),
                   scopeFromJson(st->getColumn(5).getString())};
    st->reset();
    auto now = std::chrono::system_clock::now();
    // RFC 3339 UTC strings of one fixed format order like the instants they name.
    if (info.last_used_at < formatInstant(now - kLastUsedResolution)) {
      const std::string previous = info.last_used_at;
      info.last_used_at = formatInstant(now);
      auto touch = cachedStatement(db, "UPDATE tokens SET last_used_at = ?1 WHERE id = ?2");
      touch->bind(1, info.last_used_at);
      touch->bind(2, static_cast<std::int64_t>(id));
      // The stamp is advisory: while an import holds the write lock, skip it rather than make the
      // request wait for the busy timeout. A later request stamps it.
      db.setBusyTimeout(0);
      try {
        touch->exec();
      } catch (const SQLite::Exception&) {
        info.last_used_at = previous;
      }
      db.setBusyTimeout(Database::kBusyTimeoutMs);
    }
    return info;
  });
  if (!found) return std::nullopt;
  return *found;
}

Result<std::size_t> TokenStore::count() {
  return db_.with([&](SQLite::Database& db) -> Result<std::size_t> {
    return static_cast<std::size_t>(db.execAndGet("SELECT count(*) FROM tokens").getInt64());
  });
}

}  // namespace fk
