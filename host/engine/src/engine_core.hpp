#pragma once
// What processhost::engine::Engine owns: its parts (model registry, transition runner, start
// waiters, event bus, timers, external-task pollers, service calls) and the wiring between
// them. Each part keeps its own lock; the Engine's API files reach the parts through the
// accessors below, never through another part's members.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "model/model_registry.hpp"
#include "runtime/event_bus.hpp"
#include "runtime/executor.hpp"
#include "runtime/start_waiters.hpp"
#include "runtime/transition_runner.hpp"
#include "scripting/service_method_registry.hpp"
#include "runtime/worker_pool.hpp"
#include "processhost/engine/bpmn_parser.hpp"
#include "processhost/engine/engine.hpp"

namespace processhost::engine {

// For calls that complete at once: nothing to cancel.
struct NoCancellation final : Cancellation {
  void cancel() override {}
};

class EngineCore {
 public:
  EngineCore(EngineOptions options, Logger& logger);
  ~EngineCore();

  void start(Store& store);
  void stop() noexcept;

  const EngineOptions& options() const { return options_; }
  Logger& logger() const { return logger_; }
  ServiceMethodRegistry& service_methods() { return service_methods_; }
  // Null until start().
  Store* store() const { return store_; }
  ModelRegistry& models() { return models_; }
  StartWaiters& waiters() { return waiters_; }
  EventBus& events() { return events_; }
  // Valid from start() on.
  TransitionRunner& runner() { return *runner_; }

  // Adds a deployed (or stored) model and schedules its cron start events.
  void register_model(std::shared_ptr<const ProcessModel> model);
  ParseOutcome parse(std::string_view xml) const;

  void post(std::function<void()> work);
  RunEnvironment environment() const;
  std::int64_t now_ms() const;

  // Creates instance_id at start_index with payload and runs its first transition.
  void launch(const Identity& identity, std::shared_ptr<const ProcessModel> model, std::size_t start_index,
              JsonText payload, std::string instance_id, std::string correlation_id, std::string caller_id,
              TransitionDone done);

  // Messages and signals (engine_events.cpp): auto-starts every latest model with a matching
  // start event in correlation_id, then resumes every event waiting for the name. done runs
  // once every delivery has been committed (or refused because the wait already ended).
  void deliver(const Identity& identity, EventKind kind, std::string name, std::optional<JsonText> payload,
               std::string correlation_id, Callback<Ok> done);

  // Timers (engine_timers.cpp). The store's timers are the truth; the engine keeps only the
  // earliest due time and asks the store for what is due when it passes.
  void note_timer_due(std::int64_t due_ms);
  // In-memory work at a due time (send task retries, cron starts): lost on restart by design.
  void schedule(std::int64_t due_ms, std::function<void()> work);
  // Cron start events of model replace those of its earlier versions.
  void schedule_cron(const std::shared_ptr<const ProcessModel>& model);

  // Asynchronous service methods (engine_service_calls.cpp): called on a worker after the
  // commit that shows their task running; each completion resumes (or fails) the task in a
  // transition of its own on the instance's strand, unless the task no longer waits.
  void start_service_calls(const std::string& instance_id, const std::vector<ServiceCallRequest>& calls);

 private:
  void after_commit(const ProcessInstanceRecord& instance, const RunOutcome& outcome,
                    std::optional<std::int64_t> earliest_timer);
  struct PendingSend;
  // Completions of service methods reach the engine through the gate; stop() closes it, so a
  // method that completes after the engine is gone does nothing.
  struct ServiceGate;
  void open_service_gate();
  void close_service_gate();
  void complete_service_call(const std::string& instance_id, const std::string& flow_node_instance_id,
                             const Result<JsonText>& result);
  std::shared_ptr<ServiceGate> service_gate_;

 public:
  // Long polling fetch_and_lock calls waiting for a task of their topic.
  struct Poller;
  void add_poller(std::shared_ptr<Poller> poller);
  void remove_poller(const std::shared_ptr<Poller>& poller);
  void wake_pollers(const std::string& topic);
  void poll(std::shared_ptr<Poller> poller);

 private:
  std::mutex pollers_mutex_;
  std::multimap<std::string, std::shared_ptr<Poller>> pollers_;
  JsonText call_result(const ProcessInstanceRecord& child, const RunOutcome& outcome) const;
  void child_ended(const std::string& parent_id, const std::string& child_id, Result<JsonText> result);
  void offer(std::shared_ptr<PendingSend> send);
  void start_timers();
  void stop_timers();
  void timer_loop();
  void scan_timers();
  void fire_timer(TimerRecord timer);
  void cron_fire(std::string model_id, std::size_t start_index, std::uint64_t generation);

  EngineOptions options_;
  Logger& logger_;
  ServiceMethodRegistry service_methods_;
  Store* store_ = nullptr;
  std::atomic<bool> running_{false};
  std::unique_ptr<WorkerPool> pool_;
  ModelRegistry models_;
  StartWaiters waiters_;
  EventBus events_;
  std::unique_ptr<TransitionRunner> runner_;

  std::thread timer_thread_;
  std::mutex timer_mutex_;
  std::condition_variable timer_wakeup_;
  bool timers_running_ = false;
  bool scanning_ = false;
  std::optional<std::int64_t> next_store_due_;
  std::multimap<std::int64_t, std::function<void()>> scheduled_;
  std::set<std::string> timers_in_flight_;
  std::map<std::string, std::uint64_t> cron_generation_;  // model id -> current schedule
};

// The identity stored with an instance (owner_identity), for messages it throws.
Identity identity_from_owner(const JsonText& owner_identity);
// The identity of instances the engine starts by itself (cron).
Identity engine_identity();

// Lane access: no lane, super user, can_manage_process_instances or the lane's claim.
bool may_access_lane(const Identity& identity, const std::string& lane);
// Lanes filter for store queries: nullopt when the identity sees every lane.
std::optional<std::vector<std::string>> visible_lanes(const Identity& identity);
ProcessModelInfo model_info(const ProcessModel& model, const Identity* identity);

}  // namespace processhost::engine
