#pragma once

// Replacement planning and repair-vs-replace advice: pure arithmetic over values the store loads.
// docs/planning.md states the rules for planners; the tests in planning_test.cpp pin them.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalog.hpp"
#include "core/config.hpp"
#include "core/device.hpp"
#include "core/error.hpp"
#include "core/fiscal_year.hpp"

namespace fk {

enum class DueReason { aue, age, repair_cost, repair_count, overdue };
std::string_view toString(DueReason r);
std::span<const DueReason> allDueReasons();

// The reasons one device carries, in the order of allDueReasons().
class DueReasons {
 public:
  void add(DueReason r) { bits_ |= bit(r); }
  bool has(DueReason r) const { return (bits_ & bit(r)) != 0; }
  bool empty() const { return bits_ == 0; }
  std::vector<std::string> names() const;
  bool operator==(const DueReasons&) const = default;

 private:
  static std::uint8_t bit(DueReason r) { return static_cast<std::uint8_t>(1u << static_cast<unsigned>(r)); }
  std::uint8_t bits_ = 0;
};

// Where a device's replacement cost came from, best first.
enum class CostSource { model, replacement_model, purchase_price, unknown };
std::string_view toString(CostSource s);

// The planning config with the catalog lookups it needs already resolved.
struct PlanningRules {
  FiscalYearStart fiscal_year_start;
  std::map<DeviceKind, int> default_life_years;  // a kind left out has no age limit
  int aue_warning_days = 180;
  double repair_cost_share = 0.5;
  int work_orders_per_year = 3;
  // Unit cost of the catalog entry named by planning.replacement_model.<kind>, where that entry exists
  // and has a unit cost.
  std::map<DeviceKind, std::int64_t> replacement_unit_cost_cents;
};
PlanningRules planningRules(const Config& config, std::span<const CatalogModel> catalog);

// One device in service as the plan sees it: its own fields plus its model's catalog entry, joined.
struct PlanDevice {
  std::int64_t id = 0;
  std::string asset_tag;
  std::string serial;
  DeviceKind kind = DeviceKind::other;
  DeviceStatus status = DeviceStatus::deployed;
  std::string model;
  std::string location;
  std::string purchase_date;  // "" = unknown
  std::optional<std::int64_t> purchase_price_cents;
  std::string aue_date;                // the device's own; "" = none
  std::string replacement_date;        // planned by the district (e.g. Snipe-IT's EOL date); "" = none
  std::int64_t repair_cost_cents = 0;  // lifetime
  int work_orders_last_year = 0;       // opened on or after workOrderWindowStart(today), not cancelled
  std::optional<std::int64_t> model_unit_cost_cents;
  std::optional<int> model_life_years;
  std::string model_aue_date;  // "" = none (or model not in the catalog)
};

bool isInService(DeviceStatus status);  // not retired, disposed, lost or stolen

// "The last 12 months" of work orders: those opened on or after this day.
std::chrono::year_month_day workOrderWindowStart(std::chrono::year_month_day today);

// Replacement cost: the model's unit cost, else the kind's replacement model's, else the purchase price.
struct ReplacementCost {
  std::optional<std::int64_t> cents;
  CostSource source = CostSource::unknown;
};
ReplacementCost replacementCost(const PlanDevice& device, const PlanningRules& rules);

// True when `repair_cents` is at least `share` of `replacement_cents` (exact: no float money).
bool reachesShare(std::int64_t repair_cents, std::int64_t replacement_cents, double share);

// What the rules say about one device on `today`.
struct Assessment {
  std::optional<std::chrono::year_month_day> aue;          // own, else the catalog's
  std::optional<std::chrono::year_month_day> end_of_life;  // planned replacement, else purchase + life
  std::optional<std::chrono::year_month_day> due_date;     // unset: not due (yet or ever)
  int fiscal_year = 0;                                     // the FY it is due in; set with due_date
  DueReasons reasons;
  bool unplannable = false;  // in service, no date to plan by and no repair reason
  ReplacementCost cost;
};
Assessment assess(const PlanDevice& device, const PlanningRules& rules, std::chrono::year_month_day today);

// Budget priority: true when `a` should be funded before `b` (past AUE, AUE soonest, oldest, highest
// repair cost, then lowest id so the order is total).
struct PriorityKey {
  std::optional<std::chrono::sys_days> aue;
  std::optional<std::chrono::sys_days> purchased;
  std::int64_t repair_cost_cents = 0;
  std::int64_t id = 0;
};
bool higherPriority(const PriorityKey& a, const PriorityKey& b, std::chrono::sys_days today);

struct PlanOptions {
  int years = 5;                              // fiscal years from the current one
  std::optional<std::int64_t> budget_cents;   // the same budget every year
  std::map<int, std::int64_t> budgets_cents;  // by fiscal year; a year left out is not limited
};
inline constexpr int kMaxPlanYears = 15;

// "FY2027:150000,FY2028:90000" → {2027: 15000000, 2028: 9000000}. Errors name the field "budgets".
Result<std::map<int, std::int64_t>> parseBudgets(std::string_view text);

struct PlanEntry {
  std::size_t device = 0;  // index into the devices given to buildPlan
  std::chrono::year_month_day due_date;
  int due_fiscal_year = 0;  // where the rules put it
  int fiscal_year = 0;      // where the plan funds it (later when a budget deferred it)
  DueReasons reasons;
  ReplacementCost cost;
  PriorityKey priority;
};

struct PlanBucket {
  std::int64_t count = 0;
  std::int64_t cost_cents = 0;    // known costs only
  std::int64_t unknown_cost = 0;  // devices among `count` with no cost
  void add(const ReplacementCost& c);
};

struct FiscalYearPlan {
  int fiscal_year = 0;
  std::chrono::year_month_day begins, ends;
  std::optional<std::int64_t> budget_cents;
  PlanBucket total;
  std::map<std::string, PlanBucket> by_model;     // "" = no model
  std::map<std::string, PlanBucket> by_location;  // "" = no location
  std::map<std::string, PlanBucket> by_reason;    // a device counts once under each reason it carries
  std::vector<PlanEntry> devices;                 // funded this year, highest priority first
  std::vector<PlanEntry> deferred;                // over this year's budget: moved to the next year
  PlanBucket deferred_total;
};

struct Plan {
  std::chrono::year_month_day today;
  int current_fiscal_year = 0;
  bool budgeted = false;
  std::vector<FiscalYearPlan> years;
  PlanBucket total;  // every device funded within the horizon
  std::int64_t in_service = 0;
  std::int64_t unplannable = 0;     // missing purchase date / AUE (and no repair reason)
  std::int64_t beyond_horizon = 0;  // due after the last fiscal year shown
  std::int64_t unknown_cost = 0;    // planned devices (horizon and backlog) with no cost
  std::vector<PlanEntry> backlog;   // deferred out of the last year: still unfunded
  PlanBucket backlog_total;
};

// `options` must be valid (years 1..kMaxPlanYears, budgets >= 0); the API checks it first.
Plan buildPlan(std::span<const PlanDevice> devices, const PlanningRules& rules,
               std::chrono::year_month_day today, const PlanOptions& options);

// What an unbudgeted plan's years hold in `total` (buildPlan with PlanOptions{.years = years}), tallied
// one device at a time without keeping any: the metrics need only these figures, and a plan of a
// million devices held several hundred megabytes to give them.
class DueTotals {
 public:
  DueTotals(PlanningRules rules, std::chrono::year_month_day today, int years);
  void add(const PlanDevice& device);
  int firstFiscalYear() const { return first_; }
  const std::vector<PlanBucket>& years() const { return years_; }  // from firstFiscalYear(), in order

 private:
  PlanningRules rules_;
  std::chrono::year_month_day today_;
  int first_;
  std::vector<PlanBucket> years_;
};

// Repair-vs-replace for one work order. `order_cost_cents` is the order's actual cost when it has one,
// else its estimate; `earlier_repair_cents` the device's repair cost before this order.
struct RepairAdvice {
  bool replace = false;
  std::vector<std::string> reasons;  // replace: repair_cost, aue, due; repair: below_share or cost_unknown
  std::string message;
  std::int64_t repair_cost_cents = 0;  // this order plus earlier ones
  ReplacementCost replacement;
};
// {"advice": "repair"|"replace", "reasons": [...], "summary" (the message), "repair_cost", "replacement_cost"}.
nlohmann::json repairAdviceJson(const RepairAdvice& advice);
RepairAdvice adviseRepair(const PlanDevice& device, const PlanningRules& rules,
                          std::chrono::year_month_day today, std::int64_t order_cost_cents,
                          std::int64_t earlier_repair_cents);

}  // namespace fk
