#include "sources/write_back_metrics.hpp"

namespace fk {

namespace {
constexpr api::WriteBackAction kActions[] = {api::WriteBackAction::set_asset_id, api::WriteBackAction::set_location,
                                             api::WriteBackAction::set_user,     api::WriteBackAction::disable,
                                             api::WriteBackAction::reenable,     api::WriteBackAction::move_org_unit};
}  // namespace

WriteBackMetrics::WriteBackMetrics(prometheus::Registry& registry)
    : pending_(prometheus::BuildGauge()
                   .Name("fleetkeep_writeback_pending")
                   .Help("Changes the source's records need that are not sent yet (held disables included)")
                   .Register(registry)),
      applied_(prometheus::BuildCounter()
                   .Name("fleetkeep_writeback_applied_total")
                   .Help("Write-back changes the source accepted, by action")
                   .Register(registry)),
      errors_(prometheus::BuildCounter()
                  .Name("fleetkeep_writeback_errors_total")
                  .Help("Write-back changes the source refused or that could not be sent")
                  .Register(registry)),
      held_(prometheus::BuildGauge()
                .Name("fleetkeep_writeback_disables_held")
                .Help("Disables planned but held back because they exceed max_disables_per_poll")
                .Register(registry)),
      stopped_(prometheus::BuildGauge()
                   .Name("fleetkeep_writeback_stopped")
                   .Help("1 while write-back is stopped after the source refused it (scope, grant, rate)")
                   .Register(registry)) {}

WriteBackMetrics::Series& WriteBackMetrics::series(const std::string& source) {
  auto [it, fresh] = by_source_.try_emplace(source);
  if (fresh) {
    Series& s = it->second;
    s.pending = &pending_.Add({{"source", source}});
    s.held = &held_.Add({{"source", source}});
    s.stopped = &stopped_.Add({{"source", source}});
    s.errors = &errors_.Add({{"source", source}});
    // Every action from the start, so rate() and increase() see the first change.
    for (auto a : kActions) s.applied[a] = &applied_.Add({{"source", source}, {"action", std::string(api::toString(a))}});
  }
  return it->second;
}

void WriteBackMetrics::add(const std::string& source) {
  std::lock_guard lock(mutex_);
  series(source);
}

void WriteBackMetrics::remove(const std::string& source) {
  std::lock_guard lock(mutex_);
  auto it = by_source_.find(source);
  if (it == by_source_.end()) return;
  Series& s = it->second;
  pending_.Remove(s.pending);
  held_.Remove(s.held);
  stopped_.Remove(s.stopped);
  errors_.Remove(s.errors);
  for (auto& [a, c] : s.applied) applied_.Remove(c);
  by_source_.erase(it);
}

void WriteBackMetrics::planned(const std::string& source, std::size_t pending, std::size_t disables_held) {
  std::lock_guard lock(mutex_);
  Series& s = series(source);
  s.pending->Set(static_cast<double>(pending));
  s.held->Set(static_cast<double>(disables_held));
}

void WriteBackMetrics::applied(const std::string& source, api::WriteBackAction action, std::size_t n) {
  std::lock_guard lock(mutex_);
  series(source).applied.at(action)->Increment(static_cast<double>(n));
}

void WriteBackMetrics::failed(const std::string& source, std::size_t n) {
  std::lock_guard lock(mutex_);
  series(source).errors->Increment(static_cast<double>(n));
}

void WriteBackMetrics::stopped(const std::string& source, bool stopped) {
  std::lock_guard lock(mutex_);
  series(source).stopped->Set(stopped ? 1 : 0);
}

}  // namespace fk
