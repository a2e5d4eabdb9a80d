#pragma once
// The engine's counters at GET /metrics, from its event bus: process instances started,
// finished, failed and terminated per model, tasks that began waiting per model and kind,
// messages and signals sent. Counting happens in the listener (after each commit), with
// the cells looked up once per (model, event) and kept.

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "processhost/services/engine.hpp"
#include "processhost/services/metrics.hpp"

namespace processhost::host {

class EngineMetrics {
 public:
  // Starts counting the engine's events into metrics.
  void attach(EngineService& engine, MetricsService& metrics);
  // Stops counting; the cells stay (their values are the host's to keep).
  void detach() noexcept;

 private:
  MetricCounter& cell(const EngineEvent& event);

  EngineService* engine_ = nullptr;
  MetricsService* metrics_ = nullptr;
  std::uint64_t listener_ = 0;
  std::mutex mutex_;
  std::map<std::pair<std::string, EngineEventKind>, MetricCounter*> cells_;
};

}  // namespace processhost::host
