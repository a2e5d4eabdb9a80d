#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::process_xml;
using testing::test_identity;

std::string sample_xml() {
  std::ifstream in(PROCESSHOST_SAMPLE_BPMN);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

StartRequest start_request(const std::string& model, std::optional<std::string> input = std::nullopt) {
  StartRequest request;
  request.process_model_id = model;
  request.input_values = std::move(input);
  return request;
}

class EngineTest : public EngineFixture {};

TEST_F(EngineTest, RunsTheSampleProcessToItsResult) {
  ASSERT_TRUE(deploy(sample_xml()));
  auto started = start(start_request("sample_process"));
  ASSERT_TRUE(started) << started.error().message;

  TaskQuery query;
  query.correlation_id = started->correlation_id;
  auto waiting = tasks(query);
  ASSERT_TRUE(waiting);
  ASSERT_EQ(waiting->items.size(), 1u);
  const auto& task = waiting->items[0];
  EXPECT_EQ(task.flow_node_id, "UserTask_1");
  EXPECT_EQ(task.kind, TaskKind::user_task);
  EXPECT_EQ(task.lane, "sample_lane");
  EXPECT_EQ(task.process_instance_id, started->process_instance_id);
  EXPECT_EQ(task.token_payload, "{}");  // the script returned nothing
  ASSERT_EQ(task.user_task.form_fields.size(), 1u);
  EXPECT_EQ(task.user_task.form_fields[0].id, "TaskWasSuccessful");
  EXPECT_EQ(task.user_task.form_fields[0].type, "boolean");

  FinishTaskRequest finish_request{TaskKind::user_task, task.process_instance_id, task.correlation_id,
                                   task.flow_node_instance_id, R"({"TaskWasSuccessful":true})"};
  ASSERT_TRUE(finish(finish_request));
  auto result = results(started->correlation_id, "sample_process");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->size(), 1u);
  EXPECT_EQ(result->at(0).end_event_id, "EndEvent_Success");
  EXPECT_EQ(result->at(0).token_payload, R"({"form_fields":{"TaskWasSuccessful":true}})");
  EXPECT_EQ(instance(started->process_instance_id)->state, ProcessInstanceState::finished);

  auto again = finish(finish_request);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, ErrorStatus::not_found);
  EXPECT_NE(again.error().message.find("does not have a UserTask"), std::string::npos);
  bool said_hello = false;
  for (const auto& line : logger_.lines()) said_hello = said_hello || line.find("Hello World!") != std::string::npos;
  EXPECT_TRUE(said_hello);
}

// Short results take a quicker check than long ones; both refuse the same texts, and a refused
// finish leaves the task waiting.
TEST_F(EngineTest, FinishResultsAndInputValuesMustBeValidJsonWithoutNul) {
  ASSERT_TRUE(deploy(sample_xml()));
  const std::string padding(300, 'x');
  const std::vector<std::string> refused = {
      R"({"TaskWasSuccessful":tru})",
      R"({"TaskWasSuccessful":true} {})",
      R"({"a\u0000":1})",
      R"({"a":"b\u0000c"})",
      std::string("{\"a\":\"\xC3\x28\"}"),  // not UTF-8
      std::string("{\"a\":\"\0\"}", 9),     // a raw NUL byte is no JSON either
      R"({"long":")" + padding + R"(","bad":})",
      R"({"long":")" + padding + R"(\u0000"})",
      // Last: 200 levels of arrays, valid JSON under the stored data's depth limit, longer than
      // the quick check takes; it finishes the task.
      std::string(200, '[') + std::string(200, ']')};
  auto started = start(start_request("sample_process"));
  ASSERT_TRUE(started) << started.error().message;
  TaskQuery query;
  query.correlation_id = started->correlation_id;
  auto waiting = tasks(query);
  ASSERT_TRUE(waiting);
  ASSERT_EQ(waiting->items.size(), 1u);
  const auto& task = waiting->items[0];
  for (const auto& result : refused) {
    FinishTaskRequest request{TaskKind::user_task, task.process_instance_id, task.correlation_id,
                              task.flow_node_instance_id, result};
    auto finished = finish(request);
    if (result.front() == '[') {
      EXPECT_TRUE(finished) << "refused nested arrays";
      break;
    }
    ASSERT_FALSE(finished) << result;
    EXPECT_EQ(finished.error().status, ErrorStatus::bad_request) << result;
    EXPECT_NE(finished.error().message.find("result is not valid JSON"), std::string::npos) << finished.error().message;
    EXPECT_EQ(instance(started->process_instance_id)->state, ProcessInstanceState::running);
  }
  EXPECT_EQ(instance(started->process_instance_id)->state, ProcessInstanceState::finished);
  auto result = results(started->correlation_id, "sample_process");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->size(), 1u);
  EXPECT_EQ(result->at(0).token_payload, R"({"form_fields":)" + std::string(200, '[') + std::string(200, ']') + "}");

  // A long valid result and a start's input values, short and long.
  auto second = start(start_request("sample_process", R"({"long":")" + padding + R"("})"));
  ASSERT_TRUE(second) << second.error().message;
  for (const std::string& input : {std::string(R"({"a":"\u0000"})"), R"({"long":")" + padding + "\"",
                                   std::string("{\"a\":1,}")}) {
    auto refused_start = start(start_request("sample_process", input));
    ASSERT_FALSE(refused_start) << input;
    EXPECT_EQ(refused_start.error().status, ErrorStatus::bad_request);
    EXPECT_NE(refused_start.error().message.find("inputValues is not valid JSON"), std::string::npos);
  }
  query.correlation_id = second->correlation_id;
  waiting = tasks(query);
  ASSERT_TRUE(waiting);
  ASSERT_EQ(waiting->items.size(), 1u);
  FinishTaskRequest long_finish{TaskKind::user_task, second->process_instance_id, second->correlation_id,
                                waiting->items[0].flow_node_instance_id, R"({"long":")" + padding + R"("})"};
  ASSERT_TRUE(finish(long_finish));
  EXPECT_EQ(instance(second->process_instance_id)->state, ProcessInstanceState::finished);
}

TEST_F(EngineTest, LanesDecideWhoSeesAndFinishesTasks) {
  ASSERT_TRUE(deploy(sample_xml()));
  auto started = start(start_request("sample_process"));
  ASSERT_TRUE(started);
  const Identity outsider = test_identity({"other_lane"});
  TaskQuery query;
  auto hidden = tasks(query, outsider);
  ASSERT_TRUE(hidden);
  EXPECT_TRUE(hidden->items.empty());
  auto visible = tasks(query);
  ASSERT_EQ(visible->items.size(), 1u);
  const auto& task = visible->items[0];
  FinishTaskRequest request{TaskKind::user_task, task.process_instance_id, task.correlation_id,
                            task.flow_node_instance_id, "{}"};
  auto refused = finish(request, outsider);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, ErrorStatus::forbidden);
  Identity manager = test_identity({std::string(claims::kManageProcessInstances)});
  EXPECT_TRUE(finish(request, manager));
  auto denied_start = start(start_request("sample_process"), outsider);
  ASSERT_FALSE(denied_start);
  EXPECT_EQ(denied_start.error().status, ErrorStatus::forbidden);
}

// Two start events, one in lane 'a' and one in lane 'b'; one end event in lane 'b'.
std::string two_lane_xml() {
  return process_xml("lanes",
                     "<bpmn:laneSet><bpmn:lane id='La' name='a'><bpmn:flowNodeRef>sa</bpmn:flowNodeRef></bpmn:lane>"
                     "<bpmn:lane id='Lb' name='b'><bpmn:flowNodeRef>sb</bpmn:flowNodeRef>"
                     "<bpmn:flowNodeRef>e</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
                     "<bpmn:startEvent id='sa'/><bpmn:startEvent id='sb'/><bpmn:endEvent id='e'/>"
                     "<bpmn:sequenceFlow id='f1' sourceRef='sa' targetRef='e'/>"
                     "<bpmn:sequenceFlow id='f2' sourceRef='sb' targetRef='e'/>");
}

// As the original: a model none of whose start events the identity may use is one it may see
// no part of; lists leave it out, and getting it or its results is refused.
TEST_F(EngineTest, AModelTheIdentityMaySeeNoPartOfIsHidden) {
  ASSERT_TRUE(deploy(two_lane_xml()));
  auto list_for = [&](const Identity& identity) {
    auto listed = testing::call_sync<PagedList<ProcessModelInfo>>(
        [&](auto done) { engine_->list_process_models(identity, PageRequest{}, done); });
    std::vector<std::string> ids;
    for (const auto& model : listed->items) ids.push_back(model.id);
    return ids;
  };
  auto get_for = [&](const Identity& identity) {
    return testing::call_sync<ProcessModelInfo>(
        [&](auto done) { engine_->get_process_model(identity, "lanes", done); });
  };
  auto results_for = [&](const Identity& identity) {
    return testing::call_sync<std::vector<CorrelationResult>>(
        [&](auto done) { engine_->correlation_results(identity, "c", "lanes", done); });
  };
  EXPECT_EQ(list_for(test_identity({"c"})), std::vector<std::string>{});
  EXPECT_EQ(list_for(test_identity({"b"})), std::vector<std::string>{"lanes"});
  auto hidden = get_for(test_identity({"c"}));
  ASSERT_FALSE(hidden);
  EXPECT_EQ(hidden.error().kind, ErrorKind::process_model_not_accessible);
  EXPECT_EQ(hidden.error().status, ErrorStatus::forbidden);
  EXPECT_EQ(hidden.error().subject().id, "lanes");
  auto seen = get_for(test_identity({"a"}));
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->start_events.size(), 1u);
  EXPECT_EQ(results_for(test_identity({"c"})).error().kind, ErrorKind::process_model_not_accessible);
  EXPECT_TRUE(results_for(test_identity({"a"})));
}

TEST_F(EngineTest, StartRefusalsNameTheirKindAndIds) {
  ASSERT_TRUE(deploy(two_lane_xml()));
  auto unknown_model = start(start_request("nope"));
  ASSERT_FALSE(unknown_model);
  EXPECT_EQ(unknown_model.error().kind, ErrorKind::process_model_not_found);
  EXPECT_EQ(unknown_model.error().subject().id, "nope");

  auto several = start(start_request("lanes"), test_identity({"a", "b"}));
  ASSERT_FALSE(several);
  EXPECT_EQ(several.error().kind, ErrorKind::several_start_events);
  EXPECT_EQ(several.error().subject().candidates, (std::vector<std::string>{"sa", "sb"}));

  // The only start event the identity may use is the one it starts at.
  EXPECT_TRUE(start(start_request("lanes"), test_identity({"a"})));

  auto none = start(start_request("lanes"), test_identity({"c"}));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::no_accessible_start_event);
  EXPECT_EQ(none.error().status, ErrorStatus::forbidden);

  auto named = start_request("lanes");
  named.start_event_id = "sb";
  auto foreign = start(named, test_identity({"a"}));
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().kind, ErrorKind::start_event_not_accessible);
  named.start_event_id = "x";
  EXPECT_EQ(start(named, test_identity({"a"})).error().kind, ErrorKind::start_event_not_found);
  // A model the identity may see no part of is refused whole, whichever start event is named.
  named.start_event_id = "sb";
  EXPECT_EQ(start(named, test_identity({"c"})).error().kind, ErrorKind::no_accessible_start_event);
  named.start_event_id = "x";
  EXPECT_EQ(start(named, test_identity({"c"})).error().kind, ErrorKind::no_accessible_start_event);

  auto to_end = start_request("lanes");
  to_end.start_event_id = "sa";
  to_end.callback_type = StartCallbackType::on_end_event_reached;
  to_end.end_event_id = "e";
  auto hidden_end = start(to_end, test_identity({"a"}));
  ASSERT_FALSE(hidden_end);
  EXPECT_EQ(hidden_end.error().kind, ErrorKind::end_event_not_found);
  EXPECT_EQ(hidden_end.error().subject().id, "e");
}

TEST_F(EngineTest, FinishingInAnUnknownInstanceIsATaskNotWaiting) {
  FinishTaskRequest request{TaskKind::manual_task, "no-such-instance", "c", "f", "{}"};
  auto refused = finish(request);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::task_not_waiting);
  EXPECT_EQ(refused.error().status, ErrorStatus::not_found);
  EXPECT_EQ(refused.error().subject().id, "f");
  EXPECT_EQ(refused.error().subject().element_type, "ManualTask");
  EXPECT_EQ(refused.error().subject().process_instance_id, "no-such-instance");
  EXPECT_EQ(refused.error().subject().correlation_id, "c");
}

TEST_F(EngineTest, StartWaitsForTheEndWithCallbackType2And3) {
  ASSERT_TRUE(deploy(process_xml("scripted",
      "<bpmn:startEvent id='s'/><bpmn:scriptTask id='st'><bpmn:script>return {sum: token.current.a + 1, "
      "seen: token.history.s.a, self: this.current.a};</bpmn:script></bpmn:scriptTask><bpmn:endEvent id='e'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='st'/><bpmn:sequenceFlow id='f2' sourceRef='st' targetRef='e'/>")));
  auto request = start_request("scripted", R"({"a":41})");
  request.callback_type = StartCallbackType::on_process_finished;
  auto finished = start(request);
  ASSERT_TRUE(finished) << finished.error().message;
  EXPECT_EQ(finished->end_event_id, "e");
  EXPECT_EQ(finished->token_payload, R"({"sum":42,"seen":41,"self":41})");

  request.callback_type = StartCallbackType::on_end_event_reached;
  request.end_event_id = "e";
  request.correlation_id = "fixed";
  auto reached = start(request);
  ASSERT_TRUE(reached);
  EXPECT_EQ(reached->correlation_id, "fixed");
  EXPECT_EQ(reached->end_event_id, "e");

  request.end_event_id = "unknown";
  auto unknown = start(request);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, ErrorStatus::not_found);
}

TEST_F(EngineTest, ScriptUndefinedBecomesEmptyObjectAndErrorsFailTheInstance) {
  ASSERT_TRUE(deploy(process_xml("faulty",
      "<bpmn:startEvent id='s'/><bpmn:scriptTask id='quiet'><bpmn:script>var x = 1;</bpmn:script></bpmn:scriptTask>"
      "<bpmn:scriptTask id='bad'><bpmn:script>if (token.history.s.fail) { return a; } return token.history.quiet;"
      "</bpmn:script></bpmn:scriptTask><bpmn:endEvent id='e'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='quiet'/><bpmn:sequenceFlow id='f2' sourceRef='quiet' targetRef='bad'/>"
      "<bpmn:sequenceFlow id='f3' sourceRef='bad' targetRef='e'/>")));
  auto request = start_request("faulty", R"({"fail":false})");
  request.callback_type = StartCallbackType::on_process_finished;
  auto ok = start(request);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->token_payload, "{}");
  request.input_values = R"({"fail":true})";
  auto failed = start(request);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().status, ErrorStatus::internal);
  EXPECT_NE(failed.error().message.find("a is not defined"), std::string::npos) << failed.error().message;
}

TEST_F(EngineTest, RefusesInvalidModelsWithElementLevelProblems) {
  // A dangling flow, an unsupported event definition and a process without anything to start
  // (every node has an incoming flow): each is listed.
  auto refused = deploy(process_xml("broken", "<bpmn:task id='t'/><bpmn:sequenceFlow id='f' sourceRef='t' targetRef='x'/>"
                                              "<bpmn:endEvent id='e'><bpmn:cancelEventDefinition/></bpmn:endEvent>"
                                              "<bpmn:sequenceFlow id='g' sourceRef='t' targetRef='t'/>"
                                              "<bpmn:sequenceFlow id='h' sourceRef='t' targetRef='e'/>"),
                        "broken.bpmn");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().status, ErrorStatus::unprocessable);
  EXPECT_NE(refused.error().message.find("broken.bpmn"), std::string::npos);
  EXPECT_NE(refused.error().additional_information.find(R"("elementId":"f")"), std::string::npos);
  EXPECT_NE(refused.error().additional_information.find(R"("elementId":"e")"), std::string::npos);
  EXPECT_NE(refused.error().additional_information.find(R"("elementId":"broken")"), std::string::npos);
}

TEST_F(EngineTest, DeployingTheSameContentTwiceKeepsOneVersion) {
  auto first = deploy(sample_xml());
  auto second = deploy(sample_xml());
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->hash, second->hash);
  auto stored = testing::call_sync<std::vector<ProcessDefinitionRecord>>([&](auto done) { store_.load_definitions(done); });
  EXPECT_EQ(stored->size(), 1u);
}

// Versions are numbered from the stored deployment times (camunda_rest), so those times
// must follow the deployment order even for deployments within one millisecond, and after a
// restart too.
TEST_F(EngineTest, DeploymentTimesStrictlyIncrease) {
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(deploy(process_xml("versions", "<bpmn:startEvent id='s" + std::to_string(i) +
                                                   "'/><bpmn:sequenceFlow id='f' sourceRef='s" + std::to_string(i) +
                                                   "' targetRef='e'/><bpmn:endEvent id='e'/>")));
  }
  start_engine(EngineOptions{});  // a restart on the same store carries on from the latest time
  ASSERT_TRUE(deploy(process_xml("versions", "<bpmn:startEvent id='last'/><bpmn:sequenceFlow id='f' "
                                             "sourceRef='last' targetRef='e'/><bpmn:endEvent id='e'/>")));
  auto stored = testing::call_sync<std::vector<ProcessDefinitionRecord>>([&](auto done) { store_.load_definitions(done); });
  ASSERT_EQ(stored->size(), 21u);
  std::vector<std::int64_t> times;
  for (const auto& record : *stored) times.push_back(record.deployed_at_ms);
  std::sort(times.begin(), times.end());
  EXPECT_EQ(std::adjacent_find(times.begin(), times.end()), times.end()) << "two deployments share a time";
  std::int64_t last_start_time = 0;
  for (const auto& record : *stored) {
    if (record.xml.find("id='last'") != std::string::npos) last_start_time = record.deployed_at_ms;
  }
  EXPECT_EQ(last_start_time, times.back()) << "the deployment after the restart is the latest";
}

TEST_F(EngineTest, ResumesAWaitingInstanceInANewEngineFromTheStore) {
  ASSERT_TRUE(deploy(sample_xml()));
  auto started = start(start_request("sample_process", R"({"n":1})"));
  ASSERT_TRUE(started);
  start_engine(EngineOptions{});  // fresh engine, same store: definitions and state come from the store
  auto waiting = tasks(TaskQuery{});
  ASSERT_EQ(waiting->items.size(), 1u);
  const auto& task = waiting->items[0];
  ASSERT_TRUE(finish({TaskKind::user_task, task.process_instance_id, task.correlation_id, task.flow_node_instance_id,
                      R"({"TaskWasSuccessful":false})"}));
  auto result = results(started->correlation_id, "sample_process");
  ASSERT_EQ(result->size(), 1u);
  EXPECT_EQ(result->at(0).token_payload, R"({"form_fields":{"TaskWasSuccessful":false}})");
}

// The quick instance starts only once the runaway script is running (it logs before it
// loops), so the ordering check can fail: were the runaway to hold the only free worker,
// the quick instance would finish after the budget ended the runaway, not before.
TEST_F(EngineTest, RunawayScriptFailsItsInstanceWhileOthersComplete) {
  EngineOptions options;
  options.worker_threads = 2;
  options.script_budget = std::chrono::milliseconds(1000);
  start_engine(options);
  ASSERT_TRUE(deploy(
      process_xml("runaway",
                  "<bpmn:startEvent id='s'/><bpmn:scriptTask id='loop'><bpmn:script>console.log('runaway is looping');"
                  "while (true) {}</bpmn:script></bpmn:scriptTask>"
                  "<bpmn:endEvent id='e'/><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='loop'/>"
                  "<bpmn:sequenceFlow id='f2' sourceRef='loop' targetRef='e'/>")));
  ASSERT_TRUE(deploy(process_xml("quick",
      "<bpmn:startEvent id='s'/><bpmn:scriptTask id='q'><bpmn:script>return 7;</bpmn:script></bpmn:scriptTask>"
      "<bpmn:endEvent id='e'/><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='q'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='q' targetRef='e'/>")));
  auto runaway_request = start_request("runaway");
  runaway_request.callback_type = StartCallbackType::on_process_finished;
  auto promise = std::make_shared<std::promise<Result<StartResult>>>();
  auto future = promise->get_future();
  const auto began = std::chrono::steady_clock::now();
  engine_->start(test_identity(), runaway_request, [promise](Result<StartResult> r) { promise->set_value(std::move(r)); });
  ASSERT_TRUE(testing::eventually([&] {
    const auto lines = logger_.lines();
    return std::any_of(lines.begin(), lines.end(),
                       [](const std::string& line) { return line.find("runaway is looping") != std::string::npos; });
  }));
  ASSERT_NE(future.wait_for(std::chrono::seconds(0)), std::future_status::ready) << "the runaway ended too early";
  auto quick_request = start_request("quick");
  quick_request.callback_type = StartCallbackType::on_process_finished;
  auto quick = start(quick_request);
  const bool quick_done_before_runaway = future.wait_for(std::chrono::seconds(0)) != std::future_status::ready;
  ASSERT_TRUE(quick);
  EXPECT_EQ(quick->token_payload, "7");
  EXPECT_TRUE(quick_done_before_runaway);
  auto runaway = testing::wait_for(future);
  ASSERT_FALSE(runaway);
  EXPECT_GE(std::chrono::steady_clock::now() - began, std::chrono::milliseconds(1000));
  EXPECT_NE(runaway.error().message.find("exceeded its time budget of 1000 ms"), std::string::npos)
      << runaway.error().message;
  InstanceQuery query;
  query.process_model_id = "runaway";
  auto stored = testing::call_sync<PagedList<ProcessInstanceRecord>>([&](auto done) { store_.query_instances(query, done); });
  ASSERT_EQ(stored->items.size(), 1u);
  EXPECT_EQ(stored->items[0].state, ProcessInstanceState::error);
  EXPECT_NE(stored->items[0].error.find("exceeded its time budget"), std::string::npos);
}

}  // namespace
}  // namespace processhost::engine
