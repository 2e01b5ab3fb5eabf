#pragma once

#include <memory>
#include <string>

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace fk {

// fleetkeep_http_requests_total{route,code} and fleetkeep_http_request_duration_seconds{route}.
// `route` is the matched template (or "unmatched"), never the raw path, so cardinality stays bounded.
class HttpMetrics {
 public:
  explicit HttpMetrics(prometheus::Registry& registry);
  void observe(const std::string& route, int code, double seconds);
  // fleetkeep_http_requests_in_progress: requests whose handler is queued for or running on the worker
  // pool, so a saturated pool shows (and a test can wait for it).
  void handlerStarted();
  void handlerFinished();

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Gauge* in_progress_;
  prometheus::Family<prometheus::Histogram>& duration_;
};

}  // namespace fk
