// Fee routes: a person's ledger, payments, waivers, plan enrolment, statements, and the balances report.
#include <array>
#include <chrono>

#include "core/circulation.hpp"
#include "core/csv.hpp"
#include "core/values.hpp"
#include "http/api_helpers.hpp"
#include "http/api_routes.hpp"
#include "http/circulation_json.hpp"
#include "http/json_values.hpp"
#include "http/statement.hpp"
#include "store/fee_store.hpp"

namespace fk {

using nlohmann::json;

namespace {

json optionalNumber(const auto& v) {
  return v ? json(*v) : json(nullptr);
}

json entryToJson(const LedgerEntry& e, std::int64_t balance_after) {
  return {{"id", e.id},
          {"kind", toString(e.kind)},
          {"amount", formatMoney(e.amount_cents)},
          {"reason", e.reason},
          {"basis", textOrNull(e.basis)},
          {"method", textOrNull(e.method)},
          {"reference", textOrNull(e.reference)},
          {"note", textOrNull(e.note)},
          {"school_year", optionalNumber(e.school_year)},
          {"incident", optionalNumber(e.incident)},
          {"plan", textOrNull(e.plan)},
          {"work_order_id", optionalNumber(e.work_order_id)},
          {"checkout_id", optionalNumber(e.checkout_id)},
          {"device", textOrNull(e.device_name)},
          {"actor", e.actor},
          {"at", e.at},
          {"balance_after", formatMoney(balance_after)}};
}

json ledgerToJson(const PersonLedger& l, const FeePolicy* policy) {
  json entries = json::array();
  std::int64_t running = 0;
  for (const auto& e : l.entries) {
    running += signedCents(e.kind, e.amount_cents);
    entries.push_back(entryToJson(e, running));
  }
  json plans = json::array();
  for (const auto& p : l.plans)
    plans.push_back({{"plan", p.plan}, {"school_year", p.school_year}, {"premium", formatMoney(p.premium_cents)}, {"at", p.at}});
  return {{"person", personToJson(l.person)},
          {"balance", formatMoney(l.summary.balance_cents)},
          {"charged", formatMoney(l.summary.charged_cents)},
          {"credited", formatMoney(l.summary.credited_cents)},
          {"oldest_charge", textOrNull(l.summary.oldest_unpaid_charge)},
          {"on_hold", policy != nullptr && onHold(*policy, l.summary.balance_cents)},
          {"hold_at", policy && policy->hold_at_cents ? json(formatMoney(*policy->hold_at_cents)) : json(nullptr)},
          {"plans", std::move(plans)},
          {"entries", std::move(entries)}};
}

Response getLedger(ApiContext& ctx, Request& req) {
  const auto config = ctx.config();
  auto ledger = FeeStore(ctx.db, feesOf(config)).ledger(req.params.at("external_id"));
  if (!ledger) return errorResponse(ledger.error());
  // The cache is the trigger's; a difference would be a bug, never a figure to show.
  if (ledger->cached_balance_cents != ledger->summary.balance_cents)
    return errorResponse(Error::internal("cached balance disagrees with the ledger"));
  return jsonResponse(200, ledgerToJson(*ledger, feesOf(config)));
}

Result<NewCredit> creditFrom(const std::string& text, LedgerKind kind) {
  auto body = parseJsonObject(text);
  if (!body) return std::unexpected(body.error());
  NewCredit c;
  c.kind = kind;
  bool has_amount = false;
  for (const auto& [name, v] : body->items()) {
    if (name == "amount") {
      if (!v.is_string())
        return std::unexpected(Error::invalid(name, "amount must be a string like \"25.00\" (money is never a float)"));
      auto cents = checkFeeAmount(v.get<std::string>(), "amount");
      if (!cents) return std::unexpected(cents.error());
      c.amount_cents = *cents;
      has_amount = true;
    } else if (name == "method" || name == "reference" || name == "note") {
      if (v.is_null()) continue;
      if (!v.is_string()) return std::unexpected(Error::invalid(name, name + " must be a string"));
      (name == "method" ? c.method : name == "reference" ? c.reference : c.note) = v.get<std::string>();
    } else {
      return std::unexpected(Error::invalid(name, "unknown field \"" + name + "\""));
    }
  }
  if (!has_amount) return std::unexpected(Error::invalid("amount", "amount is required, e.g. \"25.00\""));
  return c;
}

Response addCredit(ApiContext& ctx, Request& req, LedgerKind kind) {
  auto credit = creditFrom(req.body, kind);
  if (!credit) return errorResponse(credit.error());
  const auto config = ctx.config();
  FeeStore store(ctx.db, feesOf(config));
  const std::string& who = req.params.at("external_id");
  auto entry = store.credit(who, *credit, req.actor());
  if (!entry) return errorResponse(entry.error());
  auto ledger = store.ledger(who);
  if (!ledger) return errorResponse(ledger.error());
  json out = ledgerToJson(*ledger, feesOf(config));
  out["entry"] = entryToJson(*entry, ledger->summary.balance_cents);
  return jsonResponse(201, out);
}

Response addPayment(ApiContext& ctx, Request& req) {
  return addCredit(ctx, req, LedgerKind::payment);
}

Response addWaiver(ApiContext& ctx, Request& req) {
  return addCredit(ctx, req, LedgerKind::waiver);
}

int currentSchoolYear(const FeePolicy& policy) {
  return schoolYearOf(*parseDate(localToday()), policy);
}

Response enrolPlan(ApiContext& ctx, Request& req) {
  auto body = parseJsonObject(req.body);
  if (!body) return errorResponse(body.error());
  const auto config = ctx.config();
  const FeePolicy* policy = feesOf(config);
  std::string plan;
  std::optional<int> year;
  for (const auto& [name, v] : body->items()) {
    if (name == "plan") {
      if (!v.is_string()) return errorResponse(Error::invalid(name, "plan must be a string"));
      plan = v.get<std::string>();
    } else if (name == "school_year") {
      // "2027" as the contract writes it; a bare number is accepted too.
      std::optional<std::int64_t> n;
      if (v.is_string()) n = parseIntIn(v.get_ref<const std::string&>(), 2000, 2200);
      if (v.is_number_integer()) n = v.get<std::int64_t>();
      if (!n || *n < 2000 || *n > 2200)
        return errorResponse(Error::invalid(name, "school_year must be a year like \"2027\" (the year it ends in)"));
      year = static_cast<int>(*n);
    } else {
      return errorResponse(Error::invalid(name, "unknown field \"" + name + "\""));
    }
  }
  if (plan.empty()) return errorResponse(Error::invalid("plan", "plan is required"));
  if (!year && policy) year = currentSchoolYear(*policy);
  FeeStore store(ctx.db, policy);
  const std::string& who = req.params.at("external_id");
  auto entry = store.enrol(who, plan, year.value_or(0), req.actor());
  if (!entry) return errorResponse(entry.error());
  auto ledger = store.ledger(who);
  if (!ledger) return errorResponse(ledger.error());
  json out = ledgerToJson(*ledger, policy);
  out["entry"] = entryToJson(*entry, ledger->summary.balance_cents);
  return jsonResponse(201, out);
}

Response personStatement(ApiContext& ctx, Request& req) {
  static constexpr std::array<std::string_view, 1> kParams = {"household"};
  if (auto st = checkQueryParams(req, kParams); !st) return errorResponse(st.error());
  auto household = flagParam(req, "household");
  if (!household) return errorResponse(household.error());
  const auto config = ctx.config();
  FeeStore store(ctx.db, feesOf(config));
  StatementInput input;
  input.policy = feesOf(config);
  input.today = localToday();
  input.household = household->value_or(false);
  const std::string& who = req.params.at("external_id");
  if (input.household) {
    auto people = store.household(who);
    if (!people) return errorResponse(people.error());
    input.people = std::move(*people);
  } else {
    auto one = store.ledger(who);
    if (!one) return errorResponse(one.error());
    input.people.push_back(std::move(*one));
  }
  auto html = renderStatement(input);
  if (!html) return errorResponse(html.error());
  Response r;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(*html);
  return r;
}

Response balances(ApiContext& ctx, Request& req) {
  static constexpr std::array<std::string_view, 3> kParams = {"format", "location", "all"};
  if (auto st = checkQueryParams(req, kParams); !st) return errorResponse(st.error());
  const std::string format = filterValue(req, "format").value_or("json");
  if (format != "json" && format != "csv") return errorResponse(Error::invalid("format", "format must be json or csv"));
  auto all = flagParam(req, "all");
  if (!all) return errorResponse(all.error());
  BalanceFilter filter;
  filter.location = filterValue(req, "location");
  filter.owing_only = !all->value_or(false);
  const auto config = ctx.config();
  auto rows = FeeStore(ctx.db, feesOf(config)).balances(filter);
  if (!rows) return errorResponse(rows.error());
  if (format == "csv") {
    std::string body;
    appendCsvRow(body, {"external_id", "name", "household", "balance", "oldest_charge"});
    for (const auto& r : *rows)
      appendCsvRow(body, {r.external_id, r.name, r.household, formatMoney(r.balance_cents), r.oldest_charge});
    return csvResponse(std::move(body), "balances.csv");
  }
  json items = json::array();
  std::int64_t total = 0;
  for (const auto& r : *rows) {
    total += r.balance_cents;
    items.push_back({{"external_id", r.external_id},
                     {"name", r.name},
                     {"household", textOrNull(r.household)},
                     {"location", textOrNull(r.location)},
                     {"balance", formatMoney(r.balance_cents)},
                     {"oldest_charge", textOrNull(r.oldest_charge)},
                     {"on_hold", config->fees.has_value() && onHold(*config->fees, r.balance_cents)}});
  }
  return jsonResponse(200, {{"items", std::move(items)}, {"total", formatMoney(total)}});
}

}  // namespace

void registerFeeRoutes(Router& router, ApiContext& ctx) {
  auto bind = [&ctx](ApiHandler fn) { return bindHandler(ctx, fn); };
  constexpr RouteOptions kAdminWrite{.min_role = Role::admin, .body = RouteOptions::Body::json, .district_only = true};
  router.add("GET", "/api/v1/people/{external_id}/ledger", kDistrictReadRoute, bind(getLedger));
  router.add("POST", "/api/v1/people/{external_id}/payments", kDistrictWriteRoute, bind(addPayment));
  router.add("POST", "/api/v1/people/{external_id}/waivers", kAdminWrite, bind(addWaiver));
  router.add("POST", "/api/v1/people/{external_id}/plans", kDistrictWriteRoute, bind(enrolPlan));
  router.add("GET", "/api/v1/people/{external_id}/statement", kDistrictReadRoute, bind(personStatement));
  router.add("GET", "/api/v1/reports/balances", kDistrictReadRoute, bind(balances));
}

}  // namespace fk
