#pragma once
// Runs one trigger (start, finish a task, ...) on one instance until every token waits or
// ends, and collects what changed into one ChangeSet. Single-threaded: the engine calls it
// on the instance's strand. What an element does lives in its behaviour (behaviours/); the
// executor owns the arrival queue, flow node records, scopes, boundary events, error routing
// and the instance's end.

#include <chrono>
#include <deque>
#include <map>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "behaviours/element_context.hpp"
#include "instance/instance_state.hpp"
#include "processhost/engine/engine.hpp"
#include "processhost/logger.hpp"
#include "processhost/services/engine.hpp"
#include "processhost/services/store.hpp"
#include "scripting/script_runtime.hpp"
#include "scripting/service_method_registry.hpp"

namespace processhost::engine {

struct RunEnvironment;
class EngineMeters;
using ModelLookup = std::function<std::shared_ptr<const ProcessModel>(const std::string& process_model_id)>;

// A call activity's child instance, started by the engine after the commit.
struct CallRequest {
  std::string child_instance_id;
  std::shared_ptr<const ProcessModel> model;
  std::size_t start_event = kNoIndex;
  JsonText payload;
};

struct RunEnvironment {
  ModelLookup find_model;  // latest deployed version of a model, null when unknown
  const ServiceMethodRegistry* service_methods = nullptr;
  std::chrono::milliseconds script_budget{1000};
  std::size_t script_memory_limit_bytes = 64 * 1024 * 1024;
  Logger* logger = nullptr;
  std::int64_t now_ms = 0;
  bool collect_events = false;
  const EngineMeters* meters = nullptr;  // script run times; may be null
};

struct EndReached {
  std::string end_event_id;
  JsonText payload;
};

// A message or signal thrown in a run; delivered by the engine after the commit.
struct Publication {
  EventKind kind = EventKind::message;
  std::string name;
  JsonText payload;
  std::string flow_node_id;
  std::string flow_node_type;  // "bpmn:IntermediateThrowEvent", "bpmn:EndEvent", ...: listeners tell them apart
};

// An asynchronous service method to call after the commit; its task waits as running.
struct ServiceCallRequest {
  std::string flow_node_instance_id;
  std::string method;  // "module.method"
  JsonText arguments;
};

// An escalation no one in the instance caught, for the call activity that started it.
struct EscalationRaised {
  std::string code;
  JsonText payload;
};

// A call activity left without its child's end (an interrupting boundary event, a cancelled
// scope, the instance's own end): the engine terminates the child after the commit.
struct ChildTermination {
  std::string child_instance_id;
  std::string call_activity_id;
};

struct RunOutcome {
  ChangeSet changes;
  std::vector<Publication> published;
  std::vector<SendRequest> sends;
  std::vector<CallRequest> calls;
  std::vector<ServiceCallRequest> service_calls;
  std::vector<std::string> new_task_topics;  // topics of external tasks created in this run
  std::vector<EngineEvent> events;
  std::vector<EndReached> ends;   // process-level end events reached in this run
  std::vector<EscalationRaised> escalations;  // uncaught escalations of a called instance
  std::vector<ChildTermination> children_terminated;  // called instances to terminate
  std::optional<Error> failure;   // the instance failed or was terminated in this run
};

// {"message", "code", "name"?, "additionalInformation"?}: how a failure is stored.
JsonText error_to_json(const Error& error);
// A non-interrupting timer boundary event with a repeating cycle (executor_timer_cycles.cpp).
bool is_repeating_boundary(const FlowNode& node);
// Whether an error boundary or start event (its errorRef, or none: all) catches error.
bool catches_error(const FlowNode& catcher, const Error& error);
// The inverse, for callers waiting on an instance that failed.
Error error_from_json(const JsonText& text);

// The executor is the one ElementContext: behaviours reach it only through that interface
// (privately inherited), so the public surface below is what the engine drives.
class Executor final : private ElementContext {
 public:
  Executor(InstanceState& state, RunEnvironment environment);

  void start(std::size_t start_event, JsonText payload);
  // The token must be waiting (checked by the caller); input is the finish request's result.
  void resume(std::string_view flow_node_instance_id, JsonText input);
  // The timer fired: the waiting token that armed it resumes. False when none armed it.
  bool fire_timer(const std::string& timer_id);
  void cancel_timer(const std::string& timer_id) { outcome_.changes.timers_cancelled.push_back(timer_id); }
  // Fails a waiting token (a send task nobody answered). False when it no longer waits.
  bool fail_waiting(std::string_view flow_node_instance_id, Error error);
  // The child instance ended: resumes (result) or fails (error) the call activity waiting for it.
  bool child_ended(const std::string& child_instance_id, Result<JsonText> result);
  // The child raised an escalation it did not catch: the call activity's escalation boundary
  // event, or the scopes around the call activity, catch it (executor_escalation.cpp). False
  // when no call activity waits for the child.
  bool child_escalated(const std::string& child_instance_id, const std::string& code, JsonText payload);
  // Ends the instance as terminated with reason as its error (a terminate request); what
  // still waits ends with it in finish().
  void terminate_instance(Error reason);
  // An external task record changed by this run (finished, failed) goes into its commit.
  void add_external_task(ExternalTaskRecord task) { outcome_.changes.external_tasks.push_back(std::move(task)); }
  RunOutcome finish() &&;

 private:
  // ElementContext (behaviours/element_context.hpp documents each).
  const ProcessModel& model() const override { return *state_.model; }
  const ProcessInstanceRecord& instance() const override { return state_.record; }
  std::vector<JoinState>& joins() override { return state_.joins; }
  bool token_may_still_arrive(std::size_t gateway, std::uint64_t scope) const override;
  std::shared_ptr<const ProcessModel> find_model(const std::string& process_model_id) const override;
  const ServiceMethodRegistry* service_methods() const override { return environment_.service_methods; }
  void leave(Token&& token, const FlowNode& node, JsonText result) override;
  void leave_with(Token&& token, const FlowNode& node, JsonText history_entry, JsonText payload) override;
  void complete_record(const Token& token, const FlowNode& node, const JsonText& payload_on_exit) override;
  void take_flow(Token&& token, std::size_t flow_index) override;
  void jump_to(Token&& token, std::size_t node) override;
  void reach_end(Token&& token, const FlowNode& node) override;
  void enter_sub_process(Token&& token, const FlowNode& node) override;
  void suspend(Token&& token, const FlowNode& node, FlowNodeState record_state = FlowNodeState::suspended) override;
  Status arm_timer(Token& token, const FlowNode& node) override;
  void wait_for_first_event(Token&& token, const FlowNode& gateway) override;
  Result<std::int64_t> due_time(const Token& token, const FlowNode& node);
  void call_service(Token&& token, const FlowNode& node, std::string method, JsonText arguments) override;
  void create_external_task(Token&& token, const FlowNode& node, std::string topic, JsonText payload) override;
  void call(Token&& token, const FlowNode& node, std::shared_ptr<const ProcessModel> called, std::size_t start_event,
            JsonText payload) override;
  void publish(EventKind kind, const FlowNode& node, JsonText payload) override;
  void request_send(SendRequest request) override { outcome_.sends.push_back(std::move(request)); }
  bool owner_may_access(const std::string& lane) const override;
  void fail(const Token& token, const FlowNode& node, Error error) override;
  void terminate(const Token& token, const FlowNode& node) override;
  bool throw_escalation(const Token& token, const FlowNode& node) override;
  void compensate(Token&& token, const FlowNode& node) override;
  void wait_for_condition(Token&& token, const FlowNode& node) override;
  Result<JsonText> run_script(const Token& token, const Script& script, std::string_view origin) override;
  // camunda:inputOutput (executor_io.cpp). False when a parameter failed, and with it the token.
  Result<JsonText> parameter_value(const Token& token, const FlowNode& node, const IoParameter& parameter);
  bool apply_input_parameters(Token& token, const FlowNode& node);
  bool apply_output_parameters(const Token& token, const FlowNode& node, JsonText& history_entry, JsonText& payload);
  Result<bool> run_condition(const Token& token, const Script& script, std::string_view origin) override;
  Result<JsonText> run_expression(const Token& token, const Script& script, std::string_view origin) override;

  bool stopped() const { return failure_.has_value(); }

  struct Arrival {
    Token token;
    std::size_t node;
    std::size_t via_flow;
  };

  // The token is moved once, into its place in the queue (a Token is a dozen strings).
  void push_arrival(Token&& token, std::size_t node, std::size_t via_flow);
  void drain();
  void split_implicitly(Token&& token, const FlowNode& node);
  // Looping activities (executor_loops.cpp): whether token is a run of a loop at node; the
  // loop begins (token arrived from outside), a run begins, a run ended (false: token is no
  // run of node's loop), the loop's remaining runs end.
  bool is_loop_run(const Token& token, std::size_t node) const;
  void start_loop(Token&& token, const FlowNode& node);
  void start_run(std::uint64_t loop_id, const FlowNode& node);
  bool ends_loop_run(Token& token, const FlowNode& node, const JsonText& result);
  void cancel_loop_runs(std::uint64_t loop_id);
  // The token of a looping activity as a whole (its multi-instance body), as it entered.
  static Token body_token(const LoopState& loop);
  // A boundary event of the loop as a whole fired or caught an error or escalation: every run
  // still active ends (terminated), the loop's other boundary events end, and the loop's own
  // record is written with state. The loop's token as it entered; nullopt: no such loop.
  std::optional<Token> abandon_loop(std::uint64_t loop_id, FlowNodeState state, JsonText error = "null");
  // The id of the loop whose flow node instance that is, 0: none.
  std::uint64_t loop_at(const std::string& flow_node_instance_id) const;
  // An inclusive join that no token can reach any more is re-entered to fire; false: none.
  bool release_inclusive_join();
  void enter(Arrival&& arrival);
  // Opens the scope of an embedded sub-process token entered (its boundary events armed, its
  // event sub-processes waiting) and gives the token for inside it; nullopt when it failed.
  std::optional<Token> open_scope(Token&& token, const FlowNode& node);
  // Event sub-processes (executor_event_sub_processes.cpp). The start events of a scope's
  // event sub-processes wait as subscription tokens of that scope (messages, signals,
  // timers) while the scope runs; errors and escalations are routed to them.
  bool is_subscription(const Token& token) const { return model().nodes[token.node].starts_event_sub_process; }
  const std::vector<std::size_t>& event_starts_of(std::uint64_t scope_id) const;
  // Subscribes the message, signal and timer start events of the scope's event sub-processes;
  // inner is the token that starts the scope (its payload and history are theirs).
  void subscribe_event_sub_processes(const Token& inner);
  void drop_subscriptions(std::uint64_t scope_id);
  void trigger_event_sub_process(Token&& subscription, const FlowNode& start, JsonText input);
  // Runs the event sub-process of start in its scope: at_start is the token at the start event
  // (its record id, scope and history), payload the trigger's.
  void run_event_sub_process(Token&& at_start, JsonText payload);
  // An interrupting event sub-process: everything else in the scope ends (tokens, inner
  // scopes, joins, loops, subscriptions); the scope itself stays.
  void interrupt_scope(std::uint64_t scope_id);
  // The start event of an error / escalation event sub-process of the scope that catches it.
  std::size_t error_event_start(std::uint64_t scope_id, const Error& error) const;
  std::size_t escalation_event_start(std::uint64_t scope_id, const std::string& code) const;
  // Compensation (executor_compensation.cpp): a completed activity with a handler is noted;
  // a run starts its next handler, or continues its thrower when none is left; a sub-process
  // that ends hands its inner activities to its parent scope (or drops them for its own handler).
  void note_compensable(const Token& token, const JsonText& payload);
  void run_next_handler(std::uint64_t run_id);
  void continue_thrower(Token&& token, const FlowNode& node);
  void settle_compensable(const ScopeState& ended);
  // Conditional events (executor_conditions.cpp): the instance's data grows by each result;
  // after a run, every waiting conditional event whose condition became true fires.
  void note_data(const std::string& node_id, const JsonText& result);
  Result<bool> condition_holds(const Token& token, const FlowNode& node);
  void reevaluate_conditions();
  // Routes an escalation raised by token (thrower: the throw or end event; null: a call
  // activity whose child raised it) outward through the scopes; see throw_escalation.
  bool route_escalation(const Token& token, const FlowNode* thrower, const std::string& code, const JsonText& payload);
  // The end of a process-level event sub-process is an end of the process (a correlation result).
  void record_process_end(const Token& token, const FlowNode& node);
  void write_record(const Token& token, const FlowNode& node, FlowNodeState state, JsonText on_exit,
                    JsonText error = "null");
  void end_scope_if_done(std::uint64_t scope_id);
  // Routes error to a matching error boundary event of node or of an enclosing sub-process.
  bool catch_error(const Token& token, const FlowNode& node, const Error& error);
  void cancel_scope(std::uint64_t scope_id);
  // Watcher tokens for the message, signal and timer boundary events of the activity token
  // is at, timers armed; an invalid boundary timer: its error, and nothing stays armed.
  Result<std::vector<Token>> watch_boundaries(const Token& token, const FlowNode& node);
  void park_watchers(std::vector<Token> watchers);
  // A token that waits beside token's node at node (boundary events, the events after an
  // event-based gateway): attached to token's flow node instance, with an instance of its own.
  static Token watcher_of(const Token& token, std::size_t node);
  // The timers armed for watchers in this run are not armed after all.
  void disarm(const std::vector<Token>& watchers);
  // The token that stands for a sub-process in its parent scope, as it entered.
  static Token sub_process_token(const ScopeState& scope);
  // An interrupting boundary event fired on a running embedded sub-process: everything
  // inside it ends.
  void interrupt_sub_process(const std::string& flow_node_instance_id);
  // A waiting token leaves without resuming (terminated, interrupted): record and timer.
  void discard_waiting(const Token& token, FlowNodeState state);
  // Boundary event tokens watching the activity instance end with it.
  void drop_boundaries(const std::string& activity_instance_id);
  void fire_boundary(Token&& token, const FlowNode& boundary, JsonText input);
  // Repeating cycles of non-interrupting timer boundary events (executor_timer_cycles.cpp):
  // a new watcher's count and anchor (false: no firing left, do not watch), the due time of
  // its next firing, and the watcher for the firing after fired's, when one is left.
  bool begin_cycle(Token& watcher, const FlowNode& boundary) const;
  Result<std::int64_t> cycle_due_time(const Token& token, const FlowNode& node) const;
  void repeat_cycle(const Token& fired, const FlowNode& boundary);
  // The event after an event-based gateway that happened first: the gateway's wait ends and
  // the other events' watchers end with it.
  void settle_event_gateway(Token& winner);
  bool scope_has_live_tokens(std::uint64_t scope_id) const;
  void emit(EngineEventKind kind, const FlowNode* node, const std::string& flow_node_instance_id, JsonText payload);
  // The events of a node entered (an activity reached, an error boundary event triggered) and
  // of a node left (finished or failed); the callers ask first whether events are collected,
  // so a run nobody listens to pays one branch.
  void emit_entered(const Token& token, const FlowNode& node);
  void emit_left(const Token& token, const FlowNode& node, bool finished, const JsonText& payload);
  void close_instance();
  std::string identity_json() const;
  // Runs run(ScriptCall) for script with the token and identity it reads.
  template <typename Run>
  auto run_scripted(const Token& token, const Script& script, std::string_view origin, Run run);

  InstanceState& state_;
  RunEnvironment environment_;
  // Arrivals in FIFO order from queue_head_ on; a vector (emptied when drained) because a
  // std::deque allocates its map and a block per Arrival even for the one or two of a run.
  std::vector<Arrival> queue_;
  std::size_t queue_head_ = 0;
  RunOutcome outcome_;
  std::optional<Error> failure_;
  bool terminated_ = false;
  std::int64_t previous_version_ = 0;
  mutable std::string identity_json_;
};

}  // namespace processhost::engine
