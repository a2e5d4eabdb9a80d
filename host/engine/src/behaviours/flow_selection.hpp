#pragma once
// Which outgoing sequence flows a token takes where conditions decide: the exclusive and the
// inclusive gateway, and an activity or event with several outgoing flows (an implicit split).
// One place for the rules they share: a throwing condition counts as false except a timeout,
// which fails the token; nothing taken and no default fails with 400.

#include <cstddef>
#include <optional>
#include <vector>

#include "behaviours/element_context.hpp"

namespace processhost::engine {

enum class FlowSelection {
  // One flow: the first true condition (two true fail with 400); unconditioned flows never.
  exclusive,
  // Every flow that is true or has no condition; the default only when nothing else is taken.
  inclusive,
  // As inclusive, but the default is taken when no conditional flow is true, beside the
  // unconditioned ones (BPMN 2.0, 10.2.1: an activity's default flow).
  implicit,
};

// The flows to take, in the model's order; nullopt when the token failed (context.fail done).
std::optional<std::vector<std::size_t>> select_flows(ElementContext& context, const Token& token,
                                                     const FlowNode& node, FlowSelection selection);

}  // namespace processhost::engine
