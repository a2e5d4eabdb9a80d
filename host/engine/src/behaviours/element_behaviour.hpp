#pragma once
// The lifecycle every element kind implements, after Zeebe's BpmnElementProcessor and
// Camunda 7's ActivityBehavior: check at deploy, activate when a token arrives, resume when
// the wait of a suspended token ends. Termination (an interrupting boundary event, a
// cancelled scope, a failed instance) is the same for every kind, so the executor does it.
//
// Behaviours are stateless singletons: everything they change goes through the context.

#include <cstddef>
#include <optional>
#include <string>

#include "behaviours/element_context.hpp"

namespace processhost::engine {

class ElementBehaviour {
 public:
  virtual ~ElementBehaviour() = default;
  // Deploy-time: nullopt when the runtime can execute node, else why not.
  virtual std::optional<std::string> check(const FlowNode& node) const;
  // A token arrived at node through flow via_flow (kNoIndex for start events and jumps).
  virtual void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t via_flow) const = 0;
  // The wait of a suspended token ended with input (e.g. a finished user task's result).
  // Default: the node does not wait, so resuming it is an internal error.
  virtual void resume(ElementContext& context, Token&& token, const FlowNode& node, JsonText input) const;
};

// The one instance of a behaviour: behaviours hold no state, so one serves every node.
template <typename Behaviour>
const ElementBehaviour& the_behaviour() {
  static const Behaviour behaviour;
  return behaviour;
}

}  // namespace processhost::engine
