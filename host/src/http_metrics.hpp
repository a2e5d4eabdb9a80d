#pragma once
// HTTP requests at GET /metrics: a counter by method, route pattern and status, and a
// latency histogram by method and route pattern (from the request's arrival to its answer
// or, for a stream, to its head). Labels use the route's pattern, never the raw path, so
// the number of series stays bounded by the route table.

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "processhost/services/metrics.hpp"

namespace processhost::host {

class HttpMetrics {
 public:
  // The pattern label of requests no route matched.
  static constexpr const char* kUnmatched = "(no route)";

  explicit HttpMetrics(MetricsService& metrics) : metrics_(metrics) {}

  // Records one answered request. Thread-safe.
  void answered(const std::string& method, const std::string& pattern, int status,
                std::chrono::steady_clock::time_point arrived);

 private:
  MetricsService& metrics_;
  std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, MetricCounter*> counters_;
  std::map<std::pair<std::string, std::string>, MetricHistogram*> latencies_;
};

// What a request carries to its answer for the metrics; no metrics: null.
struct RequestMetrics {
  HttpMetrics* metrics = nullptr;
  std::string method;
  std::string pattern;
  std::chrono::steady_clock::time_point arrived{};

  void answered(int status) const {
    if (metrics != nullptr) metrics->answered(method, pattern, status, arrived);
  }
};

}  // namespace processhost::host
