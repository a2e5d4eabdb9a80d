#pragma once
// The engine's machinery behind processhost::engine::Engine: model registry, instance
// cache, per-instance strands, the transition/commit/retry loop, start waiters, listeners.

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

#include "runtime/executor.hpp"
#include "runtime/keyed_serializer.hpp"
#include "scripting/service_method_registry.hpp"
#include "runtime/worker_pool.hpp"
#include "processhost/engine/bpmn_parser.hpp"
#include "processhost/engine/engine.hpp"

namespace processhost::engine {

// A caller of start() with callback type 2 or 3, waiting for the instance to end.
struct StartWaiter final : Cancellation {
  StartCallbackType type = StartCallbackType::on_process_finished;
  std::string end_event_id;
  std::string correlation_id;
  std::string process_instance_id;
  Callback<StartResult> done;
  std::atomic<bool> finished{false};

  void cancel() override { finished.store(true); }
  // Runs done once; later calls (or after cancel) do nothing.
  void complete(Result<StartResult> result);
};

// For calls that complete at once: nothing to cancel.
struct NoCancellation final : Cancellation {
  void cancel() override {}
};

// Builds the change set of one transition from the instance's current state; an error means
// the trigger is refused (404, 403, ...) and nothing is committed.
using Transition = std::function<Result<RunOutcome>(InstanceState& state)>;
using TransitionDone = std::function<void(Result<RunOutcome>)>;

class EngineCore {
 public:
  EngineCore(EngineOptions options, Logger& logger);
  ~EngineCore();

  void start(Store& store);
  void stop() noexcept;

  EngineOptions options_;
  Logger& logger_;
  ServiceMethodRegistry service_methods_;
  Store* store_ = nullptr;

  // Models: latest version by id, every version by id + hash.
  std::shared_ptr<const ProcessModel> latest_model(const std::string& id) const;
  std::shared_ptr<const ProcessModel> model_version(const std::string& id, const std::string& hash) const;
  std::vector<std::shared_ptr<const ProcessModel>> latest_models() const;
  bool has_single_version(const std::string& id) const;
  void register_model(std::shared_ptr<const ProcessModel> model);
  ParseOutcome parse(std::string_view xml) const;

  // Runs transition on the instance's strand: load (cache or store), build, commit, retry
  // on conflict, publish. state_for_new: the state of an instance that does not exist yet.
  void run_transition(const std::string& instance_id, std::shared_ptr<InstanceState> state_for_new,
                      Transition transition, TransitionDone done);
  // Loads an instance (cache or store) without changing it; on a worker, not serialised.
  void load_state(const std::string& instance_id, Callback<std::shared_ptr<InstanceState>> done);

  void add_waiter(std::shared_ptr<StartWaiter> waiter);
  void remove_waiter(const std::shared_ptr<StartWaiter>& waiter);
  void post(std::function<void()> work);
  RunEnvironment environment() const;
  std::int64_t now_ms() const;

  std::uint64_t add_listener(EngineEventListener listener);
  void remove_listener(std::uint64_t id);

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
  // One trigger on its way through load, build, commit and retries; shared by its callbacks.
  struct Job {
    std::string instance_id;
    std::shared_ptr<InstanceState> state;  // set for a new instance, else loaded per attempt
    Transition transition;
    TransitionDone done;
    KeyedSerializer::Release release;
    int attempt_number = 0;
    // The transition's result, kept in place from build to callback: a RunOutcome is large
    // and every move of it costs.
    std::optional<Result<RunOutcome>> result;
  };
  void attempt(std::shared_ptr<Job> job);
  void build_and_commit(std::shared_ptr<Job> job);
  void finish_job(const std::shared_ptr<Job>& job, Result<RunOutcome>&& result);
  void published(const std::string& instance_id, const RunOutcome& outcome);
  void cache_put(std::shared_ptr<InstanceState> state);
  std::shared_ptr<InstanceState> cache_get(const std::string& id);
  void cache_erase(const std::string& id);
  Result<std::shared_ptr<InstanceState>> restore(ProcessInstanceRecord record) const;
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

  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<KeyedSerializer> strands_;
  std::atomic<bool> running_{false};
  std::atomic<std::size_t> in_flight_{0};
  std::mutex drain_mutex_;
  std::condition_variable drained_;

  mutable std::mutex models_mutex_;
  std::map<std::string, std::shared_ptr<const ProcessModel>> latest_;
  std::map<std::string, std::map<std::string, std::shared_ptr<const ProcessModel>>> versions_;

  std::mutex cache_mutex_;
  std::unordered_map<std::string, std::shared_ptr<InstanceState>> cache_;
  std::deque<std::string> cache_order_;

  std::mutex waiters_mutex_;
  std::unordered_multimap<std::string, std::shared_ptr<StartWaiter>> waiters_;

  std::mutex listeners_mutex_;
  std::map<std::uint64_t, EngineEventListener> listeners_;
  std::uint64_t next_listener_id_ = 1;
  std::atomic<bool> has_listeners_{false};

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
