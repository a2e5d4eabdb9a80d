#include "behaviours/flow_selection.hpp"

#include <string>

namespace processhost::engine {

std::optional<std::vector<std::size_t>> select_flows(ElementContext& context, const Token& token,
                                                     const FlowNode& node, FlowSelection selection) {
  const auto& model = context.model();
  const std::string kind = node.bpmn_type.substr(5);  // "bpmn:ExclusiveGateway" -> "ExclusiveGateway"
  std::vector<std::size_t> taken;
  bool condition_held = false;
  for (std::size_t flow_index : node.outgoing) {
    const auto& flow = model.flows[flow_index];
    if (flow_index == node.default_flow) continue;
    if (!flow.condition) {
      if (selection != FlowSelection::exclusive) taken.push_back(flow_index);
      continue;
    }
    auto truthy = context.run_condition(token, *flow.condition, flow.id);
    if (!truthy && !truthy.error().additional_information.empty()) {
      context.fail(token, node, std::move(truthy).take_error());  // a timeout, not a false condition
      return std::nullopt;
    }
    if (!truthy || !truthy.value()) continue;
    condition_held = true;
    taken.push_back(flow_index);
  }
  if (selection == FlowSelection::exclusive && taken.size() > 1) {
    context.fail(token, node, make_error(ErrorStatus::bad_request, "More than one outgoing SequenceFlow for " + kind +
                                                                       " " + node.id + " had a truthy condition!"));
    return std::nullopt;
  }
  const bool take_default = selection == FlowSelection::implicit ? !condition_held : taken.empty();
  if (take_default && node.default_flow != kNoIndex) taken.push_back(node.default_flow);
  if (taken.empty()) {
    context.fail(token, node, make_error(ErrorStatus::bad_request, "No outgoing SequenceFlow for " + kind + " " +
                                                                       node.id + " had a truthy condition!"));
    return std::nullopt;
  }
  return taken;
}

}  // namespace processhost::engine
