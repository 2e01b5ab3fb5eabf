#include "store/report_store.hpp"
#include "store/scope_sql.hpp"

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
    const std::string within = scope.districtWide() ? "" : " WHERE " + scope_sql::condition("location");
    SQLite::Statement by_status(c, "SELECT status, kind, count(*) FROM devices" + within + " GROUP BY status, kind");
    scope_sql::bindIfScoped(by_status, scope);
    while (by_status.executeStep()) {
      std::int64_t n = by_status.getColumn(2).getInt64();
      out.by_status_kind[{by_status.getColumn(0).getString(), by_status.getColumn(1).getString()}] = n;
      out.total += n;
    }
    SQLite::Statement by_model(
        c, "SELECT coalesce(model, ''), status, count(*) FROM devices" + within + " GROUP BY model, status");
    scope_sql::bindIfScoped(by_model, scope);
    while (by_model.executeStep()) {
      out.by_model_status[{by_model.getColumn(0).getString(), by_model.getColumn(1).getString()}] =
          by_model.getColumn(2).getInt64();
    }
    SQLite::Statement by_location(
        c, "SELECT coalesce(location, ''), count(*) FROM devices" + within + " GROUP BY location");
    scope_sql::bindIfScoped(by_location, scope);
    while (by_location.executeStep()) {
      out.by_location[by_location.getColumn(0).getString()] += by_location.getColumn(1).getInt64();
    }
    // A device's own AUE wins; the catalog's model AUE fills in when it has none.
    SQLite::Statement aue(c,
                          std::string("SELECT total(aue < ?1), "
                          "total(aue >= ?1 AND aue < date(?1, '+90 days')), "
                          "total(aue >= ?1 AND aue < date(?1, '+180 days')), "
                          "total(aue >= ?1 AND aue < date(?1, '+365 days')), "
                          "total(aue >= ?1 AND aue < date(?1, '+730 days')) "
                          "FROM (SELECT coalesce(nullif(d.aue_date, ''), nullif(m.aue_date, '')) AS aue "
                          "      FROM devices d LEFT JOIN models m ON m.model = d.model "
                          "      WHERE d.status NOT IN ('retired', 'disposed', 'lost', 'stolen')") +
                              scope_sql::andWithin(scope, "d.location") + ") WHERE aue IS NOT NULL");
    aue.bind(1, today);
    scope_sql::bindIfScoped(aue, scope);
    aue.executeStep();
    out.aue_within_days["0"] = aue.getColumn(0).getInt64();
    for (int i = 0; i < 4; ++i) out.aue_within_days[kAueHorizons[i]] = aue.getColumn(i + 1).getInt64();
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
