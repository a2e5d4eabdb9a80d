#include "model/model_validator.hpp"

namespace processhost::engine {
namespace {

// BPMN 2.0, 13.3.5: at least two outgoing flows, each to a message, signal or timer catch
// event or a receive task that has no other incoming flow (the race decides what runs).
template <typename Problem>
void check_event_based_gateway(const ProcessModel& model, const FlowNode& gateway, Problem& problem) {
  if (gateway.outgoing.size() < 2) {
    problem(gateway.id, "event-based gateway '" + gateway.id + "' needs at least two outgoing sequence flows");
  }
  for (std::size_t flow : gateway.outgoing) {
    const FlowNode& target = model.nodes[model.flows[flow].target];
    const bool catch_event = target.kind == NodeKind::intermediate_catch_event &&
                             (target.event == EventDefinition::message || target.event == EventDefinition::signal ||
                              target.event == EventDefinition::timer);
    if (!catch_event && target.kind != NodeKind::receive_task) {
      problem(gateway.id, "'" + target.id + "' after event-based gateway '" + gateway.id +
                              "' is not a message, signal or timer catch event or a receive task");
    } else if (target.incoming.size() != 1) {
      problem(target.id, "'" + target.id + "' after event-based gateway '" + gateway.id +
                             "' must have no other incoming sequence flow");
    }
  }
}

// Loops and multi-instance belong to activities. Boundary events on a looping activity would
// belong to the loop as a whole (not to each run), which the runtime does not do yet.
template <typename Problem>
void check_loop(const FlowNode& node, Problem& problem) {
  switch (node.kind) {
    case NodeKind::user_task:
    case NodeKind::manual_task:
    case NodeKind::empty_activity:
    case NodeKind::script_task:
    case NodeKind::service_task:
    case NodeKind::send_task:
    case NodeKind::receive_task:
    case NodeKind::sub_process:
    case NodeKind::call_activity:
      break;
    default:
      problem(node.id, "'" + node.id + "' is not an activity: only activities loop");
      return;
  }
  if (!node.boundary_events.empty()) {
    problem(node.id, "boundary events on the looping activity '" + node.id + "' are not supported");
  }
}

// BPMN 2.0, 10.5.2: a sub-process without a start event starts every node inside it that has
// no incoming flow (boundary events, link catch events and start events excepted).
template <typename Problem>
void find_implicit_starts(ProcessModel& model, std::size_t sub_process, Problem& problem) {
  auto& starts = model.nodes[sub_process].implicit_starts;
  for (std::size_t i = 0; i < model.nodes.size(); ++i) {
    const auto& node = model.nodes[i];
    if (node.parent != sub_process || !node.incoming.empty() || node.kind == NodeKind::boundary_event) continue;
    if (node.kind == NodeKind::intermediate_catch_event && node.event == EventDefinition::link) continue;
    starts.push_back(i);
  }
  if (starts.empty()) {
    problem(model.nodes[sub_process].id,
            "sub-process '" + model.nodes[sub_process].id + "' has no start event and no node without incoming flow");
  }
}

// An escalation is thrown only by events inside a sub-process, so an escalation boundary event
// belongs on an embedded sub-process; escalations out of a called process do not reach the
// call activity (yet), and on any other activity the event could never fire.
template <typename Problem>
void check_escalation_boundary(const ProcessModel& model, const FlowNode& boundary, Problem& problem) {
  if (boundary.attached_to == kNoIndex) return;
  const FlowNode& activity = model.nodes[boundary.attached_to];
  if (activity.kind == NodeKind::sub_process) return;
  problem(boundary.id, "escalation boundary event '" + boundary.id + "' is attached to '" + activity.id +
                           "': escalation boundary events are supported on embedded sub-processes only");
}

}  // namespace

void validate_model(ProcessModel& model, const ParseOptions& options, std::vector<ModelProblem>& problems) {
  auto problem = [&](const std::string& id, std::string message) { problems.push_back({id, std::move(message)}); };
  if (model.id.empty()) problem("", "the bpmn:process has no id");

  std::vector<std::size_t> sub_process_starts(model.nodes.size(), 0);
  for (std::size_t i = 0; i < model.nodes.size(); ++i) {
    auto& node = model.nodes[i];
    if (node.kind == NodeKind::start_event) {
      if (node.parent == kNoIndex) {
        model.start_events.push_back(i);
      } else {
        model.nodes[node.parent].start_events.push_back(i);
      }
    }
    if (node.kind == NodeKind::end_event && node.parent == kNoIndex) model.end_events.push_back(i);
    if (options.supports) {
      if (auto reason = options.supports(node)) problem(node.id, *reason);
    }
    if (node.kind == NodeKind::start_event && !node.incoming.empty()) {
      problem(node.id, "start event '" + node.id + "' has incoming sequence flows");
    }
    if (node.kind == NodeKind::end_event && !node.outgoing.empty()) {
      problem(node.id, "end event '" + node.id + "' has outgoing sequence flows");
    }
    if (node.kind == NodeKind::script_task) {
      if (!node.script || node.script->source.find_first_not_of(" \t\r\n") == std::string::npos) {
        problem(node.id, "script task '" + node.id + "' has no script");
      } else if (options.check_syntax) {
        // As in the original engine, which compiles scripts when they run: the deploy goes
        // through and the script task fails with a script error an error boundary can catch.
        if (auto error = options.check_syntax(node.script->source)) node.script->compile_error = *error;
      }
    }
    if (options.check_syntax) {
      for (const auto& field : node.form_fields) {
        for (const auto* value : {&field.label, &field.default_value, &field.preferred_control}) {
          if (*value && (*value)->script) {
            if (auto error = options.check_syntax((*value)->script->source)) {
              problem(node.id, "expression '" + (*value)->text + "' of form field '" + field.id +
                                   "' does not compile: " + *error);
            }
          }
        }
      }
    }
  }
  for (std::size_t i = 0; i < model.nodes.size(); ++i) {
    const auto& node = model.nodes[i];
    if (node.kind == NodeKind::sub_process && node.start_events.empty()) find_implicit_starts(model, i, problem);
    if (node.kind == NodeKind::event_based_gateway) check_event_based_gateway(model, node, problem);
    if (node.loop) check_loop(node, problem);
    if (node.kind == NodeKind::boundary_event && node.event == EventDefinition::escalation) {
      check_escalation_boundary(model, node, problem);
    }
  }
  if (model.start_events.empty()) problem(model.id, "process '" + model.id + "' has no start event");
  if (options.check_syntax) {
    for (const auto& flow : model.flows) {
      if (!flow.condition) continue;
      if (auto error = options.check_syntax(flow.condition->source)) {
        problem(flow.id, "condition of sequence flow '" + flow.id + "' does not compile: " + *error);
      }
    }
  }
}

}  // namespace processhost::engine
