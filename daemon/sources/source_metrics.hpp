#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "api/source.hpp"

namespace fk {

std::string_view toString(api::FailureReason reason);

// The per-source series of interfaces.md. The wrapper around every source feeds them, so no plugin
// publishes metrics of its own. A source removed by a reload loses its series.
class SourceMetrics {
 public:
  explicit SourceMetrics(prometheus::Registry& registry);

  void add(const std::string& source);
  void remove(const std::string& source);
  void succeeded(const std::string& source, double duration_seconds, double end_unix_seconds,
                 std::size_t listed);
  void failed(const std::string& source, double duration_seconds, api::FailureReason reason);
  // At start: the gauges as the source's last recorded poll left them (nullopt: never polled/succeeded).
  void restored(const std::string& source, std::optional<bool> up, std::optional<double> last_success_unix,
                std::size_t listed);

 private:
  struct Series {
    prometheus::Gauge* up = nullptr;
    prometheus::Gauge* last_success = nullptr;
    prometheus::Histogram* duration = nullptr;
    prometheus::Gauge* observed = nullptr;
    std::map<api::FailureReason, prometheus::Counter*> errors;
  };
  Series& series(const std::string& source);  // mutex_ held

  std::mutex mutex_;
  prometheus::Family<prometheus::Gauge>& up_;
  prometheus::Family<prometheus::Gauge>& last_success_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Gauge>& observed_;
  std::map<std::string, Series> by_source_;
};

}  // namespace fk
