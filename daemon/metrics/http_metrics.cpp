#include "metrics/http_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/histogram.h>

namespace fk {
namespace {

const prometheus::Histogram::BucketBoundaries& durationBuckets() {
  // From a cached GET (~1 ms) up to a large CSV import (seconds).
  static const prometheus::Histogram::BucketBoundaries kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                                 0.1,   0.25,   0.5,   1,    2.5,   5, 10};
  return kBuckets;
}

}  // namespace

HttpMetrics::HttpMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("fleetkeep_http_requests_total")
                    .Help("HTTP requests answered, by route template and status code.")
                    .Register(registry)),
      in_progress_(&prometheus::BuildGauge()
                        .Name("fleetkeep_http_requests_in_progress")
                        .Help("Requests whose handler is queued for or running on the worker pool.")
                        .Register(registry)
                        .Add({})),
      duration_(prometheus::BuildHistogram()
                    .Name("fleetkeep_http_request_duration_seconds")
                    .Help("Time from request header to response, by route template.")
                    .Register(registry)) {}

void HttpMetrics::handlerStarted() { in_progress_->Increment(); }
void HttpMetrics::handlerFinished() { in_progress_->Decrement(); }

void HttpMetrics::observe(const std::string& route, int code, double seconds) {
  requests_.Add({{"route", route}, {"code", std::to_string(code)}}).Increment();
  duration_.Add({{"route", route}}, durationBuckets()).Observe(seconds);
}

}  // namespace fk
