#include "model/model_validator.hpp"

#include "model/repeating_cycle.hpp"

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

// Loops and multi-instance belong to activities. Their boundary events belong to the loop as a
// whole (the multi-instance body); a compensation handler would be owed once per run, which the
// runtime does not note, so a compensation boundary event on a loop is refused.
template <typename Problem>
void check_loop(const ProcessModel& model, const FlowNode& node, Problem& problem) {
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
  for (std::size_t index : node.boundary_events) {
    const FlowNode& boundary = model.nodes[index];
    if (boundary.event != EventDefinition::compensation) continue;
    problem(boundary.id, "compensation boundary event '" + boundary.id + "' is attached to the looping activity '" +
                             node.id + "': compensation of loops and multi-instance activities is not supported");
  }
}

// BPMN 2.0, 10.5.2: a process or sub-process without a start event starts every node inside it
// that has no incoming flow (boundary events, link catch events and start events excepted).
// container kNoIndex: the process.
template <typename Problem>
void find_implicit_starts(ProcessModel& model, std::size_t container, Problem& problem) {
  auto& starts = container == kNoIndex ? model.implicit_starts : model.nodes[container].implicit_starts;
  for (std::size_t i = 0; i < model.nodes.size(); ++i) {
    const auto& node = model.nodes[i];
    if (node.parent != container || !node.incoming.empty() || node.kind == NodeKind::boundary_event) continue;
    // Event sub-processes wait for their event and compensation handlers for compensation.
    if (node.triggered_by_event || node.for_compensation) continue;
    if (node.kind == NodeKind::intermediate_catch_event && node.event == EventDefinition::link) continue;
    starts.push_back(i);
  }
  if (starts.empty() && container == kNoIndex) {
    problem(model.id, "process '" + model.id + "' has no start event and no node without incoming flow");
  } else if (starts.empty()) {
    problem(model.nodes[container].id,
            "sub-process '" + model.nodes[container].id + "' has no start event and no node without incoming flow");
  }
}

// An escalation is thrown only by events inside a sub-process or a called process, so an
// escalation boundary event belongs on an embedded sub-process or a call activity; on any
// other activity it could never fire.
template <typename Problem>
void check_escalation_boundary(const ProcessModel& model, const FlowNode& boundary, Problem& problem) {
  if (boundary.attached_to == kNoIndex) return;
  const FlowNode& activity = model.nodes[boundary.attached_to];
  if (activity.kind == NodeKind::sub_process || activity.kind == NodeKind::call_activity) return;
  problem(boundary.id, "escalation boundary event '" + boundary.id + "' is attached to '" + activity.id +
                           "': escalation boundary events are supported on sub-processes and call activities only");
}

// BPMN 2.0, 10.2.5: an event sub-process has no sequence flow in or out, no boundary event and
// exactly one start event, with the trigger it waits for; errors always interrupt.
template <typename Problem>
void check_event_sub_process(const ProcessModel& model, const FlowNode& sub_process, Problem& problem) {
  if (!sub_process.incoming.empty() || !sub_process.outgoing.empty()) {
    problem(sub_process.id, "event sub-process '" + sub_process.id + "' has sequence flows in or out");
  }
  if (!sub_process.boundary_events.empty()) {
    problem(sub_process.id, "event sub-process '" + sub_process.id + "' has boundary events");
  }
  if (sub_process.loop) problem(sub_process.id, "event sub-process '" + sub_process.id + "' loops");
  if (sub_process.start_events.size() != 1) {
    problem(sub_process.id, "event sub-process '" + sub_process.id + "' needs exactly one start event");
    return;
  }
  const FlowNode& start = model.nodes[sub_process.start_events.front()];
  switch (start.event) {
    case EventDefinition::message:
    case EventDefinition::signal:
    case EventDefinition::escalation:
    case EventDefinition::conditional:
    case EventDefinition::compensation:  // refused by the start event's own check
      break;
    case EventDefinition::error:
      if (!start.cancel_activity) {
        problem(start.id, "error start event '" + start.id + "' of event sub-process '" + sub_process.id +
                              "' is non-interrupting: error start events always interrupt");
      }
      break;
    case EventDefinition::timer:
      if (start.timer == TimerKind::cycle && start.cancel_activity) {
        problem(start.id, "Cyclic timers are only allowed for TimerStartEvents and non-interrupting boundary events: "
                          "interrupting start event '" + start.id + "' of event sub-process '" + sub_process.id + "'");
      } else if (start.timer == TimerKind::cycle) {
        auto cycle = RepeatingCycle::parse(start.timer_value);
        if (!cycle || (cycle->repetitions && *cycle->repetitions == 0)) {
          problem(start.id, "the timeCycle '" + start.timer_value + "' of start event '" + start.id +
                                "' is not an ISO-8601 repeating interval R[n]/<duration> with n > 0");
        }
      }
      break;
    default:
      problem(start.id, "start event '" + start.id + "' of event sub-process '" + sub_process.id +
                            "' has no message, signal, timer, error, escalation or conditional event definition");
  }
}

// A compensation handler runs only when its activity is compensated, outside any flow; a
// compensation boundary event starts no path of its own.
template <typename Problem>
void check_compensation(const FlowNode& node, Problem& problem) {
  if (node.for_compensation) {
    if (!node.incoming.empty() || !node.outgoing.empty()) {
      problem(node.id, "compensation handler '" + node.id + "' has sequence flows in or out");
    }
    if (node.kind == NodeKind::sub_process && node.triggered_by_event) {
      problem(node.id, "compensation handler '" + node.id + "' is an event sub-process");
    }
  }
  if (node.kind == NodeKind::boundary_event && node.event == EventDefinition::compensation && !node.outgoing.empty()) {
    problem(node.id, "compensation boundary event '" + node.id + "' has outgoing sequence flows: its handler is "
                     "linked by an association");
  }
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
      if (node.parent != kNoIndex && model.nodes[node.parent].triggered_by_event) {
        node.starts_event_sub_process = true;
        const std::size_t container = model.nodes[node.parent].parent;
        (container == kNoIndex ? model.event_starts : model.nodes[container].event_starts).push_back(i);
      } else if (node.event == EventDefinition::error || node.event == EventDefinition::escalation ||
                 node.event == EventDefinition::conditional) {
        problem(node.id, "start event '" + node.id + "' with an error, escalation or conditional trigger is only "
                         "allowed in an event sub-process");
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
    if (node.triggered_by_event) check_event_sub_process(model, node, problem);
    check_compensation(node, problem);
    if (node.kind == NodeKind::sub_process && node.start_events.empty()) find_implicit_starts(model, i, problem);
    if (node.kind == NodeKind::event_based_gateway) check_event_based_gateway(model, node, problem);
    if (node.loop) check_loop(model, node, problem);
    if (node.kind == NodeKind::boundary_event && node.event == EventDefinition::escalation) {
      check_escalation_boundary(model, node, problem);
    }
  }
  if (model.start_events.empty()) find_implicit_starts(model, kNoIndex, problem);
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
