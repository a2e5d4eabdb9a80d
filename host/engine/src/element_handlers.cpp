#include "element_handlers.hpp"

#include <algorithm>
#include <cstdlib>

#include "gateway_handlers.hpp"

namespace processhost::engine {

std::optional<std::string> ElementHandler::check(const FlowNode&) const { return std::nullopt; }

void ElementHandler::resume(Executor& executor, Token&& token, const FlowNode& node, JsonText) const {
  executor.fail(token, node, make_error(ErrorStatus::internal, node.bpmn_type + " '" + node.id + "' does not wait"));
}

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
  }
  return "unknown";
}

std::string not_supported(const FlowNode& node, std::string_view what) {
  return std::string(what) + " '" + node.id + "' (" + node.bpmn_type + ") is not supported by this engine version";
}

// Message and signal throw events check the owner's lane claim; the thrown payload is the
// inputValues expression's value when set, else the token's payload.
std::optional<JsonText> thrown_payload(Executor& executor, const Token& token, const FlowNode& node) {
  if (!executor.owner_may_access(node.lane)) {
    executor.fail(token, node, make_error(ErrorStatus::forbidden, "access denied: the owner of the instance may not "
                                                                  "throw '" + node.id + "' in lane '" + node.lane + "'"));
    return std::nullopt;
  }
  if (!node.input_values) return token.payload;
  auto value = executor.run_expression(token, *node.input_values, node.id);
  if (!value) {
    executor.fail(token, node, std::move(value).take_error());
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

class StartEventHandler final : public ElementHandler {
 public:
  std::optional<std::string> check(const FlowNode& node) const override {
    switch (node.event) {
      case EventDefinition::none:
      case EventDefinition::message:
      case EventDefinition::signal:
      case EventDefinition::timer: return std::nullopt;
      default: return not_supported(node, event_name(node.event) + " start event");
    }
  }
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    // Timer start events wait for their duration or date; cycles are the scheduler's business.
    if (node.event == EventDefinition::timer && node.timer != TimerKind::cycle) {
      if (auto armed = executor.arm_timer(token, node); !armed) {
        executor.fail(token, node, std::move(armed).take_error());
        return;
      }
      executor.suspend(std::move(token), node);
      return;
    }
    JsonText result = token.payload;
    executor.leave(std::move(token), node, std::move(result));
  }
  void resume(Executor& executor, Token&& token, const FlowNode& node, JsonText) const override {
    JsonText result = token.payload;
    executor.leave(std::move(token), node, std::move(result));
  }
};

class EndEventHandler final : public ElementHandler {
 public:
  std::optional<std::string> check(const FlowNode& node) const override {
    switch (node.event) {
      case EventDefinition::none:
      case EventDefinition::terminate:
      case EventDefinition::error:
      case EventDefinition::message:
      case EventDefinition::signal: return std::nullopt;
      default: return not_supported(node, event_name(node.event) + " end event");
    }
  }
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    if (node.event == EventDefinition::terminate) {
      executor.terminate(token, node);
    } else if (node.event == EventDefinition::error) {
      const BpmnErrorDefinition definition = node.error.value_or(BpmnErrorDefinition{});
      Error error = make_error(ErrorStatus::internal, definition.message);
      error.bpmn_code = definition.code;
      error.bpmn_name = definition.name;
      executor.fail(token, node, std::move(error));
    } else if (is_message_or_signal(node)) {
      auto payload = thrown_payload(executor, token, node);
      if (!payload) return;
      token.payload = *payload;
      executor.publish(kind_of(node), node, std::move(*payload));
      executor.reach_end(std::move(token), node);
    } else {
      if (node.input_values) {
        auto value = executor.run_expression(token, *node.input_values, node.id);
        if (!value) {
          executor.fail(token, node, std::move(value).take_error());
          return;
        }
        token.payload = std::move(value.value());
      }
      executor.reach_end(std::move(token), node);
    }
  }
};

class IntermediateThrowEventHandler final : public ElementHandler {
 public:
  std::optional<std::string> check(const FlowNode& node) const override {
    if (node.event != EventDefinition::none && node.event != EventDefinition::link && !is_message_or_signal(node)) {
      return not_supported(node, event_name(node.event) + " throw event");
    }
    return std::nullopt;
  }
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    if (node.event == EventDefinition::none) {
      JsonText result = token.payload;
      executor.leave(std::move(token), node, std::move(result));
      return;
    }
    if (is_message_or_signal(node)) {
      auto payload = thrown_payload(executor, token, node);
      if (!payload) return;
      executor.publish(kind_of(node), node, std::move(*payload));
      JsonText unchanged = token.payload;
      executor.leave_with(std::move(token), node, "{}", std::move(unchanged));
      return;
    }
    // A link throw continues at the one catch event of the same name in the same scope.
    const auto& model = executor.model();
    std::vector<std::size_t> targets;
    for (std::size_t i = 0; i < model.nodes.size(); ++i) {
      const auto& candidate = model.nodes[i];
      if (candidate.kind == NodeKind::intermediate_catch_event && candidate.event == EventDefinition::link &&
          candidate.event_name == node.event_name && candidate.parent == node.parent) {
        targets.push_back(i);
      }
    }
    if (targets.empty()) {
      executor.fail(token, node, make_error(ErrorStatus::not_found, "No IntermediateCatchEvent with a link called '" +
                                                                        node.event_name + "' exists!"));
      return;
    }
    if (targets.size() > 1) {
      executor.fail(token, node, make_error(ErrorStatus::bad_request,
                                            "Too many CatchEvents for link '" + node.event_name + "' exist!"));
      return;
    }
    executor.complete_record(token, node, token.payload);
    token.record(node.id, "{}");
    executor.jump_to(std::move(token), targets.front());
  }
};

// Link catch events continue at once; message, signal and timer catch events wait.
class IntermediateCatchEventHandler final : public ElementHandler {
 public:
  std::optional<std::string> check(const FlowNode& node) const override {
    if (node.event == EventDefinition::none || node.event == EventDefinition::link || is_message_or_signal(node) ||
        node.event == EventDefinition::timer) {
      return std::nullopt;
    }
    return not_supported(node, event_name(node.event) + " catch event");
  }
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    if (is_message_or_signal(node)) {
      executor.suspend(std::move(token), node);
      return;
    }
    if (node.event == EventDefinition::timer) {
      if (auto armed = executor.arm_timer(token, node); !armed) {
        executor.fail(token, node, std::move(armed).take_error());
        return;
      }
      executor.suspend(std::move(token), node);
      return;
    }
    JsonText payload = token.payload;
    if (node.event == EventDefinition::none) {
      executor.leave(std::move(token), node, std::move(payload));
      return;
    }
    executor.leave_with(std::move(token), node, "{}", std::move(payload));
  }
  void resume(Executor& executor, Token&& token, const FlowNode& node, JsonText input) const override {
    if (node.event == EventDefinition::timer) {
      JsonText payload = token.payload;
      executor.leave(std::move(token), node, std::move(payload));
      return;
    }
    executor.leave(std::move(token), node, input.empty() ? JsonText("{}") : std::move(input));
  }
};

// Error boundary events get the error routed here by the executor; message, signal and timer
// boundary events wait beside their activity (Executor::suspend) and fire through resume.
class BoundaryEventHandler final : public ElementHandler {
 public:
  std::optional<std::string> check(const FlowNode& node) const override {
    if (node.event == EventDefinition::timer && node.timer == TimerKind::cycle) {
      return "Cyclic timers are only allowed for TimerStartEvents: boundary event '" + node.id + "'";
    }
    if (node.event != EventDefinition::error && node.event != EventDefinition::timer && !is_message_or_signal(node)) {
      return not_supported(node, event_name(node.event) + " boundary event");
    }
    return std::nullopt;
  }
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    JsonText result = token.payload;
    executor.leave(std::move(token), node, std::move(result));
  }
};

// A call activity starts its called process as a child instance in the same correlation and
// waits for it; the child's end becomes {"result", "endEventId", "endEventName"}.
class CallActivityHandler final : public ElementHandler {
 public:
  std::optional<std::string> check(const FlowNode& node) const override {
    if (node.called_element.empty()) return "call activity '" + node.id + "' has no calledElement";
    return std::nullopt;
  }
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    const auto& find = executor.environment().find_model;
    auto called = find ? find(node.called_element) : nullptr;
    if (!called || !called->executable) {
      executor.fail(token, node, make_error(ErrorStatus::not_found, "process model '" + node.called_element +
                                                                        "' called by '" + node.id + "' not found"));
      return;
    }
    std::size_t start_event = called->start_events.empty() ? kNoIndex : called->start_events.front();
    if (const auto* wanted = node.property("startEventId"); wanted && !wanted->empty()) {
      start_event = kNoIndex;
      for (auto index : called->start_events) {
        if (called->nodes[index].id == *wanted) start_event = index;
      }
      if (start_event == kNoIndex) {
        Error error = make_error(ErrorStatus::not_found, "The referenced process model '" + called->id +
                                                             "' has no matching StartEvent with ID '" + *wanted + "'!");
        error.additional_information = "{\"processModelId\":" + json_quote(called->id) +
                                       ",\"configuredStartEventId\":" + json_quote(*wanted) + "}";
        executor.fail(token, node, std::move(error));
        return;
      }
    }
    if (start_event == kNoIndex) {
      executor.fail(token, node, make_error(ErrorStatus::not_found, "process model '" + called->id + "' has no start event"));
      return;
    }
    JsonText payload = token.payload;
    if (node.call_payload) {
      auto value = executor.run_expression(token, *node.call_payload, node.id);
      if (!value) {
        Error error = make_error(ErrorStatus::internal, "CallActivity payload configuration '" +
                                                            *node.property("payload") + "' is invalid: " +
                                                            value.error().message);
        executor.fail(token, node, std::move(error));
        return;
      }
      payload = std::move(value.value());
    }
    executor.call(std::move(token), node, std::move(called), start_event, std::move(payload));
  }
  void resume(Executor& executor, Token&& token, const FlowNode& node, JsonText input) const override {
    executor.leave(std::move(token), node, std::move(input));
  }
};

// Internal service tasks call a registered method (module + method, params a JS array
// expression) or do nothing; external ones create an external task and wait for a worker.
// An asynchronous method's task waits (boundary events armed) until the method completes.
class ServiceTaskHandler final : public ElementHandler {
 public:
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    if (node.external) {
      std::string topic = node.topic;
      if (node.topic_script) {
        auto value = executor.run_expression(token, *node.topic_script, node.id);
        rapidjson::Document parsed;
        if (!value || json_parse(value.value(), parsed, JsonLimits::for_stored_data()) || !parsed.IsString()) {
          executor.fail(token, node, make_error(ErrorStatus::internal, "ExternalTask topic '" + node.topic + "' is invalid"));
          return;
        }
        topic = parsed.GetString();
      }
      JsonText payload = token.payload;
      if (node.call_payload) {
        auto value = executor.run_expression(token, *node.call_payload, node.id);
        if (!value) {
          executor.fail(token, node, make_error(ErrorStatus::internal, "ExternalTask payload configuration '" +
                                                                           *node.property("payload") + "' is invalid"));
          return;
        }
        payload = std::move(value.value());
      }
      executor.create_external_task(std::move(token), node, std::move(topic), std::move(payload));
      return;
    }
    const auto* module = node.property("module");
    const auto* method = node.property("method");
    if (!module || !method || module->empty() || method->empty()) {
      executor.leave(std::move(token), node, "{}");
      return;
    }
    JsonText arguments = "[]";
    if (node.params_script) {
      auto value = executor.run_expression(token, *node.params_script, node.id);
      if (!value) {
        executor.fail(token, node, std::move(value).take_error());
        return;
      }
      arguments = std::move(value.value());
    }
    std::string name = *module + "." + *method;
    const auto* methods = executor.environment().service_methods;
    if (methods && methods->long_running(name)) {
      executor.call_service(std::move(token), node, std::move(name), std::move(arguments));
      return;
    }
    const auto found = methods ? methods->immediate(name) : std::nullopt;
    if (!found) {
      executor.fail(token, node,
                    make_error(ErrorStatus::not_found, "service method " + name + " of '" + node.id + "' is not registered"));
      return;
    }
    auto result = (*found)(arguments);
    if (!result) {
      executor.fail(token, node, std::move(result).take_error());
      return;
    }
    executor.leave(std::move(token), node, std::move(result.value()));
  }
  void resume(Executor& executor, Token&& token, const FlowNode& node, JsonText input) const override {
    executor.leave(std::move(token), node, input.empty() ? JsonText("{}") : std::move(input));
  }
};

// A receive task waits for its message; the message payload is its result.
class ReceiveTaskHandler final : public ElementHandler {
 public:
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    executor.suspend(std::move(token), node);
  }
  void resume(Executor& executor, Token&& token, const FlowNode& node, JsonText input) const override {
    executor.leave(std::move(token), node, input.empty() ? JsonText("{}") : std::move(input));
  }
};

// A send task offers its message to waiting receive tasks until one takes it (the engine
// retries every retryIntervalInMs, at most maxRetries times); it passes its payload through.
class SendTaskHandler final : public ElementHandler {
 public:
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    SendRequest request;
    request.flow_node_instance_id = token.flow_node_instance_id;
    request.name = node.event_name;
    request.payload = token.payload;
    if (const auto* retries = node.property("maxRetries")) request.max_retries = std::atoi(retries->c_str());
    if (const auto* interval = node.property("retryIntervalInMs")) {
      request.retry_interval_ms = std::max(1, std::atoi(interval->c_str()));
    }
    executor.request_send(std::move(request));
    executor.suspend(std::move(token), node);
  }
  void resume(Executor& executor, Token&& token, const FlowNode& node, JsonText) const override {
    JsonText payload = token.payload;
    executor.leave(std::move(token), node, std::move(payload));
  }
};

// User, manual and empty tasks wait until finished through the engine service.
class WaitingTaskHandler final : public ElementHandler {
 public:
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    if (node.kind == NodeKind::user_task && node.has_form_expressions) {
      // Test-evaluate the form now so a broken form fails the instance, not the listing.
      const auto& state = executor.state();
      const std::string extra = "\"processInstanceId\":" + json_quote(state.record.id) +
                                ",\"correlationId\":" + json_quote(state.record.correlation_id) +
                                ",\"userTaskInstanceId\":" + json_quote(token.flow_node_instance_id) +
                                ",\"currentToken\":" + token.payload;
      auto evaluate = [&](const Script& script, std::string_view origin) {
        return executor.run_expression(token, script, origin);
      };
      auto form = evaluate_user_task(state.record.process_model_id, node, evaluate, extra);
      if (!form) {
        executor.fail(token, node, std::move(form).take_error());
        return;
      }
    }
    executor.suspend(std::move(token), node);
  }
  void resume(Executor& executor, Token&& token, const FlowNode& node, JsonText input) const override {
    switch (node.kind) {
      case NodeKind::user_task:
        executor.leave(std::move(token), node, "{\"form_fields\":" + (input.empty() ? "{}" : input) + "}");
        break;
      case NodeKind::manual_task: executor.leave(std::move(token), node, "{}"); break;
      default: {
        JsonText result = token.payload;
        executor.leave(std::move(token), node, std::move(result));
      }
    }
  }
};

class ScriptTaskHandler final : public ElementHandler {
 public:
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    auto result = executor.run_script(token, *node.script, node.id);
    if (!result) {
      executor.fail(token, node, std::move(result).take_error());
      return;
    }
    executor.leave(std::move(token), node, std::move(result.value()));
  }
};

class SubProcessHandler final : public ElementHandler {
 public:
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    executor.enter_sub_process(std::move(token), node);
  }
};

// Elements parsed for a complete model but not executed yet: rejected at deploy.
class UnsupportedHandler final : public ElementHandler {
 public:
  std::optional<std::string> check(const FlowNode& node) const override { return not_supported(node, "element"); }
  void enter(Executor& executor, Token&& token, const FlowNode& node, std::size_t) const override {
    executor.fail(token, node, make_error(ErrorStatus::unprocessable, *check(node)));
  }
};

}  // namespace

const ElementHandler& handler_for(const FlowNode& node) {
  static const StartEventHandler start_event;
  static const EndEventHandler end_event;
  static const IntermediateThrowEventHandler throw_event;
  static const IntermediateCatchEventHandler catch_event;
  static const BoundaryEventHandler boundary_event;
  static const WaitingTaskHandler waiting_task;
  static const ScriptTaskHandler script_task;
  static const SubProcessHandler sub_process;
  static const ReceiveTaskHandler receive_task;
  static const SendTaskHandler send_task;
  static const CallActivityHandler call_activity;
  static const ServiceTaskHandler service_task;
  static const UnsupportedHandler unsupported;
  switch (node.kind) {
    case NodeKind::start_event: return start_event;
    case NodeKind::end_event: return end_event;
    case NodeKind::intermediate_throw_event: return throw_event;
    case NodeKind::intermediate_catch_event: return catch_event;
    case NodeKind::boundary_event: return boundary_event;
    case NodeKind::user_task:
    case NodeKind::manual_task:
    case NodeKind::empty_activity: return waiting_task;
    case NodeKind::script_task: return script_task;
    case NodeKind::exclusive_gateway: return exclusive_gateway_handler();
    case NodeKind::parallel_gateway: return parallel_gateway_handler();
    case NodeKind::sub_process: return sub_process;
    case NodeKind::receive_task: return receive_task;
    case NodeKind::send_task: return send_task;
    case NodeKind::call_activity: return call_activity;
    case NodeKind::service_task: return service_task;
    default: return unsupported;
  }
}

std::optional<std::string> check_node_supported(const FlowNode& node) { return handler_for(node).check(node); }

Result<UserTaskConfig> evaluate_user_task(const std::string& process_model_id, const FlowNode& node,
                                          const ExpressionEvaluator& evaluate, const std::string& extra_members) {
  UserTaskConfig config;
  for (const auto& definition : node.form_fields) {
    FormField field;
    field.id = definition.id;
    field.type = definition.type;
    field.enum_values.reserve(definition.enum_values.size());
    for (const auto& [id, name] : definition.enum_values) field.enum_values.push_back({id, name});
    std::optional<Error> failure;
    auto value_of = [&](const std::optional<ExpressionValue>& value) -> std::optional<JsonText> {
      if (!value) return std::nullopt;
      if (!value->script) return json_quote(value->text);
      auto result = evaluate(*value->script, node.id);
      if (result) return std::move(result.value());
      Error error = make_error(ErrorStatus::internal, "The configuration for FormField " + definition.id +
                                                          " is invalid!");
      const std::string validation = "Cannot evaluate expression '" + value->text +
                                     "' because the ProcessToken is missing some required properties: " +
                                     result.error().message;
      error.additional_information = "{\"processModelId\":" + json_quote(process_model_id) + ",\"userTaskId\":" +
                                     json_quote(node.id) + ",\"invalidFormFieldId\":" + json_quote(definition.id) +
                                     ",\"validationError\":" + json_quote(validation) +
                                     (extra_members.empty() ? "" : "," + extra_members) + "}";
      if (!failure) failure = std::move(error);
      return std::nullopt;
    };
    field.label = value_of(definition.label);
    field.default_value = value_of(definition.default_value);
    field.preferred_control = value_of(definition.preferred_control);
    if (failure) return std::move(*failure);
    config.form_fields.push_back(std::move(field));
  }
  if (const auto* value = node.property("preferredControl")) config.preferred_control = *value;
  if (const auto* value = node.property("description")) config.description = *value;
  if (const auto* value = node.property("finishedMessage")) config.finished_message = *value;
  return config;
}

}  // namespace processhost::engine
