#pragma once
// An ElementContext that records what a behaviour asked for, so behaviours are tested
// without an executor, a store or a script engine. Conditions are "true" or "false" by
// their source text.

#include <string>
#include <vector>

#include "behaviours/element_context.hpp"

namespace processhost::engine::testing {

class RecordingContext final : public ElementContext {
 public:
  ProcessModel process;
  ProcessInstanceRecord record;
  std::vector<JoinState> join_states;
  bool more_may_arrive = false;  // what token_may_still_arrive answers

  std::vector<std::size_t> flows_taken;
  std::vector<std::string> left;       // ids of nodes left through leave / leave_with
  std::vector<JsonText> left_results;  // the history entry of each leave
  std::vector<std::string> suspended;  // ids of nodes a token waits at
  std::vector<std::string> completed;  // ids of nodes whose record was completed
  std::vector<Error> failures;
  std::vector<std::string> escalations;  // codes thrown
  std::vector<std::string> published;  // event names
  std::vector<std::string> compensated;  // ids of compensation throw / end events
  bool terminated = false;

  const ProcessModel& model() const override { return process; }
  const ProcessInstanceRecord& instance() const override { return record; }
  std::vector<JoinState>& joins() override { return join_states; }
  bool token_may_still_arrive(std::size_t, std::uint64_t) const override { return more_may_arrive; }
  std::shared_ptr<const ProcessModel> find_model(const std::string&) const override { return nullptr; }
  const ServiceMethodRegistry* service_methods() const override { return nullptr; }
  void leave(Token&& token, const FlowNode& node, JsonText result) override {
    leave_with(std::move(token), node, result, result);
  }
  void leave_with(Token&&, const FlowNode& node, JsonText history_entry, JsonText) override {
    left.push_back(node.id);
    left_results.push_back(std::move(history_entry));
  }
  void complete_record(const Token&, const FlowNode& node, const JsonText&) override { completed.push_back(node.id); }
  void take_flow(Token&&, std::size_t flow_index) override { flows_taken.push_back(flow_index); }
  void jump_to(Token&&, std::size_t) override {}
  void reach_end(Token&&, const FlowNode& node) override { left.push_back(node.id); }
  void enter_sub_process(Token&&, const FlowNode&) override {}
  void suspend(Token&&, const FlowNode& node, FlowNodeState = FlowNodeState::suspended) override {
    suspended.push_back(node.id);
  }
  void wait_for_first_event(Token&& token, const FlowNode& node) override { suspended.push_back(node.id); (void)token; }
  Status arm_timer(Token&, const FlowNode&) override { return Ok{}; }
  void call_service(Token&&, const FlowNode&, std::string, JsonText) override {}
  void create_external_task(Token&&, const FlowNode&, std::string, JsonText) override {}
  void call(Token&&, const FlowNode&, std::shared_ptr<const ProcessModel>, std::size_t, JsonText) override {}
  void publish(EventKind, const FlowNode& node, JsonText) override { published.push_back(node.event_name); }
  void request_send(SendRequest) override {}
  bool owner_may_access(const std::string& lane) const override { return lane.empty(); }
  void fail(const Token&, const FlowNode&, Error error) override { failures.push_back(std::move(error)); }
  bool throw_escalation(const Token&, const FlowNode& node) override {
    escalations.push_back(node.escalation ? node.escalation->code : "");
    return false;
  }
  void compensate(Token&&, const FlowNode& node) override { compensated.push_back(node.id); }
  void wait_for_condition(Token&&, const FlowNode& node) override { suspended.push_back(node.id); }
  void terminate(const Token&, const FlowNode&) override { terminated = true; }
  Result<JsonText> run_script(const Token&, const Script& script, std::string_view) override { return script.source; }
  Result<bool> run_condition(const Token&, const Script& script, std::string_view) override {
    return script.source == "true";
  }
  Result<JsonText> run_expression(const Token&, const Script& script, std::string_view) override {
    return script.source;
  }

  // Builders for small models.
  std::size_t add_node(std::string id, NodeKind kind) {
    FlowNode node;
    node.id = std::move(id);
    node.kind = kind;
    node.bpmn_type = "bpmn:Test";
    process.nodes.push_back(std::move(node));
    return process.nodes.size() - 1;
  }
  std::size_t add_flow(std::size_t source, std::size_t target, std::optional<std::string> condition = std::nullopt) {
    SequenceFlow flow;
    flow.id = "f" + std::to_string(process.flows.size());
    flow.source = source;
    flow.target = target;
    if (condition) flow.condition = Script{0, *condition, false, {}};
    process.flows.push_back(std::move(flow));
    const auto index = process.flows.size() - 1;
    process.nodes[source].outgoing.push_back(index);
    process.nodes[target].incoming.push_back(index);
    return index;
  }
};

}  // namespace processhost::engine::testing
