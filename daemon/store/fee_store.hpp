#pragma once

// The fee ledger: append-only entries per person, automatic charges recorded inside the transaction of
// their cause, payments, waivers, plan enrolments, and the balances read from the cache the ledger's
// trigger keeps (migrations_fees.cpp). Policy arithmetic is core/fees.hpp.

#include <SQLiteCpp/SQLiteCpp.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/device.hpp"
#include "core/error.hpp"
#include "core/fees.hpp"
#include "core/person.hpp"
#include "store/database.hpp"
#include "store/write_tx.hpp"

namespace fk {

struct LedgerEntry {
  std::int64_t id = 0;
  std::int64_t person_id = 0;
  LedgerKind kind = LedgerKind::charge;
  std::int64_t amount_cents = 0;
  std::string reason;  // charge: damage | lost | stolen | premium; payment; waiver; refund: found
  std::string basis;
  std::string method;
  std::string reference;
  std::string note;
  std::optional<int> school_year;
  std::optional<int> incident;
  std::string plan;
  std::optional<std::int64_t> work_order_id;
  std::optional<std::int64_t> checkout_id;
  std::optional<std::int64_t> device_id;
  std::string device_name;  // tag, else serial, of device_id
  std::string cause;
  std::string actor;
  std::string at;
};

struct PlanEnrolment {
  int school_year = 0;
  std::string plan;
  std::int64_t premium_cents = 0;
  std::string at;
};

struct PersonLedger {
  Person person;
  std::vector<LedgerEntry> entries;  // oldest first
  LedgerSummary summary;             // derived from the entries
  std::int64_t cached_balance_cents = 0;
  std::vector<PlanEnrolment> plans;
};

// --- Automatic charges, inside the caller's write transaction; each is keyed by its
// cause (UNIQUE), so calling one twice for the same cause records nothing the second time. ---

// A work order resolved with payer student_fee: charges the person whose checkout was open when the
// order was opened, at the policy's price for that incident. Nothing for other payers, a device lent to
// a place or to nobody, or an order already charged.
Status chargeRepairIn(WriteTx& tx, const FeePolicy& policy, std::int64_t work_order_id, const std::string& actor);
// The device went to lost or stolen while lent to a person: charges them its replacement cost by the policy.
Status chargeLossIn(WriteTx& tx, const FeePolicy& policy, std::int64_t device_id, IncidentKind kind,
                    const std::string& actor);
// The device came back from lost or stolen: refunds the loss charge of its open (or just returned) loan.
// `checkout_id` is the loan the loss was charged on.
Status refundFoundIn(WriteTx& tx, const FeePolicy& policy, std::int64_t device_id,
                     std::optional<std::int64_t> checkout_id, const std::string& actor);

// The cached balance (0 for a person with no entries).
std::int64_t balanceIn(SQLite::Database& db, std::int64_t person_id);

struct NewCredit {
  LedgerKind kind = LedgerKind::payment;  // payment or waiver
  std::int64_t amount_cents = 0;
  std::string method;
  std::string reference;
  std::string note;
};

struct BalanceRow {
  std::string external_id;
  std::string name;
  std::string household;
  std::string location;
  std::int64_t balance_cents = 0;
  std::string oldest_charge;  // oldest unpaid charge's day
};

struct BalanceFilter {
  std::optional<std::string> location;  // prefix (a school)
  bool owing_only = true;               // balance > 0
};

// Figures for the metrics.
struct FeeTotals {
  std::int64_t outstanding_cents = 0;  // sum of positive balances
  std::int64_t paid_cents = 0;
  std::vector<std::pair<std::string, std::int64_t>> charged_cents_by_reason;
  std::int64_t people_on_hold = 0;
};

class FeeStore {
 public:
  FeeStore(Database& db, const FeePolicy* policy) : db_(db), policy_(policy) {}

  Result<PersonLedger> ledger(const std::string& external_id);
  // A payment or waiver (400 naming the field for a bad method, reference or note).
  Result<LedgerEntry> credit(const std::string& external_id, const NewCredit& credit, const std::string& actor);
  // Charges the plan's premium for that school year; 409 when already enrolled for it, 400 for an unknown plan.
  Result<LedgerEntry> enrol(const std::string& external_id, const std::string& plan, int school_year,
                            const std::string& actor);
  // The person and everyone in their household (just them when they have none), each with their ledger.
  Result<std::vector<PersonLedger>> household(const std::string& external_id);
  Result<std::vector<BalanceRow>> balances(const BalanceFilter& filter);
  Result<FeeTotals> totals();

 private:
  Database& db_;
  const FeePolicy* policy_;  // null: fees are not configured
};

}  // namespace fk
