#pragma once
// Which nodes can still send a token to an inclusive gateway: what its join waits for.

#include "processhost/engine/process_model.hpp"

namespace processhost::engine {

// Fills FlowNode::upstream of every inclusive gateway of model: the nodes of its scope from
// which a sequence-flow path (also through boundary events and link events) reaches the
// gateway without passing through it. Computed once at deploy so that a join's check at
// run time is one lookup per live token.
void compute_join_upstreams(ProcessModel& model);

}  // namespace processhost::engine
