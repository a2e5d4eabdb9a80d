#pragma once
// What the parser and the validator share: a problem found in a model and the checks the
// caller plugs in. Apart from bpmn_parser.hpp so the validator does not depend on the parser
// that calls it.

#include <functional>
#include <optional>
#include <string>

#include "processhost/engine/process_model.hpp"

namespace processhost::engine {

struct ModelProblem {
  std::string element_id;  // empty when the problem concerns the document as a whole
  std::string message;
};

// Tells the validator whether the runtime can execute a node; nullopt = yes, else the reason.
using NodeSupportCheck = std::function<std::optional<std::string>(const FlowNode&)>;
// Checks a script's syntax; nullopt = compiles, else the compiler's message.
using SyntaxCheck = std::function<std::optional<std::string>(const std::string& function_body)>;

struct ParseOptions {
  NodeSupportCheck supports;  // empty: every parsed element is accepted
  SyntaxCheck check_syntax;   // empty: scripts are not compiled at parse time
};

}  // namespace processhost::engine
