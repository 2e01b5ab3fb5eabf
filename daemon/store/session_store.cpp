#include "store/session_store.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>

#include "store/statement_cache.hpp"

namespace fk {

namespace {

constexpr std::int64_t kTouchResolutionSeconds = 60;

std::string base64url(const unsigned char* data, std::size_t size) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kAlphabet[(acc >> bits) & 0x3f];
    }
  }
  if (bits > 0) out += kAlphabet[(acc << (6 - bits)) & 0x3f];
  return out;
}

std::array<unsigned char, 32> sha256(std::string_view text) {
  std::array<unsigned char, 32> digest{};
  unsigned int size = 0;
  EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr);
  return digest;
}

std::string idHash(std::string_view id) {
  auto d = sha256(id);
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : d) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0x0f];
  }
  return out;
}

std::int64_t epoch(SysTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

std::string csrfTokenFor(std::string_view session_id) {
  auto d = sha256(std::string("fleetkeep-csrf:") + std::string(session_id));
  return base64url(d.data(), d.size());
}

bool csrfMatches(std::string_view session_id, std::string_view presented) {
  const std::string expected = csrfTokenFor(session_id);
  return presented.size() == expected.size() && CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) == 0;
}

Result<NewSession> SessionStore::start(std::int64_t user_id) {
  std::array<unsigned char, 32> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1)
    return std::unexpected(Error::internal("no random bytes for a session"));
  NewSession s{base64url(random.data(), random.size()), ""};
  OPENSSL_cleanse(random.data(), random.size());
  s.csrf = csrfTokenFor(s.id);
  const std::int64_t now = epoch(now_());
  auto done = db_.with([&](SQLite::Database& db) -> Status {
    // Old sessions go here rather than on a timer: sign-ins are rare, and this keeps the table small.
    SQLite::Statement sweep(db, "DELETE FROM sessions WHERE user_id = ?1 AND last_seen_at < ?2");
    sweep.bind(1, user_id);
    sweep.bind(2, now - 30 * 86400);
    sweep.exec();
    SQLite::Statement ins(db, "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES (?1, ?2, ?3, ?3)");
    ins.bind(1, idHash(s.id));
    ins.bind(2, user_id);
    ins.bind(3, now);
    ins.exec();
    return {};
  });
  if (!done) return std::unexpected(done.error());
  return s;
}

std::optional<Principal> SessionStore::authenticate(std::string_view session_id, const SessionLimits& limits) {
  if (session_id.size() != 43) return std::nullopt;  // 32 bytes in unpadded base64url
  const std::string hash = idHash(session_id);
  const SysTime now = now_();
  std::optional<std::int64_t> version;
  try {
    version = db_.dataVersion();
  } catch (const std::exception&) {
    // No version, no cache: the database answers.
  }
  if (version) {
    // Keyed by the id's hash, as the table is. An expired session, or one whose idle timer is due a
    // refresh, goes through the database, which deletes or stamps it.
    if (auto known = known_->find(hash, *version);
        known && sessionAlive(known->created, known->last_seen, now, limits) &&
        epoch(now) - known->last_seen < kTouchResolutionSeconds) {
      Principal p = known->principal;
      p.session_id = std::string(session_id);
      return p;
    }
  }
  auto known = lookup(hash, session_id, now, limits);
  if (!known) return std::nullopt;
  Principal p = known->principal;
  if (version) {
    known->principal.session_id.clear();  // the cookie's value itself is never kept
    known_->store(hash, std::move(*known), *version);
  }
  return p;
}

std::optional<SessionStore::Known> SessionStore::lookup(const std::string& hash, std::string_view session_id,
                                                        SysTime now, const SessionLimits& limits) {
  auto found = db_.with([&](SQLite::Database& db) -> Result<std::optional<Known>> {
    auto st = cachedStatement(db,
                              "SELECT s.created_at, s.last_seen_at, u.name, u.role, u.scopes, u.disabled "
                              "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?1");
    st->bind(1, hash);
    if (!st->executeStep()) return std::optional<Known>();
    const std::int64_t created = st->getColumn(0).getInt64();
    const std::int64_t last_seen = st->getColumn(1).getInt64();
    if (st->getColumn(5).getInt() != 0 || !sessionAlive(created, last_seen, now, limits)) {
      st->reset();
      SQLite::Statement del(db, "DELETE FROM sessions WHERE id_hash = ?1");
      del.bind(1, hash);
      del.exec();
      return std::optional<Known>();
    }
    Known k{created, last_seen,
            Principal{Principal::Kind::user, st->getColumn(2).getString(),
                      parseRole(st->getColumn(3).getString()).value_or(Role::viewer),
                      scopeFromJson(st->getColumn(4).getString()), std::string(session_id)}};
    st->reset();
    if (epoch(now) - last_seen >= kTouchResolutionSeconds) {
      auto touch = cachedStatement(db, "UPDATE sessions SET last_seen_at = ?1 WHERE id_hash = ?2");
      touch->bind(1, epoch(now));
      touch->bind(2, hash);
      // Like a token's last_used_at: do not make a request wait behind an import's write lock; the
      // next request stamps it.
      db.setBusyTimeout(0);
      try {
        touch->exec();
        k.last_seen = epoch(now);
      } catch (const SQLite::Exception&) {
      }
      db.setBusyTimeout(Database::kBusyTimeoutMs);
    }
    return k;
  });
  if (!found) return std::nullopt;
  return *found;
}

void SessionStore::end(std::string_view session_id) {
  const std::string hash = idHash(session_id);
  (void)db_.with([&](SQLite::Database& db) -> Status {
    SQLite::Statement del(db, "DELETE FROM sessions WHERE id_hash = ?1");
    del.bind(1, hash);
    del.exec();
    return {};
  });
}

}  // namespace fk
