// Tasks that wait for someone (user, manual, empty, receive, send) or run at once (script).
#include <algorithm>
#include <cstdlib>

#include "behaviours/behaviours.hpp"
#include "behaviours/user_task_form.hpp"

namespace processhost::engine {
namespace {

// A receive task waits for its message; the message payload is its result.
class ReceiveTaskBehaviour final : public ElementBehaviour {
 public:
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    context.suspend(std::move(token), node);
  }
  void resume(ElementContext& context, Token&& token, const FlowNode& node, JsonText input) const override {
    context.leave(std::move(token), node, input.empty() ? JsonText("{}") : std::move(input));
  }
};

// A send task offers its message to waiting receive tasks until one takes it (the engine
// retries every retryIntervalInMs, at most maxRetries times); it passes its payload through.
class SendTaskBehaviour final : public ElementBehaviour {
 public:
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    SendRequest request;
    request.flow_node_instance_id = token.flow_node_instance_id;
    request.name = node.event_name;
    request.payload = token.payload;
    if (const auto* retries = node.property("maxRetries")) request.max_retries = std::atoi(retries->c_str());
    if (const auto* interval = node.property("retryIntervalInMs")) {
      request.retry_interval_ms = std::max(1, std::atoi(interval->c_str()));
    }
    context.request_send(std::move(request));
    context.suspend(std::move(token), node);
  }
  void resume(ElementContext& context, Token&& token, const FlowNode& node, JsonText) const override {
    JsonText payload = token.payload;
    context.leave(std::move(token), node, std::move(payload));
  }
};

// User, manual and empty tasks wait until finished through the engine service.
class WaitingTaskBehaviour final : public ElementBehaviour {
 public:
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    if (node.kind == NodeKind::user_task && node.has_form_expressions) {
      // Test-evaluate the form now so a broken form fails the instance, not the listing.
      const auto& instance = context.instance();
      const std::string extra = "\"processInstanceId\":" + json_quote(instance.id) +
                                ",\"correlationId\":" + json_quote(instance.correlation_id) +
                                ",\"userTaskInstanceId\":" + json_quote(token.flow_node_instance_id) +
                                ",\"currentToken\":" + token.payload;
      auto evaluate = [&](const Script& script, std::string_view origin) {
        return context.run_expression(token, script, origin);
      };
      auto form = evaluate_user_task(instance.process_model_id, node, evaluate, extra);
      if (!form) {
        context.fail(token, node, std::move(form).take_error());
        return;
      }
    }
    context.suspend(std::move(token), node);
  }
  void resume(ElementContext& context, Token&& token, const FlowNode& node, JsonText input) const override {
    switch (node.kind) {
      case NodeKind::user_task:
        context.leave(std::move(token), node, "{\"form_fields\":" + (input.empty() ? "{}" : input) + "}");
        break;
      case NodeKind::manual_task: context.leave(std::move(token), node, "{}"); break;
      default: {
        JsonText result = token.payload;
        context.leave(std::move(token), node, std::move(result));
      }
    }
  }
};

class ScriptTaskBehaviour final : public ElementBehaviour {
 public:
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    auto result = context.run_script(token, *node.script, node.id);
    if (!result) {
      context.fail(token, node, std::move(result).take_error());
      return;
    }
    context.leave(std::move(token), node, std::move(result.value()));
  }
};

}  // namespace

const ElementBehaviour& receive_task_behaviour() { return the_behaviour<ReceiveTaskBehaviour>(); }
const ElementBehaviour& send_task_behaviour() { return the_behaviour<SendTaskBehaviour>(); }
const ElementBehaviour& waiting_task_behaviour() { return the_behaviour<WaitingTaskBehaviour>(); }
const ElementBehaviour& script_task_behaviour() { return the_behaviour<ScriptTaskBehaviour>(); }

}  // namespace processhost::engine
