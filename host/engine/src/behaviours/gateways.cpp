// Exclusive, parallel and inclusive gateways (split and join; mixed gateways fail when
// reached) and the event-based gateway.
#include "behaviours/behaviours.hpp"
#include "behaviours/flow_selection.hpp"

#include <algorithm>

namespace processhost::engine {
namespace {

enum class Direction { split, join, mixed };

// As the original engine: direction comes from the flow counts; 1-in-1-out and n-in-m-out
// gateways are refused when reached (the deployment itself does not fail).
Direction direction_of(const FlowNode& node) {
  const auto in = node.incoming.size();
  const auto out = node.outgoing.size();
  if (out > in && in <= 1) return Direction::split;
  if (in > out && out <= 1) return Direction::join;
  return Direction::mixed;
}

Error mixed_gateway_error(const FlowNode& node) {
  return make_error(ErrorStatus::unprocessable, node.bpmn_type.substr(5) + " '" + node.id +
                                                    "' has " + std::to_string(node.incoming.size()) +
                                                    " incoming and " + std::to_string(node.outgoing.size()) +
                                                    " outgoing flows: Mixed Gateways are NOT supported!");
}

// The join state of the gateway token arrived at, created on the first arrival.
std::vector<JoinState>::iterator find_join(ElementContext& context, const Token& token) {
  auto& joins = context.joins();
  auto found = std::find_if(joins.begin(), joins.end(), [&](const JoinState& join) {
    return join.gateway == token.node && join.scope == token.scope;
  });
  if (found == joins.end()) {
    joins.push_back(JoinState{token.node, token.scope, {}, {}, {}});
    found = std::prev(joins.end());
  }
  return found;
}

// Notes the branch that arrived through via_flow: the result of the node it came from (which
// differs from the payload for throw events: {}) and its history, merged into the join's.
std::vector<JoinState>::iterator record_arrival(ElementContext& context, Token& token, std::size_t via_flow) {
  const auto& model = context.model();
  auto found = find_join(context, token);
  const std::string& source = model.nodes[model.flows[via_flow].source].id;
  auto recorded = std::find_if(token.history.begin(), token.history.end(),
                               [&](const auto& entry) { return entry.first == source; });
  const JsonText& source_result = recorded == token.history.end() ? token.payload : recorded->second;
  auto arrived = std::find_if(found->arrived.begin(), found->arrived.end(),
                              [&](const auto& entry) { return entry.first == source; });
  if (arrived == found->arrived.end()) {
    found->arrived.emplace_back(source, source_result);
  } else {
    arrived->second = source_result;
  }
  for (auto& entry : token.history) {
    auto existing = std::find_if(found->history.begin(), found->history.end(),
                                 [&](const auto& item) { return item.first == entry.first; });
    if (existing == found->history.end()) {
      found->history.push_back(std::move(entry));
    } else {
      existing->second = std::move(entry.second);
    }
  }
  found->previous_flow_node_instance_id = token.previous_flow_node_instance_id;
  return found;
}

// The join fires: token leaves with the merged history and {<source>: <its result>, ...}.
void fire_join(ElementContext& context, Token&& token, const FlowNode& node, JoinState complete) {
  std::string result = "{";
  for (const auto& [id, value] : complete.arrived) {
    if (result.size() > 1) result += ',';
    result += json_quote(id) + ":" + value;
  }
  result += '}';
  token.history = std::move(complete.history);
  context.leave(std::move(token), node, std::move(result));
}

class ExclusiveGatewayBehaviour final : public ElementBehaviour {
 public:
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    const auto direction = direction_of(node);
    if (direction == Direction::mixed) {
      context.fail(token, node, mixed_gateway_error(node));
      return;
    }
    if (direction == Direction::join) {
      JsonText result = token.payload;
      context.leave(std::move(token), node, std::move(result));
      return;
    }
    const auto taken = select_flows(context, token, node, FlowSelection::exclusive);
    if (!taken) return;
    context.complete_record(token, node, token.payload);
    token.record(node.id, token.payload);
    context.take_flow(std::move(token), taken->front());
  }
};

class ParallelGatewayBehaviour final : public ElementBehaviour {
 public:
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t via_flow) const override {
    const auto direction = direction_of(node);
    if (direction == Direction::mixed) {
      context.fail(token, node, mixed_gateway_error(node));
      return;
    }
    if (direction == Direction::split) {
      context.complete_record(token, node, token.payload);
      token.record(node.id, "{}");
      for (std::size_t i = 0; i + 1 < node.outgoing.size(); ++i) context.take_flow(Token(token), node.outgoing[i]);
      context.take_flow(std::move(token), node.outgoing.back());
      return;
    }
    join(context, std::move(token), node, via_flow);
  }

 private:
  // Fires once every incoming flow has delivered; a later arrival on the same flow
  // overwrites the earlier one.
  void join(ElementContext& context, Token&& token, const FlowNode& node, std::size_t via_flow) const {
    auto& joins = context.joins();
    auto found = record_arrival(context, token, via_flow);
    if (found->arrived.size() < node.incoming.size()) {
      // This branch ends here; its record shows it reached the join.
      context.complete_record(token, node, "null");
      return;
    }
    JoinState complete = std::move(*found);
    joins.erase(found);
    fire_join(context, std::move(token), node, std::move(complete));
  }
};

// Split: every flow whose condition is true, and every flow without a condition (as Camunda
// 7); the default flow only when no other is taken. Join: fires when no token of its scope
// can still arrive (BPMN 2.0, 13.3.4): at an arrival, or - when the last branch that could
// still have come ended elsewhere - when the executor finds the join released after a run
// step and re-enters it without a flow.
class InclusiveGatewayBehaviour final : public ElementBehaviour {
 public:
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t via_flow) const override {
    const auto direction = direction_of(node);
    if (direction == Direction::mixed) {
      context.fail(token, node, mixed_gateway_error(node));
      return;
    }
    if (direction == Direction::split) {
      split(context, std::move(token), node);
      return;
    }
    auto found = via_flow == kNoIndex ? find_join(context, token) : record_arrival(context, token, via_flow);
    if (context.token_may_still_arrive(token.node, token.scope)) {
      context.complete_record(token, node, "null");
      return;
    }
    JoinState complete = std::move(*found);
    context.joins().erase(found);
    fire_join(context, std::move(token), node, std::move(complete));
  }

 private:
  static void split(ElementContext& context, Token&& token, const FlowNode& node) {
    const auto taken = select_flows(context, token, node, FlowSelection::inclusive);
    if (!taken) return;
    context.complete_record(token, node, token.payload);
    token.record(node.id, token.payload);
    for (std::size_t i = 0; i + 1 < taken->size(); ++i) context.take_flow(Token(token), (*taken)[i]);
    context.take_flow(std::move(token), taken->back());
  }
};

// Waits for the first of the events after it (BPMN 2.0, 13.3.5); the executor arms them and
// settles the race (Executor::wait_for_first_event). What may follow it is checked at deploy
// (model_validator.cpp), so the gateway itself is never resumed.
class EventBasedGatewayBehaviour final : public ElementBehaviour {
 public:
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    context.wait_for_first_event(std::move(token), node);
  }
};

}  // namespace

const ElementBehaviour& exclusive_gateway_behaviour() { return the_behaviour<ExclusiveGatewayBehaviour>(); }
const ElementBehaviour& parallel_gateway_behaviour() { return the_behaviour<ParallelGatewayBehaviour>(); }
const ElementBehaviour& inclusive_gateway_behaviour() { return the_behaviour<InclusiveGatewayBehaviour>(); }
const ElementBehaviour& event_based_gateway_behaviour() { return the_behaviour<EventBasedGatewayBehaviour>(); }

}  // namespace processhost::engine
