#pragma once
// Which behaviour runs which element kind. The only place that names every kind; adding one
// is a behaviour file and a line in behaviours.cpp.

#include <optional>
#include <string>

#include "behaviours/element_behaviour.hpp"

namespace processhost::engine {

// The behaviour for node's kind; never null (unsupported kinds get one whose check fails).
const ElementBehaviour& behaviour_for(const FlowNode& node);
// Deploy-time support check for the parser (ParseOptions::supports).
std::optional<std::string> check_node_supported(const FlowNode& node);

// One behaviour per family, defined in the family's file.
const ElementBehaviour& start_event_behaviour();
const ElementBehaviour& end_event_behaviour();
const ElementBehaviour& throw_event_behaviour();
const ElementBehaviour& catch_event_behaviour();
const ElementBehaviour& boundary_event_behaviour();
const ElementBehaviour& waiting_task_behaviour();
const ElementBehaviour& script_task_behaviour();
const ElementBehaviour& send_task_behaviour();
const ElementBehaviour& receive_task_behaviour();
const ElementBehaviour& service_task_behaviour();
const ElementBehaviour& exclusive_gateway_behaviour();
const ElementBehaviour& parallel_gateway_behaviour();
const ElementBehaviour& inclusive_gateway_behaviour();
const ElementBehaviour& event_based_gateway_behaviour();
const ElementBehaviour& sub_process_behaviour();
const ElementBehaviour& call_activity_behaviour();

}  // namespace processhost::engine
