// Timers: one thread waits for the earliest due time (store timers, send task retries, cron
// starts) and hands due work to the workers. Store timers are fired through a transition of
// their instance that also removes them, so a timer fires once, also after a restart.
#include "engine_core.hpp"
#include "model/timer_definition.hpp"
#include "runtime/uuid.hpp"

namespace processhost::engine {
namespace {

constexpr std::size_t kTimerBatch = 100;

}  // namespace

void EngineCore::start_timers() {
  {
    std::lock_guard lock(timer_mutex_);
    timers_running_ = true;
    next_store_due_ = now_ms();  // whatever fell due while the host was down fires now
  }
  timer_thread_ = std::thread([this] { timer_loop(); });
}

void EngineCore::stop_timers() {
  {
    std::lock_guard lock(timer_mutex_);
    timers_running_ = false;
    scheduled_.clear();
  }
  timer_wakeup_.notify_all();
  if (timer_thread_.joinable()) timer_thread_.join();
}

void EngineCore::note_timer_due(std::int64_t due_ms) {
  {
    std::lock_guard lock(timer_mutex_);
    if (next_store_due_ && *next_store_due_ <= due_ms) return;
    next_store_due_ = due_ms;
  }
  timer_wakeup_.notify_all();
}

void EngineCore::schedule(std::int64_t due_ms, std::function<void()> work) {
  {
    std::lock_guard lock(timer_mutex_);
    if (!timers_running_ && timer_thread_.joinable()) return;
    scheduled_.emplace(due_ms, std::move(work));
  }
  timer_wakeup_.notify_all();
}

void EngineCore::timer_loop() {
  std::unique_lock lock(timer_mutex_);
  while (timers_running_) {
    const std::int64_t now = now_ms();
    while (!scheduled_.empty() && scheduled_.begin()->first <= now) {
      post(std::move(scheduled_.begin()->second));
      scheduled_.erase(scheduled_.begin());
    }
    if (!scanning_ && next_store_due_ && *next_store_due_ <= now) {
      scanning_ = true;
      next_store_due_.reset();
      lock.unlock();
      scan_timers();
      lock.lock();
      continue;
    }
    std::optional<std::int64_t> wake;
    if (!scanning_ && next_store_due_) wake = next_store_due_;
    if (!scheduled_.empty() && (!wake || scheduled_.begin()->first < *wake)) wake = scheduled_.begin()->first;
    if (!wake) {
      timer_wakeup_.wait(lock);
    } else {
      timer_wakeup_.wait_until(lock, std::chrono::system_clock::time_point(std::chrono::milliseconds(*wake)));
    }
  }
}

void EngineCore::scan_timers() {
  const std::int64_t now = now_ms();
  store_->due_timers(now, kTimerBatch, [this, now](Result<std::vector<TimerRecord>> due) {
    bool more = false;
    if (!due) {
      logger_.warn("engine: cannot read due timers: " + due.error().message);
    } else {
      more = due.value().size() == kTimerBatch;
      for (auto& timer : due.value()) {
        {
          std::lock_guard lock(timer_mutex_);
          if (!timers_in_flight_.insert(timer.id).second) continue;
        }
        fire_timer(std::move(timer));
      }
    }
    store_->next_timer_due([this, now, more](Result<std::optional<std::int64_t>> next) {
      {
        std::lock_guard lock(timer_mutex_);
        scanning_ = false;
        // Timers already due are in flight; their transitions ask again when they are done.
        std::optional<std::int64_t> candidate;
        if (more) candidate = now;
        if (next && next.value() && *next.value() > now) candidate = candidate ? candidate : next.value();
        if (!next) candidate = now + 1000;  // the store is unavailable: try again in a second
        if (candidate && (!next_store_due_ || *candidate < *next_store_due_)) next_store_due_ = candidate;
      }
      timer_wakeup_.notify_all();
    });
  });
}

void EngineCore::fire_timer(TimerRecord timer) {
  runner_->run(
      timer.process_instance_id, nullptr,
      [this, id = timer.id](InstanceState& state) -> Result<RunOutcome> {
        if (state.record.state != "running") {
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
      [this, timer](Result<RunOutcome> outcome) {
        if (!outcome) {
          logger_.warn("engine: timer " + timer.id + " of instance " + timer.process_instance_id +
                       " did not fire: " + outcome.error().message);
        }
        {
          std::lock_guard lock(timer_mutex_);
          timers_in_flight_.erase(timer.id);
        }
        if (outcome) note_timer_due(now_ms());
      });
}

void EngineCore::schedule_cron(const std::shared_ptr<const ProcessModel>& model) {
  std::uint64_t generation = 0;
  {
    std::lock_guard lock(timer_mutex_);
    generation = ++cron_generation_[model->id];
  }
  if (!model->executable) return;
  for (auto index : model->start_events) {
    const auto& node = model->nodes[index];
    if (node.event != EventDefinition::timer || node.timer != TimerKind::cycle) continue;
    if (const auto* enabled = node.property("enabled"); enabled && *enabled == "false") continue;
    auto cron = CronSchedule::parse(node.timer_value);
    if (!cron) {
      logger_.warn("engine: cron '" + node.timer_value + "' of " + model->id + "/" + node.id +
                   " is not a valid 6-field crontab; not scheduled");
      continue;
    }
    if (auto next = cron->next_after(now_ms())) {
      schedule(*next, [this, id = model->id, index, generation] { cron_fire(id, index, generation); });
    }
  }
}

void EngineCore::cron_fire(std::string model_id, std::size_t start_index, std::uint64_t generation) {
  {
    std::lock_guard lock(timer_mutex_);
    if (cron_generation_[model_id] != generation) return;  // a newer version replaced this schedule
  }
  auto model = models_.latest(model_id);
  if (!model || start_index >= model->nodes.size()) return;
  const auto& node = model->nodes[start_index];
  launch(engine_identity(), model, start_index, "{}", make_uuid(), "cronjob_" + make_uuid(), "",
         [this, model_id](Result<RunOutcome> outcome) {
           if (!outcome) logger_.warn("engine: cron start of " + model_id + " failed: " + outcome.error().message);
         });
  if (auto cron = CronSchedule::parse(node.timer_value)) {
    if (auto next = cron->next_after(now_ms())) {
      schedule(*next, [this, model_id, start_index, generation] { cron_fire(model_id, start_index, generation); });
    }
  }
}

}  // namespace processhost::engine
