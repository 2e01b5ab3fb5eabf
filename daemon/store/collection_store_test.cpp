#include "store/collection_store.hpp"

#include <gtest/gtest.h>

#include "core/circulation.hpp"
#include "core/values.hpp"
#include "store/checkout_store.hpp"
#include "store/device_store.hpp"
#include "store/people_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using test::byTag;

class CollectionStoreTest : public test::StoreTest {
 protected:
  void SetUp() override {
    test::StoreTest::SetUp();
    for (int i = 1; i <= 6; ++i) {
      ASSERT_TRUE(DeviceStore(db()).create(test::draft("SN-" + std::to_string(i), "CB-" + std::to_string(i)), "t"));
    }
    person("S1", "08", "Elm Valley Middle School", PersonRole::student);
    person("S2", "8", "Elm Valley Middle School / Annex", PersonRole::student);
    person("S3", "7", "Elm Valley Middle School", PersonRole::student);
    person("S4", "8", "Oak High", PersonRole::student);
    person("T1", "", "Elm Valley Middle School", PersonRole::staff);
    today_ = localToday();
  }
  void person(const std::string& id, const std::string& grade, const std::string& location, PersonRole role) {
    PersonDraft p;
    p.external_id = id;
    p.name = "Person " + id;
    p.grade = grade;
    p.location = location;
    p.homeroom = "HR-" + id;
    p.role = role;
    ASSERT_TRUE(PeopleStore(db()).create(p));
  }
  void lend(const std::string& tag, const std::string& who) {
    auto c = CheckoutStore(db()).checkOut({byTag(tag), who, "", addDays(today_, 60), std::nullopt, ""}, "t");
    ASSERT_TRUE(c) << c.error().message;
  }
  void giveBack(const std::string& tag) {
    ASSERT_TRUE(CheckoutStore(db()).returnDevice(byTag(tag), {}, "t"));
  }
  Collection eighth(const std::string& deadline) {
    Collection k;
    k.name = "June collection";
    k.deadline = deadline;
    k.scope = {"Elm Valley Middle School", {"8"}, {}};
    return k;
  }
  std::string today_;
};

TEST_F(CollectionStoreTest, ExpectsOpenLoansInScopeAndCountsOrdinaryReturns) {
  lend("CB-1", "S1");
  lend("CB-2", "S2");
  lend("CB-3", "S3");  // grade 7
  lend("CB-4", "S4");  // another school
  lend("CB-5", "T1");  // staff, no grade
  giveBack("CB-2");    // returned before the campaign (long ago): not expected
  exec("UPDATE checkouts SET returned_at = '2020-01-01T00:00:00Z' WHERE returned_at IS NOT NULL");
  lend("CB-2", "S2");
  auto k = CollectionStore(db()).create(eighth(addDays(today_, 10)), "token:t");
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->counts.expected, 2);
  EXPECT_EQ(k->counts.outstanding, 2);
  EXPECT_EQ(k->counts.returned, 0);

  giveBack("CB-1");
  lend("CB-6", "S1");  // a loan made later, in scope, counts too
  auto r = CollectionStore(db()).report(k->collection.id, true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->counts.expected, 3);
  EXPECT_EQ(r->counts.returned, 1);
  EXPECT_EQ(r->counts.outstanding, 2);
  ASSERT_EQ(r->outstanding.size(), 2u);
  for (const auto& o : r->outstanding) {
    EXPECT_TRUE(o.asset_tag == "CB-2" || o.asset_tag == "CB-6") << o.asset_tag;
    EXPECT_EQ(o.homeroom, "HR-" + o.person_external_id);
  }

  // A batch return counts the same way.
  ASSERT_TRUE(CheckoutStore(db()).returnBatch({{byTag("CB-2"), {}}, {byTag("CB-6"), {}}}, "t"));
  r = CollectionStore(db()).report(k->collection.id, true);
  EXPECT_EQ(r->counts.returned, 3);
  EXPECT_EQ(r->counts.outstanding, 0);
  EXPECT_TRUE(r->outstanding.empty());
}

TEST_F(CollectionStoreTest, OutstandingShowsTheLatestSighting) {
  lend("CB-1", "S1");
  exec("INSERT INTO device_seen (device_id, source, first_seen, last_seen) SELECT id, 'dhcp', "
       "'2026-01-01T00:00:00Z', '2026-06-01T08:00:00Z' FROM devices WHERE asset_tag = 'CB-1'");
  exec("INSERT INTO device_seen (device_id, source, first_seen, last_seen) SELECT id, 'google', "
       "'2026-01-01T00:00:00Z', '2026-06-02T08:00:00Z' FROM devices WHERE asset_tag = 'CB-1'");
  auto k = CollectionStore(db()).create(eighth(addDays(today_, 10)), "t");
  auto r = CollectionStore(db()).report(k->collection.id, true);
  ASSERT_EQ(r->outstanding.size(), 1u);
  EXPECT_EQ(r->outstanding[0].seen_source, "google");
  EXPECT_EQ(r->outstanding[0].seen_at, "2026-06-02T08:00:00Z");
}

TEST_F(CollectionStoreTest, PastTheDeadlineOutstandingLoansAreOverdue) {
  lend("CB-1", "S1");
  lend("CB-3", "S3");  // out of scope
  ASSERT_TRUE(CollectionStore(db()).create(eighth(addDays(today_, -1)), "t"));
  CheckoutFilter f;
  f.overdue = true;
  f.today = today_;
  auto page = CheckoutStore(db()).list(f);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].device_asset_tag, "CB-1");

  // A deadline not yet passed, or a closed campaign, makes nothing overdue.
  auto k = CollectionStore(db()).list(true)->at(0).collection;
  ASSERT_TRUE(CollectionStore(db()).close(k.id, "t"));
  EXPECT_TRUE(CheckoutStore(db()).list(f)->items.empty());
  EXPECT_EQ(CollectionStore(db()).close(k.id, "t").error().code, Errc::conflict);
}

TEST_F(CollectionStoreTest, NamesAreUnique) {
  ASSERT_TRUE(CollectionStore(db()).create(eighth("2027-06-10"), "t"));
  auto dup = CollectionStore(db()).create(eighth("2027-06-11"), "t");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::conflict);
  EXPECT_EQ(CollectionStore(db()).report(42, false).error().code, Errc::not_found);
}

TEST_F(CollectionStoreTest, StragglersAreOpenLoansAnOpenCampaignExpectsAfterItsDeadline) {
  lend("CB-1", "S1");
  lend("CB-2", "S2");
  lend("CB-3", "S3");  // grade 7: no campaign expects it
  const auto id = [&](const std::string& tag) { return DeviceStore(db()).get(byTag(tag))->id; };
  auto future = CollectionStore(db()).create(eighth(addDays(today_, 3)), "token:t");
  ASSERT_TRUE(future) << future.error().message;
  EXPECT_TRUE(CollectionStore(db()).stragglers(today_)->empty());  // before the deadline: nobody is late

  Collection late = eighth(addDays(today_, -1));
  late.name = "May collection";
  auto k = CollectionStore(db()).create(late, "token:t");
  ASSERT_TRUE(k) << k.error().message;
  // The deadline day itself is still in time.
  EXPECT_TRUE(CollectionStore(db()).stragglers(addDays(today_, -1))->empty());
  auto s = CollectionStore(db()).stragglers(today_);
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_EQ(s->size(), 2u);  // once each, though two campaigns expect them
  EXPECT_EQ((*s)[0].device_id, id("CB-1"));
  EXPECT_EQ((*s)[0].collection, "May collection");
  EXPECT_EQ((*s)[0].deadline, addDays(today_, -1));
  EXPECT_EQ((*s)[1].device_id, id("CB-2"));

  giveBack("CB-1");
  s = CollectionStore(db()).stragglers(today_);
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].device_id, id("CB-2"));
  // A closed campaign waits for nobody.
  ASSERT_TRUE(CollectionStore(db()).close(k->collection.id, "token:t"));
  EXPECT_TRUE(CollectionStore(db()).stragglers(today_)->empty());
}

}  // namespace
}  // namespace fk
