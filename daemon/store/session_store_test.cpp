#include "store/session_store.hpp"

#include <gtest/gtest.h>

#include "store/test_support.hpp"
#include "store/user_store.hpp"

namespace fk {
namespace {

using namespace std::chrono_literals;

class SessionStoreTest : public test::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    auto u = UserStore(db()).create({"tech", Role::technician, "", Scope{{"Elm Valley Middle"}}}, "tech password!");
    ASSERT_TRUE(u.has_value());
    user_id_ = u->id;
  }
  SessionStore store() { return SessionStore(db(), [this] { return now_; }); }
  std::int64_t user_id_ = 0;
  SysTime now_ = SysTime(std::chrono::seconds(1'800'000'000));
  SessionLimits limits_{1h, 24h};
};

TEST_F(SessionStoreTest, OnlyTheHashIsStoredAndTheSessionNamesItsUser) {
  auto s = store().start(user_id_);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->id.size(), 43u);  // 256 bits, base64url
  EXPECT_EQ(scalar("SELECT count(*) FROM sessions WHERE id_hash = '" + s->id + "'"), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM sessions WHERE length(id_hash) = 64"), 1);
  auto p = store().authenticate(s->id, limits_);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name, "tech");
  EXPECT_EQ(p->kind, Principal::Kind::user);
  EXPECT_EQ(p->actor(), "user:tech");
  EXPECT_EQ(p->scope.prefixes, std::vector<std::string>{"Elm Valley Middle"});
  std::string other = s->id;
  other.back() = other.back() == 'A' ? 'B' : 'A';  // a different id, whatever the last character was
  EXPECT_FALSE(store().authenticate(other, limits_).has_value());
  EXPECT_FALSE(store().authenticate("", limits_).has_value());
}

TEST_F(SessionStoreTest, IdleExpiryWithAFakeClock) {
  auto s = store().start(user_id_);
  ASSERT_TRUE(s);
  now_ += 59min;
  ASSERT_TRUE(store().authenticate(s->id, limits_));  // use refreshes the idle timer
  now_ += 59min;
  ASSERT_TRUE(store().authenticate(s->id, limits_));
  now_ += 60min;
  EXPECT_FALSE(store().authenticate(s->id, limits_));
  EXPECT_EQ(scalar("SELECT count(*) FROM sessions"), 0);  // an expired session is removed
}

TEST_F(SessionStoreTest, AbsoluteExpiryEvenWhenUsed) {
  auto s = store().start(user_id_);
  ASSERT_TRUE(s);
  for (int i = 0; i < 23; ++i) {
    now_ += 1h - 1s;
    ASSERT_TRUE(store().authenticate(s->id, limits_)) << i;
  }
  now_ += 1h;
  EXPECT_FALSE(store().authenticate(s->id, limits_));
}

TEST_F(SessionStoreTest, DisablingOrANewPasswordEndsSessions) {
  auto a = store().start(user_id_);
  ASSERT_TRUE(a);
  ASSERT_TRUE(UserStore(db()).setDisabled("tech", true));
  EXPECT_FALSE(store().authenticate(a->id, limits_));
  ASSERT_TRUE(UserStore(db()).setDisabled("tech", false));
  EXPECT_FALSE(store().authenticate(a->id, limits_));  // stays ended after re-enabling
  auto b = store().start(user_id_);
  ASSERT_TRUE(b);
  ASSERT_TRUE(UserStore(db()).setPassword("tech", "another password"));
  EXPECT_FALSE(store().authenticate(b->id, limits_));
}

TEST_F(SessionStoreTest, EndRemovesOnlyThatSession) {
  auto a = store().start(user_id_);
  auto b = store().start(user_id_);
  ASSERT_TRUE(a && b);
  store().end(a->id);
  EXPECT_FALSE(store().authenticate(a->id, limits_));
  EXPECT_TRUE(store().authenticate(b->id, limits_));
}

// One store, as the daemon has: its memory of checked sessions must not outlive any of the ways a
// session ends.
TEST_F(SessionStoreTest, ARememberedSessionEndsOnTheNextRequestEveryWay) {
  SessionStore one = store();
  auto warm = [&](const std::string& id) {
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(one.authenticate(id, limits_).has_value());
  };
  // Logout.
  auto s = one.start(user_id_).value();
  warm(s.id);
  one.end(s.id);
  EXPECT_FALSE(one.authenticate(s.id, limits_));
  // The user disabled, then a new password (each ends every session of the user).
  UserStore users(db());
  s = one.start(user_id_).value();
  warm(s.id);
  ASSERT_TRUE(users.setDisabled("tech", true));
  EXPECT_FALSE(one.authenticate(s.id, limits_));
  ASSERT_TRUE(users.setDisabled("tech", false));
  s = one.start(user_id_).value();
  warm(s.id);
  ASSERT_TRUE(users.setPassword("tech", "a whole new password"));
  EXPECT_FALSE(one.authenticate(s.id, limits_));
  // Deleted by another process (another Database on the same file).
  s = one.start(user_id_).value();
  warm(s.id);
  auto cli = Database::open(dir_ / "fleet.db", 1);
  ASSERT_TRUE(cli.has_value());
  (*cli)->with([](SQLite::Database& c) { c.exec("DELETE FROM sessions"); });
  EXPECT_FALSE(one.authenticate(s.id, limits_));
}

TEST_F(SessionStoreTest, ARememberedSessionStillExpiresOnTime) {
  SessionStore one = store();
  auto s = one.start(user_id_).value();
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(one.authenticate(s.id, limits_));
  // Idle: nothing was committed in between, so only the clock says it is over.
  now_ += limits_.idle + 1s;
  EXPECT_FALSE(one.authenticate(s.id, limits_));

  s = one.start(user_id_).value();
  const SysTime started = now_;
  // Used every 50 minutes: never idle, and the idle stamp (once a minute) makes most checks writes
  // the cache must survive; the absolute limit still ends it.
  while (now_ + 50min < started + limits_.max) {
    ASSERT_TRUE(one.authenticate(s.id, limits_));
    ASSERT_TRUE(one.authenticate(s.id, limits_));
    now_ += 50min;
  }
  ASSERT_TRUE(one.authenticate(s.id, limits_));
  now_ = started + limits_.max + 1s;
  EXPECT_FALSE(one.authenticate(s.id, limits_));
}

TEST(Csrf, TheTokenIsBoundToItsSession) {
  const std::string a(43, 'a'), b(43, 'b');
  EXPECT_EQ(csrfTokenFor(a), csrfTokenFor(a));
  EXPECT_NE(csrfTokenFor(a), csrfTokenFor(b));
  EXPECT_TRUE(csrfMatches(a, csrfTokenFor(a)));
  EXPECT_FALSE(csrfMatches(a, csrfTokenFor(b)));
  EXPECT_FALSE(csrfMatches(a, ""));
  EXPECT_FALSE(csrfMatches(a, csrfTokenFor(a).substr(1)));
  EXPECT_NE(csrfTokenFor(a).find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            0u);
}

}  // namespace
}  // namespace fk
