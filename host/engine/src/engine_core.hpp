#pragma once
// What processhost::engine::Engine owns: its parts (model registry, transition runner, start
// waiters, event bus, timers, external-task pollers, service calls) and the wiring between
// them. Each part keeps its own lock; the Engine's API files reach the parts through the
// accessors below, never through another part's members.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/model_registry.hpp"
#include "runtime/engine_meters.hpp"
#include "runtime/event_bus.hpp"
#include "runtime/executor.hpp"
#include "runtime/service_calls.hpp"
#include "runtime/external_task_pollers.hpp"
#include "runtime/start_waiters.hpp"
#include "runtime/timer_scheduler.hpp"
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

// A cron start event that fires: enabled, in an executable model (engine_cron.cpp).
struct RepeatingCycle;

struct CronStartEvent {
  std::size_t index = 0;  // in model.nodes
  const FlowNode* node = nullptr;
};
std::vector<CronStartEvent> cron_start_events(const ProcessModel& model);

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
  TransitionRunner& runner() { return runner_; }
  TimerScheduler& timers() { return timers_; }
  ExternalTaskPollers& pollers() { return pollers_; }
  EngineMeters& meters() { return meters_; }
  // A store timer due at due_ms was armed elsewhere (another host's commit): claim due timers
  // no later than then. A hint only: the periodic claim finds the timer anyway, later.
  void wake_timers_at(std::int64_t due_ms) { timers_.note_store_due(due_ms); }
  // Names this host in the store's claims (timer leases, cron ticks), for operators.
  const std::string& host_id() const { return host_id_; }
  // Counts the waiting tasks and the overdue timers in the store into the meters, then again
  // after an interval
  // (engine_timers.cpp), while the engine runs and the meters are attached.
  void refresh_counts();

  // Adds a deployed (or stored) model and schedules its cron start events. deployed_at_ms:
  // its deployment time in the store, when known.
  void register_model(std::shared_ptr<const ProcessModel> model, std::int64_t deployed_at_ms = 0);
  // Reads the store's definitions and adds what this host lacks: versions deployed by other
  // hosts, and a later deployment as the latest (engine_definitions.cpp).
  void read_stored_definitions(Callback<Ok> done);
  ParseOutcome parse(std::string_view xml) const;

  void post(std::function<void()> work);
  RunEnvironment environment() const;
  std::int64_t now_ms() const;
  // The time a new deployment is recorded with: now, but always later than every deployment
  // before it, so the deployment order can be read from the store (versions are numbered by
  // it) even when two deployments fall into one millisecond.
  std::int64_t next_deploy_time_ms();

  // Creates instance_id at start_index with payload and runs its first transition.
  void launch(const Identity& identity, std::shared_ptr<const ProcessModel> model, std::size_t start_index,
              JsonText payload, std::string instance_id, std::string correlation_id, std::string caller_id,
              TransitionDone done);

  // Messages and signals (engine_events.cpp): auto-starts every latest model with a matching
  // start event in correlation_id, then resumes every event waiting for the name. done runs
  // once every delivery has been committed (or refused because the wait already ended).
  void deliver(const Identity& identity, EventKind kind, std::string name, std::optional<JsonText> payload,
               std::string correlation_id, Callback<Ok> done);

  // Cron start events of model replace those of its earlier versions (engine_timers.cpp).
  // deployed_at_ms: the store's deployment time of this version (0: not known), the anchor of
  // repeating cycles without a start date, so that every host computes the same ticks.
  void schedule_cron(const std::shared_ptr<const ProcessModel>& model, std::int64_t deployed_at_ms);

  // Cron events (engine_cron.cpp): published only while someone listens.
  void publish_cron_event(EngineEventKind kind, const std::string& model_id, const FlowNode& node,
                          std::string instance_id, std::string correlation_id, std::int64_t at_ms);
  // cronjob_removed for each cron start event of a deleted model.
  void cron_removed(const ProcessModel& model);
  // cronjob_executed, and the execution in the store's cron history.
  void record_cron_execution(const std::string& model_id, const FlowNode& node, std::string instance_id,
                             std::string correlation_id, std::int64_t executed_at_ms);

  // History retention (engine_retention.cpp): removes ended instances older than the time to
  // live in batches, then waits for the next round.
  void sweep_history();

  // Hints of other hosts' commits (engine_hints.cpp): subscribed from start() to stop().
  void listen_for_hints();
  void stop_listening_for_hints() noexcept;

  // One attempt to lock tasks for a long-polling fetch_and_lock (engine_external_tasks.cpp).
  void poll(std::shared_ptr<ExternalTaskPoller> poller);

 private:
  void after_commit(const ProcessInstanceRecord& instance, const RunOutcome& outcome,
                    std::optional<std::int64_t> earliest_timer);
  struct PendingSend;
  // A completed asynchronous service method resumes (or fails) its task in a transition of
  // its own on the instance's strand, unless the task no longer waits.
  void complete_service_call(const std::string& instance_id, const std::string& flow_node_instance_id,
                             const Result<JsonText>& result);
  JsonText call_result(const ProcessInstanceRecord& child, const RunOutcome& outcome) const;
  void child_ended(const std::string& parent_id, const std::string& child_id, Result<JsonText> result);
  // A called instance raised an escalation it did not catch: its call activity's turn.
  void child_escalated(const std::string& parent_id, const std::string& child_id, const EscalationRaised& escalation);
  // A call activity ended without its child (engine_terminate.cpp): the child ends as terminated.
  void terminate_child(const std::string& parent_id, const ChildTermination& child);
  void offer(std::shared_ptr<PendingSend> send);
  void scan_timers();
  void fire_timer(TimerRecord timer);
  // tick_ms: the tick's scheduled time, the same on every host (its claim's key).
  void cron_fire(std::string model_id, std::size_t start_index, std::uint64_t generation, std::int64_t tick_ms);
  void read_definitions_now();
  void apply_hints(const StoreHints& hints);
  // Reads each instance and its results from the store and answers its start waiters whose
  // end another host committed.
  void settle_waiters(std::vector<std::string> instance_ids);
  // settle_waiters for every waiting instance, then again after cluster_recheck_interval.
  void recheck_waiters();
  // read_at: the registry's generation when the read was sent (ModelRegistry::agree_with_store).
  void add_stored_definitions(const std::vector<ProcessDefinitionRecord>& definitions, std::uint64_t read_at);
  // Repeating cycles (R[n]/...) of timer start events: arms firing number `fired` of the
  // schedule anchored at anchor_ms, unless the repetitions are used up (engine_timers.cpp).
  void arm_repetition(const std::string& model_id, std::size_t start_index, std::uint64_t generation,
                      const RepeatingCycle& cycle, std::int64_t fired, std::int64_t anchor_ms);
  // A scheduled start (cron or repeating cycle): a new instance in a cronjob_ correlation,
  // once the store's claim of the tick (tick_ms) says no other host started it.
  void start_on_schedule(const std::shared_ptr<const ProcessModel>& model, std::size_t start_index,
                         std::int64_t tick_ms);
  void start_claimed_tick(const std::shared_ptr<const ProcessModel>& model, std::size_t start_index);
  // Old cron tick claims (engine_retention.cpp): removed every history cleanup interval.
  void sweep_cron_claims();

  EngineOptions options_;
  Logger& logger_;
  const std::string host_id_;
  ServiceMethodRegistry service_methods_;
  Store* store_ = nullptr;
  std::atomic<bool> running_{false};
  std::unique_ptr<WorkerPool> pool_;
  ModelRegistry models_;
  StartWaiters waiters_;
  EventBus events_;
  TransitionRunner runner_;
  TimerScheduler timers_;
  ExternalTaskPollers pollers_;
  ServiceCalls service_calls_;
  EngineMeters meters_;
  std::atomic<std::int64_t> last_deploy_ms_{0};
  // Reads of the stored definitions (engine_definitions.cpp): one at a time; callers that
  // come while one runs share the next, which starts after them, so none misses a deployment
  // stored before it asked.
  std::mutex definition_reads_mutex_;
  bool definitions_reading_ = false;
  std::vector<Callback<Ok>> definitions_current_;
  std::vector<Callback<Ok>> definitions_next_;
  // Store calls of history retention and the cron history whose callbacks (which use this
  // core) have not run yet; stop() waits for them.
  std::atomic<int> history_calls_{0};
  // The same for the store calls made on hints (settle_waiters).
  std::atomic<int> hint_calls_{0};
  std::uint64_t hint_subscription_ = 0;
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
// The original's rule for what a caller may see of a model: only the lanes it may access, and
// nothing at all when none of the model's start events is among them.
bool model_visible_to(const ProcessModel& model, const Identity& identity);
Error model_not_accessible(const ProcessModel& model);

}  // namespace processhost::engine
