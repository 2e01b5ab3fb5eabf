#include "metrics/planning_metrics.hpp"

#include <spdlog/spdlog.h>

#include "core/fiscal_year.hpp"
#include "store/planning_store.hpp"
#include "core/time_zone.hpp"
#include "core/values.hpp"

namespace fk {

namespace {

constexpr auto kMaxAge = std::chrono::hours(1);
// A plan over a million devices takes seconds; after a write storm the refresher waits this many
// times the last run before the next, so the plan never eats more than a tenth of a core.
constexpr int kBackoffFactor = 10;

}  // namespace

PlanningMetrics::PlanningMetrics(prometheus::Registry& registry, Database& db,
                                 std::function<std::shared_ptr<const Config>()> config,
                                 std::function<std::chrono::system_clock::time_point()> clock)
    : db_(db),
      config_(std::move(config)),
      clock_(std::move(clock)),
      devices_(
          prometheus::BuildGauge()
              .Name("fleetkeep_replacement_due_devices")
              .Help("Devices due for replacement by fiscal year (current and next four; unbudgeted plan).")
              .Register(registry)),
      cost_(
          prometheus::BuildGauge()
              .Name("fleetkeep_replacement_due_cost")
              .Help(
                  "Replacement cost in currency units of the devices due, by fiscal year (known costs only).")
              .Register(registry)) {}

void PlanningMetrics::refresh(bool force) {
  std::lock_guard lock(mutex_);
  const auto now = clock_();
  const auto config = config_();
  const std::uint64_t generation = db_.generation();
  const std::chrono::sys_days today_days{*parseDate(districtZone().local(now).date)};
  const bool stale = generation != seen_generation_ || today_days != seen_day_ || config != seen_config_ ||
                     now - last_run_ >= kMaxAge;
  if (!force && !stale) return;
  if (!force && now - last_run_ < kBackoffFactor * last_took_) return;

  const std::chrono::year_month_day today{today_days};
  auto totals = computeDueTotals(db_, *config, today, kYears);
  if (!totals) {
    spdlog::warn("replacement plan metrics: refresh failed, keeping previous values: {}",
                 totals.error().message);
    return;
  }
  std::set<std::string> labels;
  for (std::size_t i = 0; i < totals->years().size(); ++i) {
    const PlanBucket& year = totals->years()[i];
    const std::string label = fiscalYearLabel(totals->firstFiscalYear() + static_cast<int>(i));
    labels.insert(label);
    devices_.Add({{"fiscal_year", label}}).Set(static_cast<double>(year.count));
    // Cents to currency units only here, at the edge: the sum itself stayed in integer cents.
    cost_.Add({{"fiscal_year", label}}).Set(static_cast<double>(year.cost_cents) / 100.0);
  }
  for (const auto& old : labels_) {
    if (labels.contains(old)) continue;
    devices_.Remove(&devices_.Add({{"fiscal_year", old}}));
    cost_.Remove(&cost_.Add({{"fiscal_year", old}}));
  }
  labels_ = std::move(labels);
  seen_generation_ = generation;
  seen_day_ = today_days;
  seen_config_ = config;
  last_run_ = now;
  last_took_ = clock_() - now;  // the injected clock, so a test's frozen time means no back-off
}

}  // namespace fk
