#include "store/work_order_rows.hpp"

#include "core/values.hpp"
#include "store/device_rows.hpp"
#include "store/scope_sql.hpp"

namespace fk::wo_rows {

namespace {

constexpr const char* kOrderSelect =
    "SELECT w.id, w.device_id, coalesce(d.asset_tag, ''), coalesce(d.serial, ''), w.category, w.description, "
    "w.priority, w.status, coalesce(w.reported_by, ''), coalesce(w.assignee, ''), w.payer, w.labour_minutes, "
    "w.labour_cost_cents, w.parts_cost_cents, w.estimated_cost_cents, w.prior_status, w.checkout_id, "
    "coalesce(w.resolution, ''), w.opened_by, w.opened_at, w.updated_at, coalesce(w.closed_at, ''), "
    "w.version "
    "FROM work_orders w JOIN devices d ON d.id = w.device_id WHERE w.id = ?1";

constexpr const char* kCheckoutSelect =
    "SELECT c.id, c.device_id, coalesce(d.asset_tag, ''), coalesce(d.serial, ''), c.person_id, "
    "coalesce(p.external_id, ''), coalesce(p.name, ''), coalesce(c.location, ''), c.due, c.checked_out_at, "
    "coalesce(c.returned_at, '') "
    "FROM checkouts c JOIN devices d ON d.id = c.device_id LEFT JOIN people p ON p.id = c.person_id ";

LinkedCheckout readLinkedCheckout(SQLite::Statement& st) {
  LinkedCheckout c;
  c.id = st.getColumn(0).getInt64();
  c.device_id = st.getColumn(1).getInt64();
  c.device_asset_tag = st.getColumn(2).getString();
  c.device_serial = st.getColumn(3).getString();
  if (!st.getColumn(4).isNull()) c.person_id = st.getColumn(4).getInt64();
  c.person_external_id = st.getColumn(5).getString();
  c.person_name = st.getColumn(6).getString();
  c.location = st.getColumn(7).getString();
  c.due = st.getColumn(8).getString();
  c.checked_out_at = st.getColumn(9).getString();
  c.returned_at = st.getColumn(10).getString();
  return c;
}

std::optional<LinkedCheckout> loadCheckout(SQLite::Database& db, const std::string& where, std::int64_t key) {
  SQLite::Statement st(db, std::string(kCheckoutSelect) + where);
  st.bind(1, key);
  if (!st.executeStep()) return std::nullopt;
  return readLinkedCheckout(st);
}

}  // namespace

std::optional<WorkOrder> load(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement st(db, kOrderSelect);
  st.bind(1, id);
  if (!st.executeStep()) return std::nullopt;
  WorkOrder w;
  w.id = st.getColumn(0).getInt64();
  w.device_id = st.getColumn(1).getInt64();
  w.device_asset_tag = st.getColumn(2).getString();
  w.device_serial = st.getColumn(3).getString();
  // The schema's CHECK constraints keep these names valid.
  w.category = parseWorkOrderCategory(st.getColumn(4).getString()).value_or(WorkOrderCategory::other);
  w.description = st.getColumn(5).getString();
  w.priority = parseWorkOrderPriority(st.getColumn(6).getString()).value_or(WorkOrderPriority::normal);
  w.status = parseWorkOrderStatus(st.getColumn(7).getString()).value_or(WorkOrderStatus::open);
  w.reported_by = st.getColumn(8).getString();
  w.assignee = st.getColumn(9).getString();
  if (!st.getColumn(10).isNull()) w.payer = parsePayer(st.getColumn(10).getString());
  w.labour_minutes = st.getColumn(11).getInt64();
  w.labour_cost_cents = st.getColumn(12).getInt64();
  w.parts_cost_cents = st.getColumn(13).getInt64();
  if (!st.getColumn(14).isNull()) w.estimated_cost_cents = st.getColumn(14).getInt64();
  w.prior_status = parseStatus(st.getColumn(15).getString()).value_or(DeviceStatus::in_stock);
  std::optional<std::int64_t> checkout_id;
  if (!st.getColumn(16).isNull()) checkout_id = st.getColumn(16).getInt64();
  w.resolution = st.getColumn(17).getString();
  w.opened_by = st.getColumn(18).getString();
  w.opened_at = st.getColumn(19).getString();
  w.updated_at = st.getColumn(20).getString();
  w.closed_at = st.getColumn(21).getString();
  w.version = st.getColumn(22).getInt64();

  SQLite::Statement parts(
      db,
      "SELECT id, part, quantity, unit_cost_cents, added_by, added_at FROM work_order_parts "
      "WHERE work_order_id = ?1 ORDER BY id");
  parts.bind(1, id);
  while (parts.executeStep()) {
    WorkOrderPart p;
    p.id = parts.getColumn(0).getInt64();
    p.part = parts.getColumn(1).getString();
    p.quantity = parts.getColumn(2).getInt64();
    p.unit_cost_cents = parts.getColumn(3).getInt64();
    p.cost_cents = partCostCents(p.quantity, p.unit_cost_cents).value_or(0);  // bounded when added
    p.added_by = parts.getColumn(4).getString();
    p.added_at = parts.getColumn(5).getString();
    w.parts.push_back(std::move(p));
  }
  SQLite::Statement notes(
      db, "SELECT id, author, at, text FROM work_order_notes WHERE work_order_id = ?1 ORDER BY id");
  notes.bind(1, id);
  while (notes.executeStep()) {
    w.notes.push_back({notes.getColumn(0).getInt64(), notes.getColumn(1).getString(),
                       notes.getColumn(2).getString(), notes.getColumn(3).getString()});
  }
  if (checkout_id) w.checkout = loadCheckout(db, "WHERE c.id = ?1", *checkout_id);
  w.loaner = loadCheckout(db, "WHERE c.work_order_id = ?1 ORDER BY c.id DESC LIMIT 1", id);
  return w;
}

Result<WorkOrder> loadOrFail(SQLite::Database& db, std::int64_t id) {
  auto w = load(db, id);
  if (!w) return std::unexpected(Error::notFound(orderName(id) + " not found"));
  return *w;
}

Result<WorkOrder> loadWithin(SQLite::Database& db, std::int64_t id, const Scope& scope) {
  auto w = loadOrFail(db, id);
  if (w && !scope_sql::deviceWithin(db, w->device_id, scope))
    return std::unexpected(Error::notFound(orderName(id) + " not found"));
  return w;
}

Result<WorkOrder> loadOpenWithin(SQLite::Database& db, std::int64_t id, const Scope& scope,
                                 const std::string& what) {
  auto w = loadWithin(db, id, scope);
  if (w && isClosed(w->status)) return std::unexpected(closedError(*w, what));
  return w;
}

std::optional<std::int64_t> resolveDevice(SQLite::Database& db, const DeviceRef& ref) {
  switch (ref.by) {
    case DeviceRef::By::id: {
      SQLite::Statement st(db, "SELECT id FROM devices WHERE id = ?1");
      st.bind(1, ref.id);
      if (!st.executeStep()) return std::nullopt;
      return ref.id;
    }
    case DeviceRef::By::asset_tag: return rows::findIdBy(db, "asset_tag", ref.value);
    case DeviceRef::By::serial: return rows::findIdBy(db, "serial", ref.value);
  }
  return std::nullopt;
}

namespace {
std::optional<std::int64_t> firstId(SQLite::Database& db, const char* sql, std::int64_t key) {
  SQLite::Statement st(db, sql);
  st.bind(1, key);
  if (!st.executeStep()) return std::nullopt;
  return st.getColumn(0).getInt64();
}
}  // namespace

std::optional<std::int64_t> openOrderOf(SQLite::Database& db, std::int64_t device_id) {
  return firstId(db, "SELECT id FROM work_orders WHERE device_id = ?1 AND closed_at IS NULL", device_id);
}

std::optional<std::int64_t> openCheckoutOf(SQLite::Database& db, std::int64_t device_id) {
  return firstId(db, "SELECT id FROM checkouts WHERE device_id = ?1 AND returned_at IS NULL", device_id);
}

void touchOrder(SQLite::Database& db, std::int64_t id, const std::string& now) {
  SQLite::Statement st(db, "UPDATE work_orders SET version = version + 1, updated_at = ?1 WHERE id = ?2");
  st.bind(1, now);
  st.bind(2, id);
  st.exec();
}

void setDeviceStatus(SQLite::Database& db, std::int64_t device_id, DeviceStatus to, const std::string& now) {
  SQLite::Statement st(
      db, "UPDATE devices SET status = ?1, version = version + 1, updated_at = ?2 WHERE id = ?3");
  st.bind(1, std::string(toString(to)));
  st.bind(2, now);
  st.bind(3, device_id);
  st.exec();
}

std::pair<std::int64_t, std::int64_t> refreshRepairCost(SQLite::Database& db, std::int64_t device_id) {
  const std::int64_t before =
      firstId(db, "SELECT repair_cost_cents FROM devices WHERE id = ?1", device_id).value_or(0);
  // The column is derived, not entered, so it does not bump the device's version: a PATCH read
  // before a part was added still applies cleanly.
  SQLite::Statement st(db,
                       "UPDATE devices SET repair_cost_cents = (SELECT coalesce(sum(parts_cost_cents + "
                       "labour_cost_cents), 0) FROM work_orders WHERE device_id = ?1) WHERE id = ?1");
  st.bind(1, device_id);
  st.exec();
  const std::int64_t after =
      firstId(db, "SELECT repair_cost_cents FROM devices WHERE id = ?1", device_id).value_or(0);
  return {before, after};
}

std::string orderName(std::int64_t id) {
  return "work order " + std::to_string(id);
}

std::string deviceName(const std::string& asset_tag, const std::string& serial, std::int64_t id) {
  if (!asset_tag.empty()) return "tag:" + asset_tag;
  if (!serial.empty()) return "serial:" + serial;
  return std::to_string(id);
}

std::string holderName(const LinkedCheckout& c) {
  if (c.person_id)
    return c.person_name.empty() ? c.person_external_id : c.person_name + " (" + c.person_external_id + ")";
  return c.location;
}

Error deviceNotFound(const DeviceRef& ref) {
  Error e = Error::notFound("device " + toString(ref) + " not found");
  e.details["field"] = "device";
  return e;
}

Error closedError(const WorkOrder& w, const std::string& what) {
  return Error::conflict(orderName(w.id) + " is " + std::string(toString(w.status)) + "; " + what,
                         {{"status", toString(w.status)}});
}

}  // namespace fk::wo_rows
