#pragma once
// BPMN 2.0 XML -> validated ProcessModel. Accepts what Camunda Modeler and bpmn.io write:
// any namespace prefix (or none), the camunda extension elements, and - like the original
// engine - a camunda: prefix whose namespace is not declared.
//
// Thread-safe (no shared state besides the script-id counter). Never throws on bad input:
// problems come back as values, each naming the element id.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "processhost/engine/process_model.hpp"
#include "processhost/json.hpp"

namespace processhost::engine {

struct ModelProblem {
  std::string element_id;  // empty when the problem concerns the document as a whole
  std::string message;
};

struct ParseOutcome {
  std::shared_ptr<const ProcessModel> model;  // null when problems is not empty
  std::vector<ModelProblem> problems;
  // Accepted, but fails when run: script tasks whose script does not compile (logged at deploy).
  std::vector<ModelProblem> warnings;
  bool ok() const { return model != nullptr; }
};

// Tells the validator whether the runtime can execute a node; nullopt = yes, else the reason.
using NodeSupportCheck = std::function<std::optional<std::string>(const FlowNode&)>;
// Checks a script's syntax; nullopt = compiles, else the compiler's message.
using SyntaxCheck = std::function<std::optional<std::string>(const std::string& function_body)>;

struct ParseOptions {
  NodeSupportCheck supports;  // empty: every parsed element is accepted
  SyntaxCheck check_syntax;   // empty: scripts are not compiled at parse time
};

ParseOutcome parse_bpmn(std::string_view xml, const ParseOptions& options = {});

// Hex SHA-256 of the document: the version of a deployed model.
std::string content_hash(std::string_view xml);

// [{"elementId": "...", "message": "..."}, ...] for the 422 response's additionalInformation.
JsonText problems_to_json(const std::vector<ModelProblem>& problems);

}  // namespace processhost::engine
