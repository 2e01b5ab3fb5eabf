#include "store/work_order_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/circulation.hpp"
#include "store/checkout_store.hpp"
#include "store/device_store.hpp"
#include "store/test_support.hpp"

namespace fk {
namespace {

class WorkOrderStoreTest : public test::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    devices_ = std::make_unique<DeviceStore>(db());
    orders_ = std::make_unique<WorkOrderStore>(db());
  }

  Device device(const std::string& serial, bool loaner = false) {
    DeviceDraft d = test::draft(serial, "T-" + serial);
    d.loaner = loaner;
    auto created = devices_->create(d, "token:test");
    EXPECT_TRUE(created) << created.error().message;
    return *created;
  }

  DeviceStatus statusOf(std::int64_t id) {
    return devices_->get(DeviceRef{DeviceRef::By::id, id, ""})->status;
  }

  std::int64_t person(const std::string& external_id) {
    exec("INSERT INTO people (external_id, name, role, created_at, updated_at) VALUES ('" + external_id +
         "', 'Pat " + external_id + "', 'student', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
    return scalar("SELECT id FROM people WHERE external_id = '" + external_id + "'");
  }

  std::int64_t lend(std::int64_t device_id, std::int64_t person_id) {
    return db().with([&](SQLite::Database& c) -> std::int64_t {
      WriteTx tx(db(), c);
      NewCheckout loan;
      loan.device_id = device_id;
      loan.person_id = person_id;
      loan.due = addDays(localToday(), 30);
      auto id = checkOutIn(tx, loan, "token:test");
      EXPECT_TRUE(id) << id.error().message;
      tx.commit();
      return *id;
    });
  }

  NewWorkOrder order(std::int64_t device_id, WorkOrderCategory category = WorkOrderCategory::screen) {
    NewWorkOrder o;
    o.device = DeviceRef{DeviceRef::By::id, device_id, ""};
    o.category = category;
    o.description = "cracked screen";
    return o;
  }

  Result<WorkOrder> move(const WorkOrder& w, WorkOrderStatus to) {
    WorkOrderPatch p;
    p.status = to;
    return orders_->update(w.id, p, std::nullopt, 0, "token:test");
  }

  std::unique_ptr<DeviceStore> devices_;
  std::unique_ptr<WorkOrderStore> orders_;
};

TEST_F(WorkOrderStoreTest, OpenMovesTheDeviceToRepairAndRecordsWhereItWas) {
  Device d = device("A1");
  auto w = orders_->open(order(d.id), "token:tech");
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->status, WorkOrderStatus::open);
  EXPECT_EQ(w->prior_status, DeviceStatus::in_stock);
  EXPECT_EQ(w->device_asset_tag, "T-A1");
  EXPECT_EQ(w->opened_by, "token:tech");
  EXPECT_FALSE(w->checkout);
  EXPECT_EQ(statusOf(d.id), DeviceStatus::in_repair);
  auto events = devices_->events(DeviceRef{DeviceRef::By::id, d.id, ""});
  ASSERT_TRUE(events);
  EXPECT_EQ(events->back().action, "work_order_opened");
  EXPECT_EQ(events->back().actor, "token:tech");
}

TEST_F(WorkOrderStoreTest, OpenRefusals) {
  Device d = device("A1");
  NewWorkOrder unknown = order(d.id);
  unknown.device = DeviceRef{DeviceRef::By::serial, 0, "NOPE"};
  auto nf = orders_->open(unknown, "token:t");
  ASSERT_FALSE(nf);
  EXPECT_EQ(nf.error().code, Errc::not_found);
  EXPECT_EQ(nf.error().details["field"], "device");

  NewWorkOrder blank = order(d.id);
  blank.description = "  ";
  auto bad = orders_->open(blank, "token:t");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().details["field"], "description");
  EXPECT_EQ(statusOf(d.id), DeviceStatus::in_stock);

  ASSERT_TRUE(orders_->open(order(d.id), "token:t"));
  auto twice = orders_->open(order(d.id), "token:t");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, Errc::conflict);
  EXPECT_EQ(twice.error().details["field"], "device");

  Device retired = device("R1");
  ASSERT_TRUE(
      devices_->transition(DeviceRef{DeviceRef::By::id, retired.id, ""}, DeviceStatus::retired, "", "t"));
  auto refused = orders_->open(order(retired.id), "token:t");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::conflict);
  EXPECT_EQ(refused.error().details["allowed"], nlohmann::json::array({"disposed"}));
  EXPECT_EQ(scalar("SELECT count(*) FROM work_orders"), 1);
}

TEST_F(WorkOrderStoreTest, ConcurrentOpensOfOneDeviceLetExactlyOneWin) {
  Device d = device("A1");
  std::atomic<int> won{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto w = WorkOrderStore(db()).open(order(d.id), "token:t");
      if (w)
        ++won;
      else if (w.error().code == Errc::conflict)
        ++conflicts;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicts.load(), 3);
  EXPECT_EQ(scalar("SELECT count(*) FROM work_orders"), 1);
}

TEST_F(WorkOrderStoreTest, OpenInsideACallersTransactionRollsBackWithIt) {
  Device d = device("A1");
  db().with([&](SQLite::Database& c) {
    WriteTx tx(db(), c);
    auto id = openWorkOrderIn(tx, order(d.id), "token:desk");
    ASSERT_TRUE(id) << id.error().message;
    // not committed: the destructor rolls back
  });
  EXPECT_EQ(scalar("SELECT count(*) FROM work_orders"), 0);
  EXPECT_EQ(statusOf(d.id), DeviceStatus::in_stock);
}

TEST_F(WorkOrderStoreTest, RefusedMoveNamesTheAllowedOnesAndChangesNothing) {
  Device d = device("A1");
  auto w = orders_->open(order(d.id), "token:t");
  auto refused = move(*w, WorkOrderStatus::resolved);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::conflict);
  EXPECT_EQ(refused.error().details["allowed"],
            nlohmann::json::array({"diagnosing", "in_repair", "unrepairable", "cancelled"}));
  auto again = orders_->get(w->id);
  EXPECT_EQ(again->status, WorkOrderStatus::open);
  EXPECT_EQ(again->version, w->version);
  EXPECT_EQ(statusOf(d.id), DeviceStatus::in_repair);
}

TEST_F(WorkOrderStoreTest, StaleVersionIsAConflict) {
  Device d = device("A1");
  auto w = orders_->open(order(d.id), "token:t");
  WorkOrderPatch p;
  p.assignee = "sam";
  auto first = orders_->update(w->id, p, w->version, 0, "token:t");
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(first->version, w->version + 1);
  p.assignee = "alex";
  auto stale = orders_->update(w->id, p, w->version, 0, "token:t");
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, Errc::conflict);
  EXPECT_EQ(stale.error().details["current_version"], first->version);
  EXPECT_EQ(orders_->get(w->id)->assignee, "sam");
}

TEST_F(WorkOrderStoreTest, PartsAndLabourAddUpOnTheOrderAndTheDevice) {
  Device d = device("A1");
  auto w = orders_->open(order(d.id), "token:t");
  auto p1 = orders_->addPart(w->id, {"LCD panel", 1, 5400}, "token:t");
  ASSERT_TRUE(p1) << p1.error().message;
  auto p2 = orders_->addPart(w->id, {"screw", 4, 25}, "token:t");
  ASSERT_TRUE(p2);
  EXPECT_EQ(p2->parts_cost_cents, 5500);
  ASSERT_EQ(p2->parts.size(), 2u);
  EXPECT_EQ(p2->parts[1].cost_cents, 100);
  WorkOrderPatch labour;
  labour.labour_minutes = 45;
  auto l = orders_->update(w->id, labour, std::nullopt, 4000, "token:t");  // 40.00/h
  ASSERT_TRUE(l);
  EXPECT_EQ(l->labour_cost_cents, 3000);
  EXPECT_EQ(l->totalCostCents(), 8500);
  EXPECT_EQ(devices_->get(DeviceRef{DeviceRef::By::id, d.id, ""})->repair_cost_cents, 8500);

  auto negative = orders_->addPart(w->id, {"LCD panel", -1, 5400}, "token:t");
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().details["field"], "quantity");
  EXPECT_EQ(orders_->get(w->id)->parts.size(), 2u);

  // A second order on the same device adds to its lifetime cost.
  ASSERT_TRUE(move(*w, WorkOrderStatus::cancelled));
  auto w2 = orders_->open(order(d.id, WorkOrderCategory::battery), "token:t");
  ASSERT_TRUE(w2) << w2.error().message;
  ASSERT_TRUE(orders_->addPart(w2->id, {"battery", 1, 3999}, "token:t"));
  EXPECT_EQ(devices_->get(DeviceRef{DeviceRef::By::id, d.id, ""})->repair_cost_cents, 12499);

  // Closed orders keep their cost.
  auto closed = orders_->addPart(w->id, {"LCD panel", 1, 100}, "token:t");
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().code, Errc::conflict);
}

TEST_F(WorkOrderStoreTest, ResolvingGivesTheDeviceBackToItsHolderAndReturnsTheLoaner) {
  Device d = device("A1");
  Device spare = device("L1", true);
  const std::int64_t pat = person("S1");
  const std::int64_t loan = lend(d.id, pat);
  auto w = orders_->open(order(d.id), "token:t");
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_EQ(w->prior_status, DeviceStatus::deployed);
  ASSERT_TRUE(w->checkout);
  EXPECT_EQ(w->checkout->id, loan);
  EXPECT_EQ(w->checkout->person_external_id, "S1");

  auto lent = orders_->lendLoaner(w->id, DeviceRef{DeviceRef::By::asset_tag, 0, "T-L1"}, "token:t");
  ASSERT_TRUE(lent) << lent.error().message;
  ASSERT_TRUE(lent->loaner);
  EXPECT_EQ(lent->loaner->device_id, spare.id);
  EXPECT_EQ(lent->loaner->person_id, pat);
  EXPECT_EQ(statusOf(spare.id), DeviceStatus::deployed);
  auto second = orders_->lendLoaner(w->id, DeviceRef{DeviceRef::By::asset_tag, 0, "T-L1"}, "token:t");
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::conflict);

  ASSERT_TRUE(move(*w, WorkOrderStatus::in_repair));
  auto done = move(*orders_->get(w->id), WorkOrderStatus::resolved);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_FALSE(done->closed_at.empty());
  EXPECT_EQ(statusOf(d.id), DeviceStatus::deployed);
  EXPECT_EQ(statusOf(spare.id), DeviceStatus::in_stock);
  EXPECT_TRUE(done->checkout->returned_at.empty());  // the same loan goes on
  EXPECT_FALSE(done->loaner->returned_at.empty());
  EXPECT_EQ(scalar("SELECT count(*) FROM checkouts WHERE returned_at IS NULL"), 1);
}

TEST_F(WorkOrderStoreTest, LoanerRefusals) {
  Device d = device("A1");
  Device not_loaner = device("N1");
  device("L1", true);
  auto w = orders_->open(order(d.id), "token:t");
  // Nobody held the device when it came in.
  auto nobody = orders_->lendLoaner(w->id, DeviceRef{DeviceRef::By::asset_tag, 0, "T-L1"}, "token:t");
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code, Errc::conflict);

  Device held = device("A2");
  lend(held.id, person("S2"));
  auto w2 = orders_->open(order(held.id), "token:t");
  auto plain = orders_->lendLoaner(w2->id, DeviceRef{DeviceRef::By::id, not_loaner.id, ""}, "token:t");
  ASSERT_FALSE(plain);
  EXPECT_EQ(plain.error().code, Errc::conflict);
  EXPECT_EQ(plain.error().details["field"], "device");
  auto missing = orders_->lendLoaner(w2->id, DeviceRef{DeviceRef::By::serial, 0, "NOPE"}, "token:t");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  EXPECT_EQ(scalar("SELECT count(*) FROM checkouts"), 1);
}

TEST_F(WorkOrderStoreTest, UnrepairableRetiresTheDeviceAndTheHolderKeepsTheLoaner) {
  Device d = device("A1");
  Device spare = device("L1", true);
  const std::int64_t loan = lend(d.id, person("S1"));
  auto w = orders_->open(order(d.id, WorkOrderCategory::liquid), "token:t");
  ASSERT_TRUE(orders_->lendLoaner(w->id, DeviceRef{DeviceRef::By::id, spare.id, ""}, "token:t"));
  auto done = move(*w, WorkOrderStatus::unrepairable);
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(statusOf(d.id), DeviceStatus::retired);
  EXPECT_EQ(statusOf(spare.id), DeviceStatus::deployed);
  EXPECT_EQ(scalar("SELECT count(*) FROM checkouts WHERE id = " + std::to_string(loan) +
                   " AND returned_at IS NOT NULL AND condition_in = 'damaged'"),
            1);
  EXPECT_TRUE(done->loaner->returned_at.empty());
}

TEST_F(WorkOrderStoreTest, CancellingPutsTheDeviceBack) {
  Device stock = device("A1");
  auto w = orders_->open(order(stock.id), "token:t");
  ASSERT_TRUE(move(*w, WorkOrderStatus::cancelled));
  EXPECT_EQ(statusOf(stock.id), DeviceStatus::in_stock);
  auto after = move(*orders_->get(w->id), WorkOrderStatus::open);
  ASSERT_FALSE(after);
  EXPECT_TRUE(after.error().details["allowed"].empty());

  Device out = device("A2");
  lend(out.id, person("S1"));
  auto w2 = orders_->open(order(out.id), "token:t");
  ASSERT_TRUE(move(*w2, WorkOrderStatus::cancelled));
  EXPECT_EQ(statusOf(out.id), DeviceStatus::deployed);
}

TEST_F(WorkOrderStoreTest, ListFiltersAndPages) {
  for (int i = 0; i < 5; ++i) {
    Device d = device("A" + std::to_string(i));
    auto w = orders_->open(order(d.id, i % 2 ? WorkOrderCategory::battery : WorkOrderCategory::screen), "t");
    if (i == 4) {
      ASSERT_TRUE(move(*w, WorkOrderStatus::cancelled));
    }
  }
  WorkOrderFilter f;
  f.limit = 2;
  auto page = orders_->list(f);
  ASSERT_TRUE(page);
  EXPECT_EQ(page->items.size(), 2u);
  ASSERT_TRUE(page->next_after_id);
  f.after_id = *page->next_after_id;
  f.limit = 10;
  EXPECT_EQ(orders_->list(f)->items.size(), 3u);
  WorkOrderFilter battery;
  battery.category = WorkOrderCategory::battery;
  EXPECT_EQ(orders_->list(battery)->items.size(), 2u);
  WorkOrderFilter open;
  open.open_only = true;
  EXPECT_EQ(orders_->list(open)->items.size(), 4u);
  WorkOrderFilter cancelled;
  cancelled.status = WorkOrderStatus::cancelled;
  EXPECT_EQ(orders_->list(cancelled)->items.size(), 1u);
  WorkOrderFilter unknown;
  unknown.device = DeviceRef{DeviceRef::By::serial, 0, "NOPE"};
  EXPECT_EQ(orders_->list(unknown).error().code, Errc::not_found);
}

}  // namespace
}  // namespace fk
