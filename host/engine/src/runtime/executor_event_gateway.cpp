// The event-based gateway's race: every event after it waits beside it; the first to happen
// wins (BPMN 2.0, 13.3.5). Its watchers are the boundary events' kind of token (attached_to
// names the gateway's flow node instance), so they are listed, triggered, restored after a
// restart and ended with their scope like any waiting event.
#include <algorithm>

#include "runtime/executor.hpp"

namespace processhost::engine {

void Executor::wait_for_first_event(Token&& token, const FlowNode& gateway) {
  std::vector<Token> watchers;
  watchers.reserve(gateway.outgoing.size());
  for (std::size_t flow : gateway.outgoing) {
    const std::size_t target = model().flows[flow].target;
    const FlowNode& event = model().nodes[target];
    Token watcher = watcher_of(token, target);
    watcher.record(gateway.id, token.payload);
    if (event.event == EventDefinition::timer) {
      if (auto armed = arm_timer(watcher, event); !armed) {
        disarm(watchers);
        fail(token, gateway, std::move(armed).take_error());
        return;
      }
    }
    watchers.push_back(std::move(watcher));
  }
  write_record(token, gateway, FlowNodeState::suspended, "null");
  state_.waiting.push_back(std::move(token));
  for (auto& watcher : watchers) {
    const FlowNode& event = model().nodes[watcher.node];
    if (environment_.collect_events) emit_entered(watcher, event);
    write_record(watcher, event, FlowNodeState::suspended, "null");
    if (environment_.collect_events) {
      emit(EngineEventKind::event_waiting, &event, watcher.flow_node_instance_id, watcher.payload);
    }
    state_.waiting.push_back(std::move(watcher));
  }
}

void Executor::settle_event_gateway(Token& winner) {
  const std::string gateway_instance = std::move(winner.attached_to);
  winner.attached_to.clear();
  auto found = std::find_if(state_.waiting.begin(), state_.waiting.end(),
                            [&](const Token& waiting) { return waiting.flow_node_instance_id == gateway_instance; });
  if (found != state_.waiting.end()) {
    Token gateway = std::move(*found);
    state_.waiting.erase(found);
    write_record(gateway, model().nodes[gateway.node], FlowNodeState::finished, gateway.payload);
  }
  drop_boundaries(gateway_instance);
}

}  // namespace processhost::engine
