#include "behaviours/behaviours.hpp"

namespace processhost::engine {
namespace {

// Internal service tasks call a registered method (module + method, params a JS array
// expression) or do nothing; external ones create an external task and wait for a worker.
// An asynchronous method's task waits (boundary events armed) until the method completes.
class ServiceTaskBehaviour final : public ElementBehaviour {
 public:
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    if (node.external) {
      std::string topic = node.topic;
      if (node.topic_script) {
        auto value = context.run_expression(token, *node.topic_script, node.id);
        rapidjson::Document parsed;
        if (!value || json_parse(value.value(), parsed, JsonLimits::for_stored_data()) || !parsed.IsString()) {
          context.fail(token, node, make_error(ErrorStatus::internal, "ExternalTask topic '" + node.topic + "' is invalid"));
          return;
        }
        topic = parsed.GetString();
      }
      JsonText payload = token.payload;
      if (node.call_payload) {
        auto value = context.run_expression(token, *node.call_payload, node.id);
        if (!value) {
          context.fail(token, node, make_error(ErrorStatus::internal, "ExternalTask payload configuration '" +
                                                                           *node.property("payload") + "' is invalid"));
          return;
        }
        payload = std::move(value.value());
      }
      context.create_external_task(std::move(token), node, std::move(topic), std::move(payload));
      return;
    }
    const auto* module = node.property("module");
    const auto* method = node.property("method");
    if (!module || !method || module->empty() || method->empty()) {
      context.leave(std::move(token), node, "{}");
      return;
    }
    JsonText arguments = "[]";
    if (node.params_script) {
      auto value = context.run_expression(token, *node.params_script, node.id);
      if (!value) {
        context.fail(token, node, std::move(value).take_error());
        return;
      }
      arguments = std::move(value.value());
    }
    std::string name = *module + "." + *method;
    const auto* methods = context.service_methods();
    if (methods && methods->long_running(name)) {
      context.call_service(std::move(token), node, std::move(name), std::move(arguments));
      return;
    }
    const auto found = methods ? methods->immediate(name) : std::nullopt;
    if (!found) {
      context.fail(token, node,
                    make_error(ErrorStatus::not_found, "service method " + name + " of '" + node.id + "' is not registered"));
      return;
    }
    auto result = (*found)(arguments);
    if (!result) {
      context.fail(token, node, std::move(result).take_error());
      return;
    }
    context.leave(std::move(token), node, std::move(result.value()));
  }
  void resume(ElementContext& context, Token&& token, const FlowNode& node, JsonText input) const override {
    context.leave(std::move(token), node, input.empty() ? JsonText("{}") : std::move(input));
  }
};

}  // namespace

const ElementBehaviour& service_task_behaviour() { return the_behaviour<ServiceTaskBehaviour>(); }

}  // namespace processhost::engine
