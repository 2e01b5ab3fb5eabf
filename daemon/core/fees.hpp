#pragma once

// The district's fee policy (config `fees:`) and the arithmetic of the ledger. Pure: the store calls
// these inside the transaction that records the cause, so the amount and the entry are decided together.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/fiscal_year.hpp"

namespace fk {

enum class LedgerKind { charge, payment, waiver, refund };
std::string_view toString(LedgerKind k);
std::optional<LedgerKind> parseLedgerKind(std::string_view text);

// Why a charge was made. Incidents (damage, lost, stolen) count towards a plan's tiers; a premium does not.
enum class IncidentKind { damage, lost, stolen };
std::string_view toString(IncidentKind k);

// One tier of a plan: a fixed amount (a deductible; "0.00" = covered) or `full` = the incident's whole cost.
struct TierAmount {
  bool full = false;
  std::int64_t cents = 0;
  bool operator==(const TierAmount&) const = default;
};

struct FeePlan {
  std::string name;
  std::int64_t premium_cents = 0;
  std::vector<TierAmount> incidents;  // 1st, 2nd, ...; the last one also prices every later incident
};

// What an incident costs without a plan: the incident's own cost basis, or a flat amount.
struct UninsuredRule {
  bool at_cost = true;  // damage: repair_cost; lost/stolen: replacement_cost
  std::int64_t cents = 0;
};

struct FeePolicy {
  FiscalYearStart school_year_start{8, 1};
  std::vector<FeePlan> plans;
  UninsuredRule uninsured_damage;  // repair_cost by default
  UninsuredRule uninsured_lost;    // replacement_cost by default; stolen devices too
  std::optional<std::int64_t> cap_per_incident_cents;
  std::optional<std::int64_t> hold_at_cents;  // unset: no holds
  bool refund_when_recovered = true;
  std::string policy_text;    // the district's own words, printed on statements
  std::string templates_dir;  // absolute; "" = the built-in statement template only

  const FeePlan* plan(std::string_view name) const;
};

// School years are named, like fiscal years, after the calendar year they end in: with 08-01,
// 2026-08-01 .. 2027-07-31 is school year 2027.
int schoolYearOf(std::chrono::year_month_day date, const FeePolicy& policy);
// "2026-08-01 to 2027-07-31"
std::string schoolYearSpan(int school_year, const FeePolicy& policy);

// One incident to price. `full_cost_cents` is the work order's cost (damage) or the device's replacement
// cost (lost, stolen); `number` is 1 for the person's first incident of the school year.
struct Incident {
  IncidentKind kind = IncidentKind::damage;
  std::int64_t full_cost_cents = 0;
  int number = 1;
  const FeePlan* plan = nullptr;  // the person's plan for that school year, if enrolled
};

struct FeeAssessment {
  std::int64_t cents = 0;
  std::string basis;  // how the amount was reached, in words, kept on the ledger entry
};

// The charge for an incident: the plan's tier for its number (a fixed tier never exceeds the cost),
// or the uninsured rule; then the cap. Never negative.
FeeAssessment assessIncident(const FeePolicy& policy, const Incident& incident);

// What a found device gives back of its loss charge: all of it when refund_when_recovered, else nothing.
// Waivers and payments are the person's, not the charge's, so the refund is the charge itself.
std::int64_t refundFor(const FeePolicy& policy, std::int64_t loss_charge_cents);

// "1st", "2nd", "3rd", "11th"...
std::string ordinal(int n);

// A ledger entry as the arithmetic needs it.
struct LedgerLine {
  LedgerKind kind = LedgerKind::charge;
  std::int64_t cents = 0;  // always >= 0; the kind gives the sign
  std::string at;          // RFC 3339, entries in order of recording
};

// Charges add, payments, waivers and refunds subtract.
std::int64_t signedCents(LedgerKind kind, std::int64_t cents);

struct LedgerSummary {
  std::int64_t balance_cents = 0;  // > 0: owed; < 0: a credit
  std::int64_t charged_cents = 0;
  std::int64_t credited_cents = 0;  // payments + waivers + refunds
  // The day of the oldest charge not yet covered, paying off charges oldest first; "" when none.
  std::string oldest_unpaid_charge;
};
LedgerSummary summarize(std::span<const LedgerLine> lines);

bool onHold(const FeePolicy& policy, std::int64_t balance_cents);

// The amount a payment or waiver body gives: more than 0.00, at most kMaxFeeCents, field named.
inline constexpr std::int64_t kMaxFeeCents = 100'000'00;
Result<std::int64_t> checkFeeAmount(std::string_view text, const std::string& field);

// The policy in plain words for statements: plans, tiers, uninsured rules, cap, refunds.
std::vector<std::string> describePolicy(const FeePolicy& policy);

}  // namespace fk
