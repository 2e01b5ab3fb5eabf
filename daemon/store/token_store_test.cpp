#include "store/token_store.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "store/test_support.hpp"

namespace fk {
namespace {

class TokenStoreTest : public test::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    tokens_ = std::make_unique<TokenStore>(db());
  }
  TokenStore& tokens() { return *tokens_; }
  std::string lastUsed(const std::string& name) {
    return db().with([&](SQLite::Database& c) {
      SQLite::Statement st(c, "SELECT coalesce(last_used_at, '') FROM tokens WHERE name = ?1");
      st.bind(1, name);
      st.executeStep();
      return st.getColumn(0).getString();
    });
  }
  std::unique_ptr<TokenStore> tokens_;
};

TEST_F(TokenStoreTest, ACreatedTokenAuthenticatesWithItsRole) {
  auto token = tokens().create("help-desk.1", Role::technician);
  ASSERT_TRUE(token.has_value()) << token.error().message;
  // fk_<id>_<64 lowercase hex>
  ASSERT_TRUE(token->starts_with("fk_")) << *token;
  std::size_t sep = token->find('_', 3);
  ASSERT_NE(sep, std::string::npos);
  EXPECT_GT(std::stoll(token->substr(3, sep - 3)), 0);
  std::string secret = token->substr(sep + 1);
  EXPECT_EQ(secret.size(), 64u);
  EXPECT_EQ(secret.find_first_not_of("0123456789abcdef"), std::string::npos) << *token;
  auto who = tokens().authenticate(*token);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->name, "help-desk.1");
  EXPECT_EQ(who->role, Role::technician);
  EXPECT_EQ(tokens().count().value(), 1u);
}

TEST_F(TokenStoreTest, OnlyAHashIsStored) {
  std::string token = tokens().create("admin", Role::admin).value();
  std::string secret = token.substr(token.rfind('_') + 1);
  db().with([&](SQLite::Database& c) {
    std::string hash = c.execAndGet("SELECT hash FROM tokens WHERE name = 'admin'").getString();
    EXPECT_EQ(hash.size(), 64u);
    EXPECT_EQ(hash.find(secret), std::string::npos);
    EXPECT_EQ(
        c.execAndGet("SELECT count(*) FROM tokens WHERE instr(hash || name || role, '" + secret + "') > 0")
            .getInt(),
        0);
  });
}

TEST_F(TokenStoreTest, WrongOrMalformedTokensAreRejected) {
  std::string token = tokens().create("admin", Role::admin).value();
  std::string wrong = token;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_FALSE(tokens().authenticate(wrong).has_value());
  std::string other_id = "fk_999" + token.substr(token.find('_', 3));
  EXPECT_FALSE(tokens().authenticate(other_id).has_value());
  for (const char* bad : {"", "fk_", "fk_1_", "fk_x_00", "Bearer", "fk_1_ABCDEF", "fk__0000"}) {
    EXPECT_FALSE(tokens().authenticate(bad).has_value()) << bad;
  }
  std::string upper = token;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_FALSE(tokens().authenticate(upper).has_value());
  EXPECT_FALSE(tokens().authenticate(token + "0").has_value());
}

TEST_F(TokenStoreTest, RevokedTokensStopWorking) {
  std::string token = tokens().create("temp", Role::viewer).value();
  ASSERT_TRUE(tokens().revoke("temp"));
  EXPECT_FALSE(tokens().authenticate(token).has_value());
  auto again = tokens().revoke("temp");
  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code, Errc::not_found);
  EXPECT_EQ(tokens().count().value(), 0u);
}

TEST_F(TokenStoreTest, NamesAreUniqueAndRestricted) {
  ASSERT_TRUE(tokens().create("ops", Role::viewer));
  auto dup = tokens().create("ops", Role::admin);
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().code, Errc::conflict);
  for (const std::string& bad : {std::string(), std::string("has space"), std::string("semi;colon"),
                                 std::string(65, 'a'), std::string("ünïcode")}) {
    auto r = tokens().create(bad, Role::viewer);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid);
    EXPECT_EQ(r.error().details["field"], "name");
  }
  EXPECT_TRUE(tokens().create(std::string(64, 'a'), Role::viewer));
}

TEST_F(TokenStoreTest, ListShowsNamesAndRolesButNoSecrets) {
  ASSERT_TRUE(tokens().create("b-viewer", Role::viewer));
  ASSERT_TRUE(tokens().create("a-admin", Role::admin));
  auto all = tokens().list();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "a-admin");
  EXPECT_EQ((*all)[0].role, Role::admin);
  EXPECT_EQ((*all)[1].role, Role::viewer);
  EXPECT_FALSE((*all)[0].created_at.empty());
  EXPECT_TRUE((*all)[0].last_used_at.empty());
}

TEST_F(TokenStoreTest, LastUsedIsStampedAtMostOncePerMinute) {
  std::string token = tokens().create("ci", Role::viewer).value();
  ASSERT_TRUE(tokens().authenticate(token));
  std::string first = lastUsed("ci");
  EXPECT_FALSE(first.empty());
  // A marker value that is recent but not "now" shows whether the next check wrote again.
  exec("UPDATE tokens SET last_used_at = last_used_at || ' ' WHERE name = 'ci'");
  ASSERT_TRUE(tokens().authenticate(token));
  EXPECT_EQ(lastUsed("ci"), first + " ");
  exec("UPDATE tokens SET last_used_at = '2020-01-01T00:00:00Z' WHERE name = 'ci'");
  auto who = tokens().authenticate(token);
  ASSERT_TRUE(who.has_value());
  EXPECT_GT(lastUsed("ci"), std::string("2020-01-01T00:00:00Z"));
  EXPECT_EQ(who->last_used_at, lastUsed("ci"));
}

TEST_F(TokenStoreTest, AuthenticationDoesNotWaitForABusyWriter) {
  std::string token = tokens().create("ci", Role::viewer).value();
  exec("UPDATE tokens SET last_used_at = '2020-01-01T00:00:00Z' WHERE name = 'ci'");
  // Another process (say, a long import) holds the write lock.
  SQLite::Database other(dir_ / "fleet.db", SQLite::OPEN_READWRITE);
  SQLite::Transaction writer(other, SQLite::TransactionBehavior::IMMEDIATE);
  auto start = std::chrono::steady_clock::now();
  auto who = tokens().authenticate(token);
  auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(who.has_value());
  EXPECT_LT(waited, std::chrono::milliseconds(Database::kBusyTimeoutMs / 2));
  EXPECT_EQ(who->last_used_at, "2020-01-01T00:00:00Z");
  writer.commit();
  // The skipped stamp is written by the next check once the lock is free.
  ASSERT_TRUE(tokens().authenticate(token));
  EXPECT_NE(lastUsed("ci"), "2020-01-01T00:00:00Z");
}

// The store remembers checked tokens until the next commit; every way a token can change must still
// reach the very next check, whichever connection or process made the change.
TEST_F(TokenStoreTest, ARememberedTokenIsRefusedOnTheNextCheckAfterARevoke) {
  std::string token = tokens().create("desk", Role::technician).value();
  std::string other = tokens().create("script", Role::viewer).value();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(tokens().authenticate(token));
  ASSERT_TRUE(tokens().authenticate(other));
  ASSERT_TRUE(tokens().revoke("desk"));
  EXPECT_FALSE(tokens().authenticate(token).has_value());
  EXPECT_TRUE(tokens().authenticate(other).has_value());
}

TEST_F(TokenStoreTest, ARevokeByAnotherProcessReachesTheNextCheck) {
  std::string token = tokens().create("desk", Role::technician).value();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(tokens().authenticate(token));
  // `fleetkeepd token revoke` opens the file itself: another Database, other connections.
  auto cli = Database::open(dir_ / "fleet.db", 1);
  ASSERT_TRUE(cli.has_value());
  ASSERT_TRUE(TokenStore(**cli).revoke("desk"));
  EXPECT_FALSE(tokens().authenticate(token).has_value());
}

TEST_F(TokenStoreTest, AChangeMadeOutsideTheStoreReachesTheNextCheck) {
  std::string token = tokens().create("desk", Role::admin).value();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(tokens().authenticate(token)->role, Role::admin);
  // A plain SQL change on another connection, with no Database::noteWrite() and no store involved.
  SQLite::Database other(dir_ / "fleet.db", SQLite::OPEN_READWRITE);
  other.exec("UPDATE tokens SET role = 'viewer', scopes = '[\"Elm Valley Middle\"]' WHERE name = 'desk'");
  auto who = tokens().authenticate(token);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->role, Role::viewer);
  EXPECT_EQ(who->scope.prefixes, std::vector<std::string>{"Elm Valley Middle"});
}

TEST_F(TokenStoreTest, ARememberedIdWithAWrongSecretIsRefused) {
  std::string token = tokens().create("desk", Role::viewer).value();
  ASSERT_TRUE(tokens().authenticate(token));
  std::string forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_FALSE(tokens().authenticate(forged).has_value());
  EXPECT_TRUE(tokens().authenticate(token).has_value());
}

// A keep-alive connection's memory of its last proof (ProvenToken) skips the hash and the cache only
// while nothing at all has been committed since: each way a token ends still reaches the very next
// check on that connection.
TEST_F(TokenStoreTest, AProvenTokenIsRefusedOnTheNextCheckAfterARevokeInThisProcess) {
  std::string token = tokens().create("desk", Role::technician).value();
  ProvenToken proven;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(tokens().authenticate(token, &proven));
  EXPECT_EQ(proven.presented, token);
  EXPECT_EQ(proven.info.name, "desk");
  ASSERT_TRUE(tokens().revoke("desk"));
  EXPECT_FALSE(tokens().authenticate(token, &proven).has_value());
  EXPECT_TRUE(proven.presented.empty());
  EXPECT_FALSE(tokens().authenticate(token, &proven).has_value());
}

TEST_F(TokenStoreTest, AProvenTokenIsRefusedOnTheNextCheckAfterARevokeByAnotherProcess) {
  std::string token = tokens().create("desk", Role::technician).value();
  ProvenToken proven;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(tokens().authenticate(token, &proven));
  auto cli = Database::open(dir_ / "fleet.db", 1);
  ASSERT_TRUE(cli.has_value());
  ASSERT_TRUE(TokenStore(**cli).revoke("desk"));
  EXPECT_FALSE(tokens().authenticate(token, &proven).has_value());
}

TEST_F(TokenStoreTest, AProvenTokenSeesAChangeMadeOutsideTheStore) {
  std::string token = tokens().create("desk", Role::admin).value();
  ProvenToken proven;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(tokens().authenticate(token, &proven)->role, Role::admin);
  SQLite::Database other(dir_ / "fleet.db", SQLite::OPEN_READWRITE);
  other.exec("UPDATE tokens SET role = 'viewer' WHERE name = 'desk'");
  auto who = tokens().authenticate(token, &proven);
  ASSERT_TRUE(who.has_value());
  EXPECT_EQ(who->role, Role::viewer);
  EXPECT_EQ(proven.info.role, Role::viewer);
}

TEST_F(TokenStoreTest, AProvenTokenAnswersOnlyForTheSameBytes) {
  std::string token = tokens().create("desk", Role::admin).value();
  std::string viewer = tokens().create("script", Role::viewer).value();
  ProvenToken proven;
  ASSERT_TRUE(tokens().authenticate(token, &proven));
  std::string forged = token;
  forged.back() = forged.back() == '0' ? '1' : '0';
  EXPECT_FALSE(tokens().authenticate(forged, &proven).has_value());
  EXPECT_FALSE(tokens().authenticate(token.substr(0, token.size() - 1), &proven).has_value());
  ASSERT_TRUE(tokens().authenticate(token, &proven));
  // Another caller on the same connection is that caller, not the one proven before.
  EXPECT_EQ(tokens().authenticate(viewer, &proven)->role, Role::viewer);
  EXPECT_EQ(tokens().authenticate(token, &proven)->role, Role::admin);
}

TEST_F(TokenStoreTest, AProvenTokenStillStampsLastUsedWhenDue) {
  std::string token = tokens().create("ci", Role::viewer).value();
  ProvenToken proven;
  ASSERT_TRUE(tokens().authenticate(token, &proven));
  const std::string first = lastUsed("ci");
  ASSERT_FALSE(first.empty());
  // The stamp falls due without any commit: the proof must not be used past that point.
  proven.stamp_due = std::chrono::system_clock::now() - std::chrono::seconds(1);
  proven.info.last_used_at = "remembered";
  auto who = tokens().authenticate(token, &proven);
  ASSERT_TRUE(who.has_value());
  EXPECT_NE(who->last_used_at, "remembered");
}

TEST(Roles, RoundTripThroughTheirNames) {
  for (Role r : {Role::viewer, Role::technician, Role::admin}) EXPECT_EQ(parseRole(toString(r)), r);
  EXPECT_FALSE(parseRole("root").has_value());
  EXPECT_FALSE(parseRole("Admin").has_value());
}

}  // namespace
}  // namespace fk
