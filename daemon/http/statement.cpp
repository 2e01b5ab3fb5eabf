#include "http/statement.hpp"

#include <mstch/mstch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/values.hpp"
#include "notify/templates.hpp"

namespace fk {
namespace {

constexpr const char* kTemplateFile = "statement.html.mustache";

// Names, notes and references come from people: escaped here, since mstch's own escaping is off
// process-wide (notify/templates.hpp).
void escapeStrings(mstch::node& node) {
  if (auto* text = boost::get<std::string>(&node)) {
    *text = htmlEscape(*text);
  } else if (auto* map = boost::get<mstch::map>(&node)) {
    for (auto& entry : *map) escapeStrings(entry.second);
  } else if (auto* array = boost::get<mstch::array>(&node)) {
    for (auto& item : *array) escapeStrings(item);
  }
}

// mstch has no 64-bit integer and prints doubles badly, so every figure goes in as text.
mstch::map entryNode(const LedgerEntry& e, std::int64_t balance_after) {
  const bool credit = e.kind != LedgerKind::charge;
  std::string what = e.reason;
  if (e.kind == LedgerKind::charge && e.reason == "premium") what = "Plan premium";
  else if (e.kind == LedgerKind::charge && e.reason == "damage") what = "Damage";
  else if (e.kind == LedgerKind::charge && e.reason == "lost") what = "Lost device";
  else if (e.kind == LedgerKind::charge && e.reason == "stolen") what = "Stolen device";
  else if (e.kind == LedgerKind::payment) what = "Payment";
  else if (e.kind == LedgerKind::waiver) what = "Waived";
  else if (e.kind == LedgerKind::refund) what = "Refund: device found";
  std::string detail = e.basis;
  for (const std::string& part : {e.method, e.reference, e.note}) {
    if (part.empty()) continue;
    detail += (detail.empty() ? "" : "; ") + part;
  }
  return mstch::map{{"date", e.at.substr(0, 10)},
                    {"kind", std::string(toString(e.kind))},
                    {"what", what},
                    {"detail", detail},
                    {"device", e.device_name},
                    {"charge", credit ? std::string() : formatMoney(e.amount_cents)},
                    {"credit", credit ? formatMoney(e.amount_cents) : std::string()},
                    {"balance", formatMoney(balance_after)}};
}

mstch::map personNode(const PersonLedger& p, const FeePolicy* policy) {
  mstch::array entries;
  std::int64_t running = 0;
  for (const auto& e : p.entries) {
    running += signedCents(e.kind, e.amount_cents);
    entries.push_back(entryNode(e, running));
  }
  mstch::array plans;
  for (const auto& plan : p.plans)
    plans.push_back(mstch::map{{"plan", plan.plan}, {"school_year", std::to_string(plan.school_year)}});
  return mstch::map{{"name", p.person.name},
                    {"external_id", p.person.external_id},
                    {"grade", p.person.grade},
                    {"location", p.person.location},
                    {"entries", entries},
                    {"has_entries", !p.entries.empty()},
                    {"plans", plans},
                    {"charged", formatMoney(p.summary.charged_cents)},
                    {"credited", formatMoney(p.summary.credited_cents)},
                    {"balance", formatMoney(p.summary.balance_cents)},
                    {"on_hold", policy != nullptr && onHold(*policy, p.summary.balance_cents)}};
}

Result<std::string> templateText(const FeePolicy* policy) {
  if (!policy || policy->templates_dir.empty()) return builtinStatementTemplate();
  const auto path = std::filesystem::path(policy->templates_dir) / kTemplateFile;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return builtinStatementTemplate();
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::unexpected(Error::internal("cannot read statement template " + path.string()));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

const std::string& builtinStatementTemplate() {
  static const std::string kTemplate = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Device fee statement {{date}}</title>
<style>
body { font-family: sans-serif; margin: 2em; color: #111; }
h1 { font-size: 1.4em; margin-bottom: 0; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1.5em; }
th, td { border-bottom: 1px solid #ccc; padding: 4px 6px; text-align: left; vertical-align: top; }
td.money, th.money { text-align: right; white-space: nowrap; }
td.date, td.device { white-space: nowrap; }
.total { font-weight: bold; }
.hold { color: #a00; font-weight: bold; }
.policy { font-size: 0.9em; color: #333; }
@media print { body { margin: 0.5in; } }
</style>
</head>
<body>
<h1>Device fee statement</h1>
<p>Statement date: {{date}}{{#household}} &middot; Household {{household_name}}{{/household}}</p>
{{#people}}
<section class="person">
<h2>{{name}} ({{external_id}}){{#grade}}, grade {{grade}}{{/grade}}{{#location}}, {{location}}{{/location}}</h2>
{{#plans}}<p>Enrolled in the {{plan}} plan for school year {{school_year}}.</p>{{/plans}}
{{#has_entries}}
<table>
<thead><tr><th>Date</th><th>Item</th><th>Device</th><th>Details</th><th class="money">Charge</th><th class="money">Credit</th><th class="money">Balance</th></tr></thead>
<tbody>
{{#entries}}<tr class="{{kind}}"><td class="date">{{date}}</td><td>{{what}}</td><td class="device">{{device}}</td><td>{{detail}}</td><td class="money">{{charge}}</td><td class="money">{{credit}}</td><td class="money">{{balance}}</td></tr>
{{/entries}}
</tbody>
</table>
{{/has_entries}}
{{^has_entries}}<p>No charges or payments.</p>{{/has_entries}}
<p class="total">Charges {{charged}} &middot; Payments and credits {{credited}} &middot; Balance due <span class="balance">{{balance}}</span></p>
{{#on_hold}}<p class="hold">New device checkouts are on hold until the balance is paid.</p>{{/on_hold}}
</section>
{{/people}}
{{#household}}<p class="total">Household balance due: <span class="household-balance">{{total}}</span></p>{{/household}}
{{#has_policy}}
<section class="policy">
<h2>Our device fee policy</h2>
{{#policy}}<p>{{.}}</p>
{{/policy}}
</section>
{{/has_policy}}
</body>
</html>
)html";
  return kTemplate;
}

Result<std::string> renderStatement(const StatementInput& input) {
  auto text = templateText(input.policy);
  if (!text) return std::unexpected(text.error());
  mstch::array people;
  std::int64_t total = 0;
  for (const auto& p : input.people) {
    people.push_back(personNode(p, input.policy));
    total += p.summary.balance_cents;
  }
  mstch::array policy;
  if (input.policy) {
    for (auto& line : describePolicy(*input.policy)) policy.push_back(line);
  }
  const std::string household_name =
      input.household && !input.people.empty() ? input.people.front().person.household : std::string();
  mstch::map context{{"date", input.today},
                     {"people", people},
                     {"household", input.household && !household_name.empty()},
                     {"household_name", household_name},
                     {"total", formatMoney(total)},
                     {"policy", policy},
                     {"has_policy", !policy.empty()}};
  mstch::node root = std::move(context);
  escapeStrings(root);
  useIdentityEscape();
  return mstch::render(*text, root);
}

}  // namespace fk
