#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/scope.hpp"
#include "core/person.hpp"
#include "core/roster_csv.hpp"
#include "store/database.hpp"
#include "store/write_tx.hpp"

namespace fk {

struct PeopleFilter {
  std::optional<std::string> q;  // substring of external_id, name, email, homeroom (case-insensitive)
  std::optional<PersonRole> role;
  std::optional<bool> active;
  std::optional<std::string> location;  // exact
  int limit = 100;                      // 1..1000
  std::int64_t after_id = 0;            // keyset cursor
};

struct PeoplePage {
  std::vector<Person> items;
  std::optional<std::int64_t> next_after_id;
};

// One entry of a person's history (rosters: store/people_reconcile.cpp). `changes` is JSON text.
struct PersonEvent {
  std::int64_t id = 0;
  std::string at, actor, action, changes, reason;
};

struct RosterSummary {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
};

// Inserts a new person (already validated) in the caller's write transaction; returns the id.
std::int64_t insertPersonIn(WriteTx& tx, const Person& p);

// The person with that external id, read on the caller's connection (and transaction).
std::optional<Person> findPersonIn(SQLite::Database& db, const std::string& external_id);

// Every person, in one read (a roster reconcile or import must not cost a query per person).
std::vector<Person> allPeopleIn(SQLite::Database& db);

// People are never deleted: a person who leaves is deactivated and keeps their loan history.
// With a scope, only people whose location lies in it exist for the caller (see DeviceStore).
class PeopleStore {
 public:
  explicit PeopleStore(Database& db, Scope scope = {}) : db_(db), scope_(std::move(scope)) {}

  // 400 naming the field for invalid drafts; 409 when the external_id is taken.
  Result<Person> create(const PersonDraft& draft);
  Result<Person> get(const std::string& external_id);
  Result<PeoplePage> list(const PeopleFilter& filter);
  Result<Person> update(const std::string& external_id, const PersonDraft& draft);
  // The person's history, oldest first.
  Result<std::vector<PersonEvent>> events(const std::string& external_id);

  // All rows or none, in one transaction: rows match people by external_id (update, only changed
  // fields), the others create. A new person without a role or name is an error for its line;
  // errors come back as Errc::invalid with details {"errors": [{"line", "field", "message"}]}.
  Result<RosterSummary> import(const std::vector<RosterRow>& rows);

 private:
  Database& db_;
  Scope scope_;
};

}  // namespace fk
