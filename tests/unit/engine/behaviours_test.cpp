// Element behaviours against a recording context: what each asks the executor to do.
#include "behaviours/behaviours.hpp"

#include <gtest/gtest.h>

#include "recording_context.hpp"

namespace processhost::engine::testing {
namespace {

Token token_at(std::size_t node) {
  Token token;
  token.node = node;
  token.payload = R"({"a":1})";
  return token;
}

TEST(Behaviours, ExclusiveSplitTakesTheOneTruthyFlow) {
  RecordingContext context;
  const auto start = context.add_node("s", NodeKind::start_event);
  const auto gateway = context.add_node("g", NodeKind::exclusive_gateway);
  const auto a = context.add_node("a", NodeKind::end_event);
  const auto b = context.add_node("b", NodeKind::end_event);
  context.add_flow(start, gateway);
  context.add_flow(gateway, a, "false");
  const auto to_b = context.add_flow(gateway, b, "true");
  const auto& node = context.process.nodes[gateway];
  behaviour_for(node).activate(context, token_at(gateway), node, 0);
  EXPECT_TRUE(context.failures.empty());
  EXPECT_EQ(context.flows_taken, std::vector<std::size_t>{to_b});
  EXPECT_EQ(context.completed, std::vector<std::string>{"g"});
}

TEST(Behaviours, ExclusiveSplitWithoutTruthyFlowOrDefaultFails) {
  RecordingContext context;
  const auto start = context.add_node("s", NodeKind::start_event);
  const auto gateway = context.add_node("g", NodeKind::exclusive_gateway);
  context.add_flow(start, gateway);
  context.add_flow(gateway, context.add_node("a", NodeKind::end_event), "false");
  context.add_flow(gateway, context.add_node("b", NodeKind::end_event), "false");
  const auto& node = context.process.nodes[gateway];
  behaviour_for(node).activate(context, token_at(gateway), node, 0);
  ASSERT_EQ(context.failures.size(), 1u);
  EXPECT_EQ(context.failures.front().status, ErrorStatus::bad_request);
  EXPECT_TRUE(context.flows_taken.empty());
}

TEST(Behaviours, ParallelSplitTakesEveryFlowAndJoinWaitsForAll) {
  RecordingContext context;
  const auto start = context.add_node("s", NodeKind::start_event);
  const auto split = context.add_node("split", NodeKind::parallel_gateway);
  const auto a = context.add_node("a", NodeKind::script_task);
  const auto b = context.add_node("b", NodeKind::script_task);
  const auto join = context.add_node("join", NodeKind::parallel_gateway);
  const auto end = context.add_node("e", NodeKind::end_event);
  context.add_flow(start, split);
  const auto to_a = context.add_flow(split, a);
  const auto to_b = context.add_flow(split, b);
  const auto from_a = context.add_flow(a, join);
  const auto from_b = context.add_flow(b, join);
  context.add_flow(join, end);

  const auto& split_node = context.process.nodes[split];
  behaviour_for(split_node).activate(context, token_at(split), split_node, 0);
  EXPECT_EQ(context.flows_taken, (std::vector<std::size_t>{to_a, to_b}));

  const auto& join_node = context.process.nodes[join];
  behaviour_for(join_node).activate(context, token_at(join), join_node, from_a);
  EXPECT_TRUE(context.left.empty());  // one branch of two: the join waits
  EXPECT_EQ(context.join_states.size(), 1u);
  behaviour_for(join_node).activate(context, token_at(join), join_node, from_b);
  EXPECT_EQ(context.left, std::vector<std::string>{"join"});
  EXPECT_TRUE(context.join_states.empty());
  EXPECT_EQ(context.left_results.front(), R"({"a":{"a":1},"b":{"a":1}})");
}

TEST(Behaviours, InclusiveSplitTakesTrueAndUnconditionedFlowsNotTheDefault) {
  RecordingContext context;
  const auto start = context.add_node("s", NodeKind::start_event);
  const auto split = context.add_node("split", NodeKind::inclusive_gateway);
  context.add_flow(start, split);
  const auto to_true = context.add_flow(split, context.add_node("a", NodeKind::end_event), "true");
  context.add_flow(split, context.add_node("b", NodeKind::end_event), "false");
  const auto unconditioned = context.add_flow(split, context.add_node("c", NodeKind::end_event));
  context.process.nodes[split].default_flow = context.add_flow(split, context.add_node("d", NodeKind::end_event));
  const auto& node = context.process.nodes[split];
  behaviour_for(node).activate(context, token_at(split), node, 0);
  EXPECT_TRUE(context.failures.empty());
  EXPECT_EQ(context.flows_taken, (std::vector<std::size_t>{to_true, unconditioned}));
  EXPECT_EQ(context.completed, std::vector<std::string>{"split"});
}

TEST(Behaviours, InclusiveSplitTakesTheDefaultWhenNothingElseAndFailsWithoutOne) {
  RecordingContext context;
  const auto split = context.add_node("split", NodeKind::inclusive_gateway);
  context.add_flow(context.add_node("s", NodeKind::start_event), split);
  context.add_flow(split, context.add_node("a", NodeKind::end_event), "false");
  const auto fallback = context.add_flow(split, context.add_node("d", NodeKind::end_event));
  context.process.nodes[split].bpmn_type = "bpmn:InclusiveGateway";
  const auto& node = context.process.nodes[split];
  context.process.nodes[split].default_flow = fallback;
  behaviour_for(node).activate(context, token_at(split), node, 0);
  EXPECT_EQ(context.flows_taken, std::vector<std::size_t>{fallback});

  context.process.nodes[split].default_flow = kNoIndex;
  context.process.flows[fallback].condition = Script{0, "false", false, {}};
  context.flows_taken.clear();
  behaviour_for(node).activate(context, token_at(split), node, 0);
  EXPECT_TRUE(context.flows_taken.empty());
  ASSERT_EQ(context.failures.size(), 1u);
  EXPECT_EQ(context.failures.front().status, ErrorStatus::bad_request);
  EXPECT_EQ(context.failures.front().message, "No outgoing SequenceFlow for InclusiveGateway split had a truthy condition!");
}

TEST(Behaviours, InclusiveJoinWaitsWhileATokenMayStillArriveAndFiresWithWhatArrived) {
  RecordingContext context;
  const auto a = context.add_node("a", NodeKind::script_task);
  const auto b = context.add_node("b", NodeKind::script_task);
  const auto c = context.add_node("c", NodeKind::script_task);
  const auto join = context.add_node("join", NodeKind::inclusive_gateway);
  const auto from_a = context.add_flow(a, join);
  const auto from_b = context.add_flow(b, join);
  context.add_flow(c, join);
  context.add_flow(join, context.add_node("e", NodeKind::end_event));
  const auto& node = context.process.nodes[join];

  context.more_may_arrive = true;
  behaviour_for(node).activate(context, token_at(join), node, from_a);
  EXPECT_TRUE(context.left.empty());
  EXPECT_EQ(context.completed, std::vector<std::string>{"join"});  // the branch ends at the join
  ASSERT_EQ(context.join_states.size(), 1u);

  // Nothing else can come (c's branch went elsewhere): b's arrival fires it, with two of three.
  context.more_may_arrive = false;
  behaviour_for(node).activate(context, token_at(join), node, from_b);
  EXPECT_EQ(context.left, std::vector<std::string>{"join"});
  EXPECT_TRUE(context.join_states.empty());
  EXPECT_EQ(context.left_results.front(), R"({"a":{"a":1},"b":{"a":1}})");
}

TEST(Behaviours, InclusiveJoinReenteredWithoutAFlowFiresWhatItHolds) {
  RecordingContext context;
  const auto a = context.add_node("a", NodeKind::script_task);
  const auto b = context.add_node("b", NodeKind::script_task);
  const auto join = context.add_node("join", NodeKind::inclusive_gateway);
  const auto from_a = context.add_flow(a, join);
  context.add_flow(b, join);
  context.add_flow(join, context.add_node("e", NodeKind::end_event));
  const auto& node = context.process.nodes[join];
  context.more_may_arrive = true;
  behaviour_for(node).activate(context, token_at(join), node, from_a);
  context.more_may_arrive = false;
  behaviour_for(node).activate(context, token_at(join), node, kNoIndex);
  EXPECT_EQ(context.left, std::vector<std::string>{"join"});
  EXPECT_EQ(context.left_results.front(), R"({"a":{"a":1}})");
}

TEST(Behaviours, MixedGatewayFailsWhenReached) {
  RecordingContext context;
  const auto gateway = context.add_node("g", NodeKind::parallel_gateway);
  context.add_flow(context.add_node("s1", NodeKind::start_event), gateway);
  context.add_flow(context.add_node("s2", NodeKind::start_event), gateway);
  context.add_flow(gateway, context.add_node("e1", NodeKind::end_event));
  context.add_flow(gateway, context.add_node("e2", NodeKind::end_event));
  const auto& node = context.process.nodes[gateway];
  behaviour_for(node).activate(context, token_at(gateway), node, 0);
  ASSERT_EQ(context.failures.size(), 1u);
  EXPECT_EQ(context.failures.front().status, ErrorStatus::unprocessable);
}

TEST(Behaviours, UserTaskWaitsAndItsResultIsTheFormFields) {
  RecordingContext context;
  const auto task = context.add_node("t", NodeKind::user_task);
  const auto& node = context.process.nodes[task];
  behaviour_for(node).activate(context, token_at(task), node, kNoIndex);
  EXPECT_EQ(context.suspended, std::vector<std::string>{"t"});
  behaviour_for(node).resume(context, token_at(task), node, R"({"x":2})");
  EXPECT_EQ(context.left_results, std::vector<JsonText>{R"({"form_fields":{"x":2}})"});
}

TEST(Behaviours, ScriptTaskResultIsItsValue) {
  RecordingContext context;
  const auto task = context.add_node("t", NodeKind::script_task);
  context.process.nodes[task].script = Script{0, "42", false, {}};
  const auto& node = context.process.nodes[task];
  behaviour_for(node).activate(context, token_at(task), node, kNoIndex);
  EXPECT_EQ(context.left_results, std::vector<JsonText>{"42"});
}

TEST(Behaviours, TerminateEndEventTerminatesAndMessageEndEventPublishes) {
  RecordingContext context;
  const auto terminate = context.add_node("t", NodeKind::end_event);
  context.process.nodes[terminate].event = EventDefinition::terminate;
  const auto message = context.add_node("m", NodeKind::end_event);
  context.process.nodes[message].event = EventDefinition::message;
  context.process.nodes[message].event_name = "done";
  behaviour_for(context.process.nodes[terminate])
      .activate(context, token_at(terminate), context.process.nodes[terminate], kNoIndex);
  behaviour_for(context.process.nodes[message])
      .activate(context, token_at(message), context.process.nodes[message], kNoIndex);
  EXPECT_TRUE(context.terminated);
  EXPECT_EQ(context.published, std::vector<std::string>{"done"});
  EXPECT_EQ(context.left, std::vector<std::string>{"m"});
}

TEST(Behaviours, ServiceTaskWithoutRegisteredMethodFailsNotFound) {
  RecordingContext context;
  const auto task = context.add_node("t", NodeKind::service_task);
  context.process.nodes[task].properties = {{"module", "m"}, {"method", "f"}};
  const auto& node = context.process.nodes[task];
  behaviour_for(node).activate(context, token_at(task), node, kNoIndex);
  ASSERT_EQ(context.failures.size(), 1u);
  EXPECT_EQ(context.failures.front().status, ErrorStatus::not_found);
}

TEST(Behaviours, ResumingANodeThatDoesNotWaitFails) {
  RecordingContext context;
  const auto task = context.add_node("t", NodeKind::script_task);
  const auto& node = context.process.nodes[task];
  behaviour_for(node).resume(context, token_at(task), node, "{}");
  ASSERT_EQ(context.failures.size(), 1u);
  EXPECT_EQ(context.failures.front().status, ErrorStatus::internal);
}

TEST(Behaviours, DeployCheckRefusesUnsupportedEvents) {
  FlowNode boundary;
  boundary.id = "b";
  boundary.kind = NodeKind::boundary_event;
  boundary.event = EventDefinition::timer;
  boundary.timer = TimerKind::cycle;
  EXPECT_TRUE(check_node_supported(boundary).has_value());
  boundary.timer = TimerKind::duration;
  EXPECT_FALSE(check_node_supported(boundary).has_value());
}

}  // namespace
}  // namespace processhost::engine::testing
