#include "store/fee_store.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/circulation.hpp"
#include "core/values.hpp"
#include "store/audit_store.hpp"
#include "store/checkout_store.hpp"
#include "store/device_store.hpp"
#include "store/test_support.hpp"
#include "store/work_order_store.hpp"

namespace fk {
namespace {

FeePolicy policy() {
  FeePolicy p;
  p.plans.push_back({"protection", 25'00, {{false, 0}, {false, 50'00}, {true, 0}}});
  p.cap_per_incident_cents = 300'00;
  p.hold_at_cents = 50'00;
  return p;
}

class FeeStoreTest : public test::StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    exec("INSERT INTO models (model, kind, unit_cost_cents, updated_at) VALUES "
         "('CB-11', 'chromebook', 32900, '2026-01-01T00:00:00Z')");
    exec("INSERT INTO people (external_id, name, role, created_at, updated_at) VALUES "
         "('S1', 'Ana', 'student', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
    devices_ = std::make_unique<DeviceStore>(db(), &policy_);
    orders_ = std::make_unique<WorkOrderStore>(db(), &policy_);
    checkouts_ = std::make_unique<CheckoutStore>(db(), &policy_);
    fees_ = std::make_unique<FeeStore>(db(), &policy_);
  }

  DeviceRef device(const std::string& serial) {
    DeviceDraft d = test::draft(serial, "T-" + serial);
    d.model = "CB-11";
    auto created = devices_->create(d, "token:test");
    EXPECT_TRUE(created) << created.error().message;
    return DeviceRef{DeviceRef::By::id, created->id, ""};
  }

  void lend(const DeviceRef& d) {
    CheckoutRequest r;
    r.device = d;
    r.person = "S1";
    r.due = addDays(localToday(), 30);
    auto c = checkouts_->checkOut(r, "token:test");
    ASSERT_TRUE(c) << c.error().message;
  }

  // Opens a repair on a lent device with `parts` of cost, paid by the student.
  std::int64_t damagedOrder(const DeviceRef& d, std::int64_t parts) {
    NewWorkOrder o;
    o.device = d;
    o.category = WorkOrderCategory::screen;
    o.description = "cracked";
    auto w = orders_->open(o, "token:test");
    EXPECT_TRUE(w) << w.error().message;
    EXPECT_TRUE(orders_->addPart(w->id, {"LCD", 1, parts}, "token:test"));
    WorkOrderPatch payer;
    payer.payer = std::optional<Payer>(Payer::student_fee);
    payer.status = WorkOrderStatus::in_repair;  // an order is resolved from the bench, not straight from open
    EXPECT_TRUE(orders_->update(w->id, payer, std::nullopt, 0, "token:test"));
    return w->id;
  }

  Result<WorkOrder> resolve(std::int64_t id) {
    WorkOrderPatch p;
    p.status = WorkOrderStatus::resolved;
    return orders_->update(id, p, std::nullopt, 0, "token:test");
  }

  std::int64_t balance() { return fees_->ledger("S1")->summary.balance_cents; }

  FeePolicy policy_ = policy();
  std::unique_ptr<DeviceStore> devices_;
  std::unique_ptr<WorkOrderStore> orders_;
  std::unique_ptr<CheckoutStore> checkouts_;
  std::unique_ptr<FeeStore> fees_;
};

TEST_F(FeeStoreTest, ConcurrentResolvesChargeExactlyOnce) {
  const auto d = device("SN1");
  lend(d);
  const std::int64_t id = damagedOrder(d, 80'00);
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      if (resolve(id)) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);  // the later ones find it resolved already: no move, no charge
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger WHERE work_order_id = " + std::to_string(id)), 1);
  EXPECT_EQ(balance(), 80'00);  // no plan: the repair cost
  EXPECT_EQ(scalar("SELECT balance_cents FROM fee_balances"), 80'00);
}

TEST_F(FeeStoreTest, ConcurrentLossMarksChargeOnceAndConcurrentFindsRefundOnce) {
  const auto d = device("SN1");
  lend(d);
  auto race = [&](DeviceStatus to) {
    std::atomic<int> ok{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&] {
        if (devices_->transition(d, to, "", "token:test")) ++ok;
      });
    }
    for (auto& t : threads) t.join();
    return ok.load();
  };
  EXPECT_EQ(race(DeviceStatus::lost), 1);  // lost -> lost is refused by the lifecycle
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger WHERE kind = 'charge'"), 1);
  EXPECT_EQ(race(DeviceStatus::in_stock), 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger WHERE kind = 'refund'"), 1);
  EXPECT_EQ(balance(), 0);
}

TEST_F(FeeStoreTest, TiersFollowTheIncidentNumberAndTheCapAndTheRefund) {
  ASSERT_TRUE(fees_->enrol("S1", "protection", schoolYearOf(*parseDate(localToday()), policy_), "token:office"));
  EXPECT_EQ(balance(), 25'00);
  const auto d = device("SN1");
  lend(d);
  ASSERT_TRUE(resolve(damagedOrder(d, 120'00)));  // 1st: covered
  ASSERT_TRUE(resolve(damagedOrder(d, 120'00)));  // 2nd: 50.00
  EXPECT_EQ(balance(), 75'00);
  ASSERT_TRUE(devices_->transition(d, DeviceStatus::lost, "left on the bus", "token:office"));  // 3rd: 329 capped
  EXPECT_EQ(balance(), 375'00);
  // Marking the same loan lost again after a found-and-lost changes nothing more than the refund.
  ASSERT_TRUE(devices_->transition(d, DeviceStatus::in_stock, "found", "token:office"));
  EXPECT_EQ(balance(), 75'00);
  ASSERT_TRUE(devices_->transition(d, DeviceStatus::lost, "lost again", "token:office"));
  ASSERT_TRUE(devices_->transition(d, DeviceStatus::in_stock, "found again", "token:office"));
  EXPECT_EQ(balance(), 75'00);
  auto l = fees_->ledger("S1");
  ASSERT_TRUE(l);
  ASSERT_EQ(l->entries.size(), 5u);
  EXPECT_EQ(l->entries[1].incident, 1);
  EXPECT_EQ(l->entries[1].amount_cents, 0);
  EXPECT_EQ(l->entries[2].incident, 2);
  EXPECT_EQ(l->entries[3].reason, "lost");
  EXPECT_EQ(l->entries[3].amount_cents, 300'00);
  EXPECT_EQ(l->entries[4].kind, LedgerKind::refund);
  EXPECT_EQ(l->cached_balance_cents, l->summary.balance_cents);
}

TEST_F(FeeStoreTest, HoldRefusesAndAnOverrideIsRecorded) {
  const auto d1 = device("SN1");
  lend(d1);
  ASSERT_TRUE(resolve(damagedOrder(d1, 60'00)));
  const auto d2 = device("SN2");
  CheckoutRequest r;
  r.device = d2;
  r.person = "S1";
  r.due = addDays(localToday(), 30);
  auto refused = checkouts_->checkOut(r, "token:test");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::hold);
  EXPECT_EQ(refused.error().details["balance"], "60.00");
  r.override_hold = true;
  r.override_reason = "exam week";
  ASSERT_TRUE(checkouts_->checkOut(r, "token:admin"));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM events WHERE action = 'hold_overridden' AND reason LIKE '%exam week'"), 1);
  // A payment lifts it.
  ASSERT_TRUE(fees_->credit("S1", {LedgerKind::payment, 10'01, "cash", "R-1", ""}, "token:desk"));
  ASSERT_TRUE(checkouts_->returnDevice(d2, {}, "token:test"));
  r.override_hold = false;
  EXPECT_TRUE(checkouts_->checkOut(r, "token:test"));
}

TEST_F(FeeStoreTest, ReturningALostDeviceRefundsIt) {
  const auto d = device("SN1");
  lend(d);
  ASSERT_TRUE(devices_->transition(d, DeviceStatus::stolen, "", "token:test"));
  EXPECT_EQ(balance(), 300'00);
  ASSERT_TRUE(checkouts_->returnDevice(d, {}, "token:test"));
  EXPECT_EQ(balance(), 0);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger WHERE kind = 'refund'"), 1);
}

TEST_F(FeeStoreTest, NoRefundWhenThePolicySaysSo) {
  policy_.refund_when_recovered = false;
  const auto d = device("SN1");
  lend(d);
  ASSERT_TRUE(devices_->transition(d, DeviceStatus::lost, "", "token:test"));
  ASSERT_TRUE(devices_->transition(d, DeviceStatus::in_stock, "", "token:test"));
  EXPECT_EQ(balance(), 300'00);
}

TEST_F(FeeStoreTest, OtherPayersAndUnlentDevicesChargeNobody) {
  const auto d = device("SN1");
  NewWorkOrder o;
  o.device = d;
  o.description = "unlent";
  auto w = orders_->open(o, "token:test");
  ASSERT_TRUE(w);
  WorkOrderPatch payer;
  payer.payer = std::optional<Payer>(Payer::student_fee);
  payer.status = WorkOrderStatus::in_repair;
  ASSERT_TRUE(orders_->update(w->id, payer, std::nullopt, 0, "token:test"));
  ASSERT_TRUE(resolve(w->id));
  lend(d);
  NewWorkOrder o2 = o;
  auto w2 = orders_->open(o2, "token:test");
  ASSERT_TRUE(w2);
  payer.payer = std::optional<Payer>(Payer::district);
  ASSERT_TRUE(orders_->update(w2->id, payer, std::nullopt, 0, "token:test"));
  ASSERT_TRUE(resolve(w2->id));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger"), 0);
}

TEST_F(FeeStoreTest, TheLedgerRefusesUpdateAndDelete) {
  ASSERT_TRUE(fees_->credit("S1", {LedgerKind::payment, 5'00, "cash", "", ""}, "token:test"));
  EXPECT_ANY_THROW(exec("UPDATE ledger SET amount_cents = 1"));
  EXPECT_ANY_THROW(exec("DELETE FROM ledger"));
  EXPECT_EQ(scalar("SELECT amount_cents FROM ledger"), 5'00);
}

TEST_F(FeeStoreTest, CreditsAndEnrolmentRefusals) {
  EXPECT_EQ(fees_->credit("S9", {LedgerKind::payment, 5'00, "", "", ""}, "t").error().code, Errc::not_found);
  auto no_note = fees_->credit("S1", {LedgerKind::waiver, 5'00, "", "", ""}, "t");
  ASSERT_FALSE(no_note);
  EXPECT_EQ(no_note.error().details["field"], "note");
  EXPECT_EQ(fees_->enrol("S1", "gold", 2027, "t").error().details["field"], "plan");
  ASSERT_TRUE(fees_->enrol("S1", "protection", 2027, "t"));
  EXPECT_EQ(fees_->enrol("S1", "protection", 2027, "t").error().code, Errc::conflict);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger"), 1);
}

TEST_F(FeeStoreTest, CacheStaysExactOverManyEntries) {
  for (int i = 1; i <= 50; ++i) {
    ASSERT_TRUE(fees_->credit("S1", {i % 3 ? LedgerKind::payment : LedgerKind::waiver, i * 7, "", "", "n"}, "t"));
  }
  exec("INSERT INTO ledger (person_id, kind, amount_cents, reason, actor, at) "
       "SELECT id, 'charge', 123456, 'premium', 't', '2026-09-01T00:00:00Z' FROM people");
  EXPECT_EQ(scalar("SELECT balance_cents FROM fee_balances"),
            scalar("SELECT SUM(CASE kind WHEN 'charge' THEN amount_cents ELSE -amount_cents END) FROM ledger"));
  EXPECT_EQ(fees_->ledger("S1")->summary.balance_cents, scalar("SELECT balance_cents FROM fee_balances"));
}

TEST_F(FeeStoreTest, BalancesAndTotals) {
  const auto d = device("SN1");
  lend(d);
  ASSERT_TRUE(resolve(damagedOrder(d, 70'00)));
  ASSERT_TRUE(fees_->credit("S1", {LedgerKind::payment, 20'00, "cash", "", ""}, "t"));
  auto rows = fees_->balances({});
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].balance_cents, 50'00);
  EXPECT_EQ((*rows)[0].oldest_charge, localToday());
  auto t = fees_->totals();
  ASSERT_TRUE(t);
  EXPECT_EQ(t->outstanding_cents, 50'00);
  EXPECT_EQ(t->paid_cents, 20'00);
  EXPECT_EQ(t->people_on_hold, 1);
  ASSERT_EQ(t->charged_cents_by_reason.size(), 1u);
  EXPECT_EQ(t->charged_cents_by_reason[0], (std::pair<std::string, std::int64_t>{"damage", 70'00}));
}


TEST_F(FeeStoreTest, AuditCloseMarkingALentDeviceLostChargesTheHolderOnce) {
  DeviceDraft draft = test::draft("SN9", "T-SN9");
  draft.model = "CB-11";
  draft.location = "Oak / Room 1";
  auto created = devices_->create(draft, "token:test");
  ASSERT_TRUE(created) << created.error().message;
  const DeviceRef d{DeviceRef::By::id, created->id, ""};
  lend(d);
  auto audit = AuditStore(db(), &policy_).start("Oak check", "Oak", "token:test", "");
  ASSERT_TRUE(audit) << audit.error().message;
  ASSERT_EQ(audit->counts.expected, 1);
  auto closed = AuditStore(db(), &policy_).close(audit->audit.id, {false, MissingTo::lost}, "token:test", "");
  ASSERT_TRUE(closed) << closed.error().message;
  ASSERT_EQ(closed->audit.close_result["marked_lost"].size(), 1u);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger WHERE kind = 'charge' AND reason = 'lost'"), 1);
  EXPECT_EQ(balance(), 300'00);  // replacement cost 329.00, capped per incident
  // Marking it lost again by hand is refused by the lifecycle and charges nothing more.
  EXPECT_FALSE(devices_->transition(d, DeviceStatus::lost, "", "token:test"));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger WHERE kind = 'charge'"), 1);
  // Found again: the loss charged by the audit is refunded like any other.
  ASSERT_TRUE(devices_->transition(d, DeviceStatus::in_stock, "", "token:test"));
  EXPECT_EQ(balance(), 0);
}

TEST_F(FeeStoreTest, AuditCloseThatFailsChargesNothing) {
  DeviceDraft draft = test::draft("SN8", "T-SN8");
  draft.model = "CB-11";
  draft.location = "Oak / Room 2";
  ASSERT_TRUE(devices_->create(draft, "token:test"));
  lend(DeviceRef{DeviceRef::By::serial, 0, "SN8"});
  auto audit = AuditStore(db(), &policy_).start("Oak check", "Oak", "token:test", "");
  ASSERT_TRUE(audit) << audit.error().message;
  exec("CREATE TRIGGER fail_close BEFORE UPDATE OF closed_at ON audits "
       "BEGIN SELECT RAISE(ABORT, 'boom'); END");
  EXPECT_FALSE(AuditStore(db(), &policy_).close(audit->audit.id, {false, MissingTo::lost}, "token:test", ""));
  exec("DROP TRIGGER fail_close");
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM ledger"), 0);
  EXPECT_EQ(balance(), 0);
}

}  // namespace
}  // namespace fk
