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

#include "processhost/engine/model_checks.hpp"
#include "processhost/engine/process_model.hpp"
#include "processhost/json.hpp"

namespace processhost::engine {

struct ParseOutcome {
  std::shared_ptr<const ProcessModel> model;  // null when problems is not empty
  std::vector<ModelProblem> problems;
  // Accepted, but fails when run: script tasks whose script does not compile (logged at deploy).
  std::vector<ModelProblem> warnings;
  bool ok() const { return model != nullptr; }
};

ParseOutcome parse_bpmn(std::string_view xml, const ParseOptions& options = {});

// Hex SHA-256 of the document: the version of a deployed model.
std::string content_hash(std::string_view xml);

// [{"elementId": "...", "message": "..."}, ...] for the 422 response's additionalInformation.
JsonText problems_to_json(const std::vector<ModelProblem>& problems);

}  // namespace processhost::engine
