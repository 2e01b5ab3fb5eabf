#include "store/audit_store.hpp"

#include <sqlite3.h>

#include "core/values.hpp"
#include "store/device_rows.hpp"
#include "store/fee_store.hpp"
#include "store/write_tx.hpp"
#include "store/sql_values.hpp"

namespace fk {
namespace {

using sql::text;

using nlohmann::json;

constexpr const char* kAuditColumns =
    "id, name, location, created_at, created_by, coalesce(closed_at, ''), coalesce(closed_by, ''), "
    "close_result FROM audits ";

Audit readAudit(SQLite::Statement& st) {
  Audit a;
  a.id = st.getColumn(0).getInt64();
  a.name = st.getColumn(1).getString();
  a.location = st.getColumn(2).getString();
  a.created_at = st.getColumn(3).getString();
  a.created_by = st.getColumn(4).getString();
  a.closed_at = st.getColumn(5).getString();
  a.closed_by = st.getColumn(6).getString();
  const std::string result = text(st, 7);
  a.close_result = result.empty() ? json(nullptr) : json::parse(result);
  return a;
}

Result<Audit> loadAudit(SQLite::Database& db, std::int64_t id) {
  SQLite::Statement st(db, std::string("SELECT ") + kAuditColumns + "WHERE id = ?1");
  st.bind(1, static_cast<std::int64_t>(id));
  if (!st.executeStep()) return std::unexpected(Error::notFound("audit " + std::to_string(id) + " not found"));
  return readAudit(st);
}

AuditCounts auditCountsIn(SQLite::Database& db, std::int64_t id, const std::string& seen_since) {
  AuditCounts c;
  SQLite::Statement expected(db, "SELECT count(*) FROM audit_expected WHERE audit_id = ?1");
  expected.bind(1, static_cast<std::int64_t>(id));
  expected.executeStep();
  c.expected = expected.getColumn(0).getInt64();
  SQLite::Statement scans(db, "SELECT result, count(*) FROM audit_scans WHERE audit_id = ?1 GROUP BY result");
  scans.bind(1, static_cast<std::int64_t>(id));
  while (scans.executeStep()) {
    const std::string result = scans.getColumn(0).getString();
    const std::int64_t n = scans.getColumn(1).getInt64();
    if (result == "found") c.found = n;
    if (result == "misplaced") c.misplaced = n;
    if (result == "unexpected") c.unexpected = n;
    if (result == "unknown") c.unknown = n;
  }
  c.missing = c.expected - c.found;
  SQLite::Statement seen(db,
                         "SELECT count(*) FROM audit_expected e WHERE e.audit_id = ?1 AND NOT EXISTS "
                         "(SELECT 1 FROM audit_scans s WHERE s.audit_id = e.audit_id AND s.device_id = e.device_id) "
                         "AND EXISTS (SELECT 1 FROM device_sightings g WHERE g.device_id = e.device_id "
                         "AND g.last_seen >= ?2)");
  seen.bind(1, static_cast<std::int64_t>(id));
  seen.bind(2, seen_since);
  seen.executeStep();
  c.seen_by_source = seen.getColumn(0).getInt64();
  return c;
}

// The latest sighting of each device the query's ?1 audit expected (SQLite returns the bare column
// `source` from the row holding max(last_seen)).
constexpr const char* kSightings =
    "LEFT JOIN (SELECT g.device_id, g.source, max(g.last_seen) AS last_seen FROM device_sightings g "
    "WHERE g.device_id IN (SELECT device_id FROM audit_expected WHERE audit_id = ?1) GROUP BY g.device_id) seen "
    "ON seen.device_id = d.id ";

std::vector<AuditItem> itemsIn(SQLite::Database& db, std::int64_t id, const std::string& seen_since) {
  std::vector<AuditItem> items;
  SQLite::Statement scans(
      db, std::string("SELECT s.result, s.device_id, d.asset_tag, d.serial, d.model, d.status, e.location, "
                      "d.location, s.code, s.scanned_at, s.scanned_by, seen.source, seen.last_seen, s.status "
                      "FROM audit_scans s LEFT JOIN devices d ON d.id = s.device_id "
                      "LEFT JOIN audit_expected e ON e.audit_id = s.audit_id AND e.device_id = s.device_id ") +
              kSightings + "WHERE s.audit_id = ?1 ORDER BY s.id");
  scans.bind(1, static_cast<std::int64_t>(id));
  while (scans.executeStep()) {
    AuditItem it;
    it.state = scans.getColumn(0).getString();
    if (!scans.getColumn(1).isNull()) it.device_id = scans.getColumn(1).getInt64();
    it.asset_tag = text(scans, 2);
    it.serial = text(scans, 3);
    it.model = text(scans, 4);
    it.status = text(scans, 5);
    it.expected_location = text(scans, 6);
    it.location = text(scans, 7);
    it.code = scans.getColumn(8).getString();
    it.scanned_at = scans.getColumn(9).getString();
    it.scanned_by = scans.getColumn(10).getString();
    it.seen_source = text(scans, 11);
    it.seen_at = text(scans, 12);
    auto at_scan = parseStatus(text(scans, 13));
    it.lost_found = at_scan && isLostFound(*at_scan);
    items.push_back(std::move(it));
  }
  SQLite::Statement missing(
      db, std::string("SELECT e.device_id, d.asset_tag, d.serial, d.model, d.status, e.location, d.location, "
                      "seen.source, seen.last_seen FROM audit_expected e JOIN devices d ON d.id = e.device_id ") +
              kSightings +
              "WHERE e.audit_id = ?1 AND NOT EXISTS (SELECT 1 FROM audit_scans s WHERE s.audit_id = e.audit_id "
              "AND s.device_id = e.device_id) ORDER BY e.location, d.asset_tag, e.device_id");
  missing.bind(1, static_cast<std::int64_t>(id));
  while (missing.executeStep()) {
    AuditItem it;
    it.state = "missing";
    it.device_id = missing.getColumn(0).getInt64();
    it.asset_tag = text(missing, 1);
    it.serial = text(missing, 2);
    it.model = text(missing, 3);
    it.status = text(missing, 4);
    it.expected_location = text(missing, 5);
    it.location = text(missing, 6);
    it.seen_source = text(missing, 7);
    it.seen_at = text(missing, 8);
    it.seen_by_source = !it.seen_at.empty() && it.seen_at >= seen_since;
    items.push_back(std::move(it));
  }
  return items;
}

std::optional<Device> deviceForCode(SQLite::Database& db, const std::string& code) {
  // A scanner reads the label as printed; "tag:"/"serial:" typed by hand work too.
  if (code.starts_with("tag:") || code.starts_with("serial:")) {
    auto ref = parseDeviceRef(code);
    if (!ref) return std::nullopt;
    auto id = rows::findIdBy(db, ref->by == DeviceRef::By::serial ? "serial" : "asset_tag", ref->value);
    return id ? rows::loadById(db, *id) : std::nullopt;
  }
  auto id = rows::findIdBy(db, "asset_tag", code);
  if (!id) id = rows::findIdBy(db, "serial", code);
  return id ? rows::loadById(db, *id) : std::nullopt;
}

bool exists(SQLite::Database& db, const char* sql, std::int64_t audit_id, const std::string& value) {
  SQLite::Statement st(db, sql);
  st.bind(1, static_cast<std::int64_t>(audit_id));
  st.bind(2, value);
  return st.executeStep();
}

bool exists(SQLite::Database& db, const char* sql, std::int64_t audit_id, std::int64_t value) {
  SQLite::Statement st(db, sql);
  st.bind(1, static_cast<std::int64_t>(audit_id));
  st.bind(2, static_cast<std::int64_t>(value));
  return st.executeStep();
}

Error auditClosedError(const Audit& a) {
  return Error::conflict("audit \"" + a.name + "\" was closed at " + a.closed_at + "; closed audits are read-only");
}

std::string deviceLabel(const Device& d) {
  return !d.asset_tag.empty() ? "tag:" + d.asset_tag : "serial:" + d.serial;
}

void appendChange(SQLite::Database& db, const Device& d, const char* column, const std::string& value,
                  const char* action, const std::vector<FieldChange>& changes, const std::string& now,
                  const std::string& actor, const std::string& reason) {
  SQLite::Statement upd(db, std::string("UPDATE devices SET ") + column +
                                " = ?1, version = version + 1, updated_at = ?2 WHERE id = ?3");
  upd.bind(1, value);
  upd.bind(2, now);
  upd.bind(3, static_cast<std::int64_t>(d.id));
  upd.exec();
  rows::insertEvent(db, d.id, now, actor, action, rows::changesJson(changes), reason);
}

}  // namespace

std::int64_t AuditCounts::of(std::string_view state) const {
  if (state == "expected") return expected;
  if (state == "found") return found;
  if (state == "misplaced") return misplaced;
  if (state == "unexpected") return unexpected;
  if (state == "missing") return missing;
  if (state == "unknown") return unknown;
  if (state == "seen_by_source") return seen_by_source;
  return 0;
}

std::string seenSince(std::chrono::seconds window) {
  return formatInstant(std::chrono::system_clock::now() - window);
}

Result<AuditReport> AuditStore::start(const std::string& name, const std::string& location,
                                      const std::string& actor, const std::string& seen_since) {
  return db_.with([&](SQLite::Database& db) -> Result<AuditReport> {
    WriteTx tx(db_, db);
    const std::string& now = tx.now();
    try {
      SQLite::Statement ins(db, "INSERT INTO audits (name, location, created_at, created_by) VALUES (?1, ?2, ?3, ?4)");
      ins.bind(1, name);
      ins.bind(2, location);
      ins.bind(3, now);
      ins.bind(4, actor);
      ins.exec();
    } catch (const SQLite::Exception& e) {
      if (e.getExtendedErrorCode() != SQLITE_CONSTRAINT_UNIQUE) throw;
      Error err = Error::conflict("an audit named \"" + name + "\" already exists");
      err.details["field"] = "name";
      return std::unexpected(std::move(err));
    }
    const std::int64_t id = db.getLastInsertRowid();
    // The range uses the location index; fk_location_within keeps "Cart 30" out of "Cart 3".
    SQLite::Statement snap(
        db,
        "INSERT INTO audit_expected (audit_id, device_id, location, status) "
        "SELECT ?1, id, location, status FROM devices WHERE location >= ?2 AND location < ?3 "
        "AND fk_location_within(location, ?2) "
        "AND (status = 'in_stock' OR status = 'deployed' OR status = 'in_repair')");
    snap.bind(1, static_cast<std::int64_t>(id));
    snap.bind(2, location);
    snap.bind(3, prefixUpperBound(location));
    snap.exec();
    tx.commit();
    AuditReport r;
    r.audit = *loadAudit(db, id);
    r.counts = auditCountsIn(db, id, seen_since);
    return r;
  });
}

Result<ScanOutcome> AuditStore::scan(std::int64_t audit_id, const std::string& code, const std::string& actor) {
  return db_.with([&](SQLite::Database& db) -> Result<ScanOutcome> {
    // IMMEDIATE: the repeat check and the insert happen under the write lock, so two technicians
    // scanning the same device at once record it once; the unique indexes back that up.
    WriteTx tx(db_, db);
    auto audit = loadAudit(db, audit_id);
    if (!audit) return std::unexpected(audit.error());
    if (!audit->open()) return std::unexpected(auditClosedError(*audit));
    ScanOutcome out;
    out.code = code;
    out.device = deviceForCode(db, code);
    ScanFacts facts;
    facts.known = out.device.has_value();
    if (out.device) {
      facts.status = out.device->status;
      facts.already_scanned =
          exists(db, "SELECT 1 FROM audit_scans WHERE audit_id = ?1 AND device_id = ?2", audit_id, out.device->id);
      facts.expected = exists(db, "SELECT 1 FROM audit_expected WHERE audit_id = ?1 AND device_id = ?2",
                              audit_id, out.device->id);
      out.lost_found = isLostFound(out.device->status);
    } else {
      facts.already_scanned =
          exists(db, "SELECT 1 FROM audit_scans WHERE audit_id = ?1 AND device_id IS NULL AND code = ?2", audit_id,
                 code);
    }
    out.result = classifyScan(facts);
    if (out.result == ScanResult::repeat) return out;  // nothing to write; the transaction rolls back
    SQLite::Statement ins(db,
                          "INSERT INTO audit_scans (audit_id, code, device_id, result, location, status, "
                          "scanned_at, scanned_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    ins.bind(1, static_cast<std::int64_t>(audit_id));
    ins.bind(2, code);
    if (out.device) {
      ins.bind(3, static_cast<std::int64_t>(out.device->id));
      ins.bind(5, out.device->location);
      ins.bind(6, std::string(toString(out.device->status)));
    } else {
      ins.bind(3);
      ins.bind(5);
      ins.bind(6);
    }
    ins.bind(4, std::string(toString(out.result)));
    ins.bind(7, tx.now());
    ins.bind(8, actor);
    ins.exec();
    tx.commit();
    return out;
  });
}

Result<AuditReport> AuditStore::report(std::int64_t audit_id, const std::string& seen_since, bool with_items) {
  return db_.with([&](SQLite::Database& db) -> Result<AuditReport> {
    SQLite::Transaction tx(db);  // one snapshot for the counts and the lists
    auto audit = loadAudit(db, audit_id);
    if (!audit) return std::unexpected(audit.error());
    AuditReport r;
    r.audit = std::move(*audit);
    r.counts = auditCountsIn(db, audit_id, seen_since);
    if (with_items) r.items = itemsIn(db, audit_id, seen_since);
    return r;
  });
}

Result<std::vector<AuditReport>> AuditStore::list(std::optional<bool> open, const std::string& seen_since) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<AuditReport>> {
    SQLite::Transaction tx(db);
    std::string sql = std::string("SELECT ") + kAuditColumns;
    if (open) sql += *open ? "WHERE closed_at IS NULL " : "WHERE closed_at IS NOT NULL ";
    SQLite::Statement st(db, sql + "ORDER BY id");
    std::vector<AuditReport> out;
    while (st.executeStep()) out.push_back({readAudit(st), {}, {}});
    for (auto& r : out) r.counts = auditCountsIn(db, r.audit.id, seen_since);
    return out;
  });
}

Result<AuditReport> AuditStore::close(std::int64_t audit_id, const CloseOptions& options, const std::string& actor,
                                      const std::string& seen_since) {
  return db_.with([&](SQLite::Database& db) -> Result<AuditReport> {
    WriteTx tx(db_, db);
    auto audit = loadAudit(db, audit_id);
    if (!audit) return std::unexpected(audit.error());
    if (!audit->open()) return std::unexpected(auditClosedError(*audit));
    const std::string& now = tx.now();
    const std::string reason = "audit: " + audit->name;
    json moved = json::array(), lost = json::array(), skipped = json::array();
    auto idsOf = [&](const char* sql) {
      SQLite::Statement st(db, sql);
      st.bind(1, static_cast<std::int64_t>(audit_id));
      std::vector<std::int64_t> ids;
      while (st.executeStep()) ids.push_back(st.getColumn(0).getInt64());
      return ids;
    };
    if (options.move_misplaced) {
      for (auto id : idsOf("SELECT device_id FROM audit_scans WHERE audit_id = ?1 AND result = 'misplaced' "
                           "ORDER BY id")) {
        auto d = rows::loadById(db, id);
        if (!d) continue;
        if (auto why = whyNotMove(d->location, audit->location)) {
          skipped.push_back({{"device", deviceLabel(*d)}, {"action", "move"}, {"reason", *why}});
          continue;
        }
        const json from = d->location.empty() ? json(nullptr) : json(d->location);
        appendChange(db, *d, "location", audit->location, "updated", {{"location", from, audit->location}},
                     now, actor, reason);
        moved.push_back({{"device", deviceLabel(*d)}, {"from", d->location}, {"to", audit->location}});
      }
    }
    if (options.missing_to == MissingTo::lost) {
      for (auto id : idsOf("SELECT e.device_id FROM audit_expected e WHERE e.audit_id = ?1 AND NOT EXISTS "
                           "(SELECT 1 FROM audit_scans s WHERE s.audit_id = e.audit_id AND s.device_id = e.device_id) "
                           "ORDER BY e.device_id")) {
        auto d = rows::loadById(db, id);
        if (!d) continue;
        if (auto why = whyNotMarkLost(d->status, d->location, audit->location)) {
          skipped.push_back({{"device", deviceLabel(*d)}, {"action", "lost"}, {"reason", *why}});
          continue;
        }
        const std::string from(toString(d->status));
        appendChange(db, *d, "status", "lost", "transition", {{"status", from, "lost"}}, now, actor, reason);
        if (fees_) {
          // The charge a transition to lost makes, in this transaction; keyed by its cause: never twice.
          if (auto charged = chargeLossIn(tx, *fees_, d->id, IncidentKind::lost, actor); !charged)
            return std::unexpected(charged.error());
        }
        lost.push_back({{"device", deviceLabel(*d)}, {"from", from}});
      }
    }
    const json result{{"move_misplaced", options.move_misplaced},
                      {"missing_to", std::string(toString(options.missing_to))},
                      {"moved", std::move(moved)},
                      {"marked_lost", std::move(lost)},
                      {"skipped", std::move(skipped)}};
    SQLite::Statement upd(db, "UPDATE audits SET closed_at = ?1, closed_by = ?2, close_result = ?3 WHERE id = ?4");
    upd.bind(1, now);
    upd.bind(2, actor);
    upd.bind(3, result.dump());
    upd.bind(4, static_cast<std::int64_t>(audit_id));
    upd.exec();
    tx.commit();
    AuditReport r;
    r.audit = *loadAudit(db, audit_id);
    r.counts = auditCountsIn(db, audit_id, seen_since);
    return r;
  });
}

}  // namespace fk
