// Events: start, end, intermediate throw and catch, boundary. Message and signal events
// publish or wait by name; timers arm through the context; links jump within their scope.
#include <initializer_list>

#include "behaviours/behaviours.hpp"
#include "behaviours/unsupported.hpp"
#include "model/repeating_cycle.hpp"

namespace processhost::engine {
namespace {

std::string event_name(EventDefinition event) {
  switch (event) {
    case EventDefinition::none: return "none";
    case EventDefinition::terminate: return "terminate";
    case EventDefinition::error: return "error";
    case EventDefinition::message: return "message";
    case EventDefinition::signal: return "signal";
    case EventDefinition::timer: return "timer";
    case EventDefinition::link: return "link";
    case EventDefinition::escalation: return "escalation";
    case EventDefinition::compensation: return "compensation";
    case EventDefinition::conditional: return "conditional";
  }
  return "unknown";
}

// Deploy check: nullopt when node's event definition is one of allowed, else why not.
std::optional<std::string> check_event(const FlowNode& node, std::initializer_list<EventDefinition> allowed,
                                       std::string_view what) {
  for (const auto event : allowed) {
    if (node.event == event) return std::nullopt;
  }
  return not_supported(node, event_name(node.event) + " " + std::string(what));
}

// Timer events wait for their due time; an invalid timer value fails the token.
void wait_for_timer(ElementContext& context, Token&& token, const FlowNode& node) {
  if (auto armed = context.arm_timer(token, node); !armed) {
    context.fail(token, node, std::move(armed).take_error());
    return;
  }
  context.suspend(std::move(token), node);
}

// Message and signal throw events check the owner's lane claim; the thrown payload is the
// inputValues expression's value when set, else the token's payload.
std::optional<JsonText> thrown_payload(ElementContext& context, const Token& token, const FlowNode& node) {
  if (!context.owner_may_access(node.lane)) {
    context.fail(token, node, make_error(ErrorStatus::forbidden, "access denied: the owner of the instance may not "
                                                                  "throw '" + node.id + "' in lane '" + node.lane + "'"));
    return std::nullopt;
  }
  if (!node.input_values) return token.payload;
  auto value = context.run_expression(token, *node.input_values, node.id);
  if (!value) {
    context.fail(token, node, std::move(value).take_error());
    return std::nullopt;
  }
  return std::move(value.value());
}

EventKind kind_of(const FlowNode& node) {
  return node.event == EventDefinition::signal ? EventKind::signal : EventKind::message;
}

bool is_message_or_signal(const FlowNode& node) {
  return node.event == EventDefinition::message || node.event == EventDefinition::signal;
}

class StartEventBehaviour final : public ElementBehaviour {
 public:
  std::optional<std::string> check(const FlowNode& node) const override {
    using enum EventDefinition;
    // Error and escalation start events belong to event sub-processes (checked with the model).
    if (node.event == EventDefinition::compensation) {
      return "compensation start event '" + node.id + "': compensation event sub-processes are not supported by this "
             "engine; attach a compensation boundary event with a handler (a task, call activity or sub-process) to "
             "the sub-process instead";
    }
    return check_event(node, {none, message, signal, timer, error, escalation, conditional}, "start event");
  }
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    // Timer start events wait for their duration or date; cycles are the scheduler's business.
    if (node.event == EventDefinition::timer && node.timer != TimerKind::cycle) {
      wait_for_timer(context, std::move(token), node);
      return;
    }
    JsonText result = token.payload;
    context.leave(std::move(token), node, std::move(result));
  }
  void resume(ElementContext& context, Token&& token, const FlowNode& node, JsonText) const override {
    JsonText result = token.payload;
    context.leave(std::move(token), node, std::move(result));
  }
};

class EndEventBehaviour final : public ElementBehaviour {
 public:
  std::optional<std::string> check(const FlowNode& node) const override {
    using enum EventDefinition;
    return check_event(node, {none, terminate, error, message, signal, escalation, compensation}, "end event");
  }
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    if (node.event == EventDefinition::compensation) {
      context.compensate(std::move(token), node);
    } else if (node.event == EventDefinition::terminate) {
      context.terminate(token, node);
    } else if (node.event == EventDefinition::error) {
      const BpmnErrorDefinition definition = node.error.value_or(BpmnErrorDefinition{});
      Error error = make_error(ErrorStatus::internal, definition.message);
      error.bpmn_code = definition.code;
      error.bpmn_name = definition.name;
      context.fail(token, node, std::move(error));
    } else if (node.event == EventDefinition::escalation) {
      if (context.throw_escalation(token, node)) return;
      context.reach_end(std::move(token), node);
    } else if (is_message_or_signal(node)) {
      auto payload = thrown_payload(context, token, node);
      if (!payload) return;
      token.payload = *payload;
      context.publish(kind_of(node), node, std::move(*payload));
      context.reach_end(std::move(token), node);
    } else {
      if (node.input_values) {
        auto value = context.run_expression(token, *node.input_values, node.id);
        if (!value) {
          context.fail(token, node, std::move(value).take_error());
          return;
        }
        token.payload = std::move(value.value());
      }
      context.reach_end(std::move(token), node);
    }
  }
};

class IntermediateThrowEventBehaviour final : public ElementBehaviour {
 public:
  std::optional<std::string> check(const FlowNode& node) const override {
    using enum EventDefinition;
    return check_event(node, {none, link, message, signal, escalation, compensation}, "throw event");
  }
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    if (node.event == EventDefinition::compensation) {
      context.compensate(std::move(token), node);
      return;
    }
    if (node.event == EventDefinition::none) {
      JsonText result = token.payload;
      context.leave(std::move(token), node, std::move(result));
      return;
    }
    if (is_message_or_signal(node)) {
      auto payload = thrown_payload(context, token, node);
      if (!payload) return;
      context.publish(kind_of(node), node, std::move(*payload));
      JsonText unchanged = token.payload;
      context.leave_with(std::move(token), node, "{}", std::move(unchanged));
      return;
    }
    if (node.event == EventDefinition::escalation) {
      // Caught by an interrupting boundary event, the thrower's scope is gone; otherwise
      // (caught by a non-interrupting one, or by none) the token goes on.
      if (context.throw_escalation(token, node)) return;
      JsonText unchanged = token.payload;
      context.leave_with(std::move(token), node, "{}", std::move(unchanged));
      return;
    }
    // A link throw continues at the one catch event of the same name in the same scope.
    const auto& model = context.model();
    std::vector<std::size_t> targets;
    for (std::size_t i = 0; i < model.nodes.size(); ++i) {
      const auto& candidate = model.nodes[i];
      if (candidate.kind == NodeKind::intermediate_catch_event && candidate.event == EventDefinition::link &&
          candidate.event_name == node.event_name && candidate.parent == node.parent) {
        targets.push_back(i);
      }
    }
    if (targets.empty()) {
      context.fail(token, node, make_error(ErrorStatus::not_found, "No IntermediateCatchEvent with a link called '" +
                                                                        node.event_name + "' exists!"));
      return;
    }
    if (targets.size() > 1) {
      context.fail(token, node, make_error(ErrorStatus::bad_request,
                                            "Too many CatchEvents for link '" + node.event_name + "' exist!"));
      return;
    }
    context.complete_record(token, node, token.payload);
    token.record(node.id, "{}");
    context.jump_to(std::move(token), targets.front());
  }
};

// Link catch events continue at once; message, signal and timer catch events wait, and
// conditional ones until their condition holds.
class IntermediateCatchEventBehaviour final : public ElementBehaviour {
 public:
  std::optional<std::string> check(const FlowNode& node) const override {
    using enum EventDefinition;
    return check_event(node, {none, link, message, signal, timer, conditional}, "catch event");
  }
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    if (node.event == EventDefinition::conditional) {
      context.wait_for_condition(std::move(token), node);
      return;
    }
    if (is_message_or_signal(node)) {
      context.suspend(std::move(token), node);
      return;
    }
    if (node.event == EventDefinition::timer) {
      wait_for_timer(context, std::move(token), node);
      return;
    }
    JsonText payload = token.payload;
    if (node.event == EventDefinition::none) {
      context.leave(std::move(token), node, std::move(payload));
      return;
    }
    context.leave_with(std::move(token), node, "{}", std::move(payload));
  }
  void resume(ElementContext& context, Token&& token, const FlowNode& node, JsonText input) const override {
    if (node.event == EventDefinition::timer || node.event == EventDefinition::conditional) {
      JsonText payload = token.payload;
      context.leave(std::move(token), node, std::move(payload));
      return;
    }
    context.leave(std::move(token), node, input.empty() ? JsonText("{}") : std::move(input));
  }
};

// Error and escalation boundary events get the error or escalation routed here by the
// executor (Executor::catch_error, Executor::throw_escalation); message, signal and timer
// boundary events wait beside their activity (Executor::suspend) and fire through resume, as
// conditional ones do when their condition becomes true; compensation boundary events only
// link their activity to its handler and never fire.
class BoundaryEventBehaviour final : public ElementBehaviour {
 public:
  std::optional<std::string> check(const FlowNode& node) const override {
    if (node.event == EventDefinition::timer && node.timer == TimerKind::cycle) {
      // Non-interrupting boundary events repeat an R[n]/<duration> cycle while the activity
      // waits; cron and "${...}" cycles are for timer start events only.
      if (node.cancel_activity) {
        return "Cyclic timers are only allowed for TimerStartEvents and non-interrupting boundary events: "
               "boundary event '" + node.id + "'";
      }
      auto cycle = RepeatingCycle::parse(node.timer_value);
      if (!cycle || (cycle->repetitions && *cycle->repetitions == 0)) {
        return "the timeCycle '" + node.timer_value + "' of non-interrupting boundary event '" + node.id +
               "' is not an ISO-8601 repeating interval R[n]/<duration> with n > 0";
      }
    }
    using enum EventDefinition;
    return check_event(node, {error, escalation, timer, message, signal, conditional, compensation}, "boundary event");
  }
  // Only error and escalation boundary events are entered (the executor jumps here with the
  // error, or the thrower's payload, as payload).
  // As the original's error boundary handler, the event adds no result of its own: the
  // failed activity's result (the error) stays token.current for the path that follows.
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    JsonText result = token.payload;
    if (node.event == EventDefinition::error && node.outgoing.size() == 1) {
      context.complete_record(token, node, result);
      context.take_flow(std::move(token), node.outgoing.front());
      return;
    }
    context.leave(std::move(token), node, std::move(result));
  }
};

}  // namespace

const ElementBehaviour& start_event_behaviour() { return the_behaviour<StartEventBehaviour>(); }
const ElementBehaviour& end_event_behaviour() { return the_behaviour<EndEventBehaviour>(); }
const ElementBehaviour& throw_event_behaviour() { return the_behaviour<IntermediateThrowEventBehaviour>(); }
const ElementBehaviour& catch_event_behaviour() { return the_behaviour<IntermediateCatchEventBehaviour>(); }
const ElementBehaviour& boundary_event_behaviour() { return the_behaviour<BoundaryEventBehaviour>(); }

}  // namespace processhost::engine
