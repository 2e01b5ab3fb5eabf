#include "store/people_store.hpp"
#include "store/paging.hpp"
#include "store/scope_sql.hpp"

#include <sqlite3.h>

#include <unordered_map>

#include "core/values.hpp"
#include "store/statement_cache.hpp"
#include "store/write_tx.hpp"
#include "store/sql_values.hpp"

namespace fk {
namespace {

using sql::bindText;
using sql::likePattern;
using sql::text;

constexpr const char* kPersonColumns =
    "id, external_id, name, email, role, grade, homeroom, location, active, created_at, updated_at, household";

Person readPerson(SQLite::Statement& st) {
  Person p;
  p.id = st.getColumn(0).getInt64();
  p.external_id = st.getColumn(1).getString();
  p.name = st.getColumn(2).getString();
  p.email = text(st, 3);
  p.role = parsePersonRole(st.getColumn(4).getString()).value_or(PersonRole::student);
  p.grade = text(st, 5);
  p.homeroom = text(st, 6);
  p.location = text(st, 7);
  p.active = st.getColumn(8).getInt() != 0;
  p.created_at = st.getColumn(9).getString();
  p.updated_at = st.getColumn(10).getString();
  p.household = text(st, 11);
  return p;
}

// ?1..?8 and ?11 the fields, ?9 the instant, ?10 the id (updates).
void bindPerson(SQLite::Statement& st, const Person& p) {
  st.bind(1, p.external_id);
  st.bind(2, p.name);
  bindText(st, 3, p.email);
  st.bind(4, std::string(toString(p.role)));
  bindText(st, 5, p.grade);
  bindText(st, 6, p.homeroom);
  bindText(st, 7, p.location);
  st.bind(8, p.active ? 1 : 0);
  bindText(st, 11, p.household);
}

constexpr const char* kInsert =
    "INSERT INTO people (external_id, name, email, role, grade, homeroom, location, active, created_at, "
    "updated_at, household) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?11)";
constexpr const char* kUpdate =
    "UPDATE people SET external_id = ?1, name = ?2, email = ?3, role = ?4, grade = ?5, homeroom = ?6, "
    "location = ?7, active = ?8, updated_at = ?9, household = ?11 WHERE id = ?10";

std::int64_t insertPerson(SQLite::Database& db, const Person& p, const std::string& now) {
  SQLite::Statement st(db, kInsert);
  bindPerson(st, p);
  st.bind(9, now);
  st.exec();
  return db.getLastInsertRowid();
}

void updatePerson(SQLite::Database& db, const Person& p, const std::string& now) {
  SQLite::Statement st(db, kUpdate);
  bindPerson(st, p);
  st.bind(9, now);
  st.bind(10, static_cast<std::int64_t>(p.id));
  st.exec();
}

Error duplicate(const std::string& external_id) {
  Error e = Error::conflict("a person with external_id \"" + external_id + "\" already exists");
  e.details["field"] = "external_id";
  return e;
}

Error personNotFound(const std::string& external_id) {
  return Error::notFound("no person with external_id \"" + external_id + "\"");
}

Error invalidPerson(const std::vector<FieldError>& errors) {
  Error e = Error::invalid(errors.front().field, errors.front().field + " " + errors.front().message);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& fe : errors) list.push_back({{"field", fe.field}, {"message", fe.message}});
  e.details["errors"] = std::move(list);
  return e;
}

bool isUniqueViolation(const SQLite::Exception& e) {
  return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE;
}


}  // namespace

std::int64_t insertPersonIn(WriteTx& tx, const Person& p) {
  return insertPerson(tx.db(), p, tx.now());
}

std::optional<Person> findPersonIn(SQLite::Database& db, const std::string& external_id) {
  // Built once: the statement cache is keyed by the text, and GET /people/{id} looks it up every request.
  static const std::string sql =
      std::string("SELECT ") + kPersonColumns + " FROM people WHERE external_id = ?1";
  auto st = cachedStatement(db, sql);
  st->bind(1, external_id);
  if (!st->executeStep()) return std::nullopt;
  return readPerson(*st);
}

std::vector<Person> allPeopleIn(SQLite::Database& db) {
  std::vector<Person> out;
  SQLite::Statement st(db, std::string("SELECT ") + kPersonColumns + " FROM people");
  while (st.executeStep()) out.push_back(readPerson(st));
  return out;
}

Result<Person> PeopleStore::create(const PersonDraft& draft) {
  if (auto errors = validatePersonDraft(draft, true); !errors.empty()) {
    return std::unexpected(invalidPerson(errors));
  }
  Person p;
  applyPersonDraft(p, draft);
  if (!scope_.contains(p.location)) return std::unexpected(scope_sql::outsideScope("the person's", p.location));
  return db_.with([&](SQLite::Database& db) -> Result<Person> {
    try {
      WriteTx tx(db_, db);
      if (findPersonIn(db, p.external_id)) return std::unexpected(duplicate(p.external_id));
      p.id = insertPerson(db, p, tx.now());
      tx.commit();
      return *findPersonIn(db, p.external_id);
    } catch (const SQLite::Exception& e) {
      if (isUniqueViolation(e)) return std::unexpected(duplicate(p.external_id));
      throw;
    }
  });
}

Result<Person> PeopleStore::get(const std::string& external_id) {
  return db_.with([&](SQLite::Database& db) -> Result<Person> {
    auto p = findPersonIn(db, external_id);
    if (!p || !scope_sql::personWithin(db, p->id, scope_))
      return std::unexpected(personNotFound(external_id));
    return *p;
  });
}

Result<PeoplePage> PeopleStore::list(const PeopleFilter& filter) {
  if (auto ok = checkPageLimit(filter.limit); !ok) return std::unexpected(ok.error());
  std::string sql = std::string("SELECT ") + kPersonColumns + " FROM people WHERE id > ?1";
  std::vector<std::string> texts;
  auto param = [&](std::string value) {
    texts.push_back(std::move(value));
    return "?" + std::to_string(texts.size() + 2);
  };
  if (filter.role) sql += " AND role = " + param(std::string(toString(*filter.role)));
  if (filter.active) sql += std::string(" AND active = ") + (*filter.active ? "1" : "0");
  if (filter.location) sql += " AND location = " + param(*filter.location);
  if (filter.q && !filter.q->empty()) {
    const std::string p = param(likePattern(*filter.q));
    sql += " AND (external_id LIKE " + p + " ESCAPE '\\' OR name LIKE " + p + " ESCAPE '\\' OR email LIKE " +
           p + " ESCAPE '\\' OR homeroom LIKE " + p + " ESCAPE '\\')";
  }
  sql += scope_sql::andWithin(scope_, "location");
  sql += " ORDER BY id LIMIT ?2";
  return db_.with([&](SQLite::Database& db) -> Result<PeoplePage> {
    SQLite::Statement st(db, sql);
    st.bind(1, static_cast<std::int64_t>(filter.after_id));
    st.bind(2, filter.limit + 1);
    for (std::size_t i = 0; i < texts.size(); ++i) st.bind(static_cast<int>(i) + 3, texts[i]);
    scope_sql::bindIfScoped(st, scope_);
    PeoplePage page;
    while (st.executeStep()) page.items.push_back(readPerson(st));
    if (page.items.size() > static_cast<std::size_t>(filter.limit)) {
      page.items.pop_back();
      page.next_after_id = page.items.back().id;
    }
    return page;
  });
}

Result<Person> PeopleStore::update(const std::string& external_id, const PersonDraft& draft) {
  if (auto errors = validatePersonDraft(draft, false); !errors.empty()) {
    return std::unexpected(invalidPerson(errors));
  }
  return db_.with([&](SQLite::Database& db) -> Result<Person> {
    Person after;
    try {
      WriteTx tx(db_, db);
      auto before = findPersonIn(db, external_id);
      if (!before || !scope_sql::personWithin(db, before->id, scope_))
        return std::unexpected(personNotFound(external_id));
      after = *before;
      if (applyPersonDraft(after, draft).empty()) return *before;
      if (!scope_.contains(after.location))
        return std::unexpected(scope_sql::outsideScope("the person's new", after.location));
      if (after.external_id != before->external_id && findPersonIn(db, after.external_id)) {
        return std::unexpected(duplicate(after.external_id));
      }
      updatePerson(db, after, tx.now());
      tx.commit();
      return *findPersonIn(db, after.external_id);
    } catch (const SQLite::Exception& e) {
      if (isUniqueViolation(e)) return std::unexpected(duplicate(after.external_id));
      throw;
    }
  });
}

Result<std::vector<PersonEvent>> PeopleStore::events(const std::string& external_id) {
  return db_.with([&](SQLite::Database& db) -> Result<std::vector<PersonEvent>> {
    auto p = findPersonIn(db, external_id);
    if (!p || !scope_sql::personWithin(db, p->id, scope_))
      return std::unexpected(personNotFound(external_id));
    SQLite::Statement st(db, "SELECT id, at, actor, action, changes, coalesce(reason, '') FROM person_events "
                             "WHERE person_id = ?1 ORDER BY id");
    st.bind(1, static_cast<std::int64_t>(p->id));
    std::vector<PersonEvent> out;
    while (st.executeStep())
      out.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getString(), st.getColumn(2).getString(),
                     st.getColumn(3).getString(), st.getColumn(4).getString(), st.getColumn(5).getString()});
    return out;
  });
}

Result<RosterSummary> PeopleStore::import(const std::vector<RosterRow>& rows) {
  return db_.with([&](SQLite::Database& db) -> Result<RosterSummary> {
    WriteTx tx(db_, db);
    // One read of the whole table: a roster of tens of thousands must not cost a query per row.
    std::unordered_map<std::string, Person> existing;
    {
      SQLite::Statement st(db, std::string("SELECT ") + kPersonColumns + " FROM people");
      while (st.executeStep()) {
        Person p = readPerson(st);
        std::string key = p.external_id;
        existing.emplace(std::move(key), std::move(p));
      }
    }
    RosterSummary summary;
    FieldErrors errors;
    std::vector<Person> inserts, updates;
    for (const RosterRow& row : rows) {
      auto it = existing.find(*row.draft.external_id);
      if (it == existing.end()) {
        auto problems = validatePersonDraft(row.draft, /*creating=*/true);
        if (!problems.empty()) {
          for (auto& fe : problems) errors.push_back({row.line, fe.field, fe.message});
          continue;
        }
        Person p;
        applyPersonDraft(p, row.draft);
        inserts.push_back(std::move(p));
      } else {
        Person p = it->second;
        if (applyPersonDraft(p, row.draft).empty()) {
          ++summary.unchanged;
        } else {
          updates.push_back(std::move(p));
        }
      }
    }
    if (!errors.empty()) {
      Error e = Error::invalid(errors.front().field, std::to_string(errors.count()) +
                                                         (errors.count() == 1 ? " error" : " errors") +
                                                         "; nothing was imported");
      nlohmann::json list = nlohmann::json::array();
      for (const auto& fe : errors)
        list.push_back({{"line", fe.line}, {"field", fe.field}, {"message", fe.message}});
      e.details["errors"] = std::move(list);
      e.details["error_count"] = errors.count();
      if (errors.truncated()) e.details["truncated"] = true;
      return std::unexpected(std::move(e));
    }
    for (const Person& p : inserts) insertPerson(db, p, tx.now());
    for (const Person& p : updates) updatePerson(db, p, tx.now());
    summary.created = inserts.size();
    summary.updated = updates.size();
    tx.commit(!inserts.empty() || !updates.empty());
    return summary;
  });
}

}  // namespace fk
