#include "store/metrics_queries.hpp"

#include <SQLiteCpp/SQLiteCpp.h>

#include "store/collection_store.hpp"
#include "store/network_queries.hpp"

namespace fk::metrics_sql {
namespace {

std::string placeholders(std::size_t n, int first) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += (i ? ", ?" : "?") + std::to_string(first + static_cast<int>(i));
  return out;
}

}  // namespace

Result<CirculationCounts> circulationCounts(Database& db, const std::string& today) {
  // Each count reads a partial or ordinary index, not the tables: open checkouts and in-stock devices.
  return db.with([&](SQLite::Database& c) -> Result<CirculationCounts> {
    SQLite::Transaction tx(c);  // one snapshot for the three figures
    CirculationCounts out;
    out.open = c.execAndGet("SELECT count(*) FROM checkouts WHERE returned_at IS NULL").getInt64();
    // Past due, or held past the deadline of an open collection campaign in scope (store/collection_store).
    SQLite::Statement overdue(c, "SELECT count(*) FROM checkouts c LEFT JOIN people p ON p.id = c.person_id "
                                 "WHERE c.returned_at IS NULL AND (c.due < ?1 OR " +
                                     collectionOverdueCondition("?1") + ")");
    overdue.bind(1, today);
    overdue.executeStep();
    out.overdue = overdue.getColumn(0).getInt64();
    out.loaners =
        c.execAndGet("SELECT count(*) FROM devices WHERE status = 'in_stock' AND loaner = 1").getInt64();
    return out;
  });
}

Result<RepairTotals> repairTotals(Database& db, const ClosedMark& after) {
  return db.with([&](SQLite::Database& c) -> Result<RepairTotals> {
    SQLite::Transaction tx(c);  // one snapshot for all figures
    RepairTotals t;
    SQLite::Statement open(c,
                           "SELECT status, category, count(*) FROM work_orders WHERE closed_at IS NULL "
                           "GROUP BY status, category");
    while (open.executeStep())
      t.open[{open.getColumn(0).getString(), open.getColumn(1).getString()}] = open.getColumn(2).getInt64();
    SQLite::Statement by_category(c,
                                  "SELECT category, count(*), sum(status = 'resolved') FROM work_orders "
                                  "GROUP BY category");
    while (by_category.executeStep()) {
      t.opened[by_category.getColumn(0).getString()] = by_category.getColumn(1).getInt64();
      t.resolved[by_category.getColumn(0).getString()] = by_category.getColumn(2).getInt64();
    }
    // RFC 3339 UTC text sorts in time order, so min() over the text is the oldest.
    SQLite::Statement oldest(c,
                             "SELECT CAST(strftime('%s', min(opened_at)) AS INTEGER) FROM work_orders "
                             "WHERE closed_at IS NULL");
    if (oldest.executeStep() && !oldest.getColumn(0).isNull())
      t.oldest_open_epoch = oldest.getColumn(0).getInt64();
    SQLite::Statement closed(c,
                             "SELECT closed_at, id, coalesce(payer, 'unassigned'), "
                             "parts_cost_cents + labour_cost_cents FROM work_orders "
                             "WHERE closed_at > ?1 OR (closed_at = ?1 AND id > ?2) ORDER BY closed_at, id");
    closed.bind(1, after.closed_at);
    closed.bind(2, static_cast<std::int64_t>(after.id));
    t.last = after;
    while (closed.executeStep()) {
      t.last = {closed.getColumn(0).getString(), closed.getColumn(1).getInt64()};
      t.closed.push_back({closed.getColumn(2).getString(), closed.getColumn(3).getInt64()});
    }
    return t;
  });
}

Result<NetworkCounts> networkCounts(Database& db, const std::vector<std::string>& sources,
                                    const std::string& stale_before) {
  return db.with([&](SQLite::Database& conn) -> Result<NetworkCounts> {
    NetworkCounts c;
    if (!sources.empty()) {
      SQLite::Statement stale(
          conn, std::string("SELECT s.source, count(*) FROM device_sightings s JOIN devices d ON "
                            "d.id = s.device_id WHERE d.status = 'deployed' AND s.source IN (") +
                    placeholders(sources.size(), 2) + ") AND " + network_sql::kLastSync +
                    " < ?1 GROUP BY s.source");
      stale.bind(1, stale_before);
      for (std::size_t i = 0; i < sources.size(); ++i) stale.bind(static_cast<int>(i) + 2, sources[i]);
      while (stale.executeStep()) c.stale[stale.getColumn(0).getString()] = stale.getColumn(1).getInt64();
    }
    // Seen on the network within the staleness window, and listed by no management source.
    SQLite::Statement unmanaged(
        conn, std::string("SELECT count(*) FROM device_presence p WHERE p.last_seen >= ?1 "
                          "AND NOT EXISTS (SELECT 1 FROM device_seen s WHERE s.device_id = "
                          "p.device_id AND s.source IN (") +
                  (sources.empty() ? std::string("NULL") : placeholders(sources.size(), 2)) + "))");
    unmanaged.bind(1, stale_before);
    for (std::size_t i = 0; i < sources.size(); ++i) unmanaged.bind(static_cast<int>(i) + 2, sources[i]);
    if (unmanaged.executeStep()) c.unmanaged = unmanaged.getColumn(0).getInt64();
    SQLite::Statement lost(conn, std::string("SELECT count(*) FROM devices d WHERE ") + network_sql::kLostSeen);
    if (lost.executeStep()) c.lost_seen = lost.getColumn(0).getInt64();
    return c;
  });
}

}  // namespace fk::metrics_sql
