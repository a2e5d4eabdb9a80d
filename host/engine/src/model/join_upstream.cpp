#include "model/join_upstream.hpp"

#include <vector>

namespace processhost::engine {
namespace {

// The nodes a token can come from to reach node: sources of its incoming flows, the activity
// a boundary event sits on, and the link throw events of a link catch event's name.
template <typename Visit>
void for_each_predecessor(const ProcessModel& model, std::size_t node_index, Visit visit) {
  const FlowNode& node = model.nodes[node_index];
  for (std::size_t flow : node.incoming) visit(model.flows[flow].source);
  if (node.kind == NodeKind::boundary_event && node.attached_to != kNoIndex) visit(node.attached_to);
  if (node.kind == NodeKind::intermediate_catch_event && node.event == EventDefinition::link) {
    for (std::size_t i = 0; i < model.nodes.size(); ++i) {
      const FlowNode& other = model.nodes[i];
      if (other.kind == NodeKind::intermediate_throw_event && other.event == EventDefinition::link &&
          other.parent == node.parent && other.event_name == node.event_name) {
        visit(i);
      }
    }
  }
}

std::vector<bool> upstream_of(const ProcessModel& model, std::size_t gateway) {
  std::vector<bool> upstream(model.nodes.size(), false);
  std::vector<std::size_t> pending;
  auto reach = [&](std::size_t node) {
    if (node == gateway || upstream[node]) return;
    upstream[node] = true;
    pending.push_back(node);
  };
  for_each_predecessor(model, gateway, reach);
  while (!pending.empty()) {
    const std::size_t node = pending.back();
    pending.pop_back();
    for_each_predecessor(model, node, reach);
  }
  return upstream;
}

}  // namespace

void compute_join_upstreams(ProcessModel& model) {
  for (std::size_t i = 0; i < model.nodes.size(); ++i) {
    if (model.nodes[i].kind == NodeKind::inclusive_gateway) model.nodes[i].upstream = upstream_of(model, i);
  }
}

}  // namespace processhost::engine
