// The executor's engine events: what it reports to EngineEvent listeners about the nodes a
// run enters and leaves. Events are collected only while someone listens (RunEnvironment::
// collect_events); they are published after the run's commit.
#include "runtime/executor.hpp"

namespace processhost::engine {
namespace {

// The activities the original reports with activity_reached / activity_finished: those that
// work (scripts, services, messages, sub-processes), not those that wait for a person, which
// have events of their own.
bool reports_activity(NodeKind kind) {
  switch (kind) {
    case NodeKind::script_task:
    case NodeKind::service_task:
    case NodeKind::send_task:
    case NodeKind::receive_task:
    case NodeKind::sub_process:
    case NodeKind::call_activity:
      return true;
    default:
      return false;
  }
}

}  // namespace

void Executor::emit_entered(const Token& token, const FlowNode& node) {
  if (reports_activity(node.kind)) {
    emit(EngineEventKind::activity_reached, &node, token.flow_node_instance_id, token.payload);
  } else if (node.kind == NodeKind::boundary_event) {
    // Only error and escalation boundary events are entered; the others fire in fire_boundary.
    emit(EngineEventKind::boundary_event_triggered, &node, token.flow_node_instance_id, token.payload);
  }
}

void Executor::emit_left(const Token& token, const FlowNode& node, bool finished, const JsonText& payload) {
  if (reports_activity(node.kind)) {
    emit(EngineEventKind::activity_finished, &node, token.flow_node_instance_id, payload);
    return;
  }
  // Tasks and catch events that waited report their end only when they finished (a failed
  // wait is no finish; an interrupted one is not left at all).
  if (!finished) return;
  switch (node.kind) {
    case NodeKind::user_task:
      emit(EngineEventKind::user_task_finished, &node, token.flow_node_instance_id, payload);
      break;
    case NodeKind::manual_task:
      emit(EngineEventKind::manual_task_finished, &node, token.flow_node_instance_id, payload);
      break;
    case NodeKind::empty_activity:
      emit(EngineEventKind::empty_activity_finished, &node, token.flow_node_instance_id, payload);
      break;
    case NodeKind::intermediate_catch_event:
      if (node.event == EventDefinition::message || node.event == EventDefinition::signal ||
          node.event == EventDefinition::timer) {
        emit(EngineEventKind::event_finished, &node, token.flow_node_instance_id, payload);
      }
      break;
    default:
      break;
  }
}

void Executor::emit(EngineEventKind kind, const FlowNode* node, const std::string& flow_node_instance_id,
                    JsonText payload) {
  if (!environment_.collect_events) return;
  EngineEvent event;
  event.kind = kind;
  event.process_model_id = state_.record.process_model_id;
  event.process_instance_id = state_.record.id;
  event.correlation_id = state_.record.correlation_id;
  if (node) {
    event.flow_node_id = node->id;
    event.flow_node_type = node->bpmn_type;
  }
  event.flow_node_instance_id = flow_node_instance_id;
  event.owner_user_id = state_.record.owner_user_id;
  event.payload = std::move(payload);
  event.timestamp_ms = environment_.now_ms;
  outcome_.events.push_back(std::move(event));
}

}  // namespace processhost::engine
