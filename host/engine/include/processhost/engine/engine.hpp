#pragma once
// The BPMN engine: implements the SDK's EngineService on top of a Store.
//
// Threading: every EngineService call returns at once. Work runs on the engine's worker
// threads, one transition of a process instance at a time (per-instance serialisation);
// scripts never run on the caller's thread. A transition runs the instance until every token
// waits or ends, commits ONE ChangeSet, and only then completes the caller's callback.
// A 409 from the store (another host advanced the instance) reloads it and retries.
//
// Lifecycle (control plane, may throw): construct -> start(store) -> serve -> stop().
// The store must outlive stop(). Callbacks run on engine or store threads and must not block.

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <memory>

#include "processhost/engine/bpmn_parser.hpp"
#include "processhost/logger.hpp"
#include "processhost/services/engine.hpp"
#include "processhost/services/metrics.hpp"
#include "processhost/services/service_tasks.hpp"
#include "processhost/services/store.hpp"

namespace processhost::engine {

// Internal service task methods, as the SDK defines them (services/service_tasks.hpp).
using ServiceMethod = ServiceTaskFunction;
using ServiceMethodDone = ServiceTaskDone;
using AsyncServiceMethod = LongRunningServiceTask;

struct EngineOptions {
  // Methods for internal service tasks by "module.method" (more can be added at run time
  // through service_task_methods()); a task naming a method that is not registered fails
  // with 404. Tasks without module and method are no-ops.
  std::map<std::string, ServiceMethod> service_methods;
  // Asynchronous methods by "module.method"; a name here wins over service_methods.
  std::map<std::string, AsyncServiceMethod> async_service_methods;
  // Threads that run transitions (scripts included).
  std::size_t worker_threads = 2;
  // Extra threads the engine may start while scripts occupy its workers, so that a script
  // running up to its budget does not hold back other instances' transitions. Scripts beyond
  // worker_threads + max_script_threads at once queue again.
  std::size_t max_script_threads = 32;
  // Longest a single script, condition or expression may run; beyond it the instance fails
  // with "exceeded its time budget" and the worker is free again.
  std::chrono::milliseconds script_budget{1000};
  // Most memory a single script, condition or expression may allocate; beyond it the instance
  // fails with "exceeded its memory limit" and the memory is given back.
  std::size_t script_memory_limit_bytes = 64 * 1024 * 1024;
  // Instances kept parsed in memory between transitions (the store stays the truth; a stale
  // entry is detected by the commit's version check and reloaded). 0 disables the cache.
  std::size_t instance_cache_capacity = 10000;
  // How often a transition is retried after a version conflict before the caller gets 409.
  int conflict_retries = 3;
  // Store timers: besides scanning when the earliest known timer falls due, every host claims
  // due timers from the store at least this often, so that a timer armed by another host
  // (which may have stopped) fires within about this long of its due time. 0: only at known
  // due times (a single host). docs/cluster.md, "Every due timer fires once".
  std::chrono::milliseconds timer_poll_interval{500};
  // How long a claimed timer is kept from other hosts while this one fires it; a host that
  // dies between claim and commit leaves its claimed timers to the others after this.
  std::chrono::milliseconds timer_lease{5000};
  // With metrics attached: how often the waiting tasks are counted in the store.
  std::chrono::milliseconds waiting_count_interval{15000};
  // History retention: instances that ended (finished, terminated, error) longer ago than
  // this are removed with their history; 0 keeps them forever. Every cleanup interval the
  // engine removes them in batches of history_cleanup_batch instances, pausing
  // history_cleanup_pause between batches (docs/persistence.md, "History retention").
  std::chrono::milliseconds history_ttl{std::chrono::hours(24 * 30)};
  std::chrono::milliseconds history_cleanup_interval{std::chrono::minutes(1)};
  std::size_t history_cleanup_batch = 100;
  std::chrono::milliseconds history_cleanup_pause{200};
  // On a store other hosts share (one that gives hints, docs/cluster.md): how often the
  // start waiters of this host read their instances from the store, in case the hint of
  // their end was lost.
  std::chrono::milliseconds cluster_recheck_interval{5000};
};

class EngineCore;

// Parses and validates xml as deploy() does (the elements this engine runs, scripts
// compiled), without an engine: for checking models before a host starts.
ParseOutcome validate_process_model(std::string_view xml);

class Engine final : public EngineService {
 public:
  Engine(EngineOptions options, Logger& logger);
  ~Engine() override;
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Blocking: loads the deployed definitions from the store (a definition that no longer
  // parses is logged and skipped), starts the workers and counts the running instances,
  // which continue from the store when next triggered. Throws std::runtime_error when the
  // store cannot be read.
  void start(Store& store);
  // Lets in-flight transitions finish, completes waiting start calls with 503, stops threads.
  void stop() noexcept;

  // After start(): script run times, timer lag and the waiting tasks (counted in the store
  // every 15 s) go to metrics, until detach_metrics() (before stop()).
  void attach_metrics(MetricsService& metrics);
  void detach_metrics() noexcept;

  void deploy(std::string xml, std::string source_name, Callback<ProcessModelInfo> done) override;
  void list_process_models(const Identity& identity, PageRequest page,
                           Callback<PagedList<ProcessModelInfo>> done) override;
  void get_process_model(const Identity& identity, std::string process_model_id,
                         Callback<ProcessModelInfo> done) override;
  void get_process_model_by_instance(const Identity& identity, std::string process_instance_id,
                                     Callback<ProcessModelInfo> done) override;
  CancelHandle start(const Identity& identity, StartRequest request, Callback<StartResult> done) override;
  void own_process_instances(const Identity& identity, PageRequest page,
                             Callback<PagedList<ProcessInstanceInfo>> done) override;
  void correlation_results(const Identity& identity, std::string correlation_id, std::string process_model_id,
                           Callback<std::vector<CorrelationResult>> done) override;
  void waiting_tasks(const Identity& identity, TaskQuery query, Callback<PagedList<WaitingTask>> done) override;
  void finish_task(const Identity& identity, FinishTaskRequest request, Callback<Ok> done) override;
  void waiting_events(const Identity& identity, EventQuery query, Callback<PagedList<WaitingEvent>> done) override;
  void trigger(const Identity& identity, EventKind kind, std::string name, std::optional<JsonText> payload,
               Callback<Ok> done) override;
  // As trigger; instances auto-started by a message or signal start event join correlation_id
  // (a fresh one when absent), as they join the thrower's correlation for thrown events.
  void trigger(const Identity& identity, EventKind kind, std::string name, std::optional<JsonText> payload,
               std::optional<std::string> correlation_id, Callback<Ok> done);
  void delete_process_model(const Identity& identity, std::string process_model_id, Callback<Ok> done) override;
  void terminate_process_instance(const Identity& identity, std::string process_instance_id,
                                  Callback<Ok> done) override;
  CancelHandle fetch_and_lock(const Identity& identity, FetchAndLockRequest request,
                              Callback<std::vector<ExternalTask>> done) override;
  void extend_lock(const Identity& identity, std::string external_task_id, std::string worker_id,
                   std::int64_t additional_duration_ms, Callback<Ok> done) override;
  void complete_external_task(const Identity& identity, std::string external_task_id, ExternalTaskOutcome outcome,
                              Callback<Ok> done) override;
  void active_cronjobs(const Identity& identity, PageRequest page, Callback<PagedList<CronjobInfo>> done) override;
  std::uint64_t add_listener(EngineEventListener listener) override;
  void remove_listener(std::uint64_t listener_id) override;

  // Service task methods: those of the options and those added since. Lives as long as the
  // engine; the host offers it to plugins as processhost.service_task_methods/1.
  ServiceTaskMethods& service_task_methods();

 private:
  std::unique_ptr<EngineCore> core_;
};

}  // namespace processhost::engine
