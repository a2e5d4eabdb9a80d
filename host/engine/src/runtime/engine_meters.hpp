#pragma once
// What the engine measures for GET /metrics: script run times, store timers fired and how
// late, and (refreshed from the store every few seconds) the tasks waiting now. The cells are
// the host's (MetricsService); until Engine::attach_metrics() there are none and every
// observation is a load of a null pointer.

#include <atomic>
#include <cstdint>

#include "processhost/services/metrics.hpp"

namespace processhost::engine {

class EngineMeters {
 public:
  void attach(MetricsService& metrics);
  void detach() noexcept;
  bool attached() const noexcept { return script_seconds_.load(std::memory_order_acquire) != nullptr; }

  void script_ran(double seconds) const noexcept {
    if (auto* histogram = script_seconds_.load(std::memory_order_acquire)) histogram->observe(seconds);
  }
  void timer_fired(std::int64_t due_ms, std::int64_t fired_ms) const noexcept {
    if (auto* histogram = timer_lag_seconds_.load(std::memory_order_acquire)) {
      histogram->observe(static_cast<double>(fired_ms > due_ms ? fired_ms - due_ms : 0) / 1000.0);
    }
  }
  // Waiting tasks by kind, and store timers due but not fired, as last counted in the store;
  // nullptr before attach.
  MetricGauge* waiting_tasks(const char* kind) const;
  MetricGauge* overdue_timers() const;

 private:
  MetricsService* metrics_ = nullptr;
  std::atomic<MetricHistogram*> script_seconds_{nullptr};
  std::atomic<MetricHistogram*> timer_lag_seconds_{nullptr};
};

}  // namespace processhost::engine
