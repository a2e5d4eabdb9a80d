#pragma once
// What a waiting task and a waiting event (the SDK's WaitingTask, WaitingEvent) take alike
// from the flow node record that shows them waiting.

#include <utility>

#include "processhost/services/store.hpp"

namespace processhost::engine {

// Moves the shared identifying fields out of record (the caller's copy) into waiting.
template <typename Waiting>
void take_waiting_ids(Waiting& waiting, FlowNodeInstanceRecord& record) {
  waiting.flow_node_id = std::move(record.flow_node_id);
  waiting.name = std::move(record.flow_node_name);
  waiting.flow_node_instance_id = std::move(record.id);
  waiting.correlation_id = std::move(record.correlation_id);
  waiting.process_model_id = std::move(record.process_model_id);
  waiting.process_instance_id = std::move(record.process_instance_id);
}

}  // namespace processhost::engine
