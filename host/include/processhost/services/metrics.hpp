#pragma once
// The metrics service: counters, gauges and histograms that the host serves at GET /metrics
// in the Prometheus text format (docs/operations.md).
//
// A metric cell is created by the host on first use of its (name, labels) and lives as long
// as the host, so a plugin may keep the reference and update it from any thread without a
// lock (the cells are atomics, their code is in this header). Values sampled at scrape time
// come from collectors, which are plugin code: a plugin removes its collectors in stop().

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace processhost {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Only goes up. Restarts at 0 with the host, as Prometheus expects of a counter.
class MetricCounter {
 public:
  void add(std::uint64_t amount = 1) noexcept { value_.fetch_add(amount, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

class MetricGauge {
 public:
  void set(double value) noexcept { value_.store(value, std::memory_order_relaxed); }
  void add(double amount) noexcept { value_.fetch_add(amount, std::memory_order_relaxed); }
  double value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets with fixed upper bounds (ascending; +Inf is implied).
class MetricHistogram {
 public:
  explicit MetricHistogram(std::vector<double> upper_bounds)
      : bounds_(std::move(upper_bounds)), counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
    for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
  }
  void observe(double value) noexcept {
    const auto bucket = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_.fetch_add(value, std::memory_order_relaxed);
  }
  const std::vector<double>& upper_bounds() const noexcept { return bounds_; }
  // Observations in bucket i alone (i == upper_bounds().size(): above the last bound).
  std::uint64_t bucket_count(std::size_t i) const noexcept { return counts_[i].load(std::memory_order_relaxed); }
  double sum() const noexcept { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;
  std::atomic<double> sum_{0};
};

// Latency buckets in seconds, 0.5 ms to 10 s: what HTTP answers and commits take.
inline std::vector<double> latency_buckets_seconds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// What a collector writes at scrape time: values it samples (queue lengths, pool usage).
class MetricSampleWriter {
 public:
  virtual ~MetricSampleWriter() = default;
  virtual void gauge(std::string_view name, std::string_view help, const MetricLabels& labels, double value) = 0;
};

class MetricsService {
 public:
  static constexpr std::string_view kServiceId = "processhost.metrics/1";
  virtual ~MetricsService() = default;

  // The cell of (name, labels), created on first use. Names match [a-zA-Z_:][a-zA-Z0-9_:]*,
  // label names [a-zA-Z_][a-zA-Z0-9_]*; a name keeps the type and help it was first created
  // with. Breaking these rules is a programming error: std::invalid_argument. Past the host's
  // series limit a shared overflow cell is returned (and counted), so memory stays bounded.
  virtual MetricCounter& counter(std::string_view name, std::string_view help, const MetricLabels& labels = {}) = 0;
  virtual MetricGauge& gauge(std::string_view name, std::string_view help, const MetricLabels& labels = {}) = 0;
  virtual MetricHistogram& histogram(std::string_view name, std::string_view help,
                                     const std::vector<double>& upper_bounds, const MetricLabels& labels = {}) = 0;

  // Runs at every scrape on the scraping I/O thread: must be quick, must not block, and
  // writes only through its writer (calling this service from a collector deadlocks).
  virtual std::uint64_t add_collector(std::function<void(MetricSampleWriter&)> collector) = 0;
  virtual void remove_collector(std::uint64_t collector_id) = 0;
};

}  // namespace processhost
