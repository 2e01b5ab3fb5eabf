#include "store/people_reconcile.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "core/circulation.hpp"
#include "store/checkout_store.hpp"
#include "store/device_store.hpp"
#include "store/people_store.hpp"
#include "store/reconcile_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

api::PersonObservation student(const std::string& id, const std::string& name, bool active = true) {
  api::PersonObservation p;
  p.external_id = id;
  p.origin = "users.csv " + id;
  p.fields = {{"name", name}, {"role", "student"}, {"grade", "08"}, {"location", "Elm Valley Middle School"}};
  p.active = active;
  return p;
}

class PeopleReconcileTest : public test::StoreTest {
 protected:
  void SetUp() override {
    test::StoreTest::SetUp();
    for (const char* tag : {"CB-1", "CB-2", "CB-3"})
      ASSERT_TRUE(DeviceStore(db()).create(test::draft(std::string("SN-") + tag, tag), "token:t"));
  }

  // One poll of the roster source "sis" through the real reconcile transaction.
  Result<ReconcileSummary> poll(std::vector<api::PersonObservation> people, bool complete = true,
                                const std::string& source = "sis") {
    PollObservations p{.source = source,
                       .policy = {},
                       .managed = {},
                       .network = {},
                       .complete_listing = complete,
                       .next_state = "",
                       .poll_time = api::Clock::now(),
                       .people = std::move(people),
                       .today = "2027-01-10",
                       .return_within_days = 10};
    if (!store_) store_ = std::make_unique<ReconcileStore>(db());
    return store_->apply(std::move(p));
  }
  Person person(const std::string& id) { return *PeopleStore(db()).get(id); }
  void lend(const std::string& tag, const std::string& who, const std::string& due = "2027-06-15") {
    auto c = CheckoutStore(db()).checkOut(
        CheckoutRequest{{DeviceRef::By::asset_tag, 0, tag}, who, "", due, std::nullopt, ""}, "token:desk");
    ASSERT_TRUE(c) << c.error().message;
  }
  std::string due(const std::string& tag) {
    return db().with([&](SQLite::Database& c) {
      SQLite::Statement st(c, "SELECT due FROM checkouts c JOIN devices d ON d.id = c.device_id "
                              "WHERE d.asset_tag = ?1 AND c.returned_at IS NULL");
      st.bind(1, tag);
      return st.executeStep() ? st.getColumn(0).getString() : std::string();
    });
  }
  std::int64_t holding() {
    return db().with([](SQLite::Database& c) { return countInactiveHoldingDevices(c); });
  }

  std::unique_ptr<ReconcileStore> store_;
};

TEST_F(PeopleReconcileTest, CreatesUpdatesAndRecordsEvents) {
  auto r = poll({student("stu-1", "Ava Sanchez"), student("stu-2", "Ben Sanchez")});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->people.observed, 2u);
  EXPECT_EQ(r->people.created, 2u);
  Person ava = person("stu-1");
  EXPECT_EQ(ava.name, "Ava Sanchez");
  EXPECT_EQ(ava.grade, "08");
  EXPECT_EQ(ava.location, "Elm Valley Middle School");
  EXPECT_TRUE(ava.active);
  EXPECT_EQ(scalar("SELECT count(*) FROM person_events WHERE action = 'create' AND actor = 'source:sis'"), 2);

  auto again = poll({student("stu-1", "Ava Sanchez"), student("stu-2", "Ben Sanchez")});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->people.unchanged, 2u);
  EXPECT_FALSE(again->people.wrote());

  auto renamed = student("stu-1", "Avi Sanchez");
  renamed.fields["email"] = "not an address";
  auto changed = poll({renamed, student("stu-2", "Ben Sanchez")});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->people.updated, 1u);
  EXPECT_EQ(changed->people.problems_count, 1u) << "the bad email is dropped, the name still applies";
  EXPECT_EQ(person("stu-1").name, "Avi Sanchez");
  EXPECT_EQ(scalar("SELECT count(*) FROM person_events WHERE action = 'update'"), 1);
}

TEST_F(PeopleReconcileTest, LeaversBecomeInactiveAndTheirDevicesFallDue) {
  ASSERT_TRUE(poll({student("stu-1", "Ava Sanchez"), student("stu-2", "Ben Sanchez"), student("stu-3", "Cal O")}));
  PersonDraft hand;
  hand.external_id = "T-9";
  hand.name = "Hand Made";
  hand.role = PersonRole::staff;
  ASSERT_TRUE(PeopleStore(db()).create(hand));
  lend("CB-1", "stu-2");
  lend("CB-2", "stu-2", "2027-01-12");
  lend("CB-3", "T-9");
  EXPECT_EQ(holding(), 0);

  // stu-2 is missing from the complete roster, stu-3 is marked as leaving.
  auto r = poll({student("stu-1", "Ava Sanchez"), student("stu-3", "Cal O", false)});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->people.left, 2u);
  EXPECT_FALSE(person("stu-2").active);
  EXPECT_FALSE(person("stu-3").active);
  EXPECT_TRUE(person("T-9").active) << "never listed by this source: left alone";
  EXPECT_EQ(due("CB-1"), "2027-01-20") << "today + roster.return_within";
  EXPECT_EQ(due("CB-2"), "2027-01-12") << "already due sooner";
  EXPECT_EQ(due("CB-3"), "2027-06-15");
  EXPECT_EQ(r->people.return_dates, 1u);
  EXPECT_EQ(holding(), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM person_events WHERE action = 'left'"), 2);
  EXPECT_EQ(scalar("SELECT count(*) FROM person_events WHERE action = 'return_due'"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM people"), 4) << "never a delete";

  auto settled = poll({student("stu-1", "Ava Sanchez"), student("stu-3", "Cal O", false)});
  ASSERT_TRUE(settled);
  EXPECT_FALSE(settled->people.wrote()) << "a second poll changes nothing more";

  // Re-enrolled: active again; the earlier due date stays.
  auto back = poll({student("stu-1", "Ava Sanchez"), student("stu-2", "Ben Sanchez"), student("stu-3", "Cal O", false)});
  ASSERT_TRUE(back);
  EXPECT_EQ(back->people.returned, 1u);
  EXPECT_TRUE(person("stu-2").active);
  EXPECT_EQ(holding(), 0);
  EXPECT_EQ(scalar("SELECT count(*) FROM person_events WHERE action = 'returned'"), 1);
}

TEST_F(PeopleReconcileTest, AnIncompleteListingOrAnotherSourceDeactivatesNobody) {
  ASSERT_TRUE(poll({student("stu-1", "Ava Sanchez"), student("stu-2", "Ben Sanchez")}));
  ASSERT_TRUE(poll({student("stu-1", "Ava Sanchez")}, /*complete=*/false));
  EXPECT_TRUE(person("stu-2").active) << "a delta names only changes";
  ASSERT_TRUE(poll({student("stu-9", "Other Roster")}, true, "sis2"));
  EXPECT_TRUE(person("stu-1").active) << "another roster source's complete listing";
  ASSERT_TRUE(poll({}, true));
  EXPECT_TRUE(person("stu-2").active) << "a listing of nobody never empties the roster";
}

TEST_F(PeopleReconcileTest, ANewPersonWithoutANameIsReportedNotCreated) {
  api::PersonObservation p;
  p.external_id = "stu-7";
  p.origin = "users.csv line 9";
  p.fields = {{"role", "student"}};
  auto r = poll({p, student("stu-1", "Ava Sanchez")});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->people.created, 1u);
  ASSERT_FALSE(r->people.problems.empty());
  EXPECT_EQ(r->people.problems[0], "users.csv line 9: name: is required; not created");
  EXPECT_EQ(scalar("SELECT count(*) FROM people WHERE external_id = 'stu-7'"), 0);
}

}  // namespace
}  // namespace fk
