#include "store/user_store.hpp"

#include <gtest/gtest.h>

#include "store/password_hash.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

class UserStoreTest : public test::StoreTest {
 protected:
  UserStore users() { return UserStore(db()); }
};

TEST(PasswordHash, RoundTripWithArgon2id) {
  auto hash = hashPassword("correct horse battery");
  ASSERT_TRUE(hash.has_value()) << hash.error().message;
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=19456,t=5,p=1$")) << *hash;
  EXPECT_TRUE(verifyPassword(*hash, "correct horse battery"));
  EXPECT_FALSE(verifyPassword(*hash, "correct horse batterY"));
  EXPECT_FALSE(verifyPassword(*hash, ""));
}

TEST(PasswordHash, EachHashHasItsOwnSalt) {
  auto a = hashPassword("same password here");
  auto b = hashPassword("same password here");
  ASSERT_TRUE(a && b);
  EXPECT_NE(*a, *b);
}

TEST(PasswordHash, OldParametersStillVerifyAndGarbageNeverDoes) {
  auto cheap = hashPassword("an older password", Argon2Params{1, 1024, 1});
  ASSERT_TRUE(cheap.has_value());
  EXPECT_TRUE(verifyPassword(*cheap, "an older password"));
  EXPECT_FALSE(verifyPassword("", "x"));
  EXPECT_FALSE(verifyPassword("$argon2i$v=19$m=1024,t=1,p=1$AAAAAAAAAAA$AAAA", "x"));
  EXPECT_FALSE(verifyPassword("$argon2id$garbage", "x"));
}

TEST_F(UserStoreTest, CreateStoresOnlyAHash) {
  auto u = users().create({"ms.rivera", Role::technician, "rivera@example.org", Scope{{"Elm Valley Middle"}}},
                          "a long enough password");
  ASSERT_TRUE(u.has_value()) << u.error().message;
  EXPECT_EQ(scalar("SELECT count(*) FROM users WHERE password_hash LIKE '$argon2id$%'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM users WHERE password_hash LIKE '%long enough%'"), 0);
  auto listed = users().list();
  ASSERT_TRUE(listed.has_value());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].role, Role::technician);
  EXPECT_EQ((*listed)[0].scope.prefixes, std::vector<std::string>{"Elm Valley Middle"});
  EXPECT_EQ((*listed)[0].email, "rivera@example.org");
}

TEST_F(UserStoreTest, ShortPasswordsBadNamesAndDuplicatesAreRefused) {
  EXPECT_EQ(users().create({"x", Role::viewer, "", {}}, "too short").error().code, Errc::invalid);
  EXPECT_EQ(users().create({"bad name", Role::viewer, "", {}}, "long enough pw").error().code, Errc::invalid);
  EXPECT_EQ(users().create({"x", Role::viewer, "no-at-sign", {}}, "long enough pw").error().code, Errc::invalid);
  ASSERT_TRUE(users().create({"x", Role::viewer, "x@example.org", {}}, "long enough pw"));
  auto dup = users().create({"x", Role::viewer, "", {}}, "long enough pw");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
  auto dup_email = users().create({"y", Role::viewer, "X@example.org", {}}, "long enough pw");
  ASSERT_FALSE(dup_email);
  EXPECT_EQ(dup_email.error().details.value("field", ""), "email");
  EXPECT_EQ(scalar("SELECT count(*) FROM users"), 1);
}

TEST_F(UserStoreTest, CheckPasswordRefusesWrongUnknownAndDisabled) {
  ASSERT_TRUE(users().create({"lib", Role::viewer, "", {}}, "library password"));
  EXPECT_TRUE(users().checkPassword("lib", "library password").has_value());
  EXPECT_FALSE(users().checkPassword("lib", "library passwort").has_value());
  EXPECT_FALSE(users().checkPassword("nobody", "library password").has_value());
  ASSERT_TRUE(users().setDisabled("lib", true));
  EXPECT_FALSE(users().checkPassword("lib", "library password").has_value());
  ASSERT_TRUE(users().setDisabled("lib", false));
  EXPECT_TRUE(users().checkPassword("lib", "library password").has_value());
  EXPECT_EQ(users().setDisabled("nobody", true).error().code, Errc::not_found);
}

TEST_F(UserStoreTest, SetPasswordReplacesTheOldOne) {
  ASSERT_TRUE(users().create({"lib", Role::viewer, "", {}}, "library password"));
  ASSERT_TRUE(users().setPassword("lib", "a new library password"));
  EXPECT_FALSE(users().checkPassword("lib", "library password").has_value());
  EXPECT_TRUE(users().checkPassword("lib", "a new library password").has_value());
  EXPECT_EQ(users().setPassword("lib", "short").error().code, Errc::invalid);
}

TEST_F(UserStoreTest, FindByEmailIgnoresCase) {
  ASSERT_TRUE(users().create({"t", Role::technician, "Tech@Example.org", {}}, "long enough pw"));
  auto u = users().findByEmail("tech@example.org");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->name, "t");
  EXPECT_FALSE(users().findByEmail("other@example.org").has_value());
}

TEST_F(UserStoreTest, ScopedTokensKeepTheirScope) {
  TokenStore tokens(db());
  auto t = tokens.create("elm-script", Role::technician, Scope{{"Elm Valley Middle"}});
  ASSERT_TRUE(t.has_value());
  auto info = tokens.authenticate(*t);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->scope.prefixes, std::vector<std::string>{"Elm Valley Middle"});
}

}  // namespace
}  // namespace fk
