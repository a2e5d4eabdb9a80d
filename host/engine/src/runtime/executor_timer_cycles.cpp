// Repeating timer cycles (R[n]/<duration>, R[n]/<start>/<duration>) on non-interrupting
// boundary events: the boundary fires every interval while its activity waits, at most n
// times. Each firing starts the boundary's path and parks a new watcher for the next one;
// the count and the cycle's anchor travel on the watcher token, so they survive a restart.
#include "model/repeating_cycle.hpp"
#include "runtime/executor.hpp"
#include "runtime/uuid.hpp"

namespace processhost::engine {

bool is_repeating_boundary(const FlowNode& node) {
  return (node.kind == NodeKind::boundary_event || node.starts_event_sub_process) && node.event == EventDefinition::timer &&
         node.timer == TimerKind::cycle && !node.cancel_activity;
}

bool Executor::begin_cycle(Token& watcher, const FlowNode& boundary) const {
  auto cycle = RepeatingCycle::parse(boundary.timer_value);
  if (!cycle) return true;  // cycle_due_time reports it
  watcher.cycle_anchor_ms = environment_.now_ms;
  watcher.cycle_fired = cycle->firings_over(environment_.now_ms);
  return cycle->due(watcher.cycle_fired, watcher.cycle_anchor_ms).has_value();
}

Result<std::int64_t> Executor::cycle_due_time(const Token& token, const FlowNode& node) const {
  auto cycle = RepeatingCycle::parse(node.timer_value);
  if (!cycle) {
    return make_error(ErrorStatus::unprocessable, "The given cycle definition " + node.timer_value +
                                                      " is not an ISO8601 repeating interval R[n]/<duration>");
  }
  auto due = cycle->due(token.cycle_fired, token.cycle_anchor_ms);
  if (!due) return make_error(ErrorStatus::unprocessable, "The cycle " + node.timer_value + " has no firing left");
  return *due;
}

void Executor::repeat_cycle(const Token& fired, const FlowNode& boundary) {
  auto cycle = RepeatingCycle::parse(boundary.timer_value);
  if (!cycle || !cycle->due(fired.cycle_fired + 1, fired.cycle_anchor_ms)) return;
  Token next = fired;
  next.flow_node_instance_id = make_uuid();
  next.entered_at_ms = environment_.now_ms;
  next.timer_id.clear();
  next.cycle_fired = fired.cycle_fired + 1;
  if (!arm_timer(next, boundary)) return;
  std::vector<Token> watchers;
  watchers.push_back(std::move(next));
  park_watchers(std::move(watchers));
}

}  // namespace processhost::engine
