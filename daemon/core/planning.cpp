#include "core/planning.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <unordered_map>

#include "core/values.hpp"

namespace fk {

// Named, not `using namespace std::chrono`: a unity build pastes the next file after this one, and a
// using-directive would carry all of std::chrono into it.
using std::chrono::year_month_day, std::chrono::sys_days;

namespace {

constexpr std::array<DueReason, 5> kDueReasons = {DueReason::aue, DueReason::age, DueReason::repair_cost,
                                                  DueReason::repair_count, DueReason::overdue};

// Shares are config doubles (0.5); money is integer cents. Comparing in parts per million keeps the
// test exact for every share a person would type (0.5, 0.45, 0.333).
constexpr std::int64_t kShareScale = 1'000'000;

std::int64_t shareScaled(double share) {
  return static_cast<std::int64_t>(std::llround(share * kShareScale));
}

std::optional<year_month_day> dateOf(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return parseDate(text);
}

std::optional<sys_days> daysOf(const std::optional<year_month_day>& ymd) {
  if (!ymd) return std::nullopt;
  return sys_days{*ymd};
}

std::string percent(double share) {
  std::array<char, 32> buf{};
  std::snprintf(buf.data(), buf.size(), "%g%%", share * 100.0);
  return buf.data();
}

}  // namespace

std::string_view toString(DueReason r) {
  switch (r) {
    case DueReason::aue: return "aue";
    case DueReason::age: return "age";
    case DueReason::repair_cost: return "repair_cost";
    case DueReason::repair_count: return "repair_count";
    case DueReason::overdue: return "overdue";
  }
  return "?";
}

std::span<const DueReason> allDueReasons() {
  return kDueReasons;
}

std::vector<std::string> DueReasons::names() const {
  std::vector<std::string> out;
  for (auto r : kDueReasons)
    if (has(r)) out.emplace_back(toString(r));
  return out;
}

std::string_view toString(CostSource s) {
  switch (s) {
    case CostSource::model: return "model";
    case CostSource::replacement_model: return "replacement_model";
    case CostSource::purchase_price: return "purchase_price";
    case CostSource::unknown: return "unknown";
  }
  return "?";
}

PlanningRules planningRules(const Config& config, std::span<const CatalogModel> catalog) {
  PlanningRules r;
  r.fiscal_year_start = {config.fiscal_year_start_month, config.fiscal_year_start_day};
  for (const auto& [kind, years] : config.planning.default_life_years)
    if (auto k = parseKind(kind)) r.default_life_years[*k] = years;
  r.aue_warning_days = config.planning.aue_warning_days;
  r.repair_cost_share = config.planning.repair_cost_share;
  r.work_orders_per_year = config.planning.work_orders_per_year;
  for (const auto& [kind, model] : config.planning.replacement_model) {
    auto k = parseKind(kind);
    auto it =
        std::find_if(catalog.begin(), catalog.end(), [&](const CatalogModel& m) { return m.model == model; });
    if (k && it != catalog.end() && it->unit_cost_cents)
      r.replacement_unit_cost_cents[*k] = *it->unit_cost_cents;
  }
  return r;
}

bool isInService(DeviceStatus status) {
  return status != DeviceStatus::retired && status != DeviceStatus::disposed &&
         status != DeviceStatus::lost && status != DeviceStatus::stolen;
}

year_month_day workOrderWindowStart(year_month_day today) {
  return addYears(today, -1);
}

ReplacementCost replacementCost(const PlanDevice& d, const PlanningRules& rules) {
  if (d.model_unit_cost_cents) return {d.model_unit_cost_cents, CostSource::model};
  if (auto it = rules.replacement_unit_cost_cents.find(d.kind); it != rules.replacement_unit_cost_cents.end())
    return {it->second, CostSource::replacement_model};
  if (d.purchase_price_cents) return {d.purchase_price_cents, CostSource::purchase_price};
  return {};
}

bool reachesShare(std::int64_t repair_cents, std::int64_t replacement_cents, double share) {
  // 128-bit products: cents times a million overflows 64 bits past about 92 billion currency units.
  return static_cast<__int128>(repair_cents) * kShareScale >=
         static_cast<__int128>(shareScaled(share)) * replacement_cents;
}

Assessment assess(const PlanDevice& d, const PlanningRules& rules, year_month_day today) {
  Assessment a;
  a.cost = replacementCost(d, rules);
  if (!isInService(d.status)) return a;

  a.aue = dateOf(d.aue_date);
  if (!a.aue) a.aue = dateOf(d.model_aue_date);
  std::optional<int> life = d.model_life_years;
  if (!life || *life <= 0) {
    auto it = rules.default_life_years.find(d.kind);
    life = it == rules.default_life_years.end() ? std::nullopt : std::optional<int>(it->second);
  }
  // A replacement date the district planned itself is its end of life, whatever the age rule says.
  if (auto planned = dateOf(d.replacement_date)) {
    a.end_of_life = planned;
  } else if (auto purchased = dateOf(d.purchase_date); purchased && life) {
    a.end_of_life = addYears(*purchased, *life);
  }

  const bool repair_cost = d.repair_cost_cents > 0 && a.cost.cents &&
                           reachesShare(d.repair_cost_cents, *a.cost.cents, rules.repair_cost_share);
  const bool repair_count = d.work_orders_last_year >= rules.work_orders_per_year;

  std::optional<year_month_day> by_date = a.aue;
  if (a.end_of_life && (!by_date || *a.end_of_life < *by_date)) by_date = a.end_of_life;
  std::optional<year_month_day> due = by_date;
  if ((repair_cost || repair_count) && (!due || today < *due)) due = today;
  if (!due) {
    a.unplannable = true;
    return a;
  }

  const FiscalYearStart fys = rules.fiscal_year_start;
  const int current = fiscalYearOf(today, fys);
  a.due_date = due;
  a.fiscal_year = std::max(fiscalYearOf(*due, fys), current);
  // Every reason that holds by the end of the year it is due in, not just the one that came first.
  const year_month_day fy_end = fiscalYearEnd(a.fiscal_year, fys);
  if (a.aue && *a.aue <= fy_end) a.reasons.add(DueReason::aue);
  if (a.end_of_life && *a.end_of_life <= fy_end) a.reasons.add(DueReason::age);
  if (repair_cost) a.reasons.add(DueReason::repair_cost);
  if (repair_count) a.reasons.add(DueReason::repair_count);
  if (by_date && *by_date < fiscalYearBegin(current, fys)) a.reasons.add(DueReason::overdue);
  return a;
}

bool higherPriority(const PriorityKey& a, const PriorityKey& b, sys_days today) {
  const bool a_past = a.aue && *a.aue < today;
  const bool b_past = b.aue && *b.aue < today;
  if (a_past != b_past) return a_past;
  if (a.aue.has_value() != b.aue.has_value()) return a.aue.has_value();
  if (a.aue && *a.aue != *b.aue) return *a.aue < *b.aue;
  if (a.purchased.has_value() != b.purchased.has_value()) return a.purchased.has_value();
  if (a.purchased && *a.purchased != *b.purchased) return *a.purchased < *b.purchased;
  if (a.repair_cost_cents != b.repair_cost_cents) return a.repair_cost_cents > b.repair_cost_cents;
  return a.id < b.id;
}

Result<std::map<int, std::int64_t>> parseBudgets(std::string_view text) {
  auto refuse = [](std::string message) -> Result<std::map<int, std::int64_t>> {
    return std::unexpected(Error::invalid("budgets", std::move(message)));
  };
  if (text.empty()) return refuse("budgets is empty; give FY2027:150000,FY2028:90000");
  std::map<int, std::int64_t> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (comma != std::string_view::npos && text.empty()) return refuse("budgets ends with a comma");
    const auto colon = item.find(':');
    const std::string shown(item);
    if (colon == std::string_view::npos)
      return refuse("\"" + shown + "\" is not FISCALYEAR:AMOUNT (e.g. FY2027:150000)");
    auto fy = parseFiscalYearLabel(item.substr(0, colon));
    if (!fy) return refuse("\"" + std::string(item.substr(0, colon)) + "\" is not a fiscal year like FY2027");
    auto amount = parseMoney(item.substr(colon + 1));
    if (!amount)
      return refuse("\"" + std::string(item.substr(colon + 1)) + "\" is not an amount (e.g. 150000.00)");
    if (!out.emplace(*fy, *amount).second) return refuse(fiscalYearLabel(*fy) + " is given more than once");
  }
  return out;
}

void PlanBucket::add(const ReplacementCost& c) {
  ++count;
  if (c.cents)
    cost_cents += *c.cents;
  else
    ++unknown_cost;
}

namespace {

void addBucket(PlanBucket& into, const PlanBucket& from) {
  into.count += from.count;
  into.cost_cents += from.cost_cents;
  into.unknown_cost += from.unknown_cost;
}

// A year's splits while it is funded: hashed by views of the devices' own text, and put into the
// plan's ordered maps once at the end. A district has tens of thousands of locations, so a string-keyed
// ordered map per funded device was a tenth of planning a million devices.
struct SplitTally {
  std::unordered_map<std::string_view, PlanBucket> by_model, by_location;
  std::array<PlanBucket, kDueReasons.size()> by_reason{};  // by the enum's value

  void into(FiscalYearPlan& year) const {
    for (const auto& [model, bucket] : by_model) year.by_model.emplace(model, bucket);
    for (const auto& [location, bucket] : by_location) year.by_location.emplace(location, bucket);
    for (auto r : allDueReasons())
      if (const auto& b = by_reason[static_cast<std::size_t>(r)]; b.count)
        year.by_reason.emplace(toString(r), b);
  }
};

// Counts `entry` as funded by `year`; the caller puts it in year.devices.
void fund(FiscalYearPlan& year, SplitTally& splits, PlanEntry& entry, const PlanDevice& d) {
  entry.fiscal_year = year.fiscal_year;
  year.total.add(entry.cost);
  splits.by_model[d.model].add(entry.cost);
  splits.by_location[d.location].add(entry.cost);
  for (auto r : allDueReasons())
    if (entry.reasons.has(r)) splits.by_reason[static_cast<std::size_t>(r)].add(entry.cost);
}

}  // namespace

Plan buildPlan(std::span<const PlanDevice> devices, const PlanningRules& rules, year_month_day today,
               const PlanOptions& options) {
  const FiscalYearStart fys = rules.fiscal_year_start;
  const int years = std::clamp(options.years, 1, kMaxPlanYears);
  Plan plan;
  plan.today = today;
  plan.current_fiscal_year = fiscalYearOf(today, fys);
  plan.budgeted = options.budget_cents.has_value() || !options.budgets_cents.empty();
  const int last = plan.current_fiscal_year + years - 1;
  for (int fy = plan.current_fiscal_year; fy <= last; ++fy) {
    FiscalYearPlan& y = plan.years.emplace_back();
    y.fiscal_year = fy;
    y.begins = fiscalYearBegin(fy, fys);
    y.ends = fiscalYearEnd(fy, fys);
    auto it = options.budgets_cents.find(fy);
    y.budget_cents = it != options.budgets_cents.end() ? std::optional(it->second) : options.budget_cents;
  }

  std::vector<PlanEntry> all;
  all.reserve(devices.size());
  for (std::size_t i = 0; i < devices.size(); ++i) {
    const PlanDevice& d = devices[i];
    if (!isInService(d.status)) continue;
    ++plan.in_service;
    Assessment a = assess(d, rules, today);
    if (a.unplannable) ++plan.unplannable;
    if (!a.due_date) continue;
    if (a.fiscal_year > last) {
      ++plan.beyond_horizon;
      continue;
    }
    PlanEntry e;
    e.device = i;
    e.due_date = *a.due_date;
    e.due_fiscal_year = a.fiscal_year;
    e.fiscal_year = a.fiscal_year;
    e.reasons = a.reasons;
    e.cost = a.cost;
    e.priority = {daysOf(a.aue), daysOf(dateOf(d.purchase_date)), d.repair_cost_cents, d.id};
    all.push_back(std::move(e));
  }
  // Sized per year before filling: a 100k-device plan otherwise spends its time regrowing vectors.
  std::vector<std::size_t> per_year(static_cast<std::size_t>(years));
  for (const auto& e : all) ++per_year[static_cast<std::size_t>(e.fiscal_year - plan.current_fiscal_year)];
  std::vector<std::vector<PlanEntry>> due(static_cast<std::size_t>(years));
  for (std::size_t y = 0; y < due.size(); ++y) due[y].reserve(per_year[y]);
  for (auto& e : all)
    due[static_cast<std::size_t>(e.fiscal_year - plan.current_fiscal_year)].push_back(std::move(e));

  const sys_days today_days{today};
  auto by_priority = [today_days](const PlanEntry& a, const PlanEntry& b) {
    return higherPriority(a.priority, b.priority, today_days);
  };
  std::vector<PlanEntry> carried;
  for (std::size_t y = 0; y < plan.years.size(); ++y) {
    FiscalYearPlan& year = plan.years[y];
    std::vector<PlanEntry> candidates = std::move(due[y]);
    std::sort(candidates.begin(), candidates.end(), by_priority);
    // What last year could not fund is already in priority order (the tail of its sorted list), so it
    // is merged in rather than sorted again: under a tight budget it is nearly the whole fleet, every year.
    // The order is total (ties fall to the id), so merging gives exactly the order a full sort would.
    const auto due_count = static_cast<std::ptrdiff_t>(candidates.size());
    candidates.insert(candidates.end(), std::make_move_iterator(carried.begin()),
                      std::make_move_iterator(carried.end()));
    carried.clear();
    std::inplace_merge(candidates.begin(), candidates.begin() + due_count, candidates.end(), by_priority);
    // Funding follows priority strictly: once one device does not fit, it and everything after it wait,
    // so a cheap low-priority device never jumps ahead of an expensive urgent one.
    std::size_t cut = candidates.size();
    if (year.budget_cents) {
      std::int64_t spent = 0;
      for (std::size_t i = 0; i < candidates.size(); ++i) {
        const std::int64_t cost = candidates[i].cost.cents.value_or(0);
        if (spent + cost > *year.budget_cents) {
          cut = i;
          break;
        }
        spent += cost;
      }
    }
    SplitTally splits;
    for (std::size_t i = 0; i < cut; ++i) fund(year, splits, candidates[i], devices[candidates[i].device]);
    splits.into(year);
    year.deferred.reserve(candidates.size() - cut);
    carried.reserve(candidates.size() - cut);
    for (std::size_t i = cut; i < candidates.size(); ++i) {
      year.deferred_total.add(candidates[i].cost);
      year.deferred.push_back(candidates[i]);
      carried.push_back(std::move(candidates[i]));
    }
    // Without a cut (no budget, or enough of it) the candidates are the year's list as they stand: at a
    // million devices a copy is tens of megabytes to fault in. With one, the funded head is copied so
    // the year does not keep the deferred tail's room.
    if (cut == candidates.size())
      year.devices = std::move(candidates);
    else
      year.devices.assign(std::make_move_iterator(candidates.begin()),
                          std::make_move_iterator(candidates.begin() + static_cast<std::ptrdiff_t>(cut)));
    addBucket(plan.total, year.total);
  }
  for (auto& e : carried) {
    e.fiscal_year = 0;
    plan.backlog_total.add(e.cost);
  }
  plan.backlog = std::move(carried);
  plan.unknown_cost = plan.total.unknown_cost + plan.backlog_total.unknown_cost;
  return plan;
}

DueTotals::DueTotals(PlanningRules rules, year_month_day today, int years)
    : rules_(std::move(rules)),
      today_(today),
      first_(fiscalYearOf(today, rules_.fiscal_year_start)),
      years_(static_cast<std::size_t>(std::clamp(years, 1, kMaxPlanYears))) {}

void DueTotals::add(const PlanDevice& d) {
  // buildPlan's selection, without the budget (none) and the ordering (totals do not depend on it).
  if (!isInService(d.status)) return;
  const Assessment a = assess(d, rules_, today_);
  if (!a.due_date || a.fiscal_year - first_ >= static_cast<int>(years_.size())) return;
  years_[static_cast<std::size_t>(a.fiscal_year - first_)].add(a.cost);
}

nlohmann::json repairAdviceJson(const RepairAdvice& a) {
  return {{"advice", a.replace ? "replace" : "repair"},
          {"reasons", a.reasons},
          {"summary", a.message},
          {"repair_cost", formatMoney(a.repair_cost_cents)},
          {"replacement_cost",
           a.replacement.cents ? nlohmann::json(formatMoney(*a.replacement.cents)) : nlohmann::json()}};
}

RepairAdvice adviseRepair(const PlanDevice& d, const PlanningRules& rules, year_month_day today,
                          std::int64_t order_cost_cents, std::int64_t earlier_repair_cents) {
  RepairAdvice out;
  out.repair_cost_cents = order_cost_cents + earlier_repair_cents;
  out.replacement = replacementCost(d, rules);
  std::vector<std::string> why;

  const auto& cost = out.replacement.cents;
  if (cost && out.repair_cost_cents > 0 &&
      reachesShare(out.repair_cost_cents, *cost, rules.repair_cost_share)) {
    out.reasons.emplace_back("repair_cost");
    why.push_back("repair cost " + formatMoney(out.repair_cost_cents) + " (this order " +
                  formatMoney(order_cost_cents) + ", earlier " + formatMoney(earlier_repair_cents) +
                  ") reaches " + percent(rules.repair_cost_share) + " of the replacement cost " +
                  formatMoney(*cost));
  }
  const Assessment a = assess(d, rules, today);
  if (a.aue) {
    const auto left = (sys_days{*a.aue} - sys_days{today}).count();
    if (left < 0) {
      out.reasons.emplace_back("aue");
      why.push_back("auto-update expiration " + formatDate(*a.aue) + " has passed");
    } else if (left <= rules.aue_warning_days) {
      out.reasons.emplace_back("aue");
      why.push_back("auto-update expiration " + formatDate(*a.aue) + " is within " +
                    std::to_string(rules.aue_warning_days) + " days");
    }
  }
  const int current = fiscalYearOf(today, rules.fiscal_year_start);
  if (a.due_date && a.fiscal_year == current) {
    out.reasons.emplace_back("due");
    std::string listed;
    for (const auto& r : a.reasons.names()) listed += (listed.empty() ? "" : ", ") + r;
    why.push_back("already due for replacement in " + fiscalYearLabel(current) + " (" + listed + ")");
  }

  out.replace = !out.reasons.empty();
  if (out.replace) {
    out.message = "replace: ";
    for (std::size_t i = 0; i < why.size(); ++i) out.message += (i ? "; " : "") + why[i];
  } else if (!cost) {
    out.reasons.emplace_back("cost_unknown");
    out.message = "repair: no replacement cost is known (no catalog unit cost or purchase price)";
  } else {
    out.reasons.emplace_back("below_share");
    out.message = "repair: repair cost " + formatMoney(out.repair_cost_cents) + " is below " +
                  percent(rules.repair_cost_share) + " of the replacement cost " + formatMoney(*cost);
  }
  return out;
}

}  // namespace fk
