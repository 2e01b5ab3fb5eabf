#include "store/fee_store.hpp"

#include <ctime>

#include "core/circulation.hpp"
#include "core/values.hpp"
#include "store/people_store.hpp"
#include "core/time_zone.hpp"
#include "store/sql_values.hpp"
#include "store/write_tx.hpp"

namespace fk {
namespace {

constexpr std::size_t kMaxText = 500;

constexpr const char* kEntryColumns =
    "l.id, l.person_id, l.kind, l.amount_cents, l.reason, l.basis, l.method, l.reference, l.note, "
    "l.school_year, l.incident, l.plan, l.work_order_id, l.checkout_id, l.device_id, "
    "COALESCE('tag:' || d.asset_tag, 'serial:' || d.serial, ''), l.cause, l.actor, l.at";

using sql::bindOptional;
using sql::bindText;
using sql::optionalInt;

using sql::text;

LedgerEntry readEntry(SQLite::Statement& st) {
  LedgerEntry e;
  e.id = st.getColumn(0).getInt64();
  e.person_id = st.getColumn(1).getInt64();
  e.kind = parseLedgerKind(st.getColumn(2).getString()).value_or(LedgerKind::charge);
  e.amount_cents = st.getColumn(3).getInt64();
  e.reason = st.getColumn(4).getString();
  e.basis = text(st, 5);
  e.method = text(st, 6);
  e.reference = text(st, 7);
  e.note = text(st, 8);
  if (auto y = optionalInt(st, 9)) e.school_year = static_cast<int>(*y);
  if (auto n = optionalInt(st, 10)) e.incident = static_cast<int>(*n);
  e.plan = text(st, 11);
  e.work_order_id = optionalInt(st, 12);
  e.checkout_id = optionalInt(st, 13);
  e.device_id = optionalInt(st, 14);
  e.device_name = st.getColumn(15).getString();
  e.cause = text(st, 16);
  e.actor = st.getColumn(17).getString();
  e.at = st.getColumn(18).getString();
  return e;
}

std::int64_t insertEntry(SQLite::Database& db, const LedgerEntry& e) {
  SQLite::Statement st(
      db,
      "INSERT INTO ledger (person_id, kind, amount_cents, reason, basis, method, reference, note, school_year, "
      "incident, plan, work_order_id, checkout_id, device_id, cause, actor, at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)");
  st.bind(1, e.person_id);
  st.bind(2, std::string(toString(e.kind)));
  st.bind(3, e.amount_cents);
  st.bind(4, e.reason);
  bindText(st, 5, e.basis);
  bindText(st, 6, e.method);
  bindText(st, 7, e.reference);
  bindText(st, 8, e.note);
  bindOptional(st, 9, e.school_year);
  bindOptional(st, 10, e.incident);
  bindText(st, 11, e.plan);
  bindOptional(st, 12, e.work_order_id);
  bindOptional(st, 13, e.checkout_id);
  bindOptional(st, 14, e.device_id);
  bindText(st, 15, e.cause);
  st.bind(16, e.actor);
  st.bind(17, e.at);
  st.exec();
  return db.getLastInsertRowid();
}

std::optional<LedgerEntry> entryByCause(SQLite::Database& db, const std::string& cause) {
  SQLite::Statement st(db, std::string("SELECT ") + kEntryColumns +
                               " FROM ledger l LEFT JOIN devices d ON d.id = l.device_id WHERE l.cause = ?1");
  st.bind(1, cause);
  if (!st.executeStep()) return std::nullopt;
  return readEntry(st);
}

// The district's calendar day of a stored instant: school years turn over at its midnight.
std::chrono::year_month_day localDateOf(const std::string& instant) {
  const auto t = parseInstant(instant);
  if (!t) return districtTodayDate();
  return *parseDate(districtZone().local(*t).date);
}

const FeePlan* planOf(SQLite::Database& db, const FeePolicy& policy, std::int64_t person_id, int school_year,
                      std::string& name) {
  SQLite::Statement st(db, "SELECT plan FROM fee_plan_enrolments WHERE person_id = ?1 AND school_year = ?2");
  st.bind(1, person_id);
  st.bind(2, school_year);
  if (!st.executeStep()) return nullptr;
  name = st.getColumn(0).getString();
  return policy.plan(name);
}

int nextIncident(SQLite::Database& db, std::int64_t person_id, int school_year) {
  SQLite::Statement st(db,
                       "SELECT COUNT(*) FROM ledger WHERE person_id = ?1 AND school_year = ?2 AND incident IS NOT NULL");
  st.bind(1, person_id);
  st.bind(2, school_year);
  st.executeStep();
  return st.getColumn(0).getInt() + 1;
}

// Prices and records one incident for `person_id`.
void recordIncident(WriteTx& tx, const FeePolicy& policy, LedgerEntry entry, IncidentKind kind,
                    std::int64_t full_cost_cents, const std::string& incident_at) {
  SQLite::Database& db = tx.db();
  const int year = schoolYearOf(localDateOf(incident_at), policy);
  std::string plan_name;
  const FeePlan* plan = planOf(db, policy, entry.person_id, year, plan_name);
  const int number = nextIncident(db, entry.person_id, year);
  const FeeAssessment a = assessIncident(policy, {kind, full_cost_cents, number, plan});
  entry.kind = LedgerKind::charge;
  entry.amount_cents = a.cents;
  entry.reason = std::string(toString(kind));
  entry.basis = a.basis;
  entry.school_year = year;
  entry.incident = number;
  entry.plan = plan ? plan_name : std::string();
  entry.at = tx.now();
  insertEntry(db, entry);
}

Result<Person> personOrFail(SQLite::Database& db, const std::string& external_id) {
  auto p = findPersonIn(db, external_id);
  if (!p) return std::unexpected(Error::notFound("no person with external_id \"" + external_id + "\""));
  return *p;
}

std::vector<LedgerEntry> entriesOf(SQLite::Database& db, std::int64_t person_id) {
  SQLite::Statement st(db, std::string("SELECT ") + kEntryColumns +
                               " FROM ledger l LEFT JOIN devices d ON d.id = l.device_id "
                               "WHERE l.person_id = ?1 ORDER BY l.id");
  st.bind(1, person_id);
  std::vector<LedgerEntry> out;
  while (st.executeStep()) out.push_back(readEntry(st));
  return out;
}

LedgerSummary summaryOf(const std::vector<LedgerEntry>& entries) {
  std::vector<LedgerLine> lines;
  lines.reserve(entries.size());
  for (const auto& e : entries) lines.push_back({e.kind, e.amount_cents, e.at});
  return summarize(lines);
}

PersonLedger ledgerOf(SQLite::Database& db, Person person) {
  PersonLedger out;
  out.entries = entriesOf(db, person.id);
  out.summary = summaryOf(out.entries);
  out.cached_balance_cents = balanceIn(db, person.id);
  SQLite::Statement st(db,
                       "SELECT school_year, plan, premium_cents, at FROM fee_plan_enrolments WHERE person_id = ?1 "
                       "ORDER BY school_year");
  st.bind(1, person.id);
  while (st.executeStep())
    out.plans.push_back({st.getColumn(0).getInt(), st.getColumn(1).getString(), st.getColumn(2).getInt64(),
                         st.getColumn(3).getString()});
  out.person = std::move(person);
  return out;
}

Result<std::string> optionalText(const std::string& value, const std::string& field) {
  if (value.size() > kMaxText)
    return std::unexpected(Error::invalid(field, field + " is longer than " + std::to_string(kMaxText) + " bytes"));
  for (unsigned char c : value) {
    if (c < 0x20 && c != '\t')
      return std::unexpected(Error::invalid(field, field + " must not contain control characters"));
  }
  return value;
}

}  // namespace

Status chargeRepairIn(WriteTx& tx, const FeePolicy& policy, std::int64_t work_order_id, const std::string& actor) {
  SQLite::Database& db = tx.db();
  SQLite::Statement st(db,
                       "SELECT w.payer, w.device_id, w.checkout_id, c.person_id, w.opened_at, "
                       "w.parts_cost_cents + w.labour_cost_cents FROM work_orders w "
                       "LEFT JOIN checkouts c ON c.id = w.checkout_id WHERE w.id = ?1");
  st.bind(1, work_order_id);
  if (!st.executeStep()) return std::unexpected(Error::internal("work order " + std::to_string(work_order_id) + " vanished"));
  if (text(st, 0) != "student_fee" || st.getColumn(3).isNull()) return {};
  const std::string cause = "work_order:" + std::to_string(work_order_id);
  if (entryByCause(db, cause)) return {};
  LedgerEntry e;
  e.person_id = st.getColumn(3).getInt64();
  e.device_id = st.getColumn(1).getInt64();
  e.checkout_id = st.getColumn(2).getInt64();
  e.work_order_id = work_order_id;
  e.cause = cause;
  e.actor = actor;
  e.note = "work order WO-" + std::to_string(work_order_id);
  recordIncident(tx, policy, e, IncidentKind::damage, st.getColumn(5).getInt64(), st.getColumn(4).getString());
  return {};
}

Status chargeLossIn(WriteTx& tx, const FeePolicy& policy, std::int64_t device_id, IncidentKind kind,
                    const std::string& actor) {
  SQLite::Database& db = tx.db();
  SQLite::Statement st(db,
                       "SELECT c.id, c.person_id, COALESCE(m.unit_cost_cents, d.purchase_price_cents, 0) "
                       "FROM checkouts c JOIN devices d ON d.id = c.device_id LEFT JOIN models m ON m.model = d.model "
                       "WHERE c.device_id = ?1 AND c.returned_at IS NULL AND c.person_id IS NOT NULL");
  st.bind(1, device_id);
  if (!st.executeStep()) return {};
  const std::int64_t checkout_id = st.getColumn(0).getInt64();
  // One loss per loan: marking the same loan lost again (found, then lost) charges nothing new.
  const std::string cause = "loss:checkout:" + std::to_string(checkout_id);
  if (entryByCause(db, cause)) return {};
  LedgerEntry e;
  e.person_id = st.getColumn(1).getInt64();
  e.device_id = device_id;
  e.checkout_id = checkout_id;
  e.cause = cause;
  e.actor = actor;
  recordIncident(tx, policy, e, kind, st.getColumn(2).getInt64(), tx.now());
  return {};
}

Status refundFoundIn(WriteTx& tx, const FeePolicy& policy, std::int64_t device_id,
                     std::optional<std::int64_t> checkout_id, const std::string& actor) {
  SQLite::Database& db = tx.db();
  if (!checkout_id) {
    SQLite::Statement st(db, "SELECT id FROM checkouts WHERE device_id = ?1 AND returned_at IS NULL");
    st.bind(1, device_id);
    if (!st.executeStep()) return {};
    checkout_id = st.getColumn(0).getInt64();
  }
  auto loss = entryByCause(db, "loss:checkout:" + std::to_string(*checkout_id));
  if (!loss) return {};
  const std::int64_t cents = refundFor(policy, loss->amount_cents);
  const std::string cause = "found:checkout:" + std::to_string(*checkout_id);
  if (cents == 0 || entryByCause(db, cause)) return {};
  LedgerEntry e;
  e.person_id = loss->person_id;
  e.kind = LedgerKind::refund;
  e.amount_cents = cents;
  e.reason = "found";
  e.basis = "the device charged as " + loss->reason + " on " + loss->at.substr(0, 10) + " was found";
  e.device_id = device_id;
  e.checkout_id = checkout_id;
  e.school_year = loss->school_year;
  e.cause = cause;
  e.actor = actor;
  e.at = tx.now();
  insertEntry(db, e);
  return {};
}

std::int64_t balanceIn(SQLite::Database& db, std::int64_t person_id) {
  SQLite::Statement st(db, "SELECT balance_cents FROM fee_balances WHERE person_id = ?1");
  st.bind(1, person_id);
  return st.executeStep() ? st.getColumn(0).getInt64() : 0;
}

Result<PersonLedger> FeeStore::ledger(const std::string& external_id) {
  return db_.with([&](SQLite::Database& db) -> Result<PersonLedger> {
    SQLite::Transaction tx(db);  // one snapshot: the entries and the cached balance agree
    auto person = personOrFail(db, external_id);
    if (!person) return std::unexpected(person.error());
    return ledgerOf(db, std::move(*person));
  });
}

Result<LedgerEntry> FeeStore::credit(const std::string& external_id, const NewCredit& credit,
                                     const std::string& actor) {
  if (credit.kind != LedgerKind::payment && credit.kind != LedgerKind::waiver)
    return std::unexpected(Error::internal("a credit is a payment or a waiver"));
  if (credit.amount_cents <= 0 || credit.amount_cents > kMaxFeeCents)
    return std::unexpected(Error::invalid("amount", "amount must be above 0.00 and at most " + formatMoney(kMaxFeeCents)));
  for (const auto& [value, field] : {std::pair{&credit.method, "method"}, {&credit.reference, "reference"},
                                     {&credit.note, "note"}}) {
    if (auto ok = optionalText(*value, field); !ok) return std::unexpected(ok.error());
  }
  // A waiver forgives a debt for a reason the record must keep.
  if (credit.kind == LedgerKind::waiver && credit.note.empty())
    return std::unexpected(Error::invalid("note", "a waiver needs a note saying why"));
  return db_.with([&](SQLite::Database& db) -> Result<LedgerEntry> {
    WriteTx tx(db_, db);
    auto person = personOrFail(db, external_id);
    if (!person) return std::unexpected(person.error());
    LedgerEntry e;
    e.person_id = person->id;
    e.kind = credit.kind;
    e.amount_cents = credit.amount_cents;
    e.reason = std::string(toString(credit.kind));
    e.method = credit.method;
    e.reference = credit.reference;
    e.note = credit.note;
    e.actor = actor;
    e.at = tx.now();
    e.id = insertEntry(db, e);
    tx.commit();
    return e;
  });
}

Result<LedgerEntry> FeeStore::enrol(const std::string& external_id, const std::string& plan_name, int school_year,
                                    const std::string& actor) {
  if (!policy_) return std::unexpected(Error::invalid("plan", "no fee policy is configured (fees: in the config)"));
  const FeePlan* plan = policy_->plan(plan_name);
  if (!plan) {
    std::string names;
    for (const auto& p : policy_->plans) names += (names.empty() ? "" : ", ") + p.name;
    return std::unexpected(Error::invalid("plan", "unknown plan \"" + plan_name + "\" (plans: " +
                                                      (names.empty() ? "none" : names) + ")"));
  }
  if (school_year < 2000 || school_year > 2200)
    return std::unexpected(Error::invalid("school_year", "school_year must be a year like \"2027\""));
  return db_.with([&](SQLite::Database& db) -> Result<LedgerEntry> {
    WriteTx tx(db_, db);
    auto person = personOrFail(db, external_id);
    if (!person) return std::unexpected(person.error());
    std::string existing;
    if (planOf(db, *policy_, person->id, school_year, existing) || !existing.empty()) {
      return std::unexpected(Error::conflict(describe(*person) + " is already enrolled in the " + existing +
                                                 " plan for school year " + std::to_string(school_year),
                                             {{"field", "school_year"}, {"plan", existing}}));
    }
    LedgerEntry e;
    e.person_id = person->id;
    e.kind = LedgerKind::charge;
    e.amount_cents = plan->premium_cents;
    e.reason = "premium";
    e.basis = plan->name + " plan premium for school year " + std::to_string(school_year) + " (" +
              schoolYearSpan(school_year, *policy_) + ")";
    e.school_year = school_year;
    e.plan = plan->name;
    e.cause = "plan:" + std::to_string(person->id) + ":" + std::to_string(school_year);
    e.actor = actor;
    e.at = tx.now();
    e.id = insertEntry(db, e);
    SQLite::Statement ins(db,
                          "INSERT INTO fee_plan_enrolments (person_id, school_year, plan, premium_cents, ledger_id, "
                          "actor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    ins.bind(1, person->id);
    ins.bind(2, school_year);
    ins.bind(3, plan->name);
    ins.bind(4, plan->premium_cents);
    ins.bind(5, e.id);
    ins.bind(6, actor);
    ins.bind(7, e.at);
    ins.exec();
    tx.commit();
    return e;
  });
}

Result<std::vector<PersonLedger>> FeeStore::household(const std::string& external_id) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<PersonLedger>> {
    SQLite::Transaction tx(db);
    auto person = personOrFail(db, external_id);
    if (!person) return std::unexpected(person.error());
    std::vector<PersonLedger> out;
    if (person->household.empty()) {
      out.push_back(ledgerOf(db, std::move(*person)));
      return out;
    }
    SQLite::Statement st(db, "SELECT external_id FROM people WHERE household = ?1 ORDER BY name, id");
    st.bind(1, person->household);
    std::vector<std::string> members;
    while (st.executeStep()) members.push_back(st.getColumn(0).getString());
    for (const auto& id : members) {
      if (auto p = findPersonIn(db, id)) out.push_back(ledgerOf(db, std::move(*p)));
    }
    return out;
  });
}

Result<std::vector<BalanceRow>> FeeStore::balances(const BalanceFilter& filter) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<BalanceRow>> {
    SQLite::Transaction tx(db);
    std::string sql =
        "SELECT p.id, p.external_id, p.name, p.household, p.location, b.balance_cents FROM fee_balances b "
        "JOIN people p ON p.id = b.person_id WHERE 1";
    if (filter.owing_only) sql += " AND b.balance_cents > 0";
    if (filter.location) sql += " AND substr(p.location, 1, length(?1)) = ?1";
    sql += " ORDER BY p.external_id";
    SQLite::Statement st(db, sql);
    if (filter.location) st.bind(1, *filter.location);
    std::vector<BalanceRow> out;
    while (st.executeStep()) {
      BalanceRow row{st.getColumn(1).getString(), st.getColumn(2).getString(), text(st, 3), text(st, 4),
                     st.getColumn(5).getInt64(), ""};
      row.oldest_charge = summaryOf(entriesOf(db, st.getColumn(0).getInt64())).oldest_unpaid_charge;
      out.push_back(std::move(row));
    }
    return out;
  });
}

Result<FeeTotals> FeeStore::totals() {
  return db_.with([&](SQLite::Database& db) -> Result<FeeTotals> {
    SQLite::Transaction tx(db);
    FeeTotals t;
    t.outstanding_cents =
        db.execAndGet("SELECT COALESCE(SUM(balance_cents), 0) FROM fee_balances WHERE balance_cents > 0").getInt64();
    t.paid_cents =
        db.execAndGet("SELECT COALESCE(SUM(amount_cents), 0) FROM ledger WHERE kind = 'payment'").getInt64();
    SQLite::Statement st(db, "SELECT reason, SUM(amount_cents) FROM ledger WHERE kind = 'charge' GROUP BY reason");
    while (st.executeStep()) t.charged_cents_by_reason.emplace_back(st.getColumn(0).getString(), st.getColumn(1).getInt64());
    if (policy_ && policy_->hold_at_cents) {
      SQLite::Statement hold(db, "SELECT COUNT(*) FROM fee_balances WHERE balance_cents > 0 AND balance_cents >= ?1");
      hold.bind(1, *policy_->hold_at_cents);
      hold.executeStep();
      t.people_on_hold = hold.getColumn(0).getInt64();
    }
    return t;
  });
}

}  // namespace fk
