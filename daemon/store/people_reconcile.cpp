#include "store/people_reconcile.hpp"

#include <nlohmann/json.hpp>

#include <unordered_map>
#include <unordered_set>

#include "core/roster_reconcile.hpp"
#include "store/people_store.hpp"

namespace fk {
namespace {

constexpr std::size_t kMaxPeopleProblems = 20;

nlohmann::json changesJson(const std::vector<FieldChange>& changes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& c : changes) out.push_back({{"field", c.field}, {"old", c.old_value}, {"new", c.new_value}});
  return out;
}

class PeopleApplier {
 public:
  PeopleApplier(WriteTx& tx, const PeoplePoll& poll)
      : tx_(tx),
        db_(tx.db()),
        poll_(poll),
        actor_("source:" + poll.source),
        update_(db_,
                "UPDATE people SET name = ?1, email = ?2, role = ?3, grade = ?4, homeroom = ?5, location = ?6, "
                "active = ?7, household = ?8, updated_at = ?9 WHERE id = ?10"),
        seen_(db_,
              "INSERT INTO person_seen (person_id, source, first_seen, last_seen, in_last_poll) "
              "VALUES (?1, ?2, ?3, ?3, 1) ON CONFLICT (person_id, source) DO UPDATE SET last_seen = ?3, "
              "in_last_poll = 1"),
        event_(db_, "INSERT INTO person_events (person_id, at, actor, action, changes, reason) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)") {}

  PeopleSummary run() {
    loadPeople();
    std::unordered_set<std::int64_t> listed;
    for (const api::PersonObservation& o : poll_.people) {
      ++summary_.observed;
      roster::PersonRecord r = roster::readPersonObservation(o);
      for (const FieldError& e : r.problems) note(r.origin + ": " + e.field + ": " + e.message);
      if (!r.draft.external_id) continue;
      const std::string& key = *r.draft.external_id;
      auto it = people_.find(key);
      std::int64_t id = 0;
      if (it == people_.end()) {
        id = create(r);
        if (id == 0) continue;
      } else {
        id = it->second.id;
        if (!listed.insert(id).second) {
          note(r.origin + ": " + key + " is listed twice; the first one applied");
          continue;
        }
        update(it->second, r.draft);
      }
      listed.insert(id);
      seen_.bind(1, static_cast<std::int64_t>(id));
      seen_.bind(2, poll_.source);
      seen_.bind(3, tx_.now());
      seen_.exec();
      seen_.reset();
    }
    if (poll_.complete_listing) leaveUnlisted(listed);
    setReturnDates();
    return summary_;
  }

 private:
  void note(std::string message) {
    ++summary_.problems_count;
    if (summary_.problems.size() < kMaxPeopleProblems) summary_.problems.push_back(std::move(message));
  }

  // One read of the table: a district roster is tens of thousands of people, not a query each.
  void loadPeople() {
    std::vector<Person> all = allPeopleIn(db_);
    people_.reserve(all.size());
    for (Person& p : all) {
      std::string key = p.external_id;
      people_.emplace(std::move(key), std::move(p));
    }
  }

  void record(std::int64_t person, const std::string& action, const nlohmann::json& changes,
              const std::string& reason = "") {
    event_.bind(1, static_cast<std::int64_t>(person));
    event_.bind(2, tx_.now());
    event_.bind(3, actor_);
    event_.bind(4, action);
    event_.bind(5, changes.dump());
    if (reason.empty())
      event_.bind(6);
    else
      event_.bind(6, reason);
    event_.exec();
    event_.reset();
  }

  std::int64_t create(const roster::PersonRecord& r) {
    const auto missing = validatePersonDraft(r.draft, true);
    if (!missing.empty()) {
      for (const FieldError& e : missing) note(r.origin + ": " + e.field + ": " + e.message + "; not created");
      return 0;
    }
    Person p;
    const std::vector<FieldChange> changes = applyPersonDraft(p, r.draft);
    p.id = insertPersonIn(tx_, p);
    record(p.id, "create", changesJson(changes));
    ++summary_.created;
    if (!p.active) ++summary_.left;
    people_.emplace(p.external_id, p);
    return p.id;
  }

  void write(const Person& p) {
    update_.bind(1, p.name);
    const auto text = [&](int i, const std::string& v) {
      if (v.empty())
        update_.bind(i);
      else
        update_.bind(i, v);
    };
    text(2, p.email);
    update_.bind(3, std::string(toString(p.role)));
    text(4, p.grade);
    text(5, p.homeroom);
    text(6, p.location);
    update_.bind(7, p.active ? 1 : 0);
    text(8, p.household);
    update_.bind(9, tx_.now());
    update_.bind(10, static_cast<std::int64_t>(p.id));
    update_.exec();
    update_.reset();
  }

  void update(Person& p, const PersonDraft& draft) {
    const std::vector<FieldChange> changes = applyPersonDraft(p, draft);
    if (changes.empty()) {
      ++summary_.unchanged;
      return;
    }
    write(p);
    const std::string action = roster::changeAction(changes);
    record(p.id, action, changesJson(changes));
    ++summary_.updated;
    if (action == "left") ++summary_.left;
    if (action == "returned") ++summary_.returned;
  }

  void leaveUnlisted(const std::unordered_set<std::int64_t>& listed) {
    SQLite::Statement st(db_, "SELECT person_id FROM person_seen WHERE source = ?1 AND in_last_poll = 1");
    st.bind(1, poll_.source);
    std::vector<std::int64_t> gone;
    while (st.executeStep()) {
      const std::int64_t id = st.getColumn(0).getInt64();
      if (!listed.contains(id)) gone.push_back(id);
    }
    if (gone.empty()) return;
    std::unordered_map<std::int64_t, Person*> by_id;
    for (auto& [key, p] : people_) by_id.emplace(p.id, &p);
    SQLite::Statement off(db_, "UPDATE person_seen SET in_last_poll = 0 WHERE person_id = ?1 AND source = ?2");
    for (std::int64_t id : gone) {
      off.bind(1, static_cast<std::int64_t>(id));
      off.bind(2, poll_.source);
      off.exec();
      off.reset();
      auto it = by_id.find(id);
      if (it == by_id.end() || !it->second->active) continue;
      Person& p = *it->second;
      p.active = false;
      write(p);
      record(id, "left", changesJson({{"active", true, false}}), "no longer on the roster");
      ++summary_.left;
    }
  }

  // Every open checkout of an inactive person this source knows: due within roster.return_within.
  // Re-run each poll, it only ever moves a date earlier, so it settles after the first.
  void setReturnDates() {
    SQLite::Statement st(db_,
                         "SELECT c.id, c.person_id, c.due, d.id, coalesce(d.asset_tag, d.serial, '') "
                         "FROM checkouts c JOIN people p ON p.id = c.person_id "
                         "JOIN person_seen s ON s.person_id = p.id AND s.source = ?1 "
                         "JOIN devices d ON d.id = c.device_id "
                         "WHERE c.returned_at IS NULL AND p.active = 0");
    st.bind(1, poll_.source);
    struct Due {
      std::int64_t checkout, person;
      std::string from, to, device;
    };
    std::vector<Due> changes;
    while (st.executeStep()) {
      const std::string due = st.getColumn(2).getString();
      if (auto to = roster::returnDue(due, poll_.today, poll_.return_within_days))
        changes.push_back({st.getColumn(0).getInt64(), st.getColumn(1).getInt64(), due, *to,
                           "device " + std::to_string(st.getColumn(3).getInt64()) + " " + st.getColumn(4).getString()});
    }
    SQLite::Statement set(db_, "UPDATE checkouts SET due = ?1 WHERE id = ?2 AND returned_at IS NULL");
    for (const Due& d : changes) {
      set.bind(1, d.to);
      set.bind(2, static_cast<std::int64_t>(d.checkout));
      set.exec();
      set.reset();
      record(d.person, "return_due",
             nlohmann::json::array({{{"field", "due"}, {"old", d.from}, {"new", d.to},
                                     {"checkout", d.checkout}}}),
             d.device + ": left the roster");
      ++summary_.return_dates;
    }
  }

  WriteTx& tx_;
  SQLite::Database& db_;
  const PeoplePoll& poll_;
  const std::string actor_;
  std::unordered_map<std::string, Person> people_;
  PeopleSummary summary_;
  SQLite::Statement update_, seen_, event_;
};

}  // namespace

PeopleSummary reconcilePeople(WriteTx& tx, const PeoplePoll& poll) {
  return PeopleApplier(tx, poll).run();
}

std::int64_t countInactiveHoldingDevices(SQLite::Database& db) {
  return db
      .execAndGet("SELECT count(DISTINCT c.person_id) FROM checkouts c JOIN people p ON p.id = c.person_id "
                  "WHERE c.returned_at IS NULL AND p.active = 0")
      .getInt64();
}

}  // namespace fk
