// Timers of the store and cron start events; TimerScheduler (runtime/) owns the thread that
// waits for them. Store timers are claimed from the store (a lease, so that hosts sharing it
// take disjoint timers) and fired through a transition of their instance that also removes
// them, at the instance's version: a timer fires once, also after a restart and when two
// hosts race for it. Cron ticks are claimed in the store before they start an instance.
#include <algorithm>
#include <atomic>

#include "engine_core.hpp"
#include "model/repeating_cycle.hpp"
#include "model/timer_definition.hpp"
#include "runtime/uuid.hpp"

namespace processhost::engine {
namespace {

constexpr std::size_t kTimerBatch = 100;

}  // namespace

// Claims what is due (several hosts on one store take disjoint timers, each under a lease)
// and fires it. The claim also tells the next due time, so a scan is one store call.
void EngineCore::scan_timers() {
  const std::int64_t now = now_ms();
  store_->claim_due_timers(
      host_id_, now, now + options_.timer_lease.count(), kTimerBatch, [this, now](Result<TimerClaim> claimed) {
        if (!claimed) {
          logger_.warn("engine: cannot claim due timers: " + claimed.error().message);
          timers_.scan_done(now + 1000);  // the store is unavailable: try again in a second
          return;
        }
        auto& claim = claimed.value();
        // A full batch: more may be due at once.
        std::optional<std::int64_t> next = claim.timers.size() == kTimerBatch ? std::optional(now) : claim.next_due_ms;
        for (auto& timer : claim.timers) {
          if (!timers_.begin_fire(timer.id)) continue;  // still firing here from an earlier claim
          fire_timer(std::move(timer));
        }
        timers_.scan_done(next);
      });
}

void EngineCore::fire_timer(TimerRecord timer) {
  meters_.timer_fired(timer.due_at_ms, now_ms());
  runner_.run(
      timer.process_instance_id, nullptr,
      [this, id = timer.id](InstanceState& state) -> Result<RunOutcome> {
        if (state.record.state != ProcessInstanceState::running) {
          RunOutcome outcome;
          outcome.changes.expected_version = state.record.version;
          ++state.record.version;
          outcome.changes.instance = state.record;
          outcome.changes.timers_cancelled.push_back(id);
          return outcome;
        }
        Executor executor(state, environment());
        // A timer whose token is gone (should not happen: ending tokens cancel their timers)
        // is removed by an otherwise empty commit.
        if (!executor.fire_timer(id)) executor.cancel_timer(id);
        return std::move(executor).finish();
      },
      [this, timer](Result<RunOutcome>&& outcome) {
        if (!outcome) {
          logger_.warn("engine: timer " + timer.id + " of instance " + timer.process_instance_id +
                       " did not fire: " + outcome.error().message);
        }
        // A timer that did not fire stays claimed until its lease ends; then a poll (here or
        // on another host) claims it again.
        timers_.end_fire(timer.id);
      });
}

void EngineCore::refresh_counts() {
  if (!running_ || store_ == nullptr || !meters_.attached()) return;
  static constexpr struct {
    const char* kind;
    const char* flow_node_type;
  } kKinds[] = {{"user_task", "bpmn:UserTask"}, {"manual_task", "bpmn:ManualTask"}, {"empty_activity", "bpmn:Task"}};
  for (const auto& [kind, type] : kKinds) {
    FlowNodeQuery query;
    query.flow_node_types = {type};
    query.state = FlowNodeState::suspended;
    query.page.limit = 1;  // only the total is wanted
    store_->query_flow_nodes(std::move(query), [gauge = meters_.waiting_tasks(kind)](
                                                   Result<PagedList<FlowNodeInstanceRecord>> counted) {
      if (counted && gauge != nullptr) gauge->set(static_cast<double>(counted.value().total_count));
    });
  }
  // Store timers past their due time and not fired yet (a backlog: the engine falls behind),
  // counted up to one scan batch.
  store_->due_timers(now_ms(), kTimerBatch, [gauge = meters_.overdue_timers()](Result<std::vector<TimerRecord>> due) {
    if (due && gauge != nullptr) gauge->set(static_cast<double>(due.value().size()));
  });
  // A count in the store per kind: every interval, not on every scrape.
  timers_.schedule(now_ms() + options_.waiting_count_interval.count(), [this] { refresh_counts(); });
}

void EngineCore::schedule_cron(const std::shared_ptr<const ProcessModel>& model, std::int64_t deployed_at_ms) {
  const std::uint64_t generation = timers_.next_cron_generation(model->id);
  for (const auto& [index, node] : cron_start_events(*model)) {
    if (auto cycle = RepeatingCycle::parse(node->timer_value)) {
      publish_cron_event(EngineEventKind::cronjob_updated, model->id, *node, "", "", now_ms());
      const auto now = now_ms();
      // Without a start date the cycle runs from the version's deployment in the store, the
      // same instant on every host: their ticks coincide and the tick claim starts each once
      // (a restart continues the count too). Unknown (0) or in the future: from now.
      const std::int64_t anchor = deployed_at_ms > 0 && deployed_at_ms <= now ? deployed_at_ms : now;
      const std::int64_t fired = cycle->start_ms ? cycle->firings_over(now) : cycle->firings_since(anchor, now);
      arm_repetition(model->id, index, generation, *cycle, fired, anchor);
      continue;
    }
    auto cron = CronSchedule::parse(node->timer_value);
    if (!cron) {
      logger_.warn("engine: cycle '" + node->timer_value + "' of " + model->id + "/" + node->id +
                   " is neither a valid crontab (6 fields, or Quartz's 6-7 without L, W, #) nor an R[n]/duration cycle; not scheduled");
      continue;
    }
    publish_cron_event(EngineEventKind::cronjob_updated, model->id, *node, "", "", now_ms());
    if (auto next = cron->next_after(now_ms())) {
      timers_.schedule(*next, [this, id = model->id, index, generation, tick = *next] {
        cron_fire(id, index, generation, tick);
      });
    }
  }
}

void EngineCore::cron_fire(std::string model_id, std::size_t start_index, std::uint64_t generation,
                           std::int64_t tick_ms) {
  if (!timers_.is_current_cron(model_id, generation)) return;  // a newer version replaced this schedule
  auto model = models_.latest(model_id);
  if (!model || start_index >= model->nodes.size()) return;
  const auto& node = model->nodes[start_index];
  start_on_schedule(model, start_index, tick_ms);
  if (auto cron = CronSchedule::parse(node.timer_value)) {
    // After the tick, not after now: a tick reached early (the clock is read in
    // milliseconds) is not scheduled twice.
    if (auto next = cron->next_after(std::max(now_ms(), tick_ms))) {
      timers_.schedule(*next, [this, model_id, start_index, generation, tick = *next] {
        cron_fire(model_id, start_index, generation, tick);
      });
    }
  }
}

// Every host schedules every cron start event; the store's claim of the tick lets the first
// one start the instance and the others skip it. A host that dies between its claim and the
// start loses that tick (claims are not retried by others): at most once per tick.
void EngineCore::start_on_schedule(const std::shared_ptr<const ProcessModel>& model, std::size_t start_index,
                                   std::int64_t tick_ms) {
  CronTickClaim claim{model->id, model->nodes[start_index].id, tick_ms, host_id_, now_ms()};
  ++history_calls_;
  store_->claim_cron_tick(std::move(claim), [this, model, start_index, tick_ms](Result<bool> claimed) {
    struct Done {
      std::atomic<int>& calls;
      ~Done() { --calls; }
    } done{history_calls_};
    if (!claimed) {
      logger_.warn("engine: cron tick of " + model->id + "/" + model->nodes[start_index].id + " at " +
                   std::to_string(tick_ms) + " not claimed, not started: " + claimed.error().message);
      return;
    }
    if (!claimed.value() || !running_) return;  // another host started this tick
    start_claimed_tick(model, start_index);
  });
}

void EngineCore::start_claimed_tick(const std::shared_ptr<const ProcessModel>& model, std::size_t start_index) {
  const std::int64_t executed_at = now_ms();
  auto instance_id = make_uuid();
  auto correlation_id = "cronjob_" + make_uuid();
  launch(engine_identity(), model, start_index, "{}", instance_id, correlation_id, "",
         [this, model, start_index, instance_id, correlation_id, executed_at](Result<RunOutcome>&& outcome) {
           if (!outcome) {
             logger_.warn("engine: cron start of " + model->id + " failed: " + outcome.error().message);
             return;
           }
           record_cron_execution(model->id, model->nodes[start_index], instance_id, correlation_id, executed_at);
         });
}

// Each firing arms the next one from the same anchor, so the cycle does not drift by the time
// a start takes. The count lives in memory: after a restart the schedule begins again.
void EngineCore::arm_repetition(const std::string& model_id, std::size_t start_index, std::uint64_t generation,
                                const RepeatingCycle& cycle, std::int64_t fired, std::int64_t anchor_ms) {
  // Called while the model is being registered too: the model is looked up when it fires.
  auto due = cycle.due(fired, anchor_ms);
  if (!due) return;
  timers_.schedule(*due, [this, model_id, start_index, generation, cycle, fired, anchor_ms, due] {
    if (!timers_.is_current_cron(model_id, generation)) return;  // a newer version replaced this schedule
    auto model = models_.latest(model_id);
    if (!model || start_index >= model->nodes.size()) return;
    start_on_schedule(model, start_index, *due);
    arm_repetition(model_id, start_index, generation, cycle, fired + 1, anchor_ms);
  });
}

}  // namespace processhost::engine
