// Forms the standard allows without gateways or events, on a real engine and the memory store.
#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;
using testing::process_xml;

class ImplicitFormsTest : public EngineFixture {};

// No end event: the instance finishes when its last token ends at a node without outgoing
// flow; there is no end event result.
TEST_F(ImplicitFormsTest, AProcessWithoutEndEventFinishesWhenItsTokensEnd) {
  ASSERT_TRUE(deploy(process_xml("p", "<bpmn:startEvent id='s'/><bpmn:scriptTask id='t'><bpmn:script>return 1;"
                                      "</bpmn:script></bpmn:scriptTask>"
                                      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='t'/>")));
  StartRequest request;
  request.process_model_id = "p";
  auto started = start(request);
  ASSERT_TRUE(started) << started.error().message;
  ASSERT_TRUE(eventually([&] {
    auto record = instance(started->process_instance_id);
    return record && record->state == ProcessInstanceState::finished;
  }));
  EXPECT_TRUE(results(started->correlation_id, "p").value().empty());
}

// Several incoming flows without a gateway merge uncontrolled: the node runs once per arrival.
TEST_F(ImplicitFormsTest, SeveralIncomingFlowsMergeUncontrolled) {
  ASSERT_TRUE(deploy(process_xml(
      "p", "<bpmn:startEvent id='s'/><bpmn:parallelGateway id='split'/>"
           "<bpmn:scriptTask id='a'><bpmn:script>return 'a';</bpmn:script></bpmn:scriptTask>"
           "<bpmn:scriptTask id='b'><bpmn:script>return 'b';</bpmn:script></bpmn:scriptTask>"
           "<bpmn:scriptTask id='merge'><bpmn:script>return token.current + '!';</bpmn:script></bpmn:scriptTask>"
           "<bpmn:endEvent id='e'/>"
           "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='split'/>"
           "<bpmn:sequenceFlow id='f2' sourceRef='split' targetRef='a'/>"
           "<bpmn:sequenceFlow id='f3' sourceRef='split' targetRef='b'/>"
           "<bpmn:sequenceFlow id='f4' sourceRef='a' targetRef='merge'/>"
           "<bpmn:sequenceFlow id='f5' sourceRef='b' targetRef='merge'/>"
           "<bpmn:sequenceFlow id='f6' sourceRef='merge' targetRef='e'/>")));
  StartRequest request;
  request.process_model_id = "p";
  auto started = start(request);
  ASSERT_TRUE(started) << started.error().message;
  ASSERT_TRUE(eventually([&] { return results(started->correlation_id, "p").value().size() == 2; }));
  auto reached = results(started->correlation_id, "p").value();
  EXPECT_EQ(reached[0].token_payload, R"("a!")");
  EXPECT_EQ(reached[1].token_payload, R"("b!")");
}

// No start event (BPMN 2.0, 10.5.2): every node without incoming flow begins with the start
// payload; a call activity starts such a process the same way, and naming a start event is 404.
TEST_F(ImplicitFormsTest, AProcessWithoutStartEventBeginsAtEveryNodeWithoutIncomingFlow) {
  ASSERT_TRUE(deploy(process_xml("nostart", "<bpmn:scriptTask id='a'><bpmn:script>return token.current.n + 1;"
                                            "</bpmn:script></bpmn:scriptTask><bpmn:userTask id='b'/>"
                                            "<bpmn:endEvent id='ea'/><bpmn:endEvent id='eb'/>"
                                            "<bpmn:sequenceFlow id='f1' sourceRef='a' targetRef='ea'/>"
                                            "<bpmn:sequenceFlow id='f2' sourceRef='b' targetRef='eb'/>")));
  StartRequest request;
  request.process_model_id = "nostart";
  request.input_values = R"({"n":1})";
  auto started = start(request);
  ASSERT_TRUE(started) << started.error().message;
  TaskQuery query;
  query.correlation_id = started->correlation_id;
  ASSERT_TRUE(eventually([&] { return tasks(query)->items.size() == 1; }));
  auto waiting = tasks(query)->items;
  EXPECT_EQ(waiting[0].flow_node_id, "b");
  EXPECT_EQ(waiting[0].token_payload, R"({"n":1})");
  ASSERT_TRUE(finish({TaskKind::user_task, started->process_instance_id, started->correlation_id,
                      waiting[0].flow_node_instance_id, "{}"}));
  ASSERT_TRUE(eventually([&] { return instance(started->process_instance_id)->state == ProcessInstanceState::finished; }));
  auto reached = results(started->correlation_id, "nostart").value();
  ASSERT_EQ(reached.size(), 2u);
  EXPECT_EQ(reached[0].end_event_id, "ea");
  EXPECT_EQ(reached[0].token_payload, "2");

  request.start_event_id = "a";
  auto named = start(request);
  ASSERT_FALSE(named);
  EXPECT_EQ(named.error().http_status(), 404);

  ASSERT_TRUE(deploy(process_xml("caller", "<bpmn:startEvent id='s'/><bpmn:callActivity id='c' "
                                           "calledElement='nostart'/><bpmn:endEvent id='e'/>"
                                           "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='c'/>"
                                           "<bpmn:sequenceFlow id='f2' sourceRef='c' targetRef='e'/>")));
  StartRequest call;
  call.process_model_id = "caller";
  call.input_values = R"({"n":5})";
  auto caller = start(call);
  ASSERT_TRUE(caller) << caller.error().message;
  TaskQuery child_tasks;
  child_tasks.correlation_id = caller->correlation_id;
  ASSERT_TRUE(eventually([&] { return tasks(child_tasks)->items.size() == 1; })) << "the child began at 'b' too";
}

// A parallel join whose other flow can no longer deliver (that branch ended elsewhere) waits
// for good, as in Camunda 7 and Zeebe: the instance stays running with the join pending (it
// neither finishes without reaching an end event nor fails), and a terminate ends it.
TEST_F(ImplicitFormsTest, AParallelJoinThatCanNoLongerCompleteKeepsTheInstanceRunning) {
  ASSERT_TRUE(deploy(process_xml(
      "p", "<bpmn:startEvent id='s'/><bpmn:parallelGateway id='split'/>"
           "<bpmn:scriptTask id='a'><bpmn:script>return 'a';</bpmn:script></bpmn:scriptTask>"
           "<bpmn:exclusiveGateway id='choose' default='toOther'/>"
           "<bpmn:parallelGateway id='join'/><bpmn:endEvent id='e'/><bpmn:endEvent id='other'/>"
           "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='split'/>"
           "<bpmn:sequenceFlow id='f2' sourceRef='split' targetRef='a'/>"
           "<bpmn:sequenceFlow id='f3' sourceRef='split' targetRef='choose'/>"
           "<bpmn:sequenceFlow id='f4' sourceRef='a' targetRef='join'/>"
           "<bpmn:sequenceFlow id='toJoin' sourceRef='choose' targetRef='join'>"
           "<bpmn:conditionExpression>false</bpmn:conditionExpression></bpmn:sequenceFlow>"
           "<bpmn:sequenceFlow id='toOther' sourceRef='choose' targetRef='other'/>"
           "<bpmn:sequenceFlow id='f6' sourceRef='join' targetRef='e'/>")));
  StartRequest request;
  request.process_model_id = "p";
  auto started = start(request);
  ASSERT_TRUE(started) << started.error().message;
  // The branch through 'choose' ends at 'other'; 'a' waits at the join.
  ASSERT_TRUE(eventually([&] { return results(started->correlation_id, "p").value().size() == 1; }));
  auto record = instance(started->process_instance_id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->state, ProcessInstanceState::running);
  EXPECT_EQ(results(started->correlation_id, "p").value()[0].end_event_id, "other");

  ASSERT_TRUE(testing::call_sync<Ok>([&](auto done) {
    engine_->terminate_process_instance(testing::test_identity(), started->process_instance_id, done);
  }));
  record = instance(started->process_instance_id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->state, ProcessInstanceState::terminated);
}

}  // namespace
}  // namespace processhost::engine
