#pragma once

#include <memory>
#include <string>

#include <prometheus/registry.h>

namespace fk {

// fleetkeep_http_requests_total{route,code} and fleetkeep_http_request_duration_seconds{route}.
// `route` is the matched template (or "unmatched"), never the raw path, so cardinality stays bounded.
class HttpMetrics {
 public:
  explicit HttpMetrics(prometheus::Registry& registry);
  void observe(const std::string& route, int code, double seconds);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
};

}  // namespace fk
