// Escalation routing: an escalation goes, scope by scope outward, to the escalation event
// sub-process of the scope or else to the escalation boundary event of the enclosing
// sub-process, whichever matches its code first (one without a code catches every
// escalation). Interrupting: the sub-process ends and the boundary's path goes on in its place. Non-interrupting: the boundary's path starts beside
// the sub-process and the thrower goes on. Uncaught, an escalation is not an error (BPMN 2.0,
// 10.5.4): nothing happens and the thrower goes on - in a called instance, the escalation then
// goes to the call activity, whose escalation boundary events (or scopes) may catch it.
#include <algorithm>

#include "runtime/executor.hpp"
#include "runtime/uuid.hpp"

namespace processhost::engine {
namespace {

std::size_t matching_escalation_boundary(const ProcessModel& model, const FlowNode& activity,
                                         const std::string& code) {
  for (std::size_t index : activity.boundary_events) {
    const auto& boundary = model.nodes[index];
    if (boundary.event != EventDefinition::escalation) continue;
    const std::string& caught = boundary.escalation ? boundary.escalation->code : std::string();
    if (caught.empty() || caught == code) return index;
  }
  return kNoIndex;
}

}  // namespace

bool Executor::throw_escalation(const Token& token, const FlowNode& node) {
  if (stopped()) return true;
  const std::string code = node.escalation ? node.escalation->code : std::string();
  return route_escalation(token, &node, code, token.payload);
}

bool Executor::child_escalated(const std::string& child_instance_id, const std::string& code, JsonText payload) {
  auto waiting = std::find_if(state_.waiting.begin(), state_.waiting.end(), [&](const Token& token) {
    return !child_instance_id.empty() && token.child_instance_id == child_instance_id;
  });
  if (waiting == state_.waiting.end()) return false;
  const FlowNode& activity = model().nodes[waiting->node];
  const auto boundary = matching_escalation_boundary(model(), activity, code);
  if (boundary == kNoIndex) {
    const Token call = *waiting;
    route_escalation(call, nullptr, code, payload);
    drain();
    return true;
  }
  Token outer = *waiting;
  outer.child_instance_id.clear();
  outer.timer_id.clear();
  // A run of a looping call activity: the boundary is the loop's (the multi-instance body).
  const std::uint64_t loop = activity.loop ? outer.loop : 0;
  if (loop != 0) {
    if (const auto found = std::find_if(state_.loops.begin(), state_.loops.end(),
                                        [&](const LoopState& candidate) { return candidate.id == loop; });
        found != state_.loops.end()) {
      outer = body_token(*found);
    }
  }
  outer.payload = std::move(payload);
  if (model().nodes[boundary].cancel_activity) {
    if (loop != 0) {
      abandon_loop(loop, FlowNodeState::terminated);
    } else {
      Token interrupted = std::move(*waiting);
      state_.waiting.erase(waiting);
      discard_waiting(interrupted, FlowNodeState::terminated);
      drop_boundaries(interrupted.flow_node_instance_id);
    }
  }
  jump_to(std::move(outer), boundary);
  drain();
  return true;
}

bool Executor::route_escalation(const Token& token, const FlowNode* thrower, const std::string& code,
                                const JsonText& payload) {
  bool passes_event_sub_processes = false;
  for (std::uint64_t scope_id = token.scope;;) {
    // Inside first: an escalation event sub-process of the scope, then the scope's boundary.
    if (const auto start = passes_event_sub_processes ? kNoIndex : escalation_event_start(scope_id, code);
        start != kNoIndex) {
      Token at_start = token;
      at_start.scope = scope_id;
      at_start.node = start;
      at_start.flow_node_instance_id = make_uuid();
      at_start.entered_at_ms = environment_.now_ms;
      at_start.attached_to.clear();
      at_start.loop = 0;
      at_start.child_instance_id.clear();
      at_start.timer_id.clear();
      if (!model().nodes[start].cancel_activity) {
        run_event_sub_process(std::move(at_start), payload);
        return false;
      }
      if (thrower) complete_record(token, *thrower, payload);
      interrupt_scope(scope_id);
      run_event_sub_process(std::move(at_start), payload);
      return true;
    }
    if (scope_id == 0) {
      // Uncaught in a called instance: the call activity that started it may catch it.
      if (!state_.record.parent_process_instance_id.empty()) outcome_.escalations.push_back({code, payload});
      return false;
    }
    auto scope = std::find_if(state_.scopes.begin(), state_.scopes.end(),
                              [&](const ScopeState& candidate) { return candidate.id == scope_id; });
    if (scope == state_.scopes.end()) return false;
    const FlowNode& sub_process = model().nodes[scope->node];
    const auto boundary = matching_escalation_boundary(model(), sub_process, code);
    if (boundary == kNoIndex) {
      passes_event_sub_processes = sub_process.triggered_by_event;
      scope_id = scope->parent_scope;
      continue;
    }
    // The boundary's path goes on with the thrower's payload, outside the sub-process: its
    // history is the one the sub-process entered with.
    Token outer = sub_process_token(*scope);
    outer.history = scope->parent_history;
    // A run of a looping sub-process: the boundary is the loop's (the multi-instance body).
    const std::uint64_t loop = sub_process.loop ? outer.loop : 0;
    if (loop != 0) {
      if (const auto found = std::find_if(state_.loops.begin(), state_.loops.end(),
                                          [&](const LoopState& candidate) { return candidate.id == loop; });
          found != state_.loops.end()) {
        outer = body_token(*found);
      }
    }
    outer.payload = payload;
    if (!model().nodes[boundary].cancel_activity) {
      outer.loop = 0;
      outer.loop_variables.clear();
      jump_to(std::move(outer), boundary);
      return false;
    }
    if (thrower) complete_record(token, *thrower, payload);
    const Token run = sub_process_token(*scope);
    cancel_scope(scope_id);
    if (loop != 0) {
      // This run ends, and with the loop every other run and the loop's boundary events.
      write_record(run, sub_process, FlowNodeState::terminated, "null");
      abandon_loop(loop, FlowNodeState::terminated);
    } else {
      drop_boundaries(outer.flow_node_instance_id);
      write_record(outer, sub_process, FlowNodeState::terminated, "null");
    }
    jump_to(std::move(outer), boundary);
    return true;
  }
}

}  // namespace processhost::engine
