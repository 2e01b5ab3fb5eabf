#include "core/fees.hpp"

#include <algorithm>
#include <deque>

#include "core/values.hpp"

namespace fk {

// Named, not `using namespace std::chrono`: a unity build pastes the next file after this one.
using std::chrono::year_month_day;

std::string_view toString(LedgerKind k) {
  switch (k) {
    case LedgerKind::charge: return "charge";
    case LedgerKind::payment: return "payment";
    case LedgerKind::waiver: return "waiver";
    case LedgerKind::refund: return "refund";
  }
  return "charge";
}

std::optional<LedgerKind> parseLedgerKind(std::string_view text) {
  for (auto k : {LedgerKind::charge, LedgerKind::payment, LedgerKind::waiver, LedgerKind::refund}) {
    if (toString(k) == text) return k;
  }
  return std::nullopt;
}

std::string_view toString(IncidentKind k) {
  switch (k) {
    case IncidentKind::damage: return "damage";
    case IncidentKind::lost: return "lost";
    case IncidentKind::stolen: return "stolen";
  }
  return "damage";
}

const FeePlan* FeePolicy::plan(std::string_view name) const {
  for (const auto& p : plans) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

int schoolYearOf(year_month_day date, const FeePolicy& policy) {
  return fiscalYearOf(date, policy.school_year_start);
}

std::string schoolYearSpan(int school_year, const FeePolicy& policy) {
  return formatDate(fiscalYearBegin(school_year, policy.school_year_start)) + " to " +
         formatDate(fiscalYearEnd(school_year, policy.school_year_start));
}

std::string ordinal(int n) {
  const int tens = n % 100;
  const char* suffix = "th";
  if (tens < 11 || tens > 13) {
    switch (n % 10) {
      case 1: suffix = "st"; break;
      case 2: suffix = "nd"; break;
      case 3: suffix = "rd"; break;
      default: break;
    }
  }
  return std::to_string(n) + suffix;
}

namespace {

std::string costName(IncidentKind kind) {
  return kind == IncidentKind::damage ? "repair cost" : "replacement cost";
}

}  // namespace

FeeAssessment assessIncident(const FeePolicy& policy, const Incident& incident) {
  const std::int64_t cost = std::max<std::int64_t>(0, incident.full_cost_cents);
  FeeAssessment a;
  if (incident.plan && !incident.plan->incidents.empty()) {
    const auto& tiers = incident.plan->incidents;
    const std::size_t index = std::min<std::size_t>(static_cast<std::size_t>(std::max(incident.number, 1)) - 1,
                                                    tiers.size() - 1);
    const TierAmount& tier = tiers[index];
    const std::string head = incident.plan->name + " plan, " + ordinal(incident.number) + " incident of the year: ";
    if (tier.full) {
      a.cents = cost;
      a.basis = head + "full " + costName(incident.kind) + " " + formatMoney(cost);
    } else if (tier.cents > cost) {
      // A deductible larger than the repair would charge more than the damage did.
      a.cents = cost;
      a.basis = head + formatMoney(tier.cents) + ", limited to the " + costName(incident.kind) + " " +
                formatMoney(cost);
    } else {
      a.cents = tier.cents;
      a.basis = head + formatMoney(tier.cents);
    }
  } else {
    const UninsuredRule& rule =
        incident.kind == IncidentKind::damage ? policy.uninsured_damage : policy.uninsured_lost;
    if (rule.at_cost) {
      a.cents = cost;
      a.basis = "no plan: " + costName(incident.kind) + " " + formatMoney(cost);
    } else {
      a.cents = rule.cents;
      a.basis = "no plan: flat " + formatMoney(rule.cents);
    }
  }
  if (policy.cap_per_incident_cents && a.cents > *policy.cap_per_incident_cents) {
    a.cents = *policy.cap_per_incident_cents;
    a.basis += ", capped at " + formatMoney(a.cents);
  }
  return a;
}

std::int64_t refundFor(const FeePolicy& policy, std::int64_t loss_charge_cents) {
  return policy.refund_when_recovered ? std::max<std::int64_t>(0, loss_charge_cents) : 0;
}

std::int64_t signedCents(LedgerKind kind, std::int64_t cents) {
  return kind == LedgerKind::charge ? cents : -cents;
}

LedgerSummary summarize(std::span<const LedgerLine> lines) {
  LedgerSummary s;
  // Credits pay off charges oldest first; what is left of the queue is unpaid.
  std::deque<std::pair<std::int64_t, std::string>> open;  // remaining cents, day
  std::int64_t spare_credit = 0;
  for (const auto& line : lines) {
    s.balance_cents += signedCents(line.kind, line.cents);
    if (line.kind == LedgerKind::charge) {
      s.charged_cents += line.cents;
      std::int64_t left = line.cents;
      const std::int64_t used = std::min(left, spare_credit);
      left -= used;
      spare_credit -= used;
      if (left > 0) open.emplace_back(left, line.at.substr(0, 10));
    } else {
      s.credited_cents += line.cents;
      std::int64_t credit = line.cents;
      while (credit > 0 && !open.empty()) {
        const std::int64_t used = std::min(credit, open.front().first);
        open.front().first -= used;
        credit -= used;
        if (open.front().first == 0) open.pop_front();
      }
      spare_credit += credit;
    }
  }
  if (!open.empty()) s.oldest_unpaid_charge = open.front().second;
  return s;
}

bool onHold(const FeePolicy& policy, std::int64_t balance_cents) {
  return policy.hold_at_cents && balance_cents > 0 && balance_cents >= *policy.hold_at_cents;
}

Result<std::int64_t> checkFeeAmount(std::string_view text, const std::string& field) {
  auto cents = parseMoney(text);
  if (!cents || *cents <= 0 || *cents > kMaxFeeCents)
    return std::unexpected(Error::invalid(
        field, field + " must be an amount like \"25.00\" above 0.00 and at most " + formatMoney(kMaxFeeCents)));
  return *cents;
}

std::vector<std::string> describePolicy(const FeePolicy& policy) {
  std::vector<std::string> out;
  if (!policy.policy_text.empty()) out.push_back(policy.policy_text);
  for (const auto& plan : policy.plans) {
    std::string line = "The " + plan.name + " plan costs " + formatMoney(plan.premium_cents) +
                       " a school year. Within a school year, ";
    for (std::size_t i = 0; i < plan.incidents.size(); ++i) {
      const TierAmount& t = plan.incidents[i];
      const bool last = i + 1 == plan.incidents.size();
      line += (i == 0 ? "the " : "; the ") + ordinal(static_cast<int>(i) + 1) + (last && i > 0 ? " and later" : "") +
              " incident " + (t.full ? "is charged in full" : t.cents == 0 ? "is covered" : "costs " + formatMoney(t.cents));
    }
    out.push_back(line + ".");
  }
  auto rule = [](const UninsuredRule& r, const char* at_cost) {
    return r.at_cost ? std::string(at_cost) : "a flat " + formatMoney(r.cents);
  };
  out.push_back("Without a plan, damage is charged at " + rule(policy.uninsured_damage, "the repair cost") +
                " and a lost or stolen device at " + rule(policy.uninsured_lost, "its replacement cost") + ".");
  if (policy.cap_per_incident_cents)
    out.push_back("No incident is charged more than " + formatMoney(*policy.cap_per_incident_cents) + ".");
  if (policy.refund_when_recovered)
    out.push_back("A lost or stolen device that is found again is refunded.");
  if (policy.hold_at_cents)
    out.push_back("A balance of " + formatMoney(*policy.hold_at_cents) +
                  " or more puts new checkouts on hold until it is paid.");
  return out;
}

}  // namespace fk
