#include "processhost/engine/engine.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include <unistd.h>

#include "behaviours/behaviours.hpp"
#include "engine_core.hpp"
#include "runtime/uuid.hpp"

namespace processhost::engine {
namespace {

// "host/pid/random": readable in the store's claim columns, unique across restarts.
std::string make_host_id() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) name[0] = '\0';
  return std::string(name) + "/" + std::to_string(getpid()) + "/" + make_uuid().substr(0, 8);
}

}  // namespace

bool may_access_lane(const Identity& identity, const std::string& lane) {
  return lane.empty() || identity.super_user || identity.has_claim(claims::kManageProcessInstances) ||
         identity.has_claim(lane);
}

std::optional<std::vector<std::string>> visible_lanes(const Identity& identity) {
  if (identity.super_user || identity.has_claim(claims::kManageProcessInstances)) return std::nullopt;
  return identity.claims;
}

bool model_visible_to(const ProcessModel& model, const Identity& identity) {
  for (auto index : model.start_events) {
    if (may_access_lane(identity, model.nodes[index].lane)) return true;
  }
  for (auto index : model.implicit_starts) {
    if (may_access_lane(identity, model.nodes[index].lane)) return true;
  }
  return false;
}

Error model_not_accessible(const ProcessModel& model) {
  return make_error(ErrorKind::process_model_not_accessible, {.id = model.id}, ErrorStatus::forbidden,
                    "access denied: no part of process model '" + model.id + "' is accessible to this identity");
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
      host_id_(make_host_id()),
      service_methods_(options_.service_methods, options_.async_service_methods),
      runner_(TransitionRunner::Options{options_.instance_cache_capacity, options_.conflict_retries}, models_,
              [this](std::function<void()> work) { post(std::move(work)); },
              [this](const ProcessInstanceRecord& instance, const RunOutcome& outcome,
                     std::optional<std::int64_t> earliest_timer) {
                after_commit(instance, outcome, earliest_timer);
                events_.publish(outcome.events);
                waiters_.notify(instance.id, outcome);
              }),
      timers_([this](std::function<void()> work) { post(std::move(work)); }, [this] { return now_ms(); },
              [this] { scan_timers(); }, options_.timer_poll_interval.count()),
      pollers_([this](std::shared_ptr<ExternalTaskPoller> poller) { poll(std::move(poller)); }),
      service_calls_(service_methods_, [this](std::function<void()> work) { post(std::move(work)); },
                     [this](const std::string& instance_id, const std::string& flow_node_instance_id,
                            const Result<JsonText>& result) {
                       complete_service_call(instance_id, flow_node_instance_id, result);
                     }) {}

EngineCore::~EngineCore() { stop(); }

void EngineCore::start(Store& store) {
  store_ = &store;
  pool_ = std::make_unique<WorkerPool>(options_.worker_threads, options_.max_script_threads);
  runner_.open(store, [this](Callback<Ok> done) { read_stored_definitions(std::move(done)); });
  running_ = true;
  service_calls_.open();

  std::promise<Result<std::vector<ProcessDefinitionRecord>>> loaded;
  store.load_definitions([&](Result<std::vector<ProcessDefinitionRecord>> result) { loaded.set_value(std::move(result)); });
  auto definitions = loaded.get_future().get();
  if (!definitions) {
    throw std::runtime_error("engine: cannot load process definitions from the store: " + definitions.error().message);
  }
  for (const auto& definition : definitions.value()) {
    if (definition.deployed_at_ms > last_deploy_ms_.load()) last_deploy_ms_.store(definition.deployed_at_ms);
    auto outcome = parse(definition.xml);
    if (!outcome.ok()) {
      logger_.warn("engine: stored definition " + definition.process_model_id + " (" + definition.hash.substr(0, 12) +
                   ") no longer parses and is skipped: " + outcome.problems.front().message);
      continue;
    }
    for (const auto& warning : outcome.warnings) {
      logger_.warn("engine: stored definition " + definition.process_model_id + ": " + warning.message);
    }
    if (definition.deleted_at_ms != 0) {
      models_.add_version(outcome.model);
    } else {
      register_model(outcome.model, definition.deployed_at_ms);
    }
  }
  InstanceQuery running;
  running.state = ProcessInstanceState::running;
  running.page.limit = 1;
  // Whether any runs, not how many: counting a million instances would hold the start-up
  // (and /ready) for a count that only this log line reads.
  running.page.count_total = false;
  std::promise<Result<PagedList<ProcessInstanceRecord>>> counted;
  store.query_instances(running, [&](Result<PagedList<ProcessInstanceRecord>> result) { counted.set_value(std::move(result)); });
  auto instances = counted.get_future().get();
  if (!instances) throw std::runtime_error("engine: cannot query running instances: " + instances.error().message);
  timers_.start();
  listen_for_hints();
  if (options_.history_ttl.count() > 0) {
    timers_.schedule(now_ms() + options_.history_cleanup_interval.count(), [this] { sweep_history(); });
  }
  timers_.schedule(now_ms() + options_.history_cleanup_interval.count(), [this] { sweep_cron_claims(); });
  logger_.info("engine: " + std::to_string(definitions.value().size()) + " stored definition(s), " +
               (instances.value().items.empty() ? std::string("no running instance")
                                                : std::string("running instances resume from the store when next triggered")));
}

void EngineCore::stop() noexcept {
  if (!running_.exchange(false)) return;
  // First: once it returns no hint handler runs, and none posts work any more.
  stop_listening_for_hints();
  runner_.refuse_new();
  service_calls_.close();
  timers_.stop();
  runner_.drain(std::chrono::seconds(10));
  for (const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       (history_calls_.load() > 0 || hint_calls_.load() > 0) && std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  waiters_.fail_all(make_error(ErrorStatus::unavailable, "the engine is stopping"));
  pool_->join();
}

void EngineCore::post(std::function<void()> work) { pool_->post(std::move(work)); }

std::int64_t EngineCore::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::int64_t EngineCore::next_deploy_time_ms() {
  const std::int64_t now = now_ms();
  std::int64_t last = last_deploy_ms_.load();
  while (!last_deploy_ms_.compare_exchange_weak(last, std::max(now, last + 1))) {
  }
  return std::max(now, last + 1);
}

RunEnvironment EngineCore::environment() const {
  RunEnvironment environment;
  environment.script_budget = options_.script_budget;
  environment.script_memory_limit_bytes = options_.script_memory_limit_bytes;
  environment.logger = &logger_;
  environment.now_ms = now_ms();
  environment.collect_events = events_.has_listeners();
  environment.find_model = [this](const std::string& id) { return models_.latest(id); };
  environment.service_methods = &service_methods_;
  environment.meters = &meters_;
  return environment;
}

ParseOutcome validate_process_model(std::string_view xml) {
  ParseOptions options;
  options.supports = check_node_supported;
  options.check_syntax = check_script_syntax;
  return parse_bpmn(xml, options);
}

ParseOutcome EngineCore::parse(std::string_view xml) const { return validate_process_model(xml); }

void EngineCore::register_model(std::shared_ptr<const ProcessModel> model, std::int64_t deployed_at_ms) {
  models_.add(
      std::move(model),
      [this](const std::shared_ptr<const ProcessModel>& added, std::int64_t deployed_at) { schedule_cron(added, deployed_at); },
      deployed_at_ms);
}

Engine::Engine(EngineOptions options, Logger& logger) : core_(std::make_unique<EngineCore>(options, logger)) {}

Engine::~Engine() { core_->stop(); }

void Engine::start(Store& store) { core_->start(store); }

void Engine::stop() noexcept { core_->stop(); }

void Engine::attach_metrics(MetricsService& metrics) {
  core_->meters().attach(metrics);
  core_->post([core = core_.get()] { core->refresh_counts(); });
}

void Engine::detach_metrics() noexcept { core_->meters().detach(); }

std::uint64_t Engine::add_listener(EngineEventListener listener) { return core_->events().add(std::move(listener)); }

void Engine::remove_listener(std::uint64_t listener_id) { core_->events().remove(listener_id); }

ServiceTaskMethods& Engine::service_task_methods() { return core_->service_methods(); }

}  // namespace processhost::engine
