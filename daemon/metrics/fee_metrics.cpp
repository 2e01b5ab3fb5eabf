#include "metrics/fee_metrics.hpp"

#include <spdlog/spdlog.h>

#include "store/fee_store.hpp"

namespace fk {

namespace {

// The reasons a charge can have: a fixed list, so the label stays bounded.
constexpr const char* kReasons[] = {"damage", "lost", "stolen", "premium"};


}  // namespace

FeeMetrics::FeeMetrics(prometheus::Registry& registry, Database& db,
                       std::function<std::shared_ptr<const Config>()> config)
    : db_(db),
      config_(std::move(config)),
      outstanding_(prometheus::BuildGauge()
                       .Name("fleetkeep_fees_outstanding")
                       .Help("Fees owed: the sum of every positive balance, in currency units.")
                       .Register(registry)
                       .Add({})),
      charged_(prometheus::BuildCounter()
                   .Name("fleetkeep_fees_charged_total")
                   .Help("Fees charged, in currency units, by reason (damage, lost, stolen, premium).")
                   .Register(registry)),
      paid_(prometheus::BuildCounter()
                .Name("fleetkeep_fees_paid_total")
                .Help("Fee payments taken, in currency units.")
                .Register(registry)
                .Add({})),
      on_hold_(prometheus::BuildGauge()
                   .Name("fleetkeep_people_on_hold")
                   .Help("People whose balance is at or above fees.hold_at: new checkouts to them are refused.")
                   .Register(registry)
                   .Add({})) {
  for (const char* reason : kReasons) charged_.Add({{"reason", reason}});
}

void FeeMetrics::refresh(bool force) {
  std::lock_guard lock(mutex_);
  const auto config = config_ ? config_() : nullptr;
  const FeePolicy* policy = config && config->fees ? &*config->fees : nullptr;
  const std::optional<std::int64_t> hold_at = policy ? policy->hold_at_cents : std::nullopt;
  const std::uint64_t generation = db_.generation();
  if (!force && generation == seen_generation_ && hold_at == seen_hold_at_) return;
  auto totals = FeeStore(db_, policy).totals();
  if (!totals) {
    spdlog::warn("fee metrics refresh failed, keeping previous values: {}", totals.error().message);
    return;
  }
  outstanding_.Set(static_cast<double>(totals->outstanding_cents) / 100.0);
  on_hold_.Set(static_cast<double>(totals->people_on_hold));
  for (const char* reason : kReasons) {
    std::int64_t cents = 0;
    for (const auto& [r, c] : totals->charged_cents_by_reason) {
      if (r == reason) cents = c;
    }
    raiseCounter(charged_.Add({{"reason", reason}}), cents, charged_seen_cents_[reason], 100.0);
  }
  raiseCounter(paid_, totals->paid_cents, paid_seen_cents_, 100.0);
  seen_generation_ = generation;
  seen_hold_at_ = hold_at;
}

}  // namespace fk
