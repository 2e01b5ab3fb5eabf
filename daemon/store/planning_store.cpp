#include "store/planning_store.hpp"
#include "store/scope_sql.hpp"

#include <algorithm>

#include "core/values.hpp"

namespace fk {

namespace {

// The work-order count subquery scans work_orders once (grouped), instead of one lookup per device.
constexpr const char* kSelectPlanDevices =
    "SELECT d.id, coalesce(d.asset_tag, ''), coalesce(d.serial, ''), d.kind, d.status, coalesce(d.model, "
    "''), "
    "coalesce(d.location, ''), coalesce(d.purchase_date, ''), d.purchase_price_cents, coalesce(d.aue_date, "
    "''), "
    "d.repair_cost_cents, m.unit_cost_cents, m.life_years, coalesce(m.aue_date, ''), coalesce(w.n, 0), "
    "coalesce(d.replacement_date, '') "
    "FROM devices d "
    "LEFT JOIN models m ON m.model = d.model "
    "LEFT JOIN (SELECT device_id, count(*) AS n FROM work_orders "
    "           WHERE opened_at >= ?1 AND status <> 'cancelled' GROUP BY device_id) w ON w.device_id = d.id ";

PlanDevice readPlanDevice(SQLite::Statement& st) {
  PlanDevice p;
  p.id = st.getColumn(0).getInt64();
  p.asset_tag = st.getColumn(1).getString();
  p.serial = st.getColumn(2).getString();
  p.kind = parseKind(st.getColumn(3).getText()).value_or(DeviceKind::other);
  p.status = parseStatus(st.getColumn(4).getText()).value_or(DeviceStatus::in_stock);
  p.model = st.getColumn(5).getString();
  p.location = st.getColumn(6).getString();
  p.purchase_date = st.getColumn(7).getString();
  if (!st.getColumn(8).isNull()) p.purchase_price_cents = st.getColumn(8).getInt64();
  p.aue_date = st.getColumn(9).getString();
  p.repair_cost_cents = st.getColumn(10).getInt64();
  if (!st.getColumn(11).isNull()) p.model_unit_cost_cents = st.getColumn(11).getInt64();
  if (!st.getColumn(12).isNull()) p.model_life_years = st.getColumn(12).getInt();
  p.model_aue_date = st.getColumn(13).getString();
  p.work_orders_last_year = st.getColumn(14).getInt();
  p.replacement_date = st.getColumn(15).getString();
  return p;
}

std::string windowStart(std::chrono::year_month_day today) {
  return formatDate(workOrderWindowStart(today));
}

}  // namespace

Result<PlanInputs> loadPlanInputs(Database& db, std::chrono::year_month_day today, const Scope& scope) {
  const std::string since = windowStart(today);
  return db.with([&](SQLite::Database& c) -> Result<PlanInputs> {
    SQLite::Transaction tx(c);  // one snapshot: the catalog and the devices agree
    PlanInputs out;
    SQLite::Statement models(
        c, "SELECT model, kind, unit_cost_cents, life_years, coalesce(aue_date, '') FROM models");
    while (models.executeStep()) {
      CatalogModel m;
      m.model = models.getColumn(0).getString();
      m.kind = parseKind(models.getColumn(1).getText()).value_or(DeviceKind::other);
      if (!models.getColumn(2).isNull()) m.unit_cost_cents = models.getColumn(2).getInt64();
      if (!models.getColumn(3).isNull()) m.life_years = models.getColumn(3).getInt();
      m.aue_date = models.getColumn(4).getString();
      out.catalog.push_back(std::move(m));
    }
    const auto in_service = c.execAndGet(
        "SELECT count(*) FROM devices WHERE status NOT IN ('retired', 'disposed', 'lost', 'stolen')");
    out.devices.reserve(static_cast<std::size_t>(in_service.getInt64()));
    SQLite::Statement st(c, std::string(kSelectPlanDevices) +
                                "WHERE d.status NOT IN ('retired', 'disposed', 'lost', 'stolen')" +
                                scope_sql::andWithin(scope, "d.location") + " ORDER BY d.id");
    st.bind(1, since);
    scope_sql::bindIfScoped(st, scope);
    while (st.executeStep()) out.devices.push_back(readPlanDevice(st));
    return out;
  });
}

Result<PlanDevice> loadPlanDevice(Database& db, std::int64_t device_id, std::chrono::year_month_day today) {
  const std::string since = windowStart(today);
  return db.with([&](SQLite::Database& c) -> Result<PlanDevice> {
    SQLite::Statement st(c, std::string(kSelectPlanDevices) + "WHERE d.id = ?2");
    st.bind(1, since);
    st.bind(2, device_id);
    if (!st.executeStep())
      return std::unexpected(Error::notFound("device " + std::to_string(device_id) + " not found"));
    return readPlanDevice(st);
  });
}

Result<ComputedPlan> computePlan(Database& db, const Config& config, std::chrono::year_month_day today,
                                 const PlanOptions& options, const Scope& scope) {
  auto inputs = loadPlanInputs(db, today, scope);
  if (!inputs) return std::unexpected(inputs.error());
  ComputedPlan out;
  out.inputs = std::move(*inputs);
  out.rules = planningRules(config, out.inputs.catalog);
  out.plan = buildPlan(out.inputs.devices, out.rules, today, options);
  return out;
}

Result<RepairAdvice> adviseWorkOrder(Database& db, const Config& config, std::int64_t device_id,
                                     std::int64_t order_actual_cents,
                                     std::optional<std::int64_t> order_estimate_cents,
                                     std::chrono::year_month_day today) {
  auto device = loadPlanDevice(db, device_id, today);
  if (!device) return std::unexpected(device.error());
  auto catalog = db.with([&](SQLite::Database& c) -> Result<std::vector<CatalogModel>> {
    std::vector<CatalogModel> out;
    SQLite::Statement st(c, "SELECT model, unit_cost_cents FROM models");
    while (st.executeStep()) {
      CatalogModel m;
      m.model = st.getColumn(0).getString();
      if (!st.getColumn(1).isNull()) m.unit_cost_cents = st.getColumn(1).getInt64();
      out.push_back(std::move(m));
    }
    return out;
  });
  if (!catalog) return std::unexpected(catalog.error());
  const std::int64_t order_cost =
      order_actual_cents > 0 ? order_actual_cents : order_estimate_cents.value_or(0);
  const std::int64_t earlier = std::max<std::int64_t>(0, device->repair_cost_cents - order_actual_cents);
  return adviseRepair(*device, planningRules(config, *catalog), today, order_cost, earlier);
}

}  // namespace fk
