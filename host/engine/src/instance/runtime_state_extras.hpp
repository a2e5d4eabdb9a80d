#pragma once
// The parts of the runtime state only some models have: the completed activities still to be
// compensated, the compensations at work and the instance's data for conditional events.
// Written in a translation unit of their own, so that serialize_runtime_state's code for
// every other instance stays as the compiler made it before they existed.

#include "instance/instance_state.hpp"
#include "instance/runtime_state_writer.hpp"

namespace processhost::engine {

using Writer = RuntimeStateWriter;

// Appends "data", "compensable" and "compensations" (those that are not empty) to the open
// runtime state object.
void write_compensation_and_data(Writer& writer, const InstanceState& state);

}  // namespace processhost::engine
