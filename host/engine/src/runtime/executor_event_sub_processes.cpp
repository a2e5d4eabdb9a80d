// Event sub-processes (BPMN 2.0, 10.2.5), as Zeebe runs them: while a process or embedded
// sub-process runs, the message, signal, timer and conditional start events of its event sub-processes
// wait as subscription tokens of its scope (listed, delivered and fired like any waiting
// event, and kept in the runtime state). A trigger starts the event sub-process inside that
// scope. Interrupting: everything else in the scope ends first, and the scope ends when the
// event sub-process does. Non-interrupting: it runs beside the rest and its start event waits
// again, so it can run any number of times. Errors and escalations reach error and escalation
// start events through the executor's routing (catch_error, throw_escalation). The
// subscriptions end with their scope (timers cancelled).
#include <algorithm>

#include "runtime/executor.hpp"
#include "runtime/uuid.hpp"

namespace processhost::engine {

const std::vector<std::size_t>& Executor::event_starts_of(std::uint64_t scope_id) const {
  if (scope_id == 0) return model().event_starts;
  for (const auto& scope : state_.scopes) {
    if (scope.id == scope_id) return model().nodes[scope.node].event_starts;
  }
  static const std::vector<std::size_t> kNone;
  return kNone;
}

void Executor::subscribe_event_sub_processes(const Token& inner) {
  std::vector<Token> subscriptions;
  for (std::size_t start : event_starts_of(inner.scope)) {
    const FlowNode& node = model().nodes[start];
    if (node.event != EventDefinition::message && node.event != EventDefinition::signal &&
        node.event != EventDefinition::timer && node.event != EventDefinition::conditional) {
      continue;
    }
    Token subscription = inner;
    subscription.node = start;
    subscription.previous_flow_node_instance_id = inner.flow_node_instance_id;
    subscription.flow_node_instance_id = make_uuid();
    subscription.entered_at_ms = environment_.now_ms;
    subscription.timer_id.clear();
    subscription.attached_to.clear();
    subscription.child_instance_id.clear();
    subscription.loop = 0;
    subscription.cycle_fired = 0;
    subscription.cycle_anchor_ms = 0;
    if (is_repeating_boundary(node) && !begin_cycle(subscription, node)) continue;
    if (node.event == EventDefinition::timer) {
      if (auto armed = arm_timer(subscription, node); !armed) {
        disarm(subscriptions);
        fail(subscription, node, std::move(armed).take_error());
        return;
      }
    }
    subscriptions.push_back(std::move(subscription));
  }
  park_watchers(std::move(subscriptions));
}

void Executor::drop_subscriptions(std::uint64_t scope_id) {
  std::vector<Token> dropped;
  std::erase_if(state_.waiting, [&](Token& token) {
    if (token.scope != scope_id || !is_subscription(token)) return false;
    dropped.push_back(std::move(token));
    return true;
  });
  for (const auto& token : dropped) discard_waiting(token, FlowNodeState::terminated);
}

void Executor::trigger_event_sub_process(Token&& subscription, const FlowNode& start, JsonText input) {
  // A message or signal starts it with what it carries, a timer with the payload its scope had
  // when the subscription began, a condition with the instance's latest result (what made it
  // true, executor_conditions.cpp).
  JsonText payload = start.event == EventDefinition::timer ? subscription.payload
                     : start.event == EventDefinition::conditional
                         ? (state_.data.empty() ? subscription.payload : state_.data.back().second)
                     : input.empty() ? JsonText("{}")
                                     : std::move(input);
  if (start.cancel_activity) {
    interrupt_scope(subscription.scope);
  } else if (is_repeating_boundary(start)) {
    repeat_cycle(subscription, start);
  } else if (start.event != EventDefinition::timer) {
    // Non-interrupting: the start event waits again for the next message or signal, or for
    // its condition to become true again (it holds now: cycle_fired stays 1).
    Token again = subscription;
    again.flow_node_instance_id = make_uuid();
    again.entered_at_ms = environment_.now_ms;
    std::vector<Token> watchers;
    watchers.push_back(std::move(again));
    park_watchers(std::move(watchers));
  }
  run_event_sub_process(std::move(subscription), std::move(payload));
}

void Executor::run_event_sub_process(Token&& at_start, JsonText payload) {
  const FlowNode& start = model().nodes[at_start.node];
  const std::size_t sub_process_index = start.parent;
  const FlowNode& sub_process = model().nodes[sub_process_index];
  Token outer = at_start;
  outer.node = sub_process_index;
  outer.previous_flow_node_instance_id = at_start.previous_flow_node_instance_id;
  outer.flow_node_instance_id = make_uuid();
  outer.entered_at_ms = environment_.now_ms;
  outer.payload = payload;
  outer.timer_id.clear();
  outer.attached_to.clear();
  outer.child_instance_id.clear();
  outer.cycle_fired = 0;
  outer.cycle_anchor_ms = 0;
  if (environment_.collect_events) emit_entered(outer, sub_process);
  const std::string outer_id = outer.flow_node_instance_id;
  auto inner = open_scope(std::move(outer), sub_process);
  if (!inner) return;
  // The start event's record is the subscription's (or a new one for errors and escalations);
  // its result is the trigger's payload.
  inner->node = at_start.node;
  inner->flow_node_instance_id = std::move(at_start.flow_node_instance_id);
  inner->previous_flow_node_instance_id = outer_id;
  inner->entered_at_ms = at_start.entered_at_ms;
  inner->payload = at_start.payload;
  inner->timer_id.clear();
  inner->cycle_fired = 0;
  inner->cycle_anchor_ms = 0;
  leave(std::move(*inner), start, std::move(payload));
}

void Executor::interrupt_scope(std::uint64_t scope_id) {
  std::vector<std::string> inner_scopes;
  for (const auto& scope : state_.scopes) {
    if (scope.parent_scope != scope_id) continue;
    write_record(sub_process_token(scope), model().nodes[scope.node], FlowNodeState::terminated, "null");
    inner_scopes.push_back(scope.flow_node_instance_id);
  }
  for (const auto& id : inner_scopes) {
    auto scope = std::find_if(state_.scopes.begin(), state_.scopes.end(),
                              [&](const ScopeState& candidate) { return candidate.flow_node_instance_id == id; });
    if (scope != state_.scopes.end()) cancel_scope(scope->id);
  }
  std::vector<Token> dropped;
  std::erase_if(state_.waiting, [&](Token& token) {
    if (token.scope != scope_id) return false;
    dropped.push_back(std::move(token));
    return true;
  });
  for (const auto& token : dropped) discard_waiting(token, FlowNodeState::terminated);
  queue_.erase(std::remove_if(queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_), queue_.end(),
                              [&](const Arrival& arrival) { return arrival.token.scope == scope_id; }),
               queue_.end());
  std::erase_if(state_.joins, [&](const JoinState& join) { return join.scope == scope_id; });
  std::erase_if(state_.loops, [&](const LoopState& loop) { return loop.scope == scope_id; });
}

std::size_t Executor::error_event_start(std::uint64_t scope_id, const Error& error) const {
  for (std::size_t start : event_starts_of(scope_id)) {
    const FlowNode& node = model().nodes[start];
    if (node.event == EventDefinition::error && catches_error(node, error)) return start;
  }
  return kNoIndex;
}

std::size_t Executor::escalation_event_start(std::uint64_t scope_id, const std::string& code) const {
  for (std::size_t start : event_starts_of(scope_id)) {
    const FlowNode& node = model().nodes[start];
    if (node.event != EventDefinition::escalation) continue;
    const std::string& caught = node.escalation ? node.escalation->code : std::string();
    if (caught.empty() || caught == code) return start;
  }
  return kNoIndex;
}

}  // namespace processhost::engine
