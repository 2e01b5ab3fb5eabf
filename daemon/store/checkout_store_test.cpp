#include "store/checkout_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/values.hpp"
#include "store/device_store.hpp"
#include "store/people_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

using test::byTag;

class CheckoutStoreTest : public test::StoreTest {
 protected:
  void SetUp() override {
    test::StoreTest::SetUp();
    for (const char* tag : {"CB-1", "CB-2", "CB-3"}) {
      ASSERT_TRUE(DeviceStore(db()).create(test::draft(std::string("SN-") + tag, tag), "token:t"));
    }
    PersonDraft p;
    p.external_id = "S1";
    p.name = "Ada Lovelace";
    p.role = PersonRole::student;
    ASSERT_TRUE(PeopleStore(db()).create(p));
    today_ = localToday();
  }
  CheckoutStore store() { return CheckoutStore(db()); }
  CheckoutRequest toAda(const std::string& tag) {
    return CheckoutRequest{byTag(tag), "S1", "", addDays(today_, 30), std::nullopt, ""};
  }
  Device device(const std::string& tag) { return *DeviceStore(db()).get(byTag(tag)); }
  std::int64_t events(const std::string& tag) {
    return static_cast<std::int64_t>(DeviceStore(db()).events(byTag(tag))->size());
  }

  std::string today_;
};

TEST_F(CheckoutStoreTest, CheckOutDeploysTheDeviceAndShowsTheHolder) {
  auto c = store().checkOut(toAda("CB-1"), "token:desk");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->open());
  EXPECT_EQ(c->person_external_id, "S1");
  EXPECT_EQ(c->device_asset_tag, "CB-1");
  EXPECT_EQ(c->checked_out_by, "token:desk");
  Device d = device("CB-1");
  EXPECT_EQ(d.status, DeviceStatus::deployed);
  EXPECT_EQ(d.version, 2);
  ASSERT_TRUE(d.holder);
  EXPECT_EQ(d.holder->checkout_id, c->id);
  EXPECT_EQ(d.holder->person_name, "Ada Lovelace");
  EXPECT_EQ(d.holder->due, c->due);
  auto history = *DeviceStore(db()).events(byTag("CB-1"));
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1].action, "checked_out");
  EXPECT_EQ(history[1].actor, "token:desk");
  EXPECT_EQ(history[1].changes[0].new_value, "deployed");
}

TEST_F(CheckoutStoreTest, LendToALocation) {
  CheckoutRequest r{byTag("CB-2"), "", "Cart 3", addDays(today_, 1), Condition::good, "cart rollout"};
  auto c = store().checkOut(r, "token:desk");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->location, "Cart 3");
  EXPECT_FALSE(c->person_id);
  EXPECT_EQ(c->condition_out, "good");
  ASSERT_TRUE(device("CB-2").holder);
  EXPECT_EQ(device("CB-2").holder->location, "Cart 3");
}

TEST_F(CheckoutStoreTest, RefusalsNameTheProblemAndChangeNothing) {
  ASSERT_TRUE(store().checkOut(toAda("CB-1"), "token:desk"));
  auto again = store().checkOut(toAda("CB-1"), "token:desk");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::conflict);
  EXPECT_NE(again.error().message.find("deployed"), std::string::npos);
  EXPECT_NE(again.error().message.find("Ada Lovelace (S1)"), std::string::npos);

  CheckoutRequest nobody = toAda("CB-2");
  nobody.person = "S404";
  auto r = store().checkOut(nobody, "token:desk");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::not_found);
  EXPECT_EQ(r.error().details["field"], "person");

  auto missing = store().checkOut(toAda("CB-404"), "token:desk");
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_EQ(missing.error().details["field"], "device");

  PersonDraft off;
  off.active = false;
  ASSERT_TRUE(PeopleStore(db()).update("S1", off));
  auto inactive = store().checkOut(toAda("CB-2"), "token:desk");
  EXPECT_EQ(inactive.error().code, Errc::conflict);
  EXPECT_NE(inactive.error().message.find("inactive"), std::string::npos);

  EXPECT_EQ(device("CB-2").status, DeviceStatus::in_stock);
  EXPECT_EQ(device("CB-2").version, 1);
  EXPECT_EQ(events("CB-2"), 1);
  EXPECT_EQ(scalar("SELECT count(*) FROM checkouts"), 1);
}

TEST_F(CheckoutStoreTest, ReturnPutsTheDeviceBackAndKeepsTheHistory) {
  auto c = store().checkOut(toAda("CB-1"), "token:desk");
  ASSERT_TRUE(c);
  ReturnRequest ret{{Condition::missing_parts, "no charger"}, std::nullopt};
  auto r = store().returnDevice(byTag("CB-1"), ret, "token:desk");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->checkout.open());
  EXPECT_EQ(r->checkout.condition_in, "missing_parts");
  EXPECT_EQ(r->checkout.notes_in, "no charger");
  EXPECT_FALSE(r->work_order_id);
  EXPECT_EQ(device("CB-1").status, DeviceStatus::in_stock);
  EXPECT_FALSE(device("CB-1").holder);
  auto history = *DeviceStore(db()).events(byTag("CB-1"));
  EXPECT_EQ(history.back().action, "returned");
  EXPECT_NE(history.back().reason.find("no charger"), std::string::npos);

  auto twice = store().returnCheckout(c->id, ret, "token:desk");
  EXPECT_EQ(twice.error().code, Errc::conflict);
  auto not_out = store().returnDevice(byTag("CB-1"), ret, "token:desk");
  EXPECT_EQ(not_out.error().code, Errc::not_found);
  EXPECT_EQ(store().returnCheckout(999, ret, "token:desk").error().code, Errc::not_found);

  // A deactivated person keeps their past loans.
  PersonDraft off;
  off.active = false;
  ASSERT_TRUE(PeopleStore(db()).update("S1", off));
  CheckoutFilter f;
  f.person = "S1";
  EXPECT_EQ(store().list(f)->items.size(), 1u);
}

TEST_F(CheckoutStoreTest, DamagedReturnOpensAWorkOrderInTheSameTransaction) {
  auto c = store().checkOut(toAda("CB-1"), "token:desk");
  ASSERT_TRUE(c);
  NewWorkOrder order;
  order.category = WorkOrderCategory::screen;
  order.description = "cracked screen";
  auto r = store().returnCheckout(c->id, ReturnRequest{{Condition::damaged, "dropped"}, order}, "token:desk");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->work_order_id);
  EXPECT_EQ(device("CB-1").status, DeviceStatus::in_repair);
  EXPECT_FALSE(r->checkout.open());
  EXPECT_EQ(scalar("SELECT checkout_id FROM work_orders WHERE id = " + std::to_string(*r->work_order_id)),
            c->id);
}

TEST_F(CheckoutStoreTest, AFailedWorkOrderUndoesTheReturn) {
  auto c = store().checkOut(toAda("CB-1"), "token:desk");
  ASSERT_TRUE(c);
  NewWorkOrder order;  // no description: the bench refuses it
  order.category = WorkOrderCategory::screen;
  auto r = store().returnCheckout(c->id, ReturnRequest{{Condition::damaged, ""}, order}, "token:desk");
  ASSERT_FALSE(r);
  EXPECT_EQ(device("CB-1").status, DeviceStatus::deployed);
  EXPECT_TRUE(store().get(c->id)->open());
  EXPECT_EQ(scalar("SELECT count(*) FROM work_orders"), 0);
}

TEST_F(CheckoutStoreTest, BatchIsAllOrNoneWithErrorsPerItem) {
  std::vector<CheckoutRequest> items{toAda("CB-1"), toAda("CB-404"), toAda("CB-2"), toAda("CB-1")};
  auto r = store().checkOutBatch(items, "token:desk");
  ASSERT_FALSE(r);
  const auto& errors = r.error().details["errors"];
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0]["index"], 1);
  EXPECT_EQ(errors[0]["field"], "device");
  EXPECT_EQ(errors[1]["index"], 3);  // the same device twice: the second sees it deployed
  EXPECT_EQ(scalar("SELECT count(*) FROM checkouts"), 0);
  EXPECT_EQ(device("CB-1").status, DeviceStatus::in_stock);
  EXPECT_EQ(events("CB-1"), 1);

  auto ok = store().checkOutBatch({toAda("CB-1"), toAda("CB-2"), toAda("CB-3")}, "token:desk");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->size(), 3u);

  std::vector<std::pair<DeviceRef, ReturnRequest>> back{{byTag("CB-1"), {}}, {byTag("CB-404"), {}}};
  auto refused = store().returnBatch(back, "token:desk");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().details["errors"][0]["index"], 1);
  EXPECT_EQ(device("CB-1").status, DeviceStatus::deployed);
  back.pop_back();
  back.push_back({byTag("CB-2"), {}});
  ASSERT_TRUE(store().returnBatch(back, "token:desk"));
  EXPECT_EQ(device("CB-2").status, DeviceStatus::in_stock);
  EXPECT_EQ(device("CB-3").status, DeviceStatus::deployed);
}

TEST_F(CheckoutStoreTest, ListFilters) {
  ASSERT_TRUE(store().checkOut(toAda("CB-1"), "token:desk"));
  ASSERT_TRUE(store().checkOut(CheckoutRequest{byTag("CB-2"), "", "Cart 3", today_, std::nullopt, ""}, "t"));
  ASSERT_TRUE(store().returnDevice(byTag("CB-1"), {}, "token:desk"));
  ASSERT_TRUE(store().checkOut(toAda("CB-1"), "token:desk"));
  CheckoutFilter open;
  open.open = true;
  EXPECT_EQ(store().list(open)->items.size(), 2u);
  CheckoutFilter closed;
  closed.open = false;
  EXPECT_EQ(store().list(closed)->items.size(), 1u);
  CheckoutFilter overdue;
  overdue.overdue = true;
  EXPECT_TRUE(store().list(overdue)->items.empty());
  overdue.today = addDays(today_, 1);  // tomorrow the cart loan (due today) is overdue
  ASSERT_EQ(store().list(overdue)->items.size(), 1u);
  EXPECT_EQ(store().list(overdue)->items[0].location, "Cart 3");
  CheckoutFilter at;
  at.location = "Cart 3";
  EXPECT_EQ(store().list(at)->items.size(), 1u);
  CheckoutFilter of_device;
  of_device.device = byTag("CB-1");
  EXPECT_EQ(store().list(of_device)->items.size(), 2u);
  CheckoutFilter unknown;
  unknown.person = "S404";
  EXPECT_EQ(store().list(unknown).error().code, Errc::not_found);
  CheckoutFilter paged;
  paged.limit = 2;
  auto page = store().list(paged);
  ASSERT_TRUE(page->next_after_id);
  paged.after_id = *page->next_after_id;
  EXPECT_EQ(store().list(paged)->items.size(), 1u);
}

TEST_F(CheckoutStoreTest, TheSchemaAllowsOneOpenCheckoutPerDevice) {
  ASSERT_TRUE(store().checkOut(toAda("CB-1"), "token:desk"));
  // Someone moved the device back to stock by hand without returning it: the index still refuses.
  exec("UPDATE devices SET status = 'in_stock' WHERE asset_tag = 'CB-1'");
  auto r = store().checkOut(toAda("CB-1"), "token:desk");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::conflict);
  EXPECT_NE(r.error().message.find("open checkout"), std::string::npos);
}

TEST_F(CheckoutStoreTest, ConcurrentCheckoutsOfOneDeviceHaveOneWinner) {
  std::atomic<int> won{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = CheckoutStore(db()).checkOut(toAda("CB-3"), "token:desk");
      if (r) {
        ++won;
      } else if (r.error().code == Errc::conflict) {
        ++refused;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(refused.load(), 7);
  EXPECT_EQ(scalar("SELECT count(*) FROM checkouts"), 1);
}

}  // namespace
}  // namespace fk
