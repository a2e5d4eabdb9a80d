// Activities with a scope of their own: the embedded sub-process and the call activity.
#include "behaviours/behaviours.hpp"

namespace processhost::engine {
namespace {

// A call activity starts its called process as a child instance in the same correlation and
// waits for it; the child's end becomes {"result", "endEventId", "endEventName"}.
class CallActivityBehaviour final : public ElementBehaviour {
 public:
  std::optional<std::string> check(const FlowNode& node) const override {
    if (node.called_element.empty()) return "call activity '" + node.id + "' has no calledElement";
    return std::nullopt;
  }
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    auto called = context.find_model(node.called_element);
    if (!called || !called->executable) {
      context.fail(token, node, make_error(ErrorStatus::not_found, "process model '" + node.called_element +
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
        context.fail(token, node, std::move(error));
        return;
      }
    }
    // kNoIndex and implicit starts: the called process begins at its nodes without incoming flow.
    if (start_event == kNoIndex && called->implicit_starts.empty()) {
      context.fail(token, node, make_error(ErrorStatus::not_found, "process model '" + called->id + "' has no start event"));
      return;
    }
    JsonText payload = token.payload;
    if (node.call_payload) {
      auto value = context.run_expression(token, *node.call_payload, node.id);
      if (!value) {
        Error error = make_error(ErrorStatus::internal, "CallActivity payload configuration '" +
                                                            *node.property("payload") + "' is invalid: " +
                                                            value.error().message);
        context.fail(token, node, std::move(error));
        return;
      }
      payload = std::move(value.value());
    }
    context.call(std::move(token), node, std::move(called), start_event, std::move(payload));
  }
  void resume(ElementContext& context, Token&& token, const FlowNode& node, JsonText input) const override {
    context.leave(std::move(token), node, std::move(input));
  }
};

class SubProcessBehaviour final : public ElementBehaviour {
 public:
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    context.enter_sub_process(std::move(token), node);
  }
};

}  // namespace

const ElementBehaviour& call_activity_behaviour() { return the_behaviour<CallActivityBehaviour>(); }
const ElementBehaviour& sub_process_behaviour() { return the_behaviour<SubProcessBehaviour>(); }

}  // namespace processhost::engine
