#pragma once
// The host's MetricsService: every metric family with its cells, the collectors, and the
// Prometheus text exposition of all of them (GET /metrics). Thread-safe: cells are created
// and the text is rendered under one mutex; cells are updated lock-free by their owners.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "processhost/services/metrics.hpp"

namespace processhost::host {

class MetricsRegistry final : public MetricsService {
 public:
  // Series beyond max_series share an overflow cell that is not exposed; the number of such
  // requests is processhost_metric_series_overflow_total.
  explicit MetricsRegistry(std::size_t max_series = 10000);

  MetricCounter& counter(std::string_view name, std::string_view help, const MetricLabels& labels = {}) override;
  MetricGauge& gauge(std::string_view name, std::string_view help, const MetricLabels& labels = {}) override;
  MetricHistogram& histogram(std::string_view name, std::string_view help, const std::vector<double>& upper_bounds,
                             const MetricLabels& labels = {}) override;
  std::uint64_t add_collector(std::function<void(MetricSampleWriter&)> collector) override;
  void remove_collector(std::uint64_t collector_id) override;

  // The Prometheus text format (version 0.0.4) of every family and every collector's samples.
  std::string render() const;

 private:
  enum class Type { counter, gauge, histogram };
  using Cell = std::variant<std::unique_ptr<MetricCounter>, std::unique_ptr<MetricGauge>, std::unique_ptr<MetricHistogram>>;
  struct Series {
    MetricLabels labels;  // sorted by name
    Cell cell;
  };
  struct Family {
    Type type = Type::counter;
    std::string help;
    std::vector<double> upper_bounds;   // histograms
    std::map<std::string, Series> series;  // by the rendered label set
  };

  Series* find_or_create(std::string_view name, std::string_view help, Type type, const MetricLabels& labels,
                         const std::vector<double>& upper_bounds);

  const std::size_t max_series_;
  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
  std::size_t series_count_ = 0;
  MetricCounter& overflow_requests_;
  MetricCounter overflow_counter_;
  MetricGauge overflow_gauge_;
  MetricHistogram overflow_histogram_{{}};
  std::map<std::uint64_t, std::function<void(MetricSampleWriter&)>> collectors_;
  std::uint64_t next_collector_id_ = 1;
};

}  // namespace processhost::host
