#include "runtime/engine_meters.hpp"

namespace processhost::engine {

void EngineMeters::attach(MetricsService& metrics) {
  metrics_ = &metrics;
  // Scripts run from well under a millisecond up to their budget.
  script_seconds_.store(&metrics.histogram("processhost_script_seconds",
                                           "Run time of scripts, conditions and expressions, in seconds",
                                           {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                            0.25, 0.5, 1, 2.5, 5}),
                        std::memory_order_release);
  timer_lag_seconds_.store(&metrics.histogram("processhost_timer_lag_seconds",
                                              "How late store timers fired after their due time, in seconds",
                                              latency_buckets_seconds()),
                           std::memory_order_release);
}

void EngineMeters::detach() noexcept {
  script_seconds_.store(nullptr, std::memory_order_release);
  timer_lag_seconds_.store(nullptr, std::memory_order_release);
}

MetricGauge* EngineMeters::waiting_tasks(const char* kind) const {
  if (metrics_ == nullptr) return nullptr;
  return &metrics_->gauge("processhost_tasks_waiting", "Tasks waiting now, as last counted in the store",
                          {{"kind", kind}});
}

MetricGauge* EngineMeters::overdue_timers() const {
  if (metrics_ == nullptr) return nullptr;
  return &metrics_->gauge("processhost_timers_due",
                          "Store timers past their due time and not fired yet, as last counted (at most 100)");
}

}  // namespace processhost::engine
