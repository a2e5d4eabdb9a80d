#include "runtime/transition_runner.hpp"

namespace processhost::engine {

TransitionRunner::TransitionRunner(Options options, const ModelRegistry& models,
                                   std::function<void(std::function<void()>)> post, Committed committed)
    : options_(options), models_(models), committed_(std::move(committed)), strands_(std::move(post)) {}

void TransitionRunner::open(Store& store, RefreshModels refresh_models) {
  store_ = &store;
  refresh_models_ = std::move(refresh_models);
  accepting_ = true;
}

void TransitionRunner::refuse_new() { accepting_ = false; }

void TransitionRunner::drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(drain_mutex_);
  drained_.wait_for(lock, timeout, [&] { return in_flight_.load() == 0; });
}

void TransitionRunner::cache_put(std::shared_ptr<InstanceState> state) {
  if (options_.cache_capacity == 0) return;
  std::lock_guard lock(cache_mutex_);
  // The key is copied from the state's record (no third copy of the id on the side).
  const auto [entry, inserted] = cache_.insert_or_assign(state->record.id, state);
  if (inserted) cache_order_.push_back(entry->first);
  // The order list may hold ids already erased; bound it too.
  while (cache_.size() > options_.cache_capacity || cache_order_.size() > 2 * options_.cache_capacity) {
    cache_.erase(cache_order_.front());
    cache_order_.pop_front();
  }
}

std::shared_ptr<InstanceState> TransitionRunner::cache_get(const std::string& id) {
  std::lock_guard lock(cache_mutex_);
  auto found = cache_.find(id);
  return found == cache_.end() ? nullptr : found->second;
}

void TransitionRunner::cache_erase(const std::string& id) {
  std::lock_guard lock(cache_mutex_);
  cache_.erase(id);
}

void TransitionRunner::forget(const std::string& instance_id) { cache_erase(instance_id); }

void TransitionRunner::forget_all() {
  std::lock_guard lock(cache_mutex_);
  cache_.clear();
  cache_order_.clear();
}

Result<std::shared_ptr<InstanceState>> TransitionRunner::restore(ProcessInstanceRecord record) const {
  auto state = std::make_shared<InstanceState>();
  state->model = models_.version(record.process_model_id, record.process_model_hash);
  if (!state->model) {
    return make_error(ErrorStatus::internal, "process model " + record.process_model_id + " version " +
                                                 record.process_model_hash + " of instance " + record.id +
                                                 " is not deployed");
  }
  state->record = std::move(record);
  auto restored = restore_runtime_state(*state);
  if (!restored) return std::move(restored).take_error();
  return state;
}

void TransitionRunner::restore_reading_models(ProcessInstanceRecord record,
                                              Callback<std::shared_ptr<InstanceState>> done) {
  if (models_.version(record.process_model_id, record.process_model_hash) || !refresh_models_) {
    return done(restore(std::move(record)));
  }
  // Another host deployed the version this instance runs: read it from the store.
  auto shared = std::make_shared<ProcessInstanceRecord>(std::move(record));
  refresh_models_([this, shared, done](Status refreshed) {
    if (!refreshed) return done(std::move(refreshed).take_error());
    done(restore(std::move(*shared)));
  });
}

void TransitionRunner::load_from_store(const std::string& instance_id, Callback<std::shared_ptr<InstanceState>> done) {
  store_->load_instance(instance_id, [this, instance_id, done](Result<std::optional<ProcessInstanceRecord>> loaded) {
    if (!loaded) return done(std::move(loaded).take_error());
    if (!loaded.value()) {
      return done(make_error(ErrorKind::process_instance_not_found, {.id = instance_id}, ErrorStatus::not_found,
                             "process instance '" + instance_id + "' not found"));
    }
    restore_reading_models(std::move(*loaded.value()), done);
  });
}

void TransitionRunner::load(const std::string& instance_id, Callback<std::shared_ptr<InstanceState>> done) {
  if (auto cached = cache_get(instance_id)) {
    done(std::move(cached));
    return;
  }
  load_from_store(instance_id, std::move(done));
}

void TransitionRunner::run(const std::string& instance_id, std::shared_ptr<InstanceState> state_for_new,
                           Transition transition, TransitionDone done) {
  if (!accepting_) {
    done(make_error(ErrorStatus::unavailable, "the engine is not running"));
    return;
  }
  ++in_flight_;
  auto job = std::make_shared<Job>();
  job->instance_id = instance_id;
  job->state = std::move(state_for_new);
  job->transition = std::move(transition);
  job->done = std::move(done);
  strands_.run(job->instance_id, [this, job](KeyedSerializer::Release release) {
    job->release = std::move(release);
    attempt(job);
  });
}

void TransitionRunner::attempt(std::shared_ptr<Job> job) {
  if (job->state) {
    build_and_commit(std::move(job));
    return;
  }
  job->from_cache = false;
  if (auto cached = cache_get(job->instance_id)) {
    job->from_cache = true;
    job->state = std::move(cached);
    build_and_commit(std::move(job));
    return;
  }
  load_from_store(job->instance_id, [this, job](Result<std::shared_ptr<InstanceState>> state) {
    if (!state) return finish_job(job, std::move(state).take_error());
    job->state = std::move(state.value());
    build_and_commit(job);
  });
}

namespace {

// Refusals that state which another host changed since this one cached it can cause: the
// node no longer (or not yet) waits, the task or instance is gone.
bool may_be_stale(const Error& error) {
  return error.status == ErrorStatus::not_found || error.status == ErrorStatus::gone;
}

}  // namespace

void TransitionRunner::build_and_commit(std::shared_ptr<Job> job) {
  auto& result = job->result.emplace_from([&] { return job->transition(*job->state); });
  if (!result) {
    // The cache may be behind the store (another host advanced the instance): the refusal
    // stands only once the stored state refuses too.
    if (job->from_cache && !job->reread && may_be_stale(result.error())) {
      cache_erase(job->instance_id);
      job->reread = true;
      job->state.reset();
      job->result.reset();
      attempt(job);
      return;
    }
    return finish_job(job, std::move(result));
  }
  auto& outcome = result.value();
  const bool is_new = outcome.changes.expected_version == 0;
  std::optional<std::int64_t> earliest_timer;
  for (const auto& timer : outcome.changes.timers_armed) {
    if (!earliest_timer || timer.due_at_ms < *earliest_timer) earliest_timer = timer.due_at_ms;
  }
  store_->commit(std::move(outcome.changes), [this, job, is_new, earliest_timer](Status committed) {
    if (!committed) {
      cache_erase(job->instance_id);
      if (committed.error().status == ErrorStatus::conflict && !is_new &&
          job->attempt_number < options_.conflict_retries) {
        ++job->attempt_number;
        job->state.reset();
        job->result.reset();
        attempt(job);
        return;
      }
      return finish_job(job, std::move(committed).take_error());
    }
    if (job->state->record.state == ProcessInstanceState::running) {
      cache_put(job->state);
    } else {
      cache_erase(job->instance_id);
    }
    auto& outcome = job->result->value();
    outcome.changes.instance.state = job->state->record.state;
    committed_(job->state->record, outcome, earliest_timer);
    finish_job(job, std::move(*job->result));
  });
}

void TransitionRunner::finish_job(const std::shared_ptr<Job>& job, Result<RunOutcome>&& result) {
  job->done(std::move(result));
  job->release();
  if (--in_flight_ == 0) {
    std::lock_guard lock(drain_mutex_);
    drained_.notify_all();
  }
}

}  // namespace processhost::engine
