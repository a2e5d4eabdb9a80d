// White-box tests of the instance's serialized runtime state and of the ids the engine makes.
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "behaviours/behaviours.hpp"
#include "instance/instance_state.hpp"
#include "processhost/engine/bpmn_parser.hpp"
#include "runtime/uuid.hpp"
#include "scripting/script_runtime.hpp"

namespace processhost::engine {
namespace {

std::shared_ptr<const ProcessModel> sample_model() {
  std::ifstream in(PROCESSHOST_SAMPLE_BPMN);
  std::stringstream xml;
  xml << in.rdbuf();
  ParseOptions options;
  options.supports = check_node_supported;
  options.check_syntax = check_script_syntax;
  return parse_bpmn(xml.str(), options).model;
}

// A looping activity waits across commits: its loop, its runs' tokens and a run's sub-process
// scope come back with their ids and variables.
TEST(RuntimeState, RoundTripsLoopsAndTheirRuns) {
  InstanceState state;
  state.model = sample_model();
  ASSERT_TRUE(state.model);
  const auto user_task = state.model->index_of("UserTask_1");
  LoopState loop;
  loop.id = 5;
  loop.node = user_task;
  loop.scope = 0;
  loop.flow_node_instance_id = "body";
  loop.previous_flow_node_instance_id = "before";
  loop.entered_at_ms = 42;
  loop.payload = R"({"p":1})";
  loop.history = {{"StartEvent_1", "{}"}};
  loop.items = {R"({"id":"a"})", "2"};
  loop.total = 2;
  loop.started = 2;
  loop.completed = 1;
  loop.results = {R"("done")", "null"};
  state.loops.push_back(loop);
  Token run;
  run.node = user_task;
  run.flow_node_instance_id = "run-1";
  run.loop = 5;
  run.loop_variables = R"({"loopCounter":1,"nrOfInstances":2,"item":2})";
  state.waiting.push_back(run);
  ScopeState scope;
  scope.id = 6;
  scope.node = user_task;
  scope.loop = 5;
  scope.loop_variables = R"({"loopCounter":0})";
  state.scopes.push_back(scope);

  InstanceState restored;
  restored.model = state.model;
  restored.record.runtime_state = serialize_runtime_state(state);
  ASSERT_TRUE(restore_runtime_state(restored)) << restored.record.runtime_state;
  ASSERT_EQ(restored.loops.size(), 1u);
  const LoopState& back = restored.loops.front();
  EXPECT_EQ(back.id, 5u);
  EXPECT_EQ(back.node, user_task);
  EXPECT_EQ(back.flow_node_instance_id, "body");
  EXPECT_EQ(back.previous_flow_node_instance_id, "before");
  EXPECT_EQ(back.entered_at_ms, 42);
  EXPECT_EQ(back.payload, loop.payload);
  EXPECT_EQ(back.history, loop.history);
  EXPECT_EQ(back.items, loop.items);
  EXPECT_EQ(back.total, 2u);
  EXPECT_EQ(back.started, 2u);
  EXPECT_EQ(back.completed, 1u);
  EXPECT_EQ(back.results, loop.results);
  ASSERT_EQ(restored.waiting.size(), 1u);
  EXPECT_EQ(restored.waiting.front().loop, 5u);
  EXPECT_EQ(restored.waiting.front().loop_variables, run.loop_variables);
  ASSERT_EQ(restored.scopes.size(), 1u);
  EXPECT_EQ(restored.scopes.front().loop, 5u);
  EXPECT_EQ(restored.scopes.front().loop_variables, scope.loop_variables);
}

TEST(RuntimeState, RoundTripsTokensWithTextThatNeedsEscaping) {
  InstanceState state;
  state.model = sample_model();
  ASSERT_TRUE(state.model);
  state.next_scope_id = 7;
  Token token;
  token.node = state.model->index_of("UserTask_1");
  token.flow_node_instance_id = make_uuid();
  token.previous_flow_node_instance_id = "prev \"quoted\" \\ back\nline";
  token.entered_at_ms = 1234567890123;
  token.scope = 3;
  token.payload = R"({"a":[1,"x\"y"]})";
  token.history = {{"StartEvent_1", "{}"}, {"scriptTask_CreateSampleResult", R"({"r":"tab\there"})"}};
  token.timer_id = "timer-1";
  state.waiting.push_back(token);

  InstanceState restored;
  restored.model = state.model;
  restored.record.runtime_state = serialize_runtime_state(state);
  ASSERT_TRUE(restore_runtime_state(restored)) << restored.record.runtime_state;
  EXPECT_EQ(restored.next_scope_id, 7u);
  ASSERT_EQ(restored.waiting.size(), 1u);
  const Token& back = restored.waiting.front();
  EXPECT_EQ(back.node, token.node);
  EXPECT_EQ(back.flow_node_instance_id, token.flow_node_instance_id);
  EXPECT_EQ(back.previous_flow_node_instance_id, token.previous_flow_node_instance_id);
  EXPECT_EQ(back.entered_at_ms, token.entered_at_ms);
  EXPECT_EQ(back.scope, 3u);
  EXPECT_EQ(back.payload, token.payload);
  EXPECT_EQ(back.history, token.history);
  EXPECT_EQ(back.timer_id, "timer-1");
  EXPECT_TRUE(back.attached_to.empty());
}

TEST(RuntimeState, UuidsAreVersionFourInCanonicalForm) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string id = make_uuid();
    ASSERT_EQ(id.size(), 36u);
    for (std::size_t position : {8u, 13u, 18u, 23u}) EXPECT_EQ(id[position], '-') << id;
    for (std::size_t position = 0; position < id.size(); ++position) {
      if (id[position] == '-') continue;
      EXPECT_TRUE((id[position] >= '0' && id[position] <= '9') || (id[position] >= 'a' && id[position] <= 'f')) << id;
    }
    EXPECT_EQ(id[14], '4') << id;
    EXPECT_NE(std::string("89ab").find(id[19]), std::string::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

// Compensation and conditional events wait across commits: the activities still to be
// compensated, a compensation at work with its handler's token, and the instance's data.
TEST(RuntimeState, RoundTripsCompensationAndTheInstanceData) {
  InstanceState state;
  state.model = sample_model();
  ASSERT_TRUE(state.model);
  const auto user_task = state.model->index_of("UserTask_1");
  CompensableActivity done;
  done.node = user_task;
  done.scope = 3;
  done.flow_node_instance_id = "task-1";
  done.payload = R"({"booked":true})";
  done.history = {{"StartEvent_1", "{}"}, {"UserTask_1", R"({"booked":true})"}};
  state.compensable.push_back(done);
  CompensationRun run;
  run.id = 9;
  run.thrower_flow_node_instance_id = "thrower";
  run.pending.push_back(done);
  state.compensations.push_back(run);
  Token handler;
  handler.node = user_task;
  handler.flow_node_instance_id = "handler-1";
  handler.compensation = 9;
  state.waiting.push_back(handler);
  state.data = {{"StartEvent_1", R"({"x":1})"}, {"UserTask_1", R"({"form_fields":{"x":2}})"}};

  InstanceState restored;
  restored.model = state.model;
  restored.record.runtime_state = serialize_runtime_state(state);
  ASSERT_TRUE(restore_runtime_state(restored)) << restored.record.runtime_state;
  ASSERT_EQ(restored.compensable.size(), 1u);
  EXPECT_EQ(restored.compensable[0].node, user_task);
  EXPECT_EQ(restored.compensable[0].scope, 3u);
  EXPECT_EQ(restored.compensable[0].flow_node_instance_id, "task-1");
  EXPECT_EQ(restored.compensable[0].payload, done.payload);
  EXPECT_EQ(restored.compensable[0].history, done.history);
  ASSERT_EQ(restored.compensations.size(), 1u);
  EXPECT_EQ(restored.compensations[0].id, 9u);
  EXPECT_EQ(restored.compensations[0].thrower_flow_node_instance_id, "thrower");
  ASSERT_EQ(restored.compensations[0].pending.size(), 1u);
  EXPECT_EQ(restored.compensations[0].pending[0].payload, done.payload);
  ASSERT_EQ(restored.waiting.size(), 1u);
  EXPECT_EQ(restored.waiting[0].compensation, 9u);
  EXPECT_EQ(restored.data, state.data);
}

}  // namespace
}  // namespace processhost::engine
