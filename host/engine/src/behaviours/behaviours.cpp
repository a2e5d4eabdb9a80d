#include "behaviours/behaviours.hpp"

#include "behaviours/unsupported.hpp"

namespace processhost::engine {

std::optional<std::string> ElementBehaviour::check(const FlowNode&) const { return std::nullopt; }

void ElementBehaviour::resume(ElementContext& context, Token&& token, const FlowNode& node, JsonText) const {
  context.fail(token, node, make_error(ErrorStatus::internal, node.bpmn_type + " '" + node.id + "' does not wait"));
}

std::string not_supported(const FlowNode& node, std::string_view what) {
  return std::string(what) + " '" + node.id + "' (" + node.bpmn_type + ") is not supported by this engine version";
}

namespace {

// Elements parsed for a complete model but not executed yet: rejected at deploy.
class UnsupportedBehaviour final : public ElementBehaviour {
 public:
  std::optional<std::string> check(const FlowNode& node) const override { return not_supported(node, "element"); }
  void activate(ElementContext& context, Token&& token, const FlowNode& node, std::size_t) const override {
    context.fail(token, node, make_error(ErrorStatus::unprocessable, *check(node)));
  }
};

}  // namespace

const ElementBehaviour& behaviour_for(const FlowNode& node) {
  static const UnsupportedBehaviour unsupported;
  switch (node.kind) {
    case NodeKind::start_event: return start_event_behaviour();
    case NodeKind::end_event: return end_event_behaviour();
    case NodeKind::intermediate_throw_event: return throw_event_behaviour();
    case NodeKind::intermediate_catch_event: return catch_event_behaviour();
    case NodeKind::boundary_event: return boundary_event_behaviour();
    case NodeKind::user_task:
    case NodeKind::manual_task:
    case NodeKind::empty_activity: return waiting_task_behaviour();
    case NodeKind::script_task: return script_task_behaviour();
    case NodeKind::exclusive_gateway: return exclusive_gateway_behaviour();
    case NodeKind::parallel_gateway: return parallel_gateway_behaviour();
    case NodeKind::inclusive_gateway: return inclusive_gateway_behaviour();
    case NodeKind::event_based_gateway: return event_based_gateway_behaviour();
    case NodeKind::sub_process: return sub_process_behaviour();
    case NodeKind::receive_task: return receive_task_behaviour();
    case NodeKind::send_task: return send_task_behaviour();
    case NodeKind::call_activity: return call_activity_behaviour();
    case NodeKind::service_task: return service_task_behaviour();
    default: return unsupported;
  }
}

std::optional<std::string> check_node_supported(const FlowNode& node) { return behaviour_for(node).check(node); }

}  // namespace processhost::engine
