// WorkOrderStore: opening, reading, listing and updating work orders, their parts and notes. The loans
// around a repair (a loaner, the loans settled at closing) are in work_order_loans.cpp.

#include "store/work_order_store.hpp"

#include <sqlite3.h>

#include "core/lifecycle.hpp"
#include "core/values.hpp"
#include "store/device_rows.hpp"
#include "store/fee_store.hpp"
#include "store/paging.hpp"
#include "store/scope_sql.hpp"
#include "store/work_order_loans.hpp"
#include "store/work_order_rows.hpp"
#include "store/write_tx.hpp"

namespace fk {

namespace {

using nlohmann::json;

constexpr std::size_t kMaxDescriptionBytes = 4096;
constexpr std::size_t kMaxNameBytes = 200;
constexpr std::size_t kMaxNoteBytes = 16384;

json jsonOrNull(const std::optional<std::int64_t>& cents) {
  return cents ? json(formatMoney(*cents)) : json(nullptr);
}

json textOrNull(const std::string& s) {
  return s.empty() ? json(nullptr) : json(s);
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
  if (!device_id) return std::unexpected(wo_rows::deviceNotFound(order.device));
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
  rows::appendEvent(
      db, *device_id, now, actor, "work_order_opened",
      {{"status", std::string(toString(device->status)), "in_repair"}, {"work_order", nullptr, id}},
      wo_rows::orderName(id) + " (" + std::string(toString(order.category)) + "): " + *description);
  return id;
}

Result<WorkOrder> WorkOrderStore::open(const NewWorkOrder& order, const std::string& actor) {
  return db_.with([&](SQLite::Database& db) -> Result<WorkOrder> {
    WriteTx tx(db_, db);
    if (auto device = wo_rows::resolveDevice(db, order.device);
        device && !scope_sql::deviceWithin(db, *device, scope_))
      return std::unexpected(wo_rows::deviceNotFound(order.device));
    auto id = openWorkOrderIn(tx, order, actor);
    if (!id) return std::unexpected(id.error());
    tx.commit();
    return wo_rows::loadOrFail(db, *id);
  });
}

Result<WorkOrder> WorkOrderStore::get(std::int64_t id) {
  return db_.with([&](SQLite::Database& db) -> Result<WorkOrder> {
    SQLite::Transaction tx(db);  // one snapshot for the order, its parts and its loans
    return wo_rows::loadWithin(db, id, scope_);
  });
}

Result<WorkOrderPage> WorkOrderStore::list(const WorkOrderFilter& filter) {
  if (auto ok = checkPageLimit(filter.limit); !ok) return std::unexpected(ok.error());
  return db_.with([&](SQLite::Database& db) -> Result<WorkOrderPage> {
    SQLite::Transaction tx(db);
    std::string sql = "SELECT id FROM work_orders WHERE id > ?1";
    std::optional<std::int64_t> device_id;
    if (filter.device) {
      device_id = wo_rows::resolveDevice(db, *filter.device);
      if (!device_id || !scope_sql::deviceWithin(db, *device_id, scope_))
        return std::unexpected(wo_rows::deviceNotFound(*filter.device));
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
    auto w = wo_rows::loadWithin(db, id, scope_);
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
      return std::unexpected(wo_rows::closedError(*w, "its labour can no longer change"));

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
    wo_rows::touchOrder(db, id, now);
    if (cost_changed) {
      auto [before, after] = wo_rows::refreshRepairCost(db, w->device_id);
      if (before != after) changes.push_back({"repair_cost", formatMoney(before), formatMoney(after)});
    }
    if (!changes.empty())
      rows::appendEvent(db, w->device_id, now, actor, "work_order_updated", changes, wo_rows::orderName(id));
    if (moving) {
      if (isClosed(*patch.status)) {
        if (auto st = closeOrderIn(tx, *w, *patch.status, actor); !st) return std::unexpected(st.error());
        if (fees_ && *patch.status == WorkOrderStatus::resolved) {
          if (auto st = chargeRepairIn(tx, *fees_, id, actor); !st) return std::unexpected(st.error());
        }
      } else {
        rows::appendEvent(
            db, w->device_id, now, actor, "work_order_status",
            {{"work_order.status", std::string(toString(w->status)), std::string(toString(*patch.status))}},
            wo_rows::orderName(id));
      }
    }
    tx.commit();
    return wo_rows::loadOrFail(db, id);
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
    auto w = wo_rows::loadOpenWithin(db, id, scope_, "parts can only be added while it is open");
    if (!w) return w;
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
    wo_rows::touchOrder(db, id, now);
    auto [before, after] = wo_rows::refreshRepairCost(db, w->device_id);
    rows::appendEvent(db, w->device_id, now, actor, "work_order_part",
                      {{"repair_cost", formatMoney(before), formatMoney(after)}},
                      wo_rows::orderName(id) + ": " + *name + " x" + std::to_string(part.quantity) + " at " +
                          formatMoney(part.unit_cost_cents) + " = " + formatMoney(*cost));
    tx.commit();
    return wo_rows::loadOrFail(db, id);
  });
}

Result<WorkOrder> WorkOrderStore::addNote(std::int64_t id, const std::string& text,
                                          const std::string& actor) {
  auto body = checkText(text, "text", kMaxNoteBytes);
  if (!body) return std::unexpected(body.error());
  return db_.with([&](SQLite::Database& db) -> Result<WorkOrder> {
    WriteTx tx(db_, db);
    auto w = wo_rows::loadWithin(db, id, scope_);
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
    rows::appendEvent(db, w->device_id, now, actor, "work_order_note", {},
                      wo_rows::orderName(id) + ": " + *body);
    tx.commit();
    return wo_rows::loadOrFail(db, id);
  });
}

}  // namespace fk
