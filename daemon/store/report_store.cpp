#include "store/report_store.hpp"
#include "store/scope_sql.hpp"

#include <map>

#include "core/values.hpp"

namespace fk {

namespace {

constexpr const char* kAueHorizons[] = {"90", "180", "365", "730"};

}  // namespace

Result<FleetCounts> readFleetCounts(Database& db, const std::string& today, const Scope& scope) {
  if (!isValidDate(today)) return std::unexpected(Error::invalid("today", "today must be a date YYYY-MM-DD"));
  return db.with([&](SQLite::Database& c) -> Result<FleetCounts> {
    // One read transaction: every figure comes from the same snapshot, so they add up.
    SQLite::Transaction tx(c);
    FleetCounts out;
    SQLite::Statement dates(c, "SELECT date(?1, '+90 days'), date(?1, '+180 days'), date(?1, '+365 days'), "
                               "date(?1, '+730 days')");
    dates.bind(1, today);
    dates.executeStep();
    std::string horizon[4];
    for (int i = 0; i < 4; ++i) horizon[i] = dates.getColumn(i).getString();
    // A device's own AUE wins; the catalog's model AUE fills in when it has none.
    std::map<std::string, std::string, std::less<>> catalog_aue;
    SQLite::Statement models(c, "SELECT model, aue_date FROM models WHERE aue_date IS NOT NULL AND aue_date <> ''");
    while (models.executeStep()) catalog_aue.emplace(models.getColumn(0).getString(), models.getColumn(1).getString());

    // Every figure but the locations in one pass over devices_summary (a covering index in this GROUP
    // BY's order, see migrations_summary.cpp): a few hundred groups at a million devices, where four
    // GROUP BY queries over the table took ~2 s.
    const std::string within = scope.districtWide() ? "" : " WHERE " + scope_sql::condition("location");
    SQLite::Statement groups(c, "SELECT aue_date, status, kind, model, count(*) FROM devices" + within +
                                    " GROUP BY aue_date, status, kind, model");
    scope_sql::bindIfScoped(groups, scope);
    std::int64_t aue_counts[5] = {0, 0, 0, 0, 0};
    while (groups.executeStep()) {
      const std::string status = groups.getColumn(1).getString();
      const std::string kind = groups.getColumn(2).getString();
      const SQLite::Column model = groups.getColumn(3);
      const std::int64_t n = groups.getColumn(4).getInt64();
      out.by_status_kind[{status, kind}] += n;
      out.total += n;
      out.by_model_status[{model.getString(), status}] += n;  // NULL reads as ""
      if (status == "retired" || status == "disposed" || status == "lost" || status == "stolen") continue;
      std::string aue = groups.getColumn(0).getString();
      if (aue.empty() && !model.isNull()) {
        auto it = catalog_aue.find(model.getString());
        if (it != catalog_aue.end()) aue = it->second;
      }
      if (aue.empty()) continue;
      if (aue < today) {
        aue_counts[0] += n;
        continue;
      }
      for (int i = 0; i < 4; ++i) {
        if (aue < horizon[i]) aue_counts[i + 1] += n;
      }
    }
    out.aue_within_days["0"] = aue_counts[0];
    for (int i = 0; i < 4; ++i) out.aue_within_days[kAueHorizons[i]] = aue_counts[i + 1];

    SQLite::Statement by_location(
        c, "SELECT coalesce(location, ''), count(*) FROM devices" + within + " GROUP BY location");
    scope_sql::bindIfScoped(by_location, scope);
    while (by_location.executeStep()) {
      out.by_location[by_location.getColumn(0).getString()] += by_location.getColumn(1).getInt64();
    }
    return out;
  });
}

Result<ServiceCounts> readServiceCounts(Database& db, const std::string& today, const Scope& scope) {
  if (!isValidDate(today)) return std::unexpected(Error::invalid("today", "today must be a date YYYY-MM-DD"));
  return db.with([&](SQLite::Database& c) -> Result<ServiceCounts> {
    SQLite::Transaction tx(c);
    ServiceCounts out;
    const std::string devices =
        scope.districtWide() ? "" : " AND device_id IN (SELECT id FROM devices WHERE " + scope_sql::condition("location") + ")";
    SQLite::Statement open(c, "SELECT count(*) FROM work_orders WHERE closed_at IS NULL" + devices);
    scope_sql::bindIfScoped(open, scope);
    open.executeStep();
    out.open_work_orders = open.getColumn(0).getInt64();
    SQLite::Statement overdue(c, "SELECT count(*) FROM checkouts WHERE returned_at IS NULL AND due < ?1" + devices);
    overdue.bind(1, today);
    scope_sql::bindIfScoped(overdue, scope);
    overdue.executeStep();
    out.overdue_checkouts = overdue.getColumn(0).getInt64();
    return out;
  });
}

Result<std::int64_t> readRepairSpendCents(Database& db, const std::string& from, const std::string& to,
                                          const Scope& scope) {
  if (!isValidDate(from) || !isValidDate(to))
    return std::unexpected(Error::invalid("from", "from and to must be dates YYYY-MM-DD"));
  return db.with([&](SQLite::Database& c) -> Result<std::int64_t> {
    // opened_at is an RFC 3339 instant; it sorts with a bare date as the start of that day.
    SQLite::Statement st(c,
                         std::string("SELECT coalesce(sum(parts_cost_cents + labour_cost_cents), 0) FROM work_orders "
                                     "WHERE opened_at >= ?1 AND opened_at < ?2") +
                             (scope.districtWide() ? std::string()
                                                   : " AND device_id IN (SELECT id FROM devices WHERE " +
                                                         scope_sql::condition("location") + ")"));
    st.bind(1, from);
    st.bind(2, to);
    scope_sql::bindIfScoped(st, scope);
    st.executeStep();
    return st.getColumn(0).getInt64();
  });
}

}  // namespace fk
