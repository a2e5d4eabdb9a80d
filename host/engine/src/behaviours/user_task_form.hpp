#pragma once
// A user task's form with its ${...} expressions evaluated: for the task list and for the
// check when the task is reached.

#include <functional>
#include <string>
#include <string_view>

#include "processhost/engine/process_model.hpp"
#include "processhost/result.hpp"
#include "processhost/services/engine.hpp"

namespace processhost::engine {

// Evaluates one ${...} expression against the task's token.
using ExpressionEvaluator = std::function<Result<JsonText>(const Script& script, std::string_view origin)>;

// The user task's form, expressions evaluated. Errors: 500 "The configuration for FormField
// X is invalid!"; additional_information holds the ids and the validation error, plus
// extra_members (a JSON object's members without braces, may be empty).
Result<UserTaskConfig> evaluate_user_task(const std::string& process_model_id, const FlowNode& node,
                                          const ExpressionEvaluator& evaluate, const std::string& extra_members);

}  // namespace processhost::engine
