// A work order and the loans around it (docs/desk.md "A repair from intake to pickup"): a loaner lent
// to whoever holds the device under repair, and at closing the device back where the order found it
// (or retired) with the loans settled. The loans themselves go through checkout_store (checkOutIn,
// returnIn).

#include "store/work_order_loans.hpp"

#include "core/circulation.hpp"
#include "core/lifecycle.hpp"
#include "store/checkout_store.hpp"
#include "store/device_rows.hpp"
#include "store/scope_sql.hpp"
#include "store/work_order_rows.hpp"

namespace fk {

Status closeOrderIn(WriteTx& tx, const WorkOrder& w, WorkOrderStatus to, const std::string& actor) {
  SQLite::Database& db = tx.db();
  const std::string& now = tx.now();
  const std::string reason = wo_rows::orderName(w.id) + " " + std::string(toString(to));
  const bool own_loan_open = w.checkout && w.checkout->returned_at.empty();
  const bool loaner_out = w.loaner && w.loaner->returned_at.empty();
  if (to == WorkOrderStatus::unrepairable) {
    // The holder will not get this device back: their loan of it ends here. The loaner stays with
    // them as an ordinary loan (still linked to this order for the record).
    if (own_loan_open) {
      if (auto st = returnIn(tx, w.checkout->id, {Condition::damaged, reason}, actor); !st) return st;
    }
  } else if (loaner_out) {
    if (auto st = returnIn(tx, w.loaner->id, {Condition::good, reason}, actor); !st) return st;
    const std::string loaner =
        wo_rows::deviceName(w.loaner->device_asset_tag, w.loaner->device_serial, w.loaner->device_id);
    rows::appendEvent(db, w.device_id, now, actor, "loaner_returned", {{"loaner", loaner, nullptr}},
                      reason + ": loaner " + loaner + " back in stock");
  }

  // The device row is re-read: the loan return above does not change it, but a direct transition
  // while the order was open may have (someone marked it lost); then it stays where it is.
  auto device = rows::loadById(db, w.device_id);
  if (!device) return std::unexpected(Error::internal("device of " + wo_rows::orderName(w.id) + " vanished"));
  DeviceStatus target = DeviceStatus::retired;
  if (to != WorkOrderStatus::unrepairable) {
    target = w.prior_status;
    // Its holder returned it to the desk while it was on the bench (returnIn): it comes back to stock.
    if (w.checkout && !own_loan_open) target = DeviceStatus::in_stock;
  }
  std::vector<FieldChange> changes{
      {"work_order.status", std::string(toString(w.status)), std::string(toString(to))}};
  if (device->status == DeviceStatus::in_repair && checkTransition(device->status, target)) {
    wo_rows::setDeviceStatus(db, w.device_id, target, now);
    changes.push_back({"status", std::string(toString(device->status)), std::string(toString(target))});
  }
  std::string why = reason;
  if (to != WorkOrderStatus::unrepairable && own_loan_open)
    why += ": back to " + wo_rows::holderName(*w.checkout);
  const char* action = to == WorkOrderStatus::resolved       ? "work_order_resolved"
                       : to == WorkOrderStatus::unrepairable ? "work_order_unrepairable"
                                                             : "work_order_cancelled";
  rows::appendEvent(db, w.device_id, now, actor, action, changes, why);
  SQLite::Statement st(db, "UPDATE work_orders SET closed_at = ?1 WHERE id = ?2");
  st.bind(1, now);
  st.bind(2, w.id);
  st.exec();
  return {};
}

Result<WorkOrder> WorkOrderStore::lendLoaner(std::int64_t id, const DeviceRef& loaner,
                                             const std::string& actor) {
  return db_.with([&](SQLite::Database& db) -> Result<WorkOrder> {
    WriteTx tx(db_, db);
    auto w = wo_rows::loadOpenWithin(db, id, scope_, "a loaner can only be lent while it is open");
    if (!w) return w;
    if (w->loaner && w->loaner->returned_at.empty()) {
      const std::string out =
          wo_rows::deviceName(w->loaner->device_asset_tag, w->loaner->device_serial, w->loaner->device_id);
      return std::unexpected(Error::conflict(wo_rows::orderName(id) + " already has loaner " + out + " out",
                                             {{"field", "device"}, {"loaner_checkout_id", w->loaner->id}}));
    }
    if (!w->checkout || !w->checkout->returned_at.empty()) {
      return std::unexpected(Error::conflict(
          "nobody holds " + wo_rows::deviceName(w->device_asset_tag, w->device_serial, w->device_id) +
              ": it was not on loan when it came in, or its loan has ended",
          {{"field", "device"}}));
    }
    auto loaner_id = wo_rows::resolveDevice(db, loaner);
    if (!loaner_id || !scope_sql::deviceWithin(db, *loaner_id, scope_)) {
      return std::unexpected(wo_rows::deviceNotFound(loaner));
    }
    auto device = rows::loadById(db, *loaner_id);
    const std::string name = wo_rows::deviceName(device->asset_tag, device->serial, device->id);
    if (!device->loaner) {
      return std::unexpected(Error::conflict("device " + name + " is not in the loaner pool (loaner: false)",
                                             {{"field", "device"}}));
    }
    if (device->status != DeviceStatus::in_stock) {
      return std::unexpected(Error::conflict(
          "loaner " + name + " is " + std::string(toString(device->status)) + ", not in_stock",
          {{"field", "device"}, {"status", toString(device->status)}}));
    }
    // The loaner is due when the repaired device was, or today if that day has passed already.
    const std::string today = localToday();
    NewCheckout loan;
    loan.device_id = *loaner_id;
    loan.person_id = w->checkout->person_id;
    loan.location = w->checkout->location;
    loan.due = w->checkout->due < today ? today : w->checkout->due;
    loan.work_order_id = id;
    loan.notes = "loaner for " + wo_rows::orderName(id);
    auto checkout = checkOutIn(tx, loan, actor);
    if (!checkout) {
      Error e = checkout.error();
      if (!e.details.contains("field")) e.details["field"] = "device";
      return std::unexpected(std::move(e));
    }
    const std::string& now = tx.now();
    wo_rows::touchOrder(db, id, now);
    rows::appendEvent(
        db, w->device_id, now, actor, "loaner_lent", {{"loaner", nullptr, name}},
        wo_rows::orderName(id) + ": loaner " + name + " lent to " + wo_rows::holderName(*w->checkout));
    tx.commit();
    return wo_rows::loadOrFail(db, id);
  });
}

}  // namespace fk
