#include "store/outbox_store.hpp"

#include "core/values.hpp"
#include "store/write_tx.hpp"

namespace fk {

namespace {

constexpr const char* kOutboxColumns =
    "id, kind, subject, day, recipients, context, status, not_before, attempts, COALESCE(last_error, ''), "
    "COALESCE(last_code, 0), created_at, COALESCE(sent_at, ''), updated_at";

OutboxRow readOutboxRow(SQLite::Statement& st) {
  OutboxRow r;
  r.id = st.getColumn(0).getInt64();
  r.kind = st.getColumn(1).getString();
  r.subject = st.getColumn(2).getString();
  r.day = st.getColumn(3).getString();
  const auto recipients = nlohmann::json::parse(st.getColumn(4).getString());
  r.to = recipients.value("to", std::vector<std::string>{});
  r.cc = recipients.value("cc", std::vector<std::string>{});
  r.context = nlohmann::json::parse(st.getColumn(5).getString());
  r.status = st.getColumn(6).getString();
  r.not_before = st.getColumn(7).getString();
  r.attempts = st.getColumn(8).getInt();
  r.last_error = st.getColumn(9).getString();
  r.last_code = st.getColumn(10).getInt();
  r.created_at = st.getColumn(11).getString();
  r.sent_at = st.getColumn(12).getString();
  r.updated_at = st.getColumn(13).getString();
  return r;
}

Status update(Database& database, const std::string& sql,
              const std::function<void(SQLite::Statement&, const std::string& now)>& bind,
              const std::string& now = {}) {
  return database.with([&](SQLite::Database& db) -> Status {
    WriteTx tx(database, db, now);
    SQLite::Statement st(db, sql);
    bind(st, tx.now());
    st.exec();
    tx.commit();
    return {};
  });
}

std::string localDate(const TimeZone& zone, const std::string& instant) {
  auto t = parseInstant(instant);
  return t ? zone.local(*t).date : instant.substr(0, 10);
}

}  // namespace

Result<int> OutboxStore::enqueue(const std::vector<Notice>& notices,
                                 const std::function<std::string(const Notice&)>& not_before) {
  return db_.with([&](SQLite::Database& db) -> Result<int> {
    WriteTx tx(db_, db);
    SQLite::Statement ins(db,
                          "INSERT INTO notifications (kind, subject, day, recipients, context, not_before, "
                          "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) "
                          "ON CONFLICT (kind, subject, day) DO NOTHING");
    const std::string& now = tx.now();
    int added = 0;
    for (const Notice& n : notices) {
      ins.bind(1, std::string(toString(n.kind)));
      ins.bind(2, n.subject);
      ins.bind(3, n.day);
      ins.bind(4, nlohmann::json{{"to", n.to}, {"cc", n.cc}}.dump());
      ins.bind(5, n.context.dump());
      ins.bind(6, not_before(n));
      ins.bind(7, now);
      added += ins.exec();
      ins.reset();
    }
    tx.commit(added > 0);
    return added;
  });
}

Result<std::optional<OutboxRow>> OutboxStore::claimNext(const std::string& now, const std::string& owner,
                                                        const std::string& lease_until) {
  return db_.with([&](SQLite::Database& db) -> Result<std::optional<OutboxRow>> {
    WriteTx tx(db_, db, now);
    // One statement: SQLite's write lock makes the pick and the claim atomic across processes.
    SQLite::Statement st(db, std::string("UPDATE notifications SET status = 'sending', claimed_by = ?2, "
                                         "claimed_until = ?3, attempts = attempts + 1, updated_at = ?1 "
                                         "WHERE id = (SELECT id FROM notifications WHERE status = 'queued' "
                                         "AND not_before <= ?1 ORDER BY not_before, id LIMIT 1) RETURNING ") +
                                 kOutboxColumns);
    st.bind(1, now);
    st.bind(2, owner);
    st.bind(3, lease_until);
    std::optional<OutboxRow> row;
    if (st.executeStep()) {
      row = readOutboxRow(st);
      while (st.executeStep()) {  // RETURNING: the UPDATE completes when the statement is stepped to its end
      }
    }
    tx.commit(row.has_value());
    return row;
  });
}

Status OutboxStore::markSent(std::int64_t id, const std::string& now) {
  return update(db_,
                "UPDATE notifications SET status = 'sent', sent_at = ?2, updated_at = ?2, last_error = NULL, "
                "claimed_by = NULL, claimed_until = NULL WHERE id = ?1",
                [&](SQLite::Statement& st, const std::string& at) {
                  st.bind(1, id);
                  st.bind(2, at);
                },
                now);
}

Status OutboxStore::markRetry(std::int64_t id, const std::string& next_at, const std::string& error, int code) {
  return update(db_,
                "UPDATE notifications SET status = 'queued', not_before = ?2, last_error = ?3, last_code = ?4, "
                "updated_at = ?5, claimed_by = NULL, claimed_until = NULL WHERE id = ?1",
                [&](SQLite::Statement& st, const std::string& now) {
                  st.bind(1, id);
                  st.bind(2, next_at);
                  st.bind(3, error);
                  st.bind(4, code);
                  st.bind(5, now);
                });
}

Status OutboxStore::markFailed(std::int64_t id, const std::string& error, int code) {
  return update(db_,
                "UPDATE notifications SET status = 'failed', last_error = ?2, last_code = ?3, updated_at = ?4, "
                "claimed_by = NULL, claimed_until = NULL WHERE id = ?1",
                [&](SQLite::Statement& st, const std::string& now) {
                  st.bind(1, id);
                  st.bind(2, error);
                  st.bind(3, code);
                  st.bind(4, now);
                });
}

Result<int> OutboxStore::failInterrupted(const std::string& now) {
  return db_.with([&](SQLite::Database& db) -> Result<int> {
    WriteTx tx(db_, db, now);
    SQLite::Statement st(db,
                         "UPDATE notifications SET status = 'failed', updated_at = ?1, last_error = "
                         "'interrupted while sending (the daemon stopped); not resent, as the server may have "
                         "accepted it', claimed_by = NULL, claimed_until = NULL "
                         "WHERE status = 'sending' AND claimed_until < ?1");
    st.bind(1, now);
    const int n = st.exec();
    tx.commit(n > 0);
    return n;
  });
}

Result<std::vector<OutboxRow>> OutboxStore::list(const std::string& status, int limit) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<OutboxRow>> {
    SQLite::Statement st(db,
                         std::string("SELECT ") + kOutboxColumns +
                             " FROM notifications WHERE ?1 = '' OR status = ?1 ORDER BY id DESC LIMIT ?2");
    st.bind(1, status);
    st.bind(2, limit);
    std::vector<OutboxRow> out;
    while (st.executeStep()) out.push_back(readOutboxRow(st));
    return out;
  });
}

Result<OutboxCounts> OutboxStore::counts() {
  return db_.with([&](SQLite::Database& db) -> Result<OutboxCounts> {
    SQLite::Statement st(db, "SELECT status, kind, COUNT(*) FROM notifications GROUP BY status, kind");
    OutboxCounts c;
    while (st.executeStep()) {
      const std::string status = st.getColumn(0).getString();
      const std::int64_t n = st.getColumn(2).getInt64();
      if (status == "sent")
        c.sent[st.getColumn(1).getString()] += n;
      else if (status == "failed")
        c.failed[st.getColumn(1).getString()] += n;
      else
        c.queued += n;
    }
    return c;
  });
}

Result<NoticeFacts> loadNoticeFacts(Database& database, const TimeZone& zone, const std::string& resolved_since,
                                    const std::string& person) {
  return database.with([&](SQLite::Database& db) -> Result<NoticeFacts> {
    NoticeFacts facts;
    SQLite::Statement loans(
        db,
        "SELECT p.external_id, p.name, COALESCE(p.email, ''), COALESCE(NULLIF(p.location, ''), d.location, ''), "
        "COALESCE(d.asset_tag, d.serial), COALESCE(d.model, ''), c.checked_out_at, c.due, "
        "COALESCE(p.household, '') "
        "FROM checkouts c JOIN people p ON p.id = c.person_id JOIN devices d ON d.id = c.device_id "
        "WHERE c.returned_at IS NULL AND (?1 = '' OR p.external_id = ?1) ORDER BY c.id");
    loans.bind(1, person);
    while (loans.executeStep()) {
      LoanFact l;
      l.person = loans.getColumn(0).getString();
      l.name = loans.getColumn(1).getString();
      l.email = loans.getColumn(2).getString();
      l.building = loans.getColumn(3).getString();
      l.device_tag = loans.getColumn(4).getString();
      l.device_model = loans.getColumn(5).getString();
      l.checked_out = localDate(zone, loans.getColumn(6).getString());
      l.due = loans.getColumn(7).getString();
      l.household = loans.getColumn(8).getString();
      facts.loans.push_back(std::move(l));
    }
    // The holder is the person of the loan the device was on when the order opened.
    SQLite::Statement repairs(
        db,
        "SELECT COALESCE(p.external_id, ''), COALESCE(p.name, ''), COALESCE(p.email, ''), "
        "COALESCE(NULLIF(p.location, ''), d.location, ''), COALESCE(d.asset_tag, d.serial), "
        "COALESCE(d.model, ''), w.status, w.opened_at, COALESCE(w.closed_at, ''), p.id IS NOT NULL, "
        "COALESCE(p.household, '') "
        "FROM work_orders w JOIN devices d ON d.id = w.device_id "
        "LEFT JOIN checkouts c ON c.id = w.checkout_id LEFT JOIN people p ON p.id = c.person_id "
        "WHERE (w.closed_at IS NULL OR (w.status = 'resolved' AND w.closed_at >= ?1)) "
        "AND (?2 = '' OR p.external_id = ?2) ORDER BY w.id");
    repairs.bind(1, resolved_since);
    repairs.bind(2, person);
    while (repairs.executeStep()) {
      RepairFact r;
      r.person = repairs.getColumn(0).getString();
      r.name = repairs.getColumn(1).getString();
      r.email = repairs.getColumn(2).getString();
      r.building = repairs.getColumn(3).getString();
      r.device_tag = repairs.getColumn(4).getString();
      r.device_model = repairs.getColumn(5).getString();
      r.status = repairs.getColumn(6).getString();
      r.opened = localDate(zone, repairs.getColumn(7).getString());
      const std::string closed = repairs.getColumn(8).getString();
      r.resolved = closed.empty() ? "" : localDate(zone, closed);
      r.holder_waiting = repairs.getColumn(9).getInt() != 0;
      r.household = repairs.getColumn(10).getString();
      facts.repairs.push_back(std::move(r));
    }
    // Each open campaign's figures per building, counted like store/collection_store: loans held by people
    // in its scope, open or returned since it began.
    SQLite::Statement campaigns(
        db,
        "SELECT k.name, k.deadline, COALESCE(NULLIF(p.location, ''), d.location, '') AS building, "
        "count(*) FILTER (WHERE c.returned_at IS NULL), count(*) FILTER (WHERE c.returned_at IS NOT NULL) "
        "FROM collections k JOIN checkouts c ON c.returned_at IS NULL OR c.returned_at >= k.created_at "
        "JOIN people p ON p.id = c.person_id JOIN devices d ON d.id = c.device_id "
        "WHERE k.closed_at IS NULL AND ?1 = '' "
        "AND fk_in_scope(p.location, p.grade, p.role, k.location, k.grades, k.roles) "
        "GROUP BY k.id, building ORDER BY k.deadline, k.id, building");
    campaigns.bind(1, person);
    while (campaigns.executeStep()) {
      CollectionFact k;
      k.name = campaigns.getColumn(0).getString();
      k.deadline = campaigns.getColumn(1).getString();
      k.building = campaigns.getColumn(2).getString();
      k.outstanding = campaigns.getColumn(3).getInt64();
      k.returned = campaigns.getColumn(4).getInt64();
      k.expected = k.outstanding + k.returned;
      facts.collections.push_back(std::move(k));
    }
    return facts;
  });
}

}  // namespace fk
