#include "store/outbox_store.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "core/circulation.hpp"
#include "store/checkout_store.hpp"
#include "store/collection_store.hpp"
#include "store/device_store.hpp"
#include "store/people_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

Notice notice(NoticeKind kind, std::string subject, std::string day) {
  return {kind, std::move(subject), std::move(day), {"a@example.org"}, {"lib@example.org"}, {{"items", {1, 2}}}};
}

auto at(std::string when) {
  return [when](const Notice&) { return when; };
}

class OutboxTest : public test::StoreTest {};

TEST_F(OutboxTest, ReplanningInsertsNothingNew) {
  OutboxStore out(db());
  std::vector<Notice> plan{notice(NoticeKind::overdue, "a@example.org", "2026-12-07"),
                           notice(NoticeKind::due_soon, "a@example.org", "2026-12-07")};
  EXPECT_EQ(*out.enqueue(plan, at("2026-12-07T13:00:00Z")), 2);
  EXPECT_EQ(*out.enqueue(plan, at("2026-12-07T13:00:00Z")), 0);
  plan.push_back(notice(NoticeKind::overdue, "a@example.org", "2026-12-08"));
  EXPECT_EQ(*out.enqueue(plan, at("2026-12-08T13:00:00Z")), 1);
  EXPECT_EQ(out.counts()->queued, 3);
}

TEST_F(OutboxTest, ClaimHonoursNotBeforeAndRetriesAndFailures) {
  OutboxStore out(db());
  ASSERT_TRUE(out.enqueue({notice(NoticeKind::overdue, "a@example.org", "2026-12-07")}, at("2026-12-07T13:00:00Z")));
  EXPECT_FALSE(*out.claimNext("2026-12-07T12:59:59Z", "me", "2026-12-07T13:10:00Z"));
  auto row = *out.claimNext("2026-12-07T13:00:00Z", "me", "2026-12-07T13:10:00Z");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->to, std::vector<std::string>{"a@example.org"});
  EXPECT_EQ(row->cc, std::vector<std::string>{"lib@example.org"});
  EXPECT_EQ(row->attempts, 1);
  EXPECT_FALSE(*out.claimNext("2026-12-07T13:00:00Z", "other", "x"));  // taken
  ASSERT_TRUE(out.markRetry(row->id, "2026-12-07T13:01:00Z", "421 busy", 421));
  row = *out.claimNext("2026-12-07T13:01:00Z", "me", "2026-12-07T13:10:00Z");
  ASSERT_TRUE(row);
  EXPECT_EQ(row->attempts, 2);
  ASSERT_TRUE(out.markFailed(row->id, "550 no such mailbox", 550));
  const auto failed = *out.list("failed", 10);
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].last_code, 550);
  EXPECT_EQ(out.counts()->failed.at("overdue"), 1);
  EXPECT_EQ(out.counts()->queued, 0);
}

TEST_F(OutboxTest, InterruptedSendIsFailedNotResent) {
  OutboxStore out(db());
  ASSERT_TRUE(out.enqueue({notice(NoticeKind::overdue, "a@example.org", "2026-12-07")}, at("2026-12-07T13:00:00Z")));
  ASSERT_TRUE(*out.claimNext("2026-12-07T13:00:00Z", "dead", "2026-12-07T13:05:00Z"));
  EXPECT_EQ(*out.failInterrupted("2026-12-07T13:04:00Z"), 0);  // lease still held
  EXPECT_EQ(*out.failInterrupted("2026-12-07T13:06:00Z"), 1);
  EXPECT_FALSE(*out.claimNext("2026-12-07T14:00:00Z", "me", "x"));
  EXPECT_NE(out.list("failed", 1)->at(0).last_error.find("interrupted"), std::string::npos);
}

TEST_F(OutboxTest, ConcurrentPlannersAndSendersOnTwoConnectionsSendEachOnce) {
  // Two Database objects on one file: what two daemons sharing the file do.
  auto second = Database::open(db().file());
  ASSERT_TRUE(second);
  std::vector<Notice> plan;
  for (int i = 0; i < 200; ++i) plan.push_back(notice(NoticeKind::overdue, "p" + std::to_string(i), "2026-12-07"));
  std::vector<std::int64_t> claimed_a, claimed_b;
  auto work = [&](Database& d, std::vector<std::int64_t>& claimed, const char* me) {
    OutboxStore out(d);
    ASSERT_TRUE(out.enqueue(plan, at("2026-12-07T13:00:00Z")));
    while (auto row = *out.claimNext("2026-12-07T13:00:00Z", me, "2026-12-07T14:00:00Z")) {
      claimed.push_back(row->id);
      ASSERT_TRUE(out.markSent(row->id, "2026-12-07T13:00:01Z"));
    }
  };
  std::thread a([&] { work(db(), claimed_a, "a"); });
  std::thread b([&] { work(**second, claimed_b, "b"); });
  a.join();
  b.join();
  std::set<std::int64_t> all(claimed_a.begin(), claimed_a.end());
  all.insert(claimed_b.begin(), claimed_b.end());
  EXPECT_EQ(all.size(), 200u);
  EXPECT_EQ(claimed_a.size() + claimed_b.size(), 200u);
  EXPECT_EQ(OutboxStore(db()).counts()->sent.at("overdue"), 200);
}

TEST_F(OutboxTest, FactsCarryTheHouseholdAndEachOpenCampaignPerBuilding) {
  auto person = [&](const std::string& id, const std::string& location, const std::string& household) {
    PersonDraft p;
    p.external_id = id;
    p.name = "Person " + id;
    p.email = "family@example.org";
    p.location = location;
    p.household = household;
    p.grade = "8";
    p.role = PersonRole::student;
    ASSERT_TRUE(PeopleStore(db()).create(p));
  };
  person("S1", "Maple Middle", "H1");
  person("S2", "Maple Middle", "");
  person("S3", "Oak High", "H1");
  const std::string today = localToday();
  for (int i = 1; i <= 4; ++i) {
    const std::string tag = "CB-" + std::to_string(i);
    ASSERT_TRUE(DeviceStore(db()).create(test::draft("SN-" + tag, tag), "t"));
  }
  auto lend = [&](const std::string& tag, const std::string& who) {
    auto c = CheckoutStore(db()).checkOut(
        {{DeviceRef::By::asset_tag, 0, tag}, who, "", addDays(today, 30), std::nullopt, ""}, "t");
    ASSERT_TRUE(c) << c.error().message;
  };
  lend("CB-1", "S1");
  lend("CB-2", "S2");
  lend("CB-3", "S3");
  Collection k;
  k.name = "June collection";
  k.deadline = addDays(today, 10);
  ASSERT_TRUE(CollectionStore(db()).create(k, "t"));
  Collection closed = k;
  closed.name = "Closed one";
  auto c = CollectionStore(db()).create(closed, "t");
  ASSERT_TRUE(c);
  ASSERT_TRUE(CollectionStore(db()).close(c->collection.id, "t"));
  ASSERT_TRUE(CheckoutStore(db()).returnDevice({DeviceRef::By::asset_tag, 0, "CB-2"}, {}, "t"));

  auto facts = loadNoticeFacts(db(), *TimeZone::locate("UTC"), "");
  ASSERT_TRUE(facts) << facts.error().message;
  ASSERT_EQ(facts->loans.size(), 2u);
  EXPECT_EQ(facts->loans[0].household, "H1");
  EXPECT_EQ(facts->loans[1].household, "H1");
  ASSERT_EQ(facts->collections.size(), 2u);  // the closed campaign is not there
  const auto& maple = facts->collections[0];
  EXPECT_EQ(maple.name, "June collection");
  EXPECT_EQ(maple.building, "Maple Middle");
  EXPECT_EQ(maple.expected, 2);
  EXPECT_EQ(maple.returned, 1);
  EXPECT_EQ(maple.outstanding, 1);
  EXPECT_EQ(facts->collections[1].building, "Oak High");
  EXPECT_EQ(facts->collections[1].outstanding, 1);
}

}  // namespace
}  // namespace fk
