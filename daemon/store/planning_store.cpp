#include "store/planning_store.hpp"
#include "store/model_store.hpp"
#include "store/scope_sql.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "core/values.hpp"

namespace fk {

namespace {

// The device's own columns, first in both queries below (readPlanDevice's columns 0 to 11).
constexpr std::string_view kPlanDeviceColumns =
    "SELECT d.id, coalesce(d.asset_tag, ''), coalesce(d.serial, ''), d.kind, d.status, d.model, "
    "coalesce(d.location, ''), coalesce(d.purchase_date, ''), d.purchase_price_cents, "
    "coalesce(d.aue_date, ''), d.repair_cost_cents, coalesce(d.replacement_date, '') ";

// The whole fleet is read as the devices alone, in rowid order with no join. Their catalog entries and
// work-order counts are joined in memory (a score of models, a few thousand orders), which saves two
// b-tree seeks per device: at a million devices the joins were a third of the load.
constexpr std::string_view kFleetFrom = "FROM devices d WHERE d.status NOT IN ('retired', 'disposed', 'lost', 'stolen')";

// Work orders opened in the window, not cancelled, counted per device.
constexpr const char* kWorkOrderCounts =
    "SELECT device_id, count(*) FROM work_orders WHERE opened_at >= ?1 AND status <> 'cancelled' "
    "GROUP BY device_id";

// One device is joined in SQL (readPlanDevice's columns, then 12 to 15).
constexpr std::string_view kOneJoined =
    ", m.unit_cost_cents, m.life_years, coalesce(m.aue_date, ''), "
    "(SELECT count(*) FROM work_orders w WHERE w.device_id = d.id AND w.opened_at >= ?1 "
    "AND w.status <> 'cancelled') "
    "FROM devices d LEFT JOIN models m ON m.model = d.model WHERE d.id = ?2";

// Fills `p` in place: at a million devices, building each one apart and moving it into the vector
// cost as much again as reading it.
void readPlanDevice(SQLite::Statement& st, PlanDevice& p) {
  p.id = st.getColumn(0).getInt64();
  p.asset_tag = st.getColumn(1).getString();
  p.serial = st.getColumn(2).getString();
  p.kind = parseKind(st.getColumn(3).getText()).value_or(DeviceKind::other);
  p.status = parseStatus(st.getColumn(4).getText()).value_or(DeviceStatus::in_stock);
  p.model = st.getColumn(5).getString();  // "" when NULL
  p.location = st.getColumn(6).getString();
  p.purchase_date = st.getColumn(7).getString();
  p.purchase_price_cents =
      st.getColumn(8).isNull() ? std::nullopt : std::optional<std::int64_t>(st.getColumn(8).getInt64());
  p.aue_date = st.getColumn(9).getString();
  p.repair_cost_cents = st.getColumn(10).getInt64();
  p.replacement_date = st.getColumn(11).getString();
}

std::string windowStart(std::chrono::year_month_day today) {
  return formatDate(workOrderWindowStart(today));
}

// The devices in service (in `scope`), in id order, each joined with its catalog entry and its
// work-order count, inside the caller's transaction. `slot()` gives the PlanDevice to fill (a new one
// at the end of a vector, or the same one again), `filled(p)` takes it once complete; every member is
// written, so a reused one carries nothing over.
template <class Slot, class Filled>
void scanFleet(SQLite::Database& c, std::chrono::year_month_day today, const Scope& scope,
               const std::vector<CatalogModel>& catalog, Slot slot, Filled filled) {
  // Keyed by the model's exact text, as the SQL join on models' BINARY primary key matched it.
  std::unordered_map<std::string_view, const CatalogModel*> by_model;
  for (const auto& m : catalog) by_model.emplace(m.model, &m);
  std::unordered_map<std::int64_t, int> orders;
  SQLite::Statement counts(c, kWorkOrderCounts);
  counts.bind(1, windowStart(today));
  while (counts.executeStep()) orders.emplace(counts.getColumn(0).getInt64(), counts.getColumn(1).getInt());
  SQLite::Statement st(c, std::string(kPlanDeviceColumns) + std::string(kFleetFrom) +
                              scope_sql::andWithin(scope, "d.location") + " ORDER BY d.id");
  scope_sql::bindIfScoped(st, scope);
  while (st.executeStep()) {
    PlanDevice& p = slot();
    readPlanDevice(st, p);
    const auto m = st.getColumn(5).isNull() ? by_model.end() : by_model.find(p.model);
    const CatalogModel* model = m == by_model.end() ? nullptr : m->second;
    p.model_unit_cost_cents = model ? model->unit_cost_cents : std::nullopt;
    p.model_life_years = model ? model->life_years : std::nullopt;
    if (model)
      p.model_aue_date = model->aue_date;
    else
      p.model_aue_date.clear();
    const auto n = orders.find(p.id);
    p.work_orders_last_year = n == orders.end() ? 0 : n->second;
    filled(p);
  }
}

}  // namespace

Result<PlanInputs> loadPlanInputs(Database& db, std::chrono::year_month_day today, const Scope& scope) {
  return db.with([&](SQLite::Database& c) -> Result<PlanInputs> {
    SQLite::Transaction tx(c);  // one snapshot: the catalog and the devices agree
    PlanInputs out;
    out.catalog = readCatalogIn(c);
    // Reserved up front so the vector never doubles (a doubling at a million devices would copy them
    // with both copies alive). The highest id bounds the count without a pass over the table; pages of
    // the reserve that are never written are never touched. A school's scope is a small part of the
    // fleet, so its vector grows as it goes.
    if (scope.districtWide())
      out.devices.reserve(
          static_cast<std::size_t>(c.execAndGet("SELECT coalesce(max(id), 0) FROM devices").getInt64()));
    scanFleet(
        c, today, scope, out.catalog, [&]() -> PlanDevice& { return out.devices.emplace_back(); },
        [](const PlanDevice&) {});
    return out;
  });
}

Result<DueTotals> computeDueTotals(Database& db, const Config& config, std::chrono::year_month_day today,
                                   int years) {
  return db.with([&](SQLite::Database& c) -> Result<DueTotals> {
    SQLite::Transaction tx(c);
    const auto catalog = readCatalogIn(c);
    DueTotals totals(planningRules(config, catalog), today, years);
    PlanDevice one;
    scanFleet(
        c, today, Scope{}, catalog, [&]() -> PlanDevice& { return one; },
        [&](const PlanDevice& p) { totals.add(p); });
    return totals;
  });
}

Result<PlanDevice> loadPlanDevice(Database& db, std::int64_t device_id, std::chrono::year_month_day today) {
  const std::string since = windowStart(today);
  return db.with([&](SQLite::Database& c) -> Result<PlanDevice> {
    SQLite::Statement st(c, std::string(kPlanDeviceColumns) + std::string(kOneJoined));
    st.bind(1, since);
    st.bind(2, device_id);
    if (!st.executeStep())
      return std::unexpected(Error::notFound("device " + std::to_string(device_id) + " not found"));
    PlanDevice p;
    readPlanDevice(st, p);
    if (!st.getColumn(12).isNull()) p.model_unit_cost_cents = st.getColumn(12).getInt64();
    if (!st.getColumn(13).isNull()) p.model_life_years = st.getColumn(13).getInt();
    p.model_aue_date = st.getColumn(14).getString();
    p.work_orders_last_year = st.getColumn(15).getInt();
    return p;
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
  auto catalog = ModelStore(db).list();
  if (!catalog) return std::unexpected(catalog.error());
  const std::int64_t order_cost =
      order_actual_cents > 0 ? order_actual_cents : order_estimate_cents.value_or(0);
  const std::int64_t earlier = std::max<std::int64_t>(0, device->repair_cost_cents - order_actual_cents);
  return adviseRepair(*device, planningRules(config, *catalog), today, order_cost, earlier);
}

}  // namespace fk
