// Compensation (BPMN 2.0, 10.5.6 and 10.6.6): an activity with a compensation boundary event
// is noted when it completes, with the token it completed with. A compensation throw or end
// event compensates the noted activities of its scope (all, or those of its activityRef):
// their handlers run one after the other, the most recently completed first, each with the
// payload and history its activity completed with; the thrower waits and goes on after the
// last. A sub-process that completes hands its inner noted activities to its parent scope, so
// compensating the parent undoes them too - unless it has a handler of its own, which then
// stands for them. What a cancelled scope did is not compensated (it is dropped with it).
// A handler may be an embedded sub-process: its scope carries the run, and the run goes on
// when the sub-process completes.
#include <algorithm>

#include "runtime/executor.hpp"

namespace processhost::engine {

void Executor::note_compensable(const Token& token, const JsonText& payload) {
  CompensableActivity activity;
  activity.node = token.node;
  activity.scope = token.scope;
  activity.flow_node_instance_id = token.flow_node_instance_id;
  activity.payload = payload;
  activity.history = token.history;
  activity.history.emplace_back(model().nodes[token.node].id, payload);
  state_.compensable.push_back(std::move(activity));
}

void Executor::compensate(Token&& token, const FlowNode& node) {
  // Thrown inside an event sub-process, compensation undoes what its parent scope did.
  std::uint64_t scope_id = token.scope;
  for (const auto& scope : state_.scopes) {
    if (scope.id == scope_id && model().nodes[scope.node].triggered_by_event) scope_id = scope.parent_scope;
  }
  CompensationRun run;
  std::erase_if(state_.compensable, [&](CompensableActivity& activity) {
    if (activity.scope != scope_id) return false;
    if (node.compensate_activity != kNoIndex && activity.node != node.compensate_activity) return false;
    run.pending.push_back(std::move(activity));
    return true;
  });
  if (run.pending.empty()) {
    continue_thrower(std::move(token), node);
    return;
  }
  run.id = state_.next_scope_id++;
  if (!node.wait_for_completion) {
    // waitForCompletion="false": the handlers run one after the other, and the thrower goes on
    // at once (a run without thrower).
    const std::uint64_t id = run.id;
    state_.compensations.push_back(std::move(run));
    run_next_handler(id);
    continue_thrower(std::move(token), node);
    return;
  }
  run.thrower_flow_node_instance_id = token.flow_node_instance_id;
  write_record(token, node, FlowNodeState::suspended, "null");
  state_.waiting.push_back(std::move(token));
  const std::uint64_t id = run.id;
  state_.compensations.push_back(std::move(run));
  run_next_handler(id);
}

void Executor::run_next_handler(std::uint64_t run_id) {
  auto run = std::find_if(state_.compensations.begin(), state_.compensations.end(),
                          [&](const CompensationRun& candidate) { return candidate.id == run_id; });
  if (run == state_.compensations.end()) return;
  if (run->pending.empty()) {
    const std::string thrower_id = run->thrower_flow_node_instance_id;
    state_.compensations.erase(run);
    if (thrower_id.empty()) return;  // it did not wait
    auto thrower = std::find_if(state_.waiting.begin(), state_.waiting.end(),
                                [&](const Token& waiting) { return waiting.flow_node_instance_id == thrower_id; });
    if (thrower == state_.waiting.end()) return;  // its scope ended meanwhile
    Token token = std::move(*thrower);
    state_.waiting.erase(thrower);
    continue_thrower(std::move(token), model().nodes[token.node]);
    return;
  }
  CompensableActivity activity = std::move(run->pending.back());
  run->pending.pop_back();
  Token handler;
  handler.scope = activity.scope;
  handler.payload = std::move(activity.payload);
  handler.history = std::move(activity.history);
  // The handler's record follows the activity instance it compensates.
  handler.flow_node_instance_id = std::move(activity.flow_node_instance_id);
  handler.compensation = run_id;
  push_arrival(std::move(handler), model().nodes[activity.node].compensation_handler, kNoIndex);
}

void Executor::continue_thrower(Token&& token, const FlowNode& node) {
  if (node.kind == NodeKind::end_event) {
    reach_end(std::move(token), node);
    return;
  }
  JsonText unchanged = token.payload;
  leave_with(std::move(token), node, "{}", std::move(unchanged));
}

void Executor::settle_compensable(const ScopeState& ended) {
  const bool own_handler = model().nodes[ended.node].compensation_handler != kNoIndex;
  std::erase_if(state_.compensable, [&](CompensableActivity& activity) {
    if (activity.scope != ended.id) return false;
    if (own_handler) return true;
    activity.scope = ended.parent_scope;
    return false;
  });
}

}  // namespace processhost::engine
