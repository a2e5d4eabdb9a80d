// Cron start events: which fire (active_cronjobs), the events that tell observers about
// them (cronjob_updated on a deployment, cronjob_executed on each start, cronjob_removed on
// a deletion) and the execution history the store keeps. The schedules themselves run on
// the TimerScheduler (engine_timers.cpp).
#include <algorithm>
#include <tuple>

#include "engine_core.hpp"
#include "model/repeating_cycle.hpp"
#include "model/timer_definition.hpp"
#include "processhost/json.hpp"
#include "store/paging.hpp"

namespace processhost::engine {

std::vector<CronStartEvent> cron_start_events(const ProcessModel& model) {
  std::vector<CronStartEvent> found;
  if (!model.executable) return found;
  for (auto index : model.start_events) {
    const auto& node = model.nodes[index];
    if (node.event != EventDefinition::timer || node.timer != TimerKind::cycle) continue;
    if (const auto* enabled = node.property("enabled"); enabled && *enabled == "false") continue;
    found.push_back({index, &node});
  }
  return found;
}

void EngineCore::publish_cron_event(EngineEventKind kind, const std::string& model_id, const FlowNode& node,
                                    std::string instance_id, std::string correlation_id, std::int64_t at_ms) {
  if (!events_.has_listeners()) return;
  EngineEvent event;
  event.kind = kind;
  event.process_model_id = model_id;
  event.process_instance_id = std::move(instance_id);
  event.correlation_id = std::move(correlation_id);
  event.flow_node_id = node.id;
  event.flow_node_type = "bpmn:StartEvent";
  event.payload = R"({"crontab":)" + json_quote(node.timer_value) + "}";
  event.timestamp_ms = at_ms;
  events_.publish(event);
}

void EngineCore::cron_removed(const ProcessModel& model) {
  const auto now = now_ms();
  for (const auto& cron : cron_start_events(model)) {
    publish_cron_event(EngineEventKind::cronjob_removed, model.id, *cron.node, "", "", now);
  }
}

void EngineCore::record_cron_execution(const std::string& model_id, const FlowNode& node, std::string instance_id,
                                       std::string correlation_id, std::int64_t executed_at_ms) {
  publish_cron_event(EngineEventKind::cronjob_executed, model_id, node, instance_id, std::move(correlation_id),
                     executed_at_ms);
  CronjobExecutionRecord record{model_id, node.id, node.timer_value, std::move(instance_id), executed_at_ms};
  ++history_calls_;
  store_->record_cronjob_execution(std::move(record), [this, model_id](Status recorded) {
    if (!recorded) logger_.warn("engine: cron history of " + model_id + " not recorded: " + recorded.error().message);
    --history_calls_;
  });
}

void Engine::active_cronjobs(const Identity&, PageRequest page, Callback<PagedList<CronjobInfo>> done) {
  auto& core = *core_;
  std::vector<CronjobInfo> jobs;
  const auto now = core.now_ms();
  for (const auto& model : core.models().latest_models()) {
    for (const auto& cron : cron_start_events(*model)) {
      auto schedule = CronSchedule::parse(cron.node->timer_value);
      if (schedule) {
        jobs.push_back({model->id, cron.node->id, cron.node->timer_value, schedule->next_after(now)});
      } else if (auto cycle = RepeatingCycle::parse(cron.node->timer_value)) {
        // Without a start date the next firing depends on when the schedule was armed, which
        // is kept with the timer only: unknown here.
        std::optional<std::int64_t> next;
        if (cycle->start_ms) next = cycle->due(cycle->firings_over(now), 0);
        jobs.push_back({model->id, cron.node->id, cron.node->timer_value, next});
      }  // else: not scheduled (warned at deployment)
    }
  }
  std::sort(jobs.begin(), jobs.end(), [](const CronjobInfo& a, const CronjobInfo& b) {
    return std::tie(a.process_model_id, a.start_event_id) < std::tie(b.process_model_id, b.start_event_id);
  });
  done(take_page(std::move(jobs), page));
}

}  // namespace processhost::engine
