#include "engine_metrics.hpp"

namespace processhost::host {
namespace {

struct Family {
  const char* name;
  const char* help;
  const char* label;  // the event's label name
  const char* value;  // its value
};

// Where each kind is counted; kinds not listed are not counted.
const Family* family_of(EngineEventKind kind) {
  static const Family kInstances[] = {
      {"processhost_process_instances_total", "Process instances by what happened to them", "event", "started"},
      {"processhost_process_instances_total", "Process instances by what happened to them", "event", "finished"},
      {"processhost_process_instances_total", "Process instances by what happened to them", "event", "error"},
      {"processhost_process_instances_total", "Process instances by what happened to them", "event", "terminated"},
  };
  static const Family kTasks[] = {
      {"processhost_tasks_waiting_total", "Tasks that began waiting for a person or a caller", "kind", "user_task"},
      {"processhost_tasks_waiting_total", "Tasks that began waiting for a person or a caller", "kind", "manual_task"},
      {"processhost_tasks_waiting_total", "Tasks that began waiting for a person or a caller", "kind", "empty_activity"},
  };
  static const Family kSent[] = {
      {"processhost_events_sent_total", "Messages and signals sent by throw and end events", "type", "message"},
      {"processhost_events_sent_total", "Messages and signals sent by throw and end events", "type", "signal"},
  };
  switch (kind) {
    case EngineEventKind::process_started:
      return &kInstances[0];
    case EngineEventKind::process_finished:
      return &kInstances[1];
    case EngineEventKind::process_error:
      return &kInstances[2];
    case EngineEventKind::process_terminated:
      return &kInstances[3];
    case EngineEventKind::user_task_waiting:
      return &kTasks[0];
    case EngineEventKind::manual_task_waiting:
      return &kTasks[1];
    case EngineEventKind::empty_activity_waiting:
      return &kTasks[2];
    case EngineEventKind::message_sent:
      return &kSent[0];
    case EngineEventKind::signal_sent:
      return &kSent[1];
    default:
      return nullptr;
  }
}

}  // namespace

void EngineMetrics::attach(EngineService& engine, MetricsService& metrics) {
  engine_ = &engine;
  metrics_ = &metrics;
  listener_ = engine.add_listener([this](const EngineEvent& event) {
    if (family_of(event.kind) != nullptr) cell(event).add();
  });
}

void EngineMetrics::detach() noexcept {
  if (engine_ != nullptr && listener_ != 0) engine_->remove_listener(listener_);
  listener_ = 0;
  engine_ = nullptr;
}

MetricCounter& EngineMetrics::cell(const EngineEvent& event) {
  std::lock_guard lock(mutex_);
  auto key = std::make_pair(event.process_model_id, event.kind);
  if (auto found = cells_.find(key); found != cells_.end()) return *found->second;
  const Family& family = *family_of(event.kind);
  auto& counter = metrics_->counter(family.name, family.help, {{"model", event.process_model_id}, {family.label, family.value}});
  cells_.emplace(std::move(key), &counter);
  return counter;
}

}  // namespace processhost::host
