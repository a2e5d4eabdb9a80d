#pragma once
// One handler per element kind: what happens when a token enters a node and, for nodes
// that wait, when the wait ends. New element kinds add a handler here and nothing else.

#include <functional>
#include <optional>
#include <string>

#include "executor.hpp"

namespace processhost::engine {

class ElementHandler {
 public:
  virtual ~ElementHandler() = default;
  // Deploy-time: nullopt when the runtime can execute node, else why not.
  virtual std::optional<std::string> check(const FlowNode& node) const;
  // A token arrived at node through flow via_flow (kNoIndex for start events).
  virtual void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t via_flow) const = 0;
  // The wait of a suspended token ended with input (e.g. a finished user task's result).
  virtual void resume(Executor& executor, Token&& token, const FlowNode& node, JsonText input) const;
};

// The handler for node's kind; never null (unsupported kinds get a handler whose check fails).
const ElementHandler& handler_for(const FlowNode& node);
// Deploy-time support check for the parser (ParseOptions::supports).
std::optional<std::string> check_node_supported(const FlowNode& node);

// Evaluates one ${...} expression against the task's token.
using ExpressionEvaluator = std::function<Result<JsonText>(const Script& script, std::string_view origin)>;

// The user task's form, expressions evaluated. Errors: 500 "The configuration for FormField
// X is invalid!"; additional_information holds the ids and the validation error, plus
// extra_members (a JSON object's members without braces, may be empty).
Result<UserTaskConfig> evaluate_user_task(const std::string& process_model_id, const FlowNode& node,
                                          const ExpressionEvaluator& evaluate, const std::string& extra_members);

}  // namespace processhost::engine
