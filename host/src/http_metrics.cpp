#include "http_metrics.hpp"

namespace processhost::host {

void HttpMetrics::answered(const std::string& method, const std::string& pattern, int status,
                           std::chrono::steady_clock::time_point arrived) {
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - arrived).count();
  MetricCounter* counter = nullptr;
  MetricHistogram* latency = nullptr;
  {
    // The cells are looked up once per series and kept: later requests cost two map finds.
    std::lock_guard lock(mutex_);
    auto& counter_cell = counters_[{method, pattern, status}];
    if (counter_cell == nullptr) {
      counter_cell = &metrics_.counter("processhost_http_requests_total", "HTTP requests answered",
                                       {{"method", method}, {"route", pattern}, {"status", std::to_string(status)}});
    }
    counter = counter_cell;
    auto& latency_cell = latencies_[{method, pattern}];
    if (latency_cell == nullptr) {
      latency_cell = &metrics_.histogram("processhost_http_request_duration_seconds",
                                         "From a request's arrival to its answer (a stream: its head), in seconds",
                                         latency_buckets_seconds(), {{"method", method}, {"route", pattern}});
    }
    latency = latency_cell;
  }
  counter->add();
  latency->observe(seconds);
}

}  // namespace processhost::host
