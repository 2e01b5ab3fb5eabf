#include "store/import_checkouts.hpp"

#include "core/circulation.hpp"
#include "core/person.hpp"
#include "core/values.hpp"
#include "store/checkout_store.hpp"
#include "store/people_store.hpp"

namespace fk::import {
namespace {

std::string displayName(const ImportCheckout& c) {
  if (!c.full_name.empty()) return c.full_name;
  std::string name = c.first_name;
  if (!c.last_name.empty()) name += (name.empty() ? "" : " ") + c.last_name;
  if (!name.empty()) return name;
  return c.username.empty() ? c.email : c.username;
}

// The holder's person id: matched, or created. nullopt (with the error noted) when neither works.
class People {
 public:
  explicit People(WriteTx& tx)
      : tx_(tx),
        db_(tx.db()),
        by_email_(db_, "SELECT external_id FROM people WHERE lower(email) = lower(?1) ORDER BY id LIMIT 1") {}

  std::optional<Person> find(const ImportCheckout& c) {
    if (!c.username.empty()) {
      if (auto p = findPersonIn(db_, c.username)) return p;
    }
    if (!c.email.empty()) {
      by_email_.reset();
      by_email_.bind(1, c.email);
      if (by_email_.executeStep()) return findPersonIn(db_, by_email_.getColumn(0).getString());
      // A file naming people by email alone keys them by it.
      if (c.username.empty()) {
        if (auto p = findPersonIn(db_, c.email)) return p;
      }
    }
    return std::nullopt;
  }

  Result<Person> create(const ImportCheckout& c) {
    PersonDraft draft;
    draft.external_id = c.username.empty() ? c.email : c.username;
    draft.name = displayName(c);
    if (!c.email.empty()) draft.email = c.email;
    // Snipe-IT users carry no role; in a school most holders are students. Staff are changed by
    // hand or by the roster (OneRoster, people:import), which match the same external id.
    draft.role = PersonRole::student;
    if (auto errors = validatePersonDraft(draft, /*creating=*/true); !errors.empty()) {
      return std::unexpected(Error::invalid(errors.front().field, errors.front().message));
    }
    Person p;
    applyPersonDraft(p, draft);
    p.id = insertPersonIn(tx_, p);
    ++created_;
    return p;
  }

  std::size_t created() const { return created_; }

 private:
  WriteTx& tx_;
  SQLite::Database& db_;
  SQLite::Statement by_email_;
  std::size_t created_ = 0;
};

}  // namespace

CheckoutOutcome makeCheckouts(WriteTx& tx, const std::vector<PendingCheckout>& pending,
                              int default_loan_days, const std::string& actor, FieldErrors& errors) {
  CheckoutOutcome out;
  if (pending.empty()) return out;
  SQLite::Database& db = tx.db();
  const std::string today = localToday();
  People people(tx);
  for (const PendingCheckout& p : pending) {
    const ImportCheckout& c = p.checkout;
    const char* field = c.to_location ? "Checked Out To: Location" : "Checked Out To: Username";
    auto fail = [&](std::string message) { errors.push_back({p.line, field, std::move(message)}); };

    std::optional<Person> person;
    if (!c.to_location) person = people.find(c);
    if (auto open = openCheckoutIn(db, p.device_id)) {
      const bool same = c.to_location ? (!open->person_id && open->location == c.location)
                                      : (person && open->person_id == person->id);
      if (same) continue;  // a re-import of the same file
      const std::string holder =
          open->person_id ? open->person_name + " (" + open->person_external_id + ")" : open->location;
      fail("the device is already lent to " + holder + "; return it before importing another holder");
      continue;
    }
    NewCheckout loan;
    loan.device_id = p.device_id;
    if (c.to_location) {
      loan.location = c.location;
    } else {
      if (!person) {
        auto created = people.create(c);
        if (!created) {
          fail("cannot create the holder: " + created.error().message);
          continue;
        }
        person = std::move(*created);
      }
      loan.person_id = person->id;
    }
    // Snipe-IT's expected check-in date is kept even when it has passed: the loan is then overdue.
    loan.due = c.due.empty() ? addDays(today, default_loan_days) : c.due;
    if (auto id = checkOutIn(tx, loan, actor); !id) {
      fail(id.error().message);
      continue;
    }
    ++out.checkouts;
  }
  out.people_created = people.created();
  return out;
}

}  // namespace fk::import
