#include "store/collection_store.hpp"

#include <sqlite3.h>

#include "core/values.hpp"
#include "store/write_tx.hpp"
#include "store/sql_values.hpp"

namespace fk {
namespace {

using sql::text;

constexpr const char* kCollectionColumns =
    "id, name, deadline, location, grades, roles, alert_below, created_at, created_by, coalesce(closed_at, ''), "
    "coalesce(closed_by, '') FROM collections ";

// Checkouts a campaign `k` counts: held by a person in its scope, open or returned since it began.
constexpr const char* kInScope =
    "FROM checkouts c JOIN people p ON p.id = c.person_id "
    "WHERE (c.returned_at IS NULL OR c.returned_at >= ?1) "
    "AND fk_in_scope(p.location, p.grade, p.role, ?2, ?3, ?4) ";

Collection readCollection(SQLite::Statement& st) {
  Collection k;
  k.id = st.getColumn(0).getInt64();
  k.name = st.getColumn(1).getString();
  k.deadline = st.getColumn(2).getString();
  k.scope.location = st.getColumn(3).getString();
  k.scope.grades = splitList(st.getColumn(4).getString());
  k.scope.roles = splitList(st.getColumn(5).getString());
  k.alert_below = st.getColumn(6).getDouble();
  k.created_at = st.getColumn(7).getString();
  k.created_by = st.getColumn(8).getString();
  k.closed_at = st.getColumn(9).getString();
  k.closed_by = st.getColumn(10).getString();
  return k;
}

Result<Collection> loadCollection(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement st(db, std::string("SELECT ") + kCollectionColumns + "WHERE id = ?1");
  st.bind(1, static_cast<std::int64_t>(id));
  if (!st.executeStep())
    return std::unexpected(Error::notFound("collection " + std::to_string(id) + " not found"));
  return readCollection(st);
}

// ?first.. the scope's location, grades and roles.
void bindScope(SQLite::Statement& st, int first, const Collection& k) {
  st.bind(first, k.scope.location);
  st.bind(first + 1, joinList(k.scope.grades));
  st.bind(first + 2, joinList(k.scope.roles));
}

CollectionCounts collectionCountsIn(SQLite::Database& db, const Collection& k) {
  SQLite::Statement st(db, std::string("SELECT count(*) FILTER (WHERE c.returned_at IS NULL), "
                                       "count(*) FILTER (WHERE c.returned_at IS NOT NULL) ") +
                               kInScope);
  st.bind(1, k.created_at);
  bindScope(st, 2, k);
  st.executeStep();
  CollectionCounts counts;
  counts.outstanding = st.getColumn(0).getInt64();
  counts.returned = st.getColumn(1).getInt64();
  counts.expected = counts.outstanding + counts.returned;
  return counts;
}

std::vector<OutstandingLoan> outstandingIn(SQLite::Database& db, const Collection& k) {
  SQLite::Statement st(
      db, std::string("SELECT c.id, p.external_id, p.name, p.grade, p.homeroom, p.location, p.email, d.id, "
                      "d.asset_tag, d.serial, d.model, c.due, "
                      "(SELECT g.source FROM device_sightings g WHERE g.device_id = d.id ORDER BY g.last_seen DESC "
                      "LIMIT 1), (SELECT max(g.last_seen) FROM device_sightings g WHERE g.device_id = d.id) ") +
              "FROM checkouts c JOIN people p ON p.id = c.person_id JOIN devices d ON d.id = c.device_id "
              "WHERE c.returned_at IS NULL AND fk_in_scope(p.location, p.grade, p.role, ?1, ?2, ?3) "
              "ORDER BY c.due, p.homeroom, p.name, c.id");
  bindScope(st, 1, k);
  std::vector<OutstandingLoan> out;
  while (st.executeStep()) {
    OutstandingLoan o;
    o.checkout_id = st.getColumn(0).getInt64();
    o.person_external_id = st.getColumn(1).getString();
    o.person_name = st.getColumn(2).getString();
    o.grade = text(st, 3);
    o.homeroom = text(st, 4);
    o.person_location = text(st, 5);
    o.email = text(st, 6);
    o.device_id = st.getColumn(7).getInt64();
    o.asset_tag = text(st, 8);
    o.serial = text(st, 9);
    o.model = text(st, 10);
    o.due = st.getColumn(11).getString();
    o.seen_source = text(st, 12);
    o.seen_at = text(st, 13);
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace

std::string collectionOverdueCondition(const std::string& today_param) {
  return "(c.person_id IS NOT NULL AND EXISTS (SELECT 1 FROM collections k WHERE k.closed_at IS NULL AND "
         "k.deadline < " +
         today_param + " AND fk_in_scope(p.location, p.grade, p.role, k.location, k.grades, k.roles)))";
}

Result<CollectionReport> CollectionStore::create(const Collection& draft, const std::string& actor) {
  return db_.with([&](SQLite::Database& db) -> Result<CollectionReport> {
    WriteTx tx(db_, db);
    try {
      SQLite::Statement ins(db,
                            "INSERT INTO collections (name, deadline, location, grades, roles, alert_below, "
                            "created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
      ins.bind(1, draft.name);
      ins.bind(2, draft.deadline);
      ins.bind(3, draft.scope.location);
      ins.bind(4, joinList(draft.scope.grades));
      ins.bind(5, joinList(draft.scope.roles));
      ins.bind(6, draft.alert_below);
      ins.bind(7, tx.now());
      ins.bind(8, actor);
      ins.exec();
    } catch (const SQLite::Exception& e) {
      if (e.getExtendedErrorCode() != SQLITE_CONSTRAINT_UNIQUE) throw;
      Error err = Error::conflict("a collection named \"" + draft.name + "\" already exists");
      err.details["field"] = "name";
      return std::unexpected(std::move(err));
    }
    const std::int64_t id = db.getLastInsertRowid();
    tx.commit();
    CollectionReport r;
    r.collection = *loadCollection(db, id);
    r.counts = collectionCountsIn(db, r.collection);
    return r;
  });
}

Result<CollectionReport> CollectionStore::report(std::int64_t id, bool with_outstanding) {
  return db_.with([&](SQLite::Database& db) -> Result<CollectionReport> {
    SQLite::Transaction tx(db);
    auto k = loadCollection(db, id);
    if (!k) return std::unexpected(k.error());
    CollectionReport r;
    r.collection = std::move(*k);
    r.counts = collectionCountsIn(db, r.collection);
    if (with_outstanding) r.outstanding = outstandingIn(db, r.collection);
    return r;
  });
}

Result<std::vector<CollectionReport>> CollectionStore::list(std::optional<bool> open) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<CollectionReport>> {
    SQLite::Transaction tx(db);
    std::string sql = std::string("SELECT ") + kCollectionColumns;
    if (open) sql += *open ? "WHERE closed_at IS NULL " : "WHERE closed_at IS NOT NULL ";
    SQLite::Statement st(db, sql + "ORDER BY id");
    std::vector<CollectionReport> out;
    while (st.executeStep()) out.push_back({readCollection(st), {}, {}});
    for (auto& r : out) r.counts = collectionCountsIn(db, r.collection);
    return out;
  });
}

Result<CollectionReport> CollectionStore::close(std::int64_t id, const std::string& actor) {
  return db_.with([&](SQLite::Database& db) -> Result<CollectionReport> {
    WriteTx tx(db_, db);
    auto k = loadCollection(db, id);
    if (!k) return std::unexpected(k.error());
    if (!k->open()) {
      return std::unexpected(
          Error::conflict("collection \"" + k->name + "\" was already closed at " + k->closed_at));
    }
    SQLite::Statement upd(db, "UPDATE collections SET closed_at = ?1, closed_by = ?2 WHERE id = ?3");
    upd.bind(1, tx.now());
    upd.bind(2, actor);
    upd.bind(3, static_cast<std::int64_t>(id));
    upd.exec();
    tx.commit();
    CollectionReport r;
    r.collection = *loadCollection(db, id);
    r.counts = collectionCountsIn(db, r.collection);
    return r;
  });
}

Result<std::vector<CampaignStraggler>> CollectionStore::stragglers(const std::string& today) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<CampaignStraggler>> {
    SQLite::Statement st(db,
                         "SELECT c.device_id, k.name, k.deadline FROM checkouts c "
                         "JOIN people p ON p.id = c.person_id "
                         "JOIN collections k ON k.closed_at IS NULL AND k.deadline < ?1 "
                         "AND fk_in_scope(p.location, p.grade, p.role, k.location, k.grades, k.roles) "
                         "WHERE c.returned_at IS NULL ORDER BY c.device_id, k.deadline, k.id");
    st.bind(1, today);
    std::vector<CampaignStraggler> out;
    while (st.executeStep()) {
      const std::int64_t device = st.getColumn(0).getInt64();
      if (!out.empty() && out.back().device_id == device) continue;  // the earliest deadline names it
      out.push_back({device, st.getColumn(1).getString(), st.getColumn(2).getString()});
    }
    return out;
  });
}

}  // namespace fk
