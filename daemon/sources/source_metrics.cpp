#include "sources/source_metrics.hpp"

namespace fk {

std::string_view toString(api::FailureReason reason) {
  using R = api::FailureReason;
  switch (reason) {
    case R::timeout: return "timeout";
    case R::network: return "network";
    case R::auth: return "auth";
    case R::forbidden: return "forbidden";
    case R::rate_limited: return "rate_limited";
    case R::server_error: return "server_error";
    case R::bad_response: return "bad_response";
    case R::io: return "io";
    case R::config: return "config";
    case R::cancelled: return "cancelled";
  }
  return "bad_response";
}

namespace {

// Every reason a poll can fail for: each source's error counters exist from its start, at 0, so
// rate() and absent() see a series before the first failure of that kind.
constexpr api::FailureReason kReasons[] = {
    api::FailureReason::timeout,      api::FailureReason::network,      api::FailureReason::auth,
    api::FailureReason::forbidden,    api::FailureReason::rate_limited, api::FailureReason::server_error,
    api::FailureReason::bad_response, api::FailureReason::io,           api::FailureReason::config,
    api::FailureReason::cancelled};

}  // namespace

SourceMetrics::SourceMetrics(prometheus::Registry& registry)
    : up_(prometheus::BuildGauge()
              .Name("fleetkeep_source_up")
              .Help("1 when the source's last poll succeeded, 0 when it failed")
              .Register(registry)),
      last_success_(prometheus::BuildGauge()
                        .Name("fleetkeep_source_last_success_timestamp_seconds")
                        .Help("Unix time the source's last successful poll ended")
                        .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("fleetkeep_source_poll_duration_seconds")
                    .Help("How long the source's polls took, reconciliation included")
                    .Register(registry)),
      errors_(prometheus::BuildCounter()
                  .Name("fleetkeep_source_poll_errors_total")
                  .Help("Failed polls by source and reason")
                  .Register(registry)),
      observed_(prometheus::BuildGauge()
                    .Name("fleetkeep_source_devices_observed")
                    .Help("Devices the source lists as of its last successful poll")
                    .Register(registry)) {}

SourceMetrics::Series& SourceMetrics::series(const std::string& source) {
  auto [it, fresh] = by_source_.try_emplace(source);
  if (fresh) {
    const std::map<std::string, std::string> labels{{"source", source}};
    it->second.up = &up_.Add(labels);
    it->second.last_success = &last_success_.Add(labels);
    // From a local file read (ms) to a 100k-device Google listing (minutes).
    it->second.duration = &duration_.Add(labels, prometheus::Histogram::BucketBoundaries{
                                                     0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600});
    it->second.observed = &observed_.Add(labels);
    for (api::FailureReason reason : kReasons) {
      it->second.errors[reason] = &errors_.Add({{"source", source}, {"reason", std::string(toString(reason))}});
    }
  }
  return it->second;
}

void SourceMetrics::add(const std::string& source) {
  std::lock_guard lock(mutex_);
  series(source);
}

void SourceMetrics::remove(const std::string& source) {
  std::lock_guard lock(mutex_);
  auto it = by_source_.find(source);
  if (it == by_source_.end()) return;
  up_.Remove(it->second.up);
  last_success_.Remove(it->second.last_success);
  duration_.Remove(it->second.duration);
  observed_.Remove(it->second.observed);
  for (auto& [reason, counter] : it->second.errors) errors_.Remove(counter);
  by_source_.erase(it);
}

void SourceMetrics::succeeded(const std::string& source, double duration_seconds, double end_unix_seconds,
                              std::size_t listed) {
  std::lock_guard lock(mutex_);
  Series& s = series(source);
  s.up->Set(1);
  s.last_success->Set(end_unix_seconds);
  s.duration->Observe(duration_seconds);
  s.observed->Set(static_cast<double>(listed));
}

void SourceMetrics::restored(const std::string& source, std::optional<bool> up,
                             std::optional<double> last_success_unix, std::size_t listed) {
  std::lock_guard lock(mutex_);
  Series& s = series(source);
  if (up) s.up->Set(*up ? 1 : 0);
  if (last_success_unix) {
    s.last_success->Set(*last_success_unix);
    s.observed->Set(static_cast<double>(listed));
  }
}

void SourceMetrics::failed(const std::string& source, double duration_seconds, api::FailureReason reason) {
  std::lock_guard lock(mutex_);
  Series& s = series(source);
  s.up->Set(0);
  s.duration->Observe(duration_seconds);
  s.errors.at(reason)->Increment();
}

}  // namespace fk
