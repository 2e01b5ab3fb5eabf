#include "store/work_order_store.hpp"
#include "store/scope_sql.hpp"

#include <sqlite3.h>

#include "core/circulation.hpp"
#include "core/lifecycle.hpp"
#include "core/values.hpp"
#include "store/checkout_store.hpp"
#include "store/device_rows.hpp"
#include "store/fee_store.hpp"
#include "store/work_order_rows.hpp"
#include "store/write_tx.hpp"

namespace fk {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxDescriptionBytes = 4096;
constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxNoteBytes = 16384;
constexpr int kMaxPage = 1000;

Error orderNotFound(std::int64_t id) {
  return Error::notFound(wo_rows::orderName(id) + " not found");
}

Error closedError(const WorkOrder& w, const std::string& what) {
  return Error::conflict(wo_rows::orderName(w.id) + " is " + std::string(toString(w.status)) + "; " + what,
                         {{"status", toString(w.status)}});
}

json jsonOrNull(const std::optional<std::int64_t>& cents) {
  return cents ? json(formatMoney(*cents)) : json(nullptr);
}

json textOrNull(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
}

// Bumps the order's version and updated_at; every change to the order row goes through here.
void touchOrder(SQLite::Database& db, std::int64_t id, const std::string& now) {
  SQLite::Statement st(db, "UPDATE work_orders SET version = version + 1, updated_at = ?1 WHERE id = ?2");
  st.bind(1, now);
  st.bind(2, id);
  st.exec();
}

std::string deviceNameOf(const WorkOrder& w) {
  return wo_rows::deviceName(w.device_asset_tag, w.device_serial, w.device_id);
}

// Puts the device where the order found it (resolved, cancelled) or retires it (unrepairable), and
// settles the loans: see docs/desk.md "A repair from intake to pickup".
Status closeOrder(WriteTx& tx, const WorkOrder& w, WorkOrderStatus to, const std::string& actor) {
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
    wo_rows::appendEvent(db, w.device_id, now, actor, "loaner_returned", {{"loaner", loaner, nullptr}},
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
  wo_rows::appendEvent(db, w.device_id, now, actor, action, changes, why);
  SQLite::Statement st(db, "UPDATE work_orders SET closed_at = ?1 WHERE id = ?2");
  st.bind(1, now);
  st.bind(2, w.id);
  st.exec();
  return {};
}

// An order on a device outside the caller's scope reads as absent.
Result<WorkOrder> loadWithin(SQLite::Database& db, std::int64_t id, const Scope& scope);

Result<WorkOrder> loadOrFail(SQLite::Database& db, std::int64_t id) {
  auto w = wo_rows::load(db, id);
  if (!w) return std::unexpected(orderNotFound(id));
  return *w;
}

Result<WorkOrder> loadWithin(SQLite::Database& db, std::int64_t id, const Scope& scope) {
  auto w = loadOrFail(db, id);
  if (w && !scope_sql::deviceWithin(db, w->device_id, scope)) return std::unexpected(orderNotFound(id));
  return w;
}

}  // namespace

Result<std::int64_t> openWorkOrderIn(WriteTx& tx, const NewWorkOrder& order, const std::string& actor) {
  SQLite::Database& db = tx.db();
  auto description = checkText(order.description, "description", kMaxDescriptionBytes);
  if (!description) return std::unexpected(description.error());
  auto reported_by = checkText(order.reported_by, "reported_by", kMaxNameBytes, true);
  if (!reported_by) return std::unexpected(reported_by.error());
  if (order.estimated_cost_cents &&
      (*order.estimated_cost_cents < 0 || *order.estimated_cost_cents > kMaxUnitCostCents))
    return std::unexpected(Error::invalid(
        "estimated_cost", "estimated_cost must be from 0.00 to " + formatMoney(kMaxUnitCostCents)));
  auto device_id = wo_rows::resolveDevice(db, order.device);
  if (!device_id) {
    Error e = Error::notFound("device " + toString(order.device) + " not found");
    e.details["field"] = "device";
    return std::unexpected(std::move(e));
  }
  auto device = rows::loadById(db, *device_id);
  const std::string name = wo_rows::deviceName(device->asset_tag, device->serial, device->id);
  if (auto open = wo_rows::openOrderOf(db, *device_id)) {
    return std::unexpected(Error::conflict(
        "device " + name + " already has an open work order (" + wo_rows::orderName(*open) + ")",
        {{"field", "device"}, {"work_order_id", *open}}));
  }
  if (auto allowed = checkTransition(device->status, DeviceStatus::in_repair); !allowed) {
    Error e = allowed.error();
    e.message = "device " + name + " cannot go to repair: " + e.message;
    e.details["field"] = "device";
    return std::unexpected(std::move(e));
  }
  const auto checkout_id = wo_rows::openCheckoutOf(db, *device_id);
  const std::string& now = tx.now();
  SQLite::Statement ins(
      db,
      "INSERT INTO work_orders (device_id, category, description, priority, status, reported_by, "
      "estimated_cost_cents, prior_status, checkout_id, opened_by, opened_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, 'open', ?5, ?6, ?7, ?8, ?9, ?10, ?10)");
  ins.bind(1, *device_id);
  ins.bind(2, std::string(toString(order.category)));
  ins.bind(3, *description);
  ins.bind(4, std::string(toString(order.priority)));
  if (reported_by->empty())
    ins.bind(5);
  else
    ins.bind(5, *reported_by);
  if (order.estimated_cost_cents)
    ins.bind(6, *order.estimated_cost_cents);
  else
    ins.bind(6);
  ins.bind(7, std::string(toString(device->status)));
  if (checkout_id)
    ins.bind(8, *checkout_id);
  else
    ins.bind(8);
  ins.bind(9, actor);
  ins.bind(10, now);
  try {
    ins.exec();
  } catch (const SQLite::Exception& e) {
    // A caller that did not take the write lock first can race another opening; the partial unique
    // index keeps one open order per device and the loser gets the same 409 as the check above.
    if (e.getExtendedErrorCode() != SQLITE_CONSTRAINT_UNIQUE) throw;
    return std::unexpected(
        Error::conflict("device " + name + " already has an open work order", {{"field", "device"}}));
  }
  const std::int64_t id = db.getLastInsertRowid();
  wo_rows::setDeviceStatus(db, *device_id, DeviceStatus::in_repair, now);
  wo_rows::appendEvent(
      db, *device_id, now, actor, "work_order_opened",
      {{"status", std::string(toString(device->status)), "in_repair"}, {"work_order", nullptr, id}},
      wo_rows::orderName(id) + " (" + std::string(toString(order.category)) + "): " + *description);
  return id;
}

Result<WorkOrder> WorkOrderStore::open(const NewWorkOrder& order, const std::string& actor) {
  return db_.with([&](SQLite::Database& db) -> Result<WorkOrder> {
    WriteTx tx(db_, db);
    if (auto device = wo_rows::resolveDevice(db, order.device); device && !scope_sql::deviceWithin(db, *device, scope_)) {
      Error e = Error::notFound("device " + toString(order.device) + " not found");
      e.details["field"] = "device";
      return std::unexpected(std::move(e));
    }
    auto id = openWorkOrderIn(tx, order, actor);
    if (!id) return std::unexpected(id.error());
    tx.commit();
    return loadOrFail(db, *id);
  });
}

Result<WorkOrder> WorkOrderStore::get(std::int64_t id) {
  return db_.with([&](SQLite::Database& db) -> Result<WorkOrder> {
    SQLite::Transaction tx(db);  // one snapshot for the order, its parts and its loans
    return loadWithin(db, id, scope_);
  });
}

Result<WorkOrderPage> WorkOrderStore::list(const WorkOrderFilter& filter) {
  if (filter.limit < 1 || filter.limit > kMaxPage)
    return std::unexpected(
        Error::invalid("limit", "limit must be between 1 and " + std::to_string(kMaxPage)));
  return db_.with([&](SQLite::Database& db) -> Result<WorkOrderPage> {
    SQLite::Transaction tx(db);
    std::string sql = "SELECT id FROM work_orders WHERE id > ?1";
    std::optional<std::int64_t> device_id;
    if (filter.device) {
      device_id = wo_rows::resolveDevice(db, *filter.device);
      if (!device_id || !scope_sql::deviceWithin(db, *device_id, scope_)) {
        Error e = Error::notFound("device " + toString(*filter.device) + " not found");
        e.details["field"] = "device";
        return std::unexpected(std::move(e));
      }
      sql += " AND device_id = ?3";
    }
    if (filter.status) sql += " AND status = ?4";
    if (filter.category) sql += " AND category = ?5";
    if (filter.open_only) sql += " AND closed_at IS NULL";
    if (!scope_.districtWide())
      sql += " AND device_id IN (SELECT id FROM devices WHERE " + scope_sql::condition("location") + ")";
    sql += " ORDER BY id LIMIT ?2";
    SQLite::Statement st(db, sql);
    scope_sql::bindIfScoped(st, scope_);
    st.bind(1, filter.after_id);
    st.bind(2, filter.limit + 1);
    if (device_id) st.bind(3, *device_id);
    if (filter.status) st.bind(4, std::string(toString(*filter.status)));
    if (filter.category) st.bind(5, std::string(toString(*filter.category)));
    std::vector<std::int64_t> ids;
    while (st.executeStep()) ids.push_back(st.getColumn(0).getInt64());
    WorkOrderPage page;
    if (ids.size() > static_cast<std::size_t>(filter.limit)) {
      ids.pop_back();
      page.next_after_id = ids.back();
    }
    for (std::int64_t id : ids) {
      if (auto w = wo_rows::load(db, id)) page.items.push_back(std::move(*w));
    }
    return page;
  });
}

Result<WorkOrder> WorkOrderStore::update(std::int64_t id, const WorkOrderPatch& patch,
                                         std::optional<std::int64_t> expected_version,
                                         std::int64_t labour_rate_cents, const std::string& actor) {
  std::optional<std::string> assignee, resolution;
  if (patch.assignee) {
    auto v = checkText(*patch.assignee, "assignee", kMaxNameBytes, true);
    if (!v) return std::unexpected(v.error());
    assignee = *v;
  }
  if (patch.resolution) {
    auto v = checkText(*patch.resolution, "resolution", kMaxDescriptionBytes, true);
    if (!v) return std::unexpected(v.error());
    resolution = *v;
  }
  if (patch.labour_minutes) {
    if (auto v = checkLabourMinutes(*patch.labour_minutes); !v) return std::unexpected(v.error());
  }
  if (patch.estimated_cost_cents && *patch.estimated_cost_cents &&
      (**patch.estimated_cost_cents < 0 || **patch.estimated_cost_cents > kMaxUnitCostCents)) {
    return std::unexpected(Error::invalid(
        "estimated_cost", "estimated_cost must be from 0.00 to " + formatMoney(kMaxUnitCostCents)));
  }
  return db_.with([&](SQLite::Database& db) -> Result<WorkOrder> {
    WriteTx tx(db_, db);
    auto w = loadWithin(db, id, scope_);
    if (!w) return w;
    if (expected_version && *expected_version != w->version) {
      return std::unexpected(Error::conflict(wo_rows::orderName(id) + " has changed since version " +
                                                 std::to_string(*expected_version) + " (now " +
                                                 std::to_string(w->version) + ")",
                                             {{"field", "version"}, {"current_version", w->version}}));
    }
    if (patch.status && *patch.status != w->status) {
      if (auto ok = checkWorkOrderMove(w->status, *patch.status); !ok) return std::unexpected(ok.error());
    }
    const bool closed = isClosed(w->status);
    if (closed && patch.labour_minutes && *patch.labour_minutes != w->labour_minutes)
      return std::unexpected(closedError(*w, "its labour can no longer change"));

    std::vector<FieldChange> changes;
    const std::string& now = tx.now();
    auto setColumn = [&](const char* column, const json& value) {
      SQLite::Statement st(db, std::string("UPDATE work_orders SET ") + column + " = ?1 WHERE id = ?2");
      if (value.is_null())
        st.bind(1);
      else if (value.is_number_integer())
        st.bind(1, value.get<std::int64_t>());
      else
        st.bind(1, value.get<std::string>());
      st.bind(2, id);
      st.exec();
    };
    if (assignee && *assignee != w->assignee) {
      changes.push_back({"work_order.assignee", textOrNull(w->assignee), textOrNull(*assignee)});
      setColumn("assignee", textOrNull(*assignee));
    }
    if (resolution && *resolution != w->resolution) {
      changes.push_back({"work_order.resolution", textOrNull(w->resolution), textOrNull(*resolution)});
      setColumn("resolution", textOrNull(*resolution));
    }
    if (patch.payer && *patch.payer != w->payer) {
      auto name = [](const std::optional<Payer>& p) { return p ? json(toString(*p)) : json(nullptr); };
      changes.push_back({"work_order.payer", name(w->payer), name(*patch.payer)});
      setColumn("payer", name(*patch.payer));
    }
    if (patch.estimated_cost_cents && *patch.estimated_cost_cents != w->estimated_cost_cents) {
      changes.push_back({"work_order.estimated_cost", jsonOrNull(w->estimated_cost_cents),
                         jsonOrNull(*patch.estimated_cost_cents)});
      setColumn("estimated_cost_cents",
                *patch.estimated_cost_cents ? json(**patch.estimated_cost_cents) : json(nullptr));
    }
    bool cost_changed = false;
    if (patch.labour_minutes && *patch.labour_minutes != w->labour_minutes) {
      auto cost = labourCostCents(*patch.labour_minutes, labour_rate_cents);
      if (!cost || !addCents(*cost, w->parts_cost_cents))
        return std::unexpected(Error::invalid("labour_minutes", "labour cost is too large"));
      changes.push_back({"work_order.labour_minutes", w->labour_minutes, *patch.labour_minutes});
      changes.push_back({"work_order.labour_cost", formatMoney(w->labour_cost_cents), formatMoney(*cost)});
      setColumn("labour_minutes", *patch.labour_minutes);
      setColumn("labour_cost_cents", *cost);
      cost_changed = true;
    }
    const bool moving = patch.status && *patch.status != w->status;
    if (moving) {
      setColumn("status", std::string(toString(*patch.status)));
    }
    if (changes.empty() && !moving) return *w;
    touchOrder(db, id, now);
    if (cost_changed) {
      auto [before, after] = wo_rows::refreshRepairCost(db, w->device_id);
      if (before != after) changes.push_back({"repair_cost", formatMoney(before), formatMoney(after)});
    }
    if (!changes.empty())
      wo_rows::appendEvent(db, w->device_id, now, actor, "work_order_updated", changes,
                           wo_rows::orderName(id));
    if (moving) {
      if (isClosed(*patch.status)) {
        if (auto st = closeOrder(tx, *w, *patch.status, actor); !st) return std::unexpected(st.error());
        if (fees_ && *patch.status == WorkOrderStatus::resolved) {
          if (auto st = chargeRepairIn(tx, *fees_, id, actor); !st) return std::unexpected(st.error());
        }
      } else {
        wo_rows::appendEvent(
            db, w->device_id, now, actor, "work_order_status",
            {{"work_order.status", std::string(toString(w->status)), std::string(toString(*patch.status))}},
            wo_rows::orderName(id));
      }
    }
    tx.commit();
    return loadOrFail(db, id);
  });
}

Result<WorkOrder> WorkOrderStore::addPart(std::int64_t id, const NewPart& part, const std::string& actor) {
  auto name = checkText(part.part, "part", kMaxNameBytes);
  if (!name) return std::unexpected(name.error());
  if (auto q = checkPartQuantity(part.quantity); !q) return std::unexpected(q.error());
  if (part.unit_cost_cents < 0 || part.unit_cost_cents > kMaxUnitCostCents)
    return std::unexpected(
        Error::invalid("unit_cost", "unit_cost must be from 0.00 to " + formatMoney(kMaxUnitCostCents)));
  const auto cost = partCostCents(part.quantity, part.unit_cost_cents);  // bounded inputs: cannot overflow
  return db_.with([&](SQLite::Database& db) -> Result<WorkOrder> {
    WriteTx tx(db_, db);
    auto w = loadWithin(db, id, scope_);
    if (!w) return w;
    if (isClosed(w->status))
      return std::unexpected(closedError(*w, "parts can only be added while it is open"));
    auto parts_total = addCents(w->parts_cost_cents, *cost);
    if (!parts_total || !addCents(*parts_total, w->labour_cost_cents))
      return std::unexpected(Error::invalid("quantity", "the order's parts cost would be too large"));
    const std::string& now = tx.now();
    SQLite::Statement ins(
        db,
        "INSERT INTO work_order_parts (work_order_id, part, quantity, unit_cost_cents, added_by, "
        "added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    ins.bind(1, id);
    ins.bind(2, *name);
    ins.bind(3, part.quantity);
    ins.bind(4, part.unit_cost_cents);
    ins.bind(5, actor);
    ins.bind(6, now);
    ins.exec();
    SQLite::Statement upd(db, "UPDATE work_orders SET parts_cost_cents = ?1 WHERE id = ?2");
    upd.bind(1, *parts_total);
    upd.bind(2, id);
    upd.exec();
    touchOrder(db, id, now);
    auto [before, after] = wo_rows::refreshRepairCost(db, w->device_id);
    wo_rows::appendEvent(db, w->device_id, now, actor, "work_order_part",
                         {{"repair_cost", formatMoney(before), formatMoney(after)}},
                         wo_rows::orderName(id) + ": " + *name + " x" + std::to_string(part.quantity) +
                             " at " + formatMoney(part.unit_cost_cents) + " = " + formatMoney(*cost));
    tx.commit();
    return loadOrFail(db, id);
  });
}

Result<WorkOrder> WorkOrderStore::addNote(std::int64_t id, const std::string& text,
                                          const std::string& actor) {
  auto body = checkText(text, "text", kMaxNoteBytes);
  if (!body) return std::unexpected(body.error());
  return db_.with([&](SQLite::Database& db) -> Result<WorkOrder> {
    WriteTx tx(db_, db);
    auto w = loadWithin(db, id, scope_);
    if (!w) return w;
    // Notes are a log beside the order, so they neither bump its version (a PATCH in flight stays
    // valid) nor close with it (a note after pickup is still worth keeping).
    const std::string& now = tx.now();
    SQLite::Statement ins(
        db, "INSERT INTO work_order_notes (work_order_id, author, at, text) VALUES (?1, ?2, ?3, ?4)");
    ins.bind(1, id);
    ins.bind(2, actor);
    ins.bind(3, now);
    ins.bind(4, *body);
    ins.exec();
    wo_rows::appendEvent(db, w->device_id, now, actor, "work_order_note", {},
                         wo_rows::orderName(id) + ": " + *body);
    tx.commit();
    return loadOrFail(db, id);
  });
}

Result<WorkOrder> WorkOrderStore::lendLoaner(std::int64_t id, const DeviceRef& loaner,
                                             const std::string& actor) {
  return db_.with([&](SQLite::Database& db) -> Result<WorkOrder> {
    WriteTx tx(db_, db);
    auto w = loadWithin(db, id, scope_);
    if (!w) return w;
    if (isClosed(w->status))
      return std::unexpected(closedError(*w, "a loaner can only be lent while it is open"));
    if (w->loaner && w->loaner->returned_at.empty()) {
      const std::string out =
          wo_rows::deviceName(w->loaner->device_asset_tag, w->loaner->device_serial, w->loaner->device_id);
      return std::unexpected(Error::conflict(wo_rows::orderName(id) + " already has loaner " + out + " out",
                                             {{"field", "device"}, {"loaner_checkout_id", w->loaner->id}}));
    }
    if (!w->checkout || !w->checkout->returned_at.empty()) {
      return std::unexpected(Error::conflict(
          "nobody holds " + deviceNameOf(*w) + ": it was not on loan when it came in, or its loan has ended",
          {{"field", "device"}}));
    }
    auto loaner_id = wo_rows::resolveDevice(db, loaner);
    if (!loaner_id || !scope_sql::deviceWithin(db, *loaner_id, scope_)) {
      Error e = Error::notFound("device " + toString(loaner) + " not found");
      e.details["field"] = "device";
      return std::unexpected(std::move(e));
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
    touchOrder(db, id, now);
    wo_rows::appendEvent(
        db, w->device_id, now, actor, "loaner_lent", {{"loaner", nullptr, name}},
        wo_rows::orderName(id) + ": loaner " + name + " lent to " + wo_rows::holderName(*w->checkout));
    tx.commit();
    return loadOrFail(db, id);
  });
}

}  // namespace fk
