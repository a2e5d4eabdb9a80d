#include "processhost/engine/engine.hpp"


#include <future>
#include <stdexcept>

#include "behaviours/behaviours.hpp"
#include "engine_core.hpp"

namespace processhost::engine {

void StartWaiter::complete(Result<StartResult> result) {
  if (finished.exchange(true)) return;
  done(std::move(result));
}

bool may_access_lane(const Identity& identity, const std::string& lane) {
  return lane.empty() || identity.super_user || identity.has_claim(claims::kManageProcessInstances) ||
         identity.has_claim(lane);
}

std::optional<std::vector<std::string>> visible_lanes(const Identity& identity) {
  if (identity.super_user || identity.has_claim(claims::kManageProcessInstances)) return std::nullopt;
  return identity.claims;
}

ProcessModelInfo model_info(const ProcessModel& model, const Identity* identity) {
  ProcessModelInfo info;
  info.id = model.id;
  info.hash = model.hash;
  info.executable = model.executable;
  auto add = [&](std::vector<FlowNodeInfo>& list, std::size_t index) {
    const auto& node = model.nodes[index];
    if (identity && !may_access_lane(*identity, node.lane)) return;
    list.push_back({node.id, node.name, node.bpmn_type, node.lane});
  };
  for (auto index : model.start_events) add(info.start_events, index);
  for (auto index : model.end_events) add(info.end_events, index);
  return info;
}

EngineCore::EngineCore(EngineOptions options, Logger& logger)
    : options_(std::move(options)),
      logger_(logger),
      service_methods_(options_.service_methods, options_.async_service_methods) {}

EngineCore::~EngineCore() { stop(); }

void EngineCore::start(Store& store) {
  store_ = &store;
  pool_ = std::make_unique<WorkerPool>(options_.worker_threads, options_.max_script_threads);
  strands_ = std::make_unique<KeyedSerializer>([this](std::function<void()> work) { post(std::move(work)); });
  running_ = true;
  open_service_gate();

  std::promise<Result<std::vector<ProcessDefinitionRecord>>> loaded;
  store.load_definitions([&](Result<std::vector<ProcessDefinitionRecord>> result) { loaded.set_value(std::move(result)); });
  auto definitions = loaded.get_future().get();
  if (!definitions) {
    throw std::runtime_error("engine: cannot load process definitions from the store: " + definitions.error().message);
  }
  for (const auto& definition : definitions.value()) {
    auto outcome = parse(definition.xml);
    if (!outcome.ok()) {
      logger_.warn("engine: stored definition " + definition.process_model_id + " (" + definition.hash.substr(0, 12) +
                   ") no longer parses and is skipped: " + outcome.problems.front().message);
      continue;
    }
    for (const auto& warning : outcome.warnings) {
      logger_.warn("engine: stored definition " + definition.process_model_id + ": " + warning.message);
    }
    register_model(outcome.model);
  }
  InstanceQuery running;
  running.state = "running";
  running.page.limit = 1;
  std::promise<Result<PagedList<ProcessInstanceRecord>>> counted;
  store.query_instances(running, [&](Result<PagedList<ProcessInstanceRecord>> result) { counted.set_value(std::move(result)); });
  auto instances = counted.get_future().get();
  if (!instances) throw std::runtime_error("engine: cannot query running instances: " + instances.error().message);
  start_timers();
  logger_.info("engine: " + std::to_string(definitions.value().size()) + " stored definition(s), " +
               std::to_string(instances.value().total_count) +
               " running instance(s) resume from the store when next triggered");
}

void EngineCore::stop() noexcept {
  if (!running_.exchange(false)) return;
  close_service_gate();
  stop_timers();
  {
    std::unique_lock lock(drain_mutex_);
    drained_.wait_for(lock, std::chrono::seconds(10), [&] { return in_flight_.load() == 0; });
  }
  std::vector<std::shared_ptr<StartWaiter>> waiting;
  {
    std::lock_guard lock(waiters_mutex_);
    for (auto& [id, waiter] : waiters_) waiting.push_back(waiter);
    waiters_.clear();
  }
  for (auto& waiter : waiting) waiter->complete(make_error(ErrorStatus::unavailable, "the engine is stopping"));
  pool_->join();
}

void EngineCore::post(std::function<void()> work) { pool_->post(std::move(work)); }

std::int64_t EngineCore::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

RunEnvironment EngineCore::environment() const {
  RunEnvironment environment;
  environment.script_budget = options_.script_budget;
  environment.script_memory_limit_bytes = options_.script_memory_limit_bytes;
  environment.logger = &logger_;
  environment.now_ms = now_ms();
  environment.collect_events = has_listeners_.load(std::memory_order_relaxed);
  environment.find_model = [this](const std::string& id) { return latest_model(id); };
  environment.service_methods = &service_methods_;
  return environment;
}

ParseOutcome EngineCore::parse(std::string_view xml) const {
  ParseOptions options;
  options.supports = check_node_supported;
  options.check_syntax = check_script_syntax;
  return parse_bpmn(xml, options);
}

void EngineCore::register_model(std::shared_ptr<const ProcessModel> model) {
  std::lock_guard lock(models_mutex_);
  versions_[model->id][model->hash] = model;
  latest_[model->id] = model;
  schedule_cron(model);
}

std::shared_ptr<const ProcessModel> EngineCore::latest_model(const std::string& id) const {
  std::lock_guard lock(models_mutex_);
  auto found = latest_.find(id);
  return found == latest_.end() ? nullptr : found->second;
}

std::shared_ptr<const ProcessModel> EngineCore::model_version(const std::string& id, const std::string& hash) const {
  std::lock_guard lock(models_mutex_);
  auto found = versions_.find(id);
  if (found == versions_.end()) return nullptr;
  auto version = found->second.find(hash);
  return version == found->second.end() ? nullptr : version->second;
}

bool EngineCore::has_single_version(const std::string& id) const {
  std::lock_guard lock(models_mutex_);
  auto found = versions_.find(id);
  return found != versions_.end() && found->second.size() == 1;
}

std::vector<std::shared_ptr<const ProcessModel>> EngineCore::latest_models() const {
  std::lock_guard lock(models_mutex_);
  std::vector<std::shared_ptr<const ProcessModel>> models;
  for (const auto& [id, model] : latest_) models.push_back(model);
  return models;
}

void EngineCore::cache_put(std::shared_ptr<InstanceState> state) {
  if (options_.instance_cache_capacity == 0) return;
  std::lock_guard lock(cache_mutex_);
  const std::string id = state->record.id;
  if (cache_.insert_or_assign(id, std::move(state)).second) cache_order_.push_back(id);
  // The order list may hold ids already erased; bound it too.
  while (cache_.size() > options_.instance_cache_capacity || cache_order_.size() > 2 * options_.instance_cache_capacity) {
    cache_.erase(cache_order_.front());
    cache_order_.pop_front();
  }
}

std::shared_ptr<InstanceState> EngineCore::cache_get(const std::string& id) {
  std::lock_guard lock(cache_mutex_);
  auto found = cache_.find(id);
  return found == cache_.end() ? nullptr : found->second;
}

void EngineCore::cache_erase(const std::string& id) {
  std::lock_guard lock(cache_mutex_);
  cache_.erase(id);
}

Result<std::shared_ptr<InstanceState>> EngineCore::restore(ProcessInstanceRecord record) const {
  auto state = std::make_shared<InstanceState>();
  state->model = model_version(record.process_model_id, record.process_model_hash);
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

void EngineCore::load_state(const std::string& instance_id, Callback<std::shared_ptr<InstanceState>> done) {
  if (auto cached = cache_get(instance_id)) {
    done(std::move(cached));
    return;
  }
  store_->load_instance(instance_id, [this, instance_id, done](Result<std::optional<ProcessInstanceRecord>> loaded) {
    if (!loaded) return done(std::move(loaded).take_error());
    if (!loaded.value()) {
      return done(make_error(ErrorStatus::not_found, "process instance '" + instance_id + "' not found"));
    }
    done(restore(std::move(*loaded.value())));
  });
}

void EngineCore::run_transition(const std::string& instance_id, std::shared_ptr<InstanceState> state_for_new,
                                Transition transition, TransitionDone done) {
  if (!running_) {
    done(make_error(ErrorStatus::unavailable, "the engine is not running"));
    return;
  }
  ++in_flight_;
  auto job = std::make_shared<Job>();
  job->instance_id = instance_id;
  job->state = std::move(state_for_new);
  job->transition = std::move(transition);
  job->done = std::move(done);
  strands_->run(job->instance_id, [this, job](KeyedSerializer::Release release) {
    job->release = std::move(release);
    attempt(job);
  });
}

void EngineCore::attempt(std::shared_ptr<Job> job) {
  if (job->state) {
    build_and_commit(std::move(job));
    return;
  }
  load_state(job->instance_id, [this, job](Result<std::shared_ptr<InstanceState>> state) {
    if (!state) return finish_job(job, std::move(state).take_error());
    job->state = std::move(state.value());
    build_and_commit(job);
  });
}

void EngineCore::build_and_commit(std::shared_ptr<Job> job) {
  auto& result = job->result.emplace(job->transition(*job->state));
  if (!result) return finish_job(job, std::move(result));
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
    if (job->state->record.state == "running") {
      cache_put(job->state);
    } else {
      cache_erase(job->instance_id);
    }
    auto& outcome = job->result->value();
    outcome.changes.instance.state = job->state->record.state;
    after_commit(job->state->record, outcome, earliest_timer);
    published(job->instance_id, outcome);
    finish_job(job, std::move(*job->result));
  });
}

void EngineCore::finish_job(const std::shared_ptr<Job>& job, Result<RunOutcome>&& result) {
  job->done(std::move(result));
  job->release();
  if (--in_flight_ == 0) {
    std::lock_guard lock(drain_mutex_);
    drained_.notify_all();
  }
}

void EngineCore::published(const std::string& instance_id, const RunOutcome& outcome) {
  if (!outcome.events.empty()) {
    std::vector<EngineEventListener> listeners;
    {
      std::lock_guard lock(listeners_mutex_);
      for (const auto& [id, listener] : listeners_) listeners.push_back(listener);
    }
    for (const auto& event : outcome.events) {
      for (const auto& listener : listeners) listener(event);
    }
  }
  const bool ended = outcome.failure || outcome.changes.instance.state != "running";
  if (outcome.ends.empty() && !ended) return;
  std::vector<std::shared_ptr<StartWaiter>> ready;
  {
    std::lock_guard lock(waiters_mutex_);
    auto [begin, end] = waiters_.equal_range(instance_id);
    for (auto it = begin; it != end;) {
      auto& waiter = it->second;
      bool done = ended || waiter->finished.load();
      if (!done && waiter->type == StartCallbackType::on_process_finished) done = true;
      for (const auto& reached : outcome.ends) done = done || reached.end_event_id == waiter->end_event_id;
      if (done) {
        ready.push_back(waiter);
        it = waiters_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& waiter : ready) {
    const EndReached* reached = nullptr;
    for (const auto& end : outcome.ends) {
      if (waiter->type == StartCallbackType::on_process_finished || end.end_event_id == waiter->end_event_id) {
        reached = &end;
        break;
      }
    }
    if (reached) {
      waiter->complete(StartResult{waiter->correlation_id, waiter->process_instance_id, reached->end_event_id,
                                   reached->payload});
    } else if (outcome.failure) {
      waiter->complete(*outcome.failure);
    } else if (waiter->type == StartCallbackType::on_process_finished) {
      waiter->complete(StartResult{waiter->correlation_id, waiter->process_instance_id, std::nullopt, "null"});
    } else {
      waiter->complete(make_error(ErrorStatus::internal, "process instance " + waiter->process_instance_id +
                                                             " finished without reaching end event '" +
                                                             waiter->end_event_id + "'"));
    }
  }
}

void EngineCore::add_waiter(std::shared_ptr<StartWaiter> waiter) {
  std::lock_guard lock(waiters_mutex_);
  waiters_.emplace(waiter->process_instance_id, std::move(waiter));
}

void EngineCore::remove_waiter(const std::shared_ptr<StartWaiter>& waiter) {
  std::lock_guard lock(waiters_mutex_);
  auto [begin, end] = waiters_.equal_range(waiter->process_instance_id);
  for (auto it = begin; it != end; ++it) {
    if (it->second == waiter) {
      waiters_.erase(it);
      return;
    }
  }
}

std::uint64_t EngineCore::add_listener(EngineEventListener listener) {
  std::lock_guard lock(listeners_mutex_);
  const auto id = next_listener_id_++;
  listeners_.emplace(id, std::move(listener));
  has_listeners_ = true;
  return id;
}

void EngineCore::remove_listener(std::uint64_t id) {
  std::lock_guard lock(listeners_mutex_);
  listeners_.erase(id);
  has_listeners_ = !listeners_.empty();
}

Engine::Engine(EngineOptions options, Logger& logger) : core_(std::make_unique<EngineCore>(options, logger)) {}

Engine::~Engine() { core_->stop(); }

void Engine::start(Store& store) { core_->start(store); }

void Engine::stop() noexcept { core_->stop(); }

std::uint64_t Engine::add_listener(EngineEventListener listener) { return core_->add_listener(std::move(listener)); }

void Engine::remove_listener(std::uint64_t listener_id) { core_->remove_listener(listener_id); }

ServiceTaskMethods& Engine::service_task_methods() { return core_->service_methods_; }

}  // namespace processhost::engine
