#pragma once
// What an element behaviour may do while it handles one token: the narrow side of the
// executor. Behaviours see the model, the token and these operations, never the executor's
// queue, records or scopes, so a new element kind is a new behaviour and no executor edit.
//
// Threading: a context lives for one run on one instance's strand; not thread-safe.
// Errors: operations that can fail report through fail() or a returned Result; none throws.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "instance/instance_state.hpp"
#include "instance/token.hpp"
#include "processhost/engine/process_model.hpp"
#include "processhost/result.hpp"
#include "processhost/services/engine.hpp"
#include "scripting/service_method_registry.hpp"

namespace processhost::engine {

// A send task waiting for a receive task to take its message (delivered after the commit).
struct SendRequest {
  std::string flow_node_instance_id;
  std::string name;
  JsonText payload;
  int max_retries = 0;  // 0: unlimited
  int retry_interval_ms = 500;
};

class ElementContext {
 public:
  virtual ~ElementContext() = default;

  // The running instance: its model, record (ids, owner) and partial joins.
  virtual const ProcessModel& model() const = 0;
  virtual const ProcessInstanceRecord& instance() const = 0;
  virtual std::vector<JoinState>& joins() = 0;
  // Whether any other token of scope - queued, waiting, in a sub-process or held at another
  // join - can still reach the inclusive gateway (FlowNode::upstream).
  virtual bool token_may_still_arrive(std::size_t gateway, std::uint64_t scope) const = 0;
  // Latest deployed version of a model (call activities), null when unknown.
  virtual std::shared_ptr<const ProcessModel> find_model(const std::string& process_model_id) const = 0;
  // Service methods registered with the engine; null when the run has none.
  virtual const ServiceMethodRegistry* service_methods() const = 0;

  // Leaving a node: records result in the history, makes it the payload and follows its
  // outgoing flow (none: the token ends; more than one: an implicit split, flow_selection.hpp,
  // taking every unconditioned flow and every true one, the default when no condition holds).
  virtual void leave(Token&& token, const FlowNode& node, JsonText result) = 0;
  // As leave, but with a history entry that differs from the payload passed on.
  virtual void leave_with(Token&& token, const FlowNode& node, JsonText history_entry, JsonText payload) = 0;
  // Finishes the node's record without following any flow (gateways route themselves).
  virtual void complete_record(const Token& token, const FlowNode& node, const JsonText& payload_on_exit) = 0;
  virtual void take_flow(Token&& token, std::size_t flow_index) = 0;
  // Continues the token at node without a sequence flow (link events).
  virtual void jump_to(Token&& token, std::size_t node) = 0;
  // The token reached an end event: its scope's (or the instance's) result.
  virtual void reach_end(Token&& token, const FlowNode& node) = 0;
  virtual void enter_sub_process(Token&& token, const FlowNode& node) = 0;

  // Waiting: the token waits at node until resumed; its message, signal and timer boundary
  // events wait beside it (a bad boundary timer fails the token). record_state running is
  // an activity at work (an asynchronous service call), not listed as waiting for anyone.
  virtual void suspend(Token&& token, const FlowNode& node, FlowNodeState record_state = FlowNodeState::suspended) = 0;
  // An event-based gateway: the token waits at it, and each catch event or receive task after
  // it waits beside it (timers armed); the first that happens continues and ends the others.
  virtual void wait_for_first_event(Token&& token, const FlowNode& gateway) = 0;
  // Arms the node's timer for token (sets token.timer_id); 422 for invalid timer values.
  virtual Status arm_timer(Token& token, const FlowNode& node) = 0;
  // The token waits while the asynchronous method runs (called after the commit).
  virtual void call_service(Token&& token, const FlowNode& node, std::string method, JsonText arguments) = 0;
  // Creates the external task for the token (which then waits) in this run's commit.
  virtual void create_external_task(Token&& token, const FlowNode& node, std::string topic, JsonText payload) = 0;
  // The token waits for a child instance of called, started at start_event after the commit.
  virtual void call(Token&& token, const FlowNode& node, std::shared_ptr<const ProcessModel> called,
                    std::size_t start_event, JsonText payload) = 0;

  // Events thrown by the run, delivered by the engine after the commit.
  virtual void publish(EventKind kind, const FlowNode& node, JsonText payload) = 0;
  virtual void request_send(SendRequest request) = 0;
  // Lane check of throw events against the instance owner's claims.
  virtual bool owner_may_access(const std::string& lane) const = 0;

  // Ends: the token fails (caught by a matching error boundary event if any) or the whole
  // instance terminates.
  virtual void fail(const Token& token, const FlowNode& node, Error error) = 0;
  virtual void terminate(const Token& token, const FlowNode& node) = 0;
  // The escalation of node (a throw or end event) goes to the escalation boundary event of the
  // nearest enclosing sub-process that matches its code. True: an interrupting one caught it,
  // the thrower's scope is gone and the token must not go on; false: a non-interrupting one
  // caught it (its path starts beside the sub-process) or none did, and the token goes on.
  virtual bool throw_escalation(const Token& token, const FlowNode& node) = 0;
  // A compensation throw or end event: the completed activities of its scope (or the one of
  // activityRef) are compensated, their handlers run in reverse order of completion, and the
  // token waits for them; when the last is done it goes on (a throw event along its flow, an
  // end event ends it). Nothing to compensate: it goes on at once.
  virtual void compensate(Token&& token, const FlowNode& node) = 0;
  // A conditional catch event: the token waits until its condition holds (evaluated now, and
  // again after each run that changes the instance's data).
  virtual void wait_for_condition(Token&& token, const FlowNode& node) = 0;

  // Scripts against the token and the owner's identity, within the engine's budget.
  virtual Result<JsonText> run_script(const Token& token, const Script& script, std::string_view origin) = 0;
  virtual Result<bool> run_condition(const Token& token, const Script& script, std::string_view origin) = 0;
  virtual Result<JsonText> run_expression(const Token& token, const Script& script, std::string_view origin) = 0;
};

}  // namespace processhost::engine
