// External tasks: fetch and lock (long polling without a thread per caller), extend the lock,
// finish or fail them. The store holds the tasks; the instance resumes in the commit that
// marks the task finished.
#include "engine_core.hpp"

// GCC 12 reports the Error alternative of Result<std::optional<ExternalTaskRecord>> as maybe
// uninitialized when the store's callback takes it by value (a known false positive of
// std::variant with -O2).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace processhost::engine {

// One attempt to lock tasks for the poller; without any it keeps waiting until its deadline.
void EngineCore::poll(std::shared_ptr<ExternalTaskPoller> poller) {
  if (poller->finished) return;
  const auto now = now_ms();
  const auto& request = poller->request;
  store_->lock_external_tasks(
      request.topic, request.worker_id, std::max<std::size_t>(1, request.max_tasks), now,
      now + request.lock_duration_ms, [this, poller, now](Result<std::vector<ExternalTaskRecord>> locked) {
        if (!locked) return poller->complete(std::move(locked).take_error());
        if (!locked.value().empty() || now >= poller->deadline_ms) {
          std::vector<ExternalTask> tasks;
          for (auto& record : locked.value()) tasks.push_back(std::move(record.task));
          poller->complete(std::move(tasks));
        }
      });
}

CancelHandle Engine::fetch_and_lock(const Identity&, FetchAndLockRequest request,
                                    Callback<std::vector<ExternalTask>> done) {
  auto& core = *core_;
  auto poller = std::make_shared<ExternalTaskPoller>();
  poller->self = poller;
  poller->done = std::move(done);
  poller->deadline_ms = core.now_ms() + std::max<std::int64_t>(0, request.long_polling_timeout_ms);
  poller->request = std::move(request);
  if (!core.store()) {
    poller->complete(make_error(ErrorStatus::unavailable, "the engine is not started"));
    return poller;
  }
  if (poller->request.long_polling_timeout_ms > 0) {
    poller->pollers = &core.pollers();
    core.pollers().add(poller);
    core.timers().schedule(poller->deadline_ms, [poller] { poller->complete(std::vector<ExternalTask>{}); });
  }
  core.poll(poller);
  return poller;
}

namespace {

// 404 unknown, 410 finished, 423 locked by another worker whose lock has not expired.
std::optional<Error> refuse(const std::optional<ExternalTaskRecord>& record, const std::string& id,
                            const std::string& worker_id, std::int64_t now) {
  if (!record) {
    return make_error(ErrorKind::external_task_not_found, {.id = id}, ErrorStatus::not_found,
                      "External Task with ID '" + id + "' not found.");
  }
  const auto& task = record->task;
  if (task.state == ExternalTaskState::finished) {
    return make_error(ErrorKind::external_task_finished, {.id = id}, ErrorStatus::gone,
                      "External Task with ID '" + id + "' has been finished and is no longer accessible.");
  }
  if (!task.worker_id.empty() && task.worker_id != worker_id && task.lock_expiration_ms > now) {
    return make_error(ErrorKind::external_task_locked, {.id = id}, ErrorStatus::locked,
                      "External Task with ID '" + id + "' is locked by another worker.");
  }
  return std::nullopt;
}

}  // namespace

void Engine::extend_lock(const Identity&, std::string external_task_id, std::string worker_id,
                         std::int64_t additional_duration_ms, Callback<Ok> done) {
  auto& core = *core_;
  if (!core.store()) return done(make_error(ErrorStatus::unavailable, "the engine is not started"));
  core.store()->load_external_task(external_task_id, [&core, external_task_id, worker_id, additional_duration_ms,
                                                     done](Result<std::optional<ExternalTaskRecord>> loaded) {
    if (!loaded) return done(Error(loaded.error()));
    const auto now = core.now_ms();
    if (auto error = refuse(loaded.value(), external_task_id, worker_id, now)) return done(std::move(*error));
    ExternalTaskRecord record = std::move(*loaded.value());
    const auto expected = record.version;
    record.task.worker_id = worker_id;
    record.task.lock_expiration_ms = std::max(record.task.lock_expiration_ms, now) + additional_duration_ms;
    ++record.version;
    core.store()->update_external_task(std::move(record), expected, std::move(done));
  });
}

void Engine::complete_external_task(const Identity&, std::string external_task_id, ExternalTaskOutcome outcome,
                                    Callback<Ok> done) {
  auto& core = *core_;
  if (!core.store()) return done(make_error(ErrorStatus::unavailable, "the engine is not started"));
  core.store()->load_external_task(external_task_id, [&core, external_task_id, outcome = std::move(outcome),
                                                     done](Result<std::optional<ExternalTaskRecord>> loaded) {
    if (!loaded) return done(Error(loaded.error()));
    if (auto error = refuse(loaded.value(), external_task_id, outcome.worker_id, core.now_ms())) {
      return done(std::move(*error));
    }
    ExternalTaskRecord record = std::move(*loaded.value());
    const std::string instance_id = record.task.process_instance_id;
    core.runner().run(
        instance_id, nullptr,
        [&core, record, outcome](InstanceState& state) mutable -> Result<RunOutcome> {
          const std::string fni = record.task.flow_node_instance_id;
          if (!state.find_waiting(fni)) {
            return make_error(
                ErrorKind::external_task_finished, {.id = record.task.id}, ErrorStatus::gone,
                "External Task with ID '" + record.task.id + "' has been finished and is no longer accessible.");
          }
          Executor executor(state, core.environment());
          record.task.state = ExternalTaskState::finished;
          record.task.finished_at_ms = core.now_ms();
          ++record.version;
          if (outcome.kind == ExternalTaskOutcome::Kind::finish) {
            record.task.result = outcome.result;
            executor.add_external_task(record);
            executor.resume(fni, outcome.result);
          } else {
            Error error = make_error(ErrorStatus::internal, outcome.error_message);
            if (outcome.kind == ExternalTaskOutcome::Kind::bpmn_error) {
              error.bpmn_code = outcome.error_code;
            } else if (outcome.error_details != "null") {
              error.additional_information = outcome.error_details;
            }
            record.task.error = error_to_json(error);
            executor.add_external_task(record);
            executor.fail_waiting(fni, std::move(error));
          }
          return std::move(executor).finish();
        },
        [done](Result<RunOutcome>&& finished) {
          if (!finished) return done(std::move(finished).take_error());
          done(Ok{});
        });
  });
}

}  // namespace processhost::engine
