#pragma once
// Structural checks of a parsed model; appends one problem per violation, naming the element.

#include <vector>

#include "processhost/engine/model_checks.hpp"

namespace processhost::engine {

// Fills model.start_events / end_events and checks: one start and one end event at least,
// a start event in every sub-process, supported elements, compilable conditions and form
// expressions. A script task that does not compile only gets Script::compile_error set.
void validate_model(ProcessModel& model, const ParseOptions& options, std::vector<ModelProblem>& problems);

}  // namespace processhost::engine
