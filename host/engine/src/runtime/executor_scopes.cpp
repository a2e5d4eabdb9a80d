// The executor's scopes and boundaries: embedded sub-processes (enter, end, cancel), the
// boundary events that watch a waiting activity, and error routing to a matching error
// boundary event. What ends a token other than its own outgoing flow lives here.
#include <algorithm>

#include "runtime/executor.hpp"
#include "runtime/uuid.hpp"

namespace processhost::engine {

void Executor::fire_boundary(Token&& token, const FlowNode& boundary, JsonText input) {
  if (is_repeating_boundary(boundary)) repeat_cycle(token, boundary);
  if (boundary.cancel_activity) {
    const std::string activity = token.attached_to;
    auto found = std::find_if(state_.waiting.begin(), state_.waiting.end(),
                              [&](const Token& waiting) { return waiting.flow_node_instance_id == activity; });
    if (found != state_.waiting.end()) {
      Token interrupted = std::move(*found);
      state_.waiting.erase(found);
      discard_waiting(interrupted, FlowNodeState::terminated);
    } else if (const auto loop = loop_at(activity); loop != 0) {
      abandon_loop(loop, FlowNodeState::terminated);
    } else {
      interrupt_sub_process(activity);
    }
    drop_boundaries(activity);
  }
  JsonText result = boundary.event == EventDefinition::timer || input.empty() ? JsonText("{}") : std::move(input);
  if (environment_.collect_events)
    emit(EngineEventKind::boundary_event_triggered, &boundary, token.flow_node_instance_id, result);
  token.attached_to.clear();
  leave(std::move(token), boundary, std::move(result));
}

Token Executor::sub_process_token(const ScopeState& scope) {
  return Token{.scope = scope.parent_scope,
               .node = scope.node,
               .flow_node_instance_id = scope.flow_node_instance_id,
               .previous_flow_node_instance_id = scope.previous_flow_node_instance_id,
               .entered_at_ms = scope.entered_at_ms,
               .payload = scope.payload_on_enter,
               // Outside, the token's history is the scope's parent_history (set by callers
               // that continue it); it watches nothing and waits for no timer or child.
               .history = {},
               .attached_to = {},
               .timer_id = {},
               .child_instance_id = {},
               .loop = scope.loop,
               .loop_variables = scope.loop_variables,
               .compensation = scope.compensation};
}

void Executor::interrupt_sub_process(const std::string& flow_node_instance_id) {
  auto scope = std::find_if(state_.scopes.begin(), state_.scopes.end(), [&](const ScopeState& candidate) {
    return candidate.flow_node_instance_id == flow_node_instance_id;
  });
  if (scope == state_.scopes.end()) return;
  Token outer = sub_process_token(*scope);
  const FlowNode& sub_process = model().nodes[scope->node];
  cancel_scope(scope->id);
  write_record(outer, sub_process, FlowNodeState::terminated, "null");
}

void Executor::discard_waiting(const Token& token, FlowNodeState state) {
  write_record(token, model().nodes[token.node], state, "null");
  if (!token.timer_id.empty()) outcome_.changes.timers_cancelled.push_back(token.timer_id);
  // As Camunda 7 and Zeebe: a call activity that ends without its child takes the child with it.
  if (!token.child_instance_id.empty() && model().nodes[token.node].kind == NodeKind::call_activity) [[unlikely]] {
    outcome_.children_terminated.push_back({token.child_instance_id, model().nodes[token.node].id});
  }
}

void Executor::drop_boundaries(const std::string& activity_instance_id) {
  std::vector<Token> dropped;
  std::erase_if(state_.waiting, [&](Token& token) {
    if (token.attached_to.empty() || token.attached_to != activity_instance_id) return false;
    dropped.push_back(std::move(token));
    return true;
  });
  for (const auto& token : dropped) discard_waiting(token, FlowNodeState::terminated);
}

Token Executor::watcher_of(const Token& token, std::size_t node) {
  Token watcher = token;
  watcher.node = node;
  watcher.previous_flow_node_instance_id = token.flow_node_instance_id;
  watcher.flow_node_instance_id = make_uuid();
  watcher.attached_to = token.flow_node_instance_id;
  watcher.child_instance_id.clear();  // a call activity's child is the activity's, not its watchers'
  return watcher;
}

void Executor::disarm(const std::vector<Token>& watchers) {
  for (const auto& watcher : watchers) {
    if (watcher.timer_id.empty()) continue;
    std::erase_if(outcome_.changes.timers_armed, [&](const TimerRecord& timer) { return timer.id == watcher.timer_id; });
  }
}

Result<std::vector<Token>> Executor::watch_boundaries(const Token& token, const FlowNode& node) {
  std::vector<Token> boundaries;
  // A run of a looping activity: the loop as a whole watches (start_loop), not each run.
  if (token.loop != 0 && node.loop) return boundaries;
  for (std::size_t index : node.boundary_events) {
    const FlowNode& boundary = model().nodes[index];
    if (boundary.event != EventDefinition::message && boundary.event != EventDefinition::signal &&
        boundary.event != EventDefinition::timer && boundary.event != EventDefinition::conditional) {
      continue;
    }
    Token watcher = watcher_of(token, index);
    if (is_repeating_boundary(boundary) && !begin_cycle(watcher, boundary)) continue;
    if (boundary.event == EventDefinition::timer) {
      if (auto armed = arm_timer(watcher, boundary); !armed) {
        disarm(boundaries);
        return std::move(armed).take_error();
      }
    }
    boundaries.push_back(std::move(watcher));
  }
  return boundaries;
}

void Executor::park_watchers(std::vector<Token> watchers) {
  for (auto& watcher : watchers) {
    write_record(watcher, model().nodes[watcher.node], FlowNodeState::suspended, "null");
    state_.waiting.push_back(std::move(watcher));
  }
}

void Executor::enter_sub_process(Token&& token, const FlowNode& node) {
  auto opened = open_scope(std::move(token), node);
  if (!opened) return;
  Token inner = std::move(*opened);
  if (!node.start_events.empty()) {
    push_arrival(std::move(inner), node.start_events.front(), kNoIndex);
    return;
  }
  for (std::size_t i = 0; i + 1 < node.implicit_starts.size(); ++i) {
    push_arrival(Token(inner), node.implicit_starts[i], kNoIndex);
  }
  push_arrival(std::move(inner), node.implicit_starts.back(), kNoIndex);
}

std::optional<Token> Executor::open_scope(Token&& token, const FlowNode& node) {
  auto boundaries = watch_boundaries(token, node);
  if (!boundaries) {
    fail(token, node, std::move(boundaries).take_error());
    return std::nullopt;
  }
  // The inverse of sub_process_token: the scope remembers its outer token as it entered.
  const ScopeState scope{.id = state_.next_scope_id++,
                         .parent_scope = token.scope,
                         .node = token.node,
                         .flow_node_instance_id = token.flow_node_instance_id,
                         .previous_flow_node_instance_id = token.previous_flow_node_instance_id,
                         .entered_at_ms = token.entered_at_ms,
                         .payload_on_enter = token.payload,
                         .parent_history = token.history,
                         .loop = token.loop,
                         .loop_variables = token.loop_variables,
                         .compensation = token.compensation};
  write_record(token, node, FlowNodeState::running, "null");
  state_.scopes.push_back(scope);
  park_watchers(std::move(boundaries.value()));
  // Inside, the history holds the parent's results; the first result is the parent's payload.
  Token inner = std::move(token);
  inner.scope = scope.id;
  inner.loop = 0;  // inside, a run's token keeps the loop's variables, not its id
  inner.compensation = 0;  // a handler sub-process's run goes on when the scope completes
  if (!node.event_starts.empty()) subscribe_event_sub_processes(inner);
  return inner;
}

bool Executor::scope_has_live_tokens(std::uint64_t scope_id) const {
  for (std::size_t i = queue_head_; i < queue_.size(); ++i) {
    if (queue_[i].token.scope == scope_id) return true;
  }
  // The scope's event sub-processes waiting for their trigger do not keep it running.
  for (const auto& token : state_.waiting) {
    if (token.scope == scope_id && !is_subscription(token)) return true;
  }
  for (const auto& scope : state_.scopes) {
    if (scope.parent_scope == scope_id) return true;
  }
  for (const auto& loop : state_.loops) {
    if (loop.scope == scope_id) return true;
  }
  // A join holding branches keeps its scope: an inclusive join fires once nothing else can
  // arrive; a parallel join whose other flows can no longer arrive waits for good (a deadlock
  // in the model: the scope and the instance stay running, as in Camunda 7 and Zeebe, until a
  // boundary event of the scope or a terminate ends them).
  for (const auto& join : state_.joins) {
    if (join.scope == scope_id) return true;
  }
  return false;
}

void Executor::end_scope_if_done(std::uint64_t scope_id) {
  if (scope_id == 0 || scope_has_live_tokens(scope_id)) return;
  auto found = std::find_if(state_.scopes.begin(), state_.scopes.end(),
                            [&](const ScopeState& scope) { return scope.id == scope_id; });
  if (found == state_.scopes.end()) return;
  ScopeState scope = std::move(*found);
  state_.scopes.erase(found);
  if (!model().nodes[scope.node].event_starts.empty()) drop_subscriptions(scope_id);
  if (!state_.compensable.empty()) settle_compensable(scope);
  std::erase_if(state_.joins, [&](const JoinState& join) { return join.scope == scope_id; });
  drop_boundaries(scope.flow_node_instance_id);
  Token token = sub_process_token(scope);
  token.history = std::move(scope.parent_history);
  leave(std::move(token), model().nodes[scope.node], std::move(scope.result));
}

namespace {

std::size_t matching_boundary(const ProcessModel& model, const FlowNode& activity, const Error& error) {
  for (std::size_t index : activity.boundary_events) {
    const auto& boundary = model.nodes[index];
    if (boundary.event == EventDefinition::error && catches_error(boundary, error)) return index;
  }
  return kNoIndex;
}

}  // namespace

// An error boundary or start event without errorRef catches everything; with one, the codes
// must be equal and, when the definition has a message, the messages too.
bool catches_error(const FlowNode& catcher, const Error& error) {
  const auto definition = catcher.error.value_or(BpmnErrorDefinition{});
  if (definition.code.empty() && definition.name.empty() && definition.message.empty()) return true;
  if (error.bpmn_code.value_or("") != definition.code) return false;
  return definition.message.empty() || definition.message == error.message;
}

// BPMN 2.0, 10.5.6 and Zeebe's error routing: the failed activity's own boundary events first,
// then scope by scope outward: the scope's error event sub-process (inside) before the error
// boundary events of the sub-process itself (outside). What fails inside an event sub-process
// passes the event sub-processes of the scope it runs in.
bool Executor::catch_error(const Token& token, const FlowNode& node, const Error& error) {
  const JsonText error_object = error_to_json(error);
  if (const auto boundary = matching_boundary(model(), node, error); boundary != kNoIndex) {
    write_record(token, node, FlowNodeState::error, "null", error_object);
    drop_boundaries(token.flow_node_instance_id);
    Token next = token;
    // A run of a looping activity failed: the boundary is the loop's, and the loop ends.
    if (node.loop && token.loop != 0) {
      if (auto body = abandon_loop(token.loop, FlowNodeState::error, error_object)) next = std::move(*body);
    }
    // As the original: the failed activity's result is the error, and the boundary's path
    // continues with it as payload (token.current).
    next.record(node.id, error_object);
    next.payload = error_object;
    jump_to(std::move(next), boundary);
    return true;
  }
  bool passes_event_sub_processes = false;
  for (std::uint64_t scope_id = token.scope;;) {
    if (!passes_event_sub_processes) {
      if (const auto start = error_event_start(scope_id, error); start != kNoIndex) {
        write_record(token, node, FlowNodeState::error, "null", error_object);
        drop_boundaries(token.flow_node_instance_id);
        Token at_start = token;
        at_start.record(node.id, error_object);
        at_start.scope = scope_id;
        at_start.node = start;
        at_start.flow_node_instance_id = make_uuid();
        at_start.entered_at_ms = environment_.now_ms;
        interrupt_scope(scope_id);
        run_event_sub_process(std::move(at_start), error_object);
        return true;
      }
    }
    if (scope_id == 0) return false;
    auto scope = std::find_if(state_.scopes.begin(), state_.scopes.end(),
                              [&](const ScopeState& candidate) { return candidate.id == scope_id; });
    if (scope == state_.scopes.end()) return false;
    const FlowNode& sub_process = model().nodes[scope->node];
    const auto boundary = matching_boundary(model(), sub_process, error);
    if (boundary == kNoIndex) {
      passes_event_sub_processes = sub_process.triggered_by_event;
      scope_id = scope->parent_scope;
      continue;
    }
    write_record(token, node, FlowNodeState::error, "null", error_object);
    Token outer = sub_process_token(*scope);
    outer.history = scope->parent_history;
    cancel_scope(scope_id);
    drop_boundaries(outer.flow_node_instance_id);
    write_record(outer, sub_process, FlowNodeState::error, "null", error_object);
    // A run of a looping sub-process: the boundary is the loop's, and the other runs end too.
    if (sub_process.loop && outer.loop != 0) {
      if (auto body = abandon_loop(outer.loop, FlowNodeState::error, error_object)) outer = std::move(*body);
    }
    // The sub-process is the activity that failed: the error is its result outside, whatever
    // failed inside it (the inner results stay inside, as the original keeps them).
    outer.record(sub_process.id, error_object);
    outer.payload = error_object;
    jump_to(std::move(outer), boundary);
    return true;
  }
}

void Executor::cancel_scope(std::uint64_t scope_id) {
  std::vector<std::uint64_t> doomed{scope_id};
  for (std::size_t i = 0; i < doomed.size(); ++i) {
    for (const auto& scope : state_.scopes) {
      if (scope.parent_scope == doomed[i]) doomed.push_back(scope.id);
    }
  }
  auto is_doomed = [&](std::uint64_t id) { return std::find(doomed.begin(), doomed.end(), id) != doomed.end(); };
  for (const auto& waiting : state_.waiting) {
    if (is_doomed(waiting.scope)) discard_waiting(waiting, FlowNodeState::terminated);
  }
  std::erase_if(state_.waiting, [&](const Token& waiting) { return is_doomed(waiting.scope); });
  queue_.erase(std::remove_if(queue_.begin() + static_cast<std::ptrdiff_t>(queue_head_), queue_.end(),
                              [&](const Arrival& arrival) { return is_doomed(arrival.token.scope); }),
               queue_.end());
  std::erase_if(state_.joins, [&](const JoinState& join) { return is_doomed(join.scope); });
  std::erase_if(state_.loops, [&](const LoopState& loop) { return is_doomed(loop.scope); });
  std::erase_if(state_.scopes, [&](const ScopeState& scope) { return is_doomed(scope.id); });
  std::erase_if(state_.compensable, [&](const CompensableActivity& activity) { return is_doomed(activity.scope); });
}

}  // namespace processhost::engine
