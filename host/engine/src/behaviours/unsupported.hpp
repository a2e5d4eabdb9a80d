#pragma once
// The deploy-time message for a node the engine cannot run, shared by the behaviours' checks.

#include <string>
#include <string_view>

#include "processhost/engine/process_model.hpp"

namespace processhost::engine {

// "<what> '<id>' (<bpmn type>) is not supported by this engine version"
std::string not_supported(const FlowNode& node, std::string_view what);

}  // namespace processhost::engine
