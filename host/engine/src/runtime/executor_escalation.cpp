// Escalation routing: an escalation thrown inside an embedded sub-process goes to the
// escalation boundary event of the nearest enclosing sub-process whose code matches (one
// without a code catches every escalation). Interrupting: the sub-process ends and the
// boundary's path goes on in its place. Non-interrupting: the boundary's path starts beside
// the sub-process and the thrower goes on. Uncaught, an escalation is not an error (BPMN 2.0,
// 10.5.4): nothing happens and the thrower goes on.
#include <algorithm>

#include "runtime/executor.hpp"

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
  for (std::uint64_t scope_id = token.scope; scope_id != 0;) {
    auto scope = std::find_if(state_.scopes.begin(), state_.scopes.end(),
                              [&](const ScopeState& candidate) { return candidate.id == scope_id; });
    if (scope == state_.scopes.end()) return false;
    const FlowNode& sub_process = model().nodes[scope->node];
    const auto boundary = matching_escalation_boundary(model(), sub_process, code);
    if (boundary == kNoIndex) {
      scope_id = scope->parent_scope;
      continue;
    }
    // The boundary's path goes on with the thrower's payload, outside the sub-process: its
    // history is the one the sub-process entered with.
    Token outer = sub_process_token(*scope);
    outer.history = scope->parent_history;
    outer.payload = token.payload;
    if (!model().nodes[boundary].cancel_activity) {
      outer.loop = 0;
      jump_to(std::move(outer), boundary);
      return false;
    }
    complete_record(token, node, token.payload);
    cancel_scope(scope_id);
    drop_boundaries(outer.flow_node_instance_id);
    write_record(outer, sub_process, FlowNodeState::terminated, "null");
    jump_to(std::move(outer), boundary);
    return true;
  }
  return false;
}

}  // namespace processhost::engine
