// Escalation events of a real engine on the memory store: thrown inside an embedded
// sub-process by an intermediate throw or an end event, caught by the sub-process's
// interrupting or non-interrupting escalation boundary event, or not caught at all.
#include <algorithm>

#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;

// Sub-process 'sp': start 'is' -> thrower 'throw' (escalation code "late") -> user task 'wait'
// -> end 'ie'. After it end 'et'; boundary 'b' (given definition, end 'eb') on 'sp'.
std::string escalation_model(const std::string& boundary, bool interrupting, bool end_event_throws = false) {
  const std::string thrower =
      end_event_throws ? "<bpmn:endEvent id='throw'><bpmn:escalationEventDefinition escalationRef='Late'/></bpmn:endEvent>"
                       : "<bpmn:intermediateThrowEvent id='throw'><bpmn:escalationEventDefinition escalationRef='Late'/>"
                         "</bpmn:intermediateThrowEvent>";
  return "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='d'>"
         "<bpmn:escalation id='Late' name='Late' escalationCode='late'/>"
         "<bpmn:escalation id='Other' name='Other' escalationCode='other'/>"
         "<bpmn:process id='esc' isExecutable='true'><bpmn:startEvent id='s'/>"
         "<bpmn:subProcess id='sp'><bpmn:startEvent id='is'/>" + thrower +
         (end_event_throws ? std::string("<bpmn:sequenceFlow id='i1' sourceRef='is' targetRef='throw'/>")
                           : std::string("<bpmn:userTask id='wait'/><bpmn:endEvent id='ie'/>"
                                         "<bpmn:sequenceFlow id='i1' sourceRef='is' targetRef='throw'/>"
                                         "<bpmn:sequenceFlow id='i2' sourceRef='throw' targetRef='wait'/>"
                                         "<bpmn:sequenceFlow id='i3' sourceRef='wait' targetRef='ie'/>")) +
         "</bpmn:subProcess><bpmn:endEvent id='et'/><bpmn:endEvent id='eb'/>"
         "<bpmn:boundaryEvent id='b' attachedToRef='sp' cancelActivity='" + (interrupting ? "true" : "false") + "'>" +
         boundary + "</bpmn:boundaryEvent>"
         "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='sp'/>"
         "<bpmn:sequenceFlow id='f2' sourceRef='sp' targetRef='et'/>"
         "<bpmn:sequenceFlow id='f3' sourceRef='b' targetRef='eb'/></bpmn:process></bpmn:definitions>";
}

const std::string kCatchLate = "<bpmn:escalationEventDefinition escalationRef='Late'/>";
const std::string kCatchOther = "<bpmn:escalationEventDefinition escalationRef='Other'/>";
const std::string kCatchAll = "<bpmn:escalationEventDefinition/>";

class EngineEscalationTest : public EngineFixture {
 protected:
  StartResult start_esc(StartCallbackType callback = StartCallbackType::on_instance_created) {
    StartRequest request;
    request.process_model_id = "esc";
    request.input_values = R"({"n":1})";
    request.callback_type = callback;
    auto started = start(request);
    EXPECT_TRUE(started) << started.error().message;
    return started.value();
  }

  std::vector<WaitingTask> user_tasks(const std::string& correlation_id) {
    TaskQuery query;
    query.correlation_id = correlation_id;
    auto listed = tasks(query);
    return listed ? listed->items : std::vector<WaitingTask>{};
  }

  void finish_the_task(const StartResult& started) {
    auto waiting = user_tasks(started.correlation_id);
    ASSERT_EQ(waiting.size(), 1u);
    ASSERT_TRUE(finish({TaskKind::user_task, started.process_instance_id, started.correlation_id,
                        waiting[0].flow_node_instance_id, "{}"}));
  }
};

TEST_F(EngineEscalationTest, InterruptingBoundaryEndsTheSubProcessAndTakesItsPath) {
  ASSERT_TRUE(deploy(escalation_model(kCatchLate, true)));
  const auto finished = start_esc(StartCallbackType::on_process_finished);
  EXPECT_EQ(finished.end_event_id.value_or("-"), "eb");
  EXPECT_TRUE(user_tasks(finished.correlation_id).empty());
  EXPECT_EQ(instance(finished.process_instance_id)->state, ProcessInstanceState::finished);
  auto reached = results(finished.correlation_id, "esc").value();
  ASSERT_EQ(reached.size(), 1u);
  // The boundary's path goes on with the thrower's payload.
  EXPECT_EQ(reached[0].token_payload, R"({"n":1})");
}

TEST_F(EngineEscalationTest, NonInterruptingBoundaryRunsBesideTheSubProcessAndTheThrowerGoesOn) {
  ASSERT_TRUE(deploy(escalation_model(kCatchLate, false)));
  const auto started = start_esc();
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
  ASSERT_TRUE(eventually([&] { return results(started.correlation_id, "esc")->size() == 1; }));
  EXPECT_EQ(results(started.correlation_id, "esc").value()[0].end_event_id, "eb");
  EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::running);
  finish_the_task(started);
  auto both = results(started.correlation_id, "esc").value();
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].end_event_id, "et");
  EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::finished);
}

TEST_F(EngineEscalationTest, EndEventEscalationIsCaughtByACatchAllBoundary) {
  ASSERT_TRUE(deploy(escalation_model(kCatchAll, true, true)));
  const auto finished = start_esc(StartCallbackType::on_process_finished);
  EXPECT_EQ(finished.end_event_id.value_or("-"), "eb");
  auto reached = results(finished.correlation_id, "esc").value();
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(instance(finished.process_instance_id)->state, ProcessInstanceState::finished);
}

TEST_F(EngineEscalationTest, NonInterruptingEndEventEscalationAlsoEndsTheSubProcessNormally) {
  ASSERT_TRUE(deploy(escalation_model(kCatchLate, false, true)));
  const auto finished = start_esc(StartCallbackType::on_process_finished);
  ASSERT_TRUE(eventually([&] { return results(finished.correlation_id, "esc")->size() == 2; }));
  std::vector<std::string> ends;
  for (const auto& reached : results(finished.correlation_id, "esc").value()) ends.push_back(reached.end_event_id);
  std::sort(ends.begin(), ends.end());
  EXPECT_EQ(ends, (std::vector<std::string>{"eb", "et"}));
  EXPECT_EQ(instance(finished.process_instance_id)->state, ProcessInstanceState::finished);
}

// BPMN: an escalation nobody catches is not handled, and the instance goes on as if it were a
// none event; a boundary for another code does not catch it.
TEST_F(EngineEscalationTest, UncaughtEscalationDoesNotFailTheInstance) {
  ASSERT_TRUE(deploy(escalation_model(kCatchOther, true)));
  const auto started = start_esc();
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
  EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::running);
  EXPECT_TRUE(results(started.correlation_id, "esc")->empty());
  finish_the_task(started);
  auto reached = results(started.correlation_id, "esc").value();
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(reached[0].end_event_id, "et");
  EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::finished);
}

// Thrown two sub-processes deep, the escalation passes the inner one (no boundary) and is
// caught by the outer one's boundary, which ends both.
TEST_F(EngineEscalationTest, EscalationPropagatesToTheNearestEnclosingMatchingBoundary) {
  ASSERT_TRUE(deploy(
      "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='d'>"
      "<bpmn:escalation id='Late' escalationCode='late'/>"
      "<bpmn:process id='esc' isExecutable='true'><bpmn:startEvent id='s'/>"
      "<bpmn:subProcess id='outer'><bpmn:startEvent id='os'/><bpmn:subProcess id='inner'>"
      "<bpmn:startEvent id='is'/><bpmn:endEvent id='throw'><bpmn:escalationEventDefinition escalationRef='Late'/>"
      "</bpmn:endEvent><bpmn:sequenceFlow id='i1' sourceRef='is' targetRef='throw'/></bpmn:subProcess>"
      "<bpmn:userTask id='after_inner'/><bpmn:sequenceFlow id='o1' sourceRef='os' targetRef='inner'/>"
      "<bpmn:sequenceFlow id='o2' sourceRef='inner' targetRef='after_inner'/></bpmn:subProcess>"
      "<bpmn:endEvent id='et'/><bpmn:endEvent id='eb'/>"
      "<bpmn:boundaryEvent id='b' attachedToRef='outer'><bpmn:escalationEventDefinition escalationRef='Late'/>"
      "</bpmn:boundaryEvent><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='outer'/>"
      "<bpmn:sequenceFlow id='f2' sourceRef='outer' targetRef='et'/>"
      "<bpmn:sequenceFlow id='f3' sourceRef='b' targetRef='eb'/></bpmn:process></bpmn:definitions>"));
  const auto finished = start_esc(StartCallbackType::on_process_finished);
  EXPECT_EQ(finished.end_event_id.value_or("-"), "eb");
  EXPECT_TRUE(user_tasks(finished.correlation_id).empty());
  EXPECT_EQ(instance(finished.process_instance_id)->state, ProcessInstanceState::finished);
}

// An escalation a called process does not catch goes to its call activity: the call
// activity's escalation boundary event catches it (interrupting: the call activity ends and the
// boundary's path goes on with the thrower's payload; non-interrupting: beside it).
TEST_F(EngineEscalationTest, EscalationFromACalledProcessReachesTheCallActivitysBoundary) {
  ASSERT_TRUE(deploy(
      "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='d'>"
      "<bpmn:escalation id='Late' escalationCode='late'/>"
      "<bpmn:process id='child' isExecutable='true'><bpmn:startEvent id='cs'/>"
      "<bpmn:intermediateThrowEvent id='throw'><bpmn:escalationEventDefinition escalationRef='Late'/>"
      "</bpmn:intermediateThrowEvent><bpmn:userTask id='child_task'/><bpmn:endEvent id='ce'/>"
      "<bpmn:sequenceFlow id='c1' sourceRef='cs' targetRef='throw'/>"
      "<bpmn:sequenceFlow id='c2' sourceRef='throw' targetRef='child_task'/>"
      "<bpmn:sequenceFlow id='c3' sourceRef='child_task' targetRef='ce'/></bpmn:process></bpmn:definitions>",
      "child.bpmn"));
  for (const bool interrupting : {true, false}) {
    ASSERT_TRUE(deploy(
        "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='d'>"
        "<bpmn:escalation id='Late' escalationCode='late'/>"
        "<bpmn:process id='esc' isExecutable='true'><bpmn:startEvent id='s'/>"
        "<bpmn:callActivity id='call' calledElement='child'/><bpmn:endEvent id='et'/><bpmn:endEvent id='eb'/>"
        "<bpmn:boundaryEvent id='b' attachedToRef='call' cancelActivity='" + std::string(interrupting ? "true" : "false") +
        "'><bpmn:escalationEventDefinition escalationRef='Late'/></bpmn:boundaryEvent>"
        "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='call'/>"
        "<bpmn:sequenceFlow id='f2' sourceRef='call' targetRef='et'/>"
        "<bpmn:sequenceFlow id='f3' sourceRef='b' targetRef='eb'/></bpmn:process></bpmn:definitions>"));
    const auto started = start_esc();
    ASSERT_TRUE(eventually([&] { return results(started.correlation_id, "esc")->size() == 1; })) << interrupting;
    auto reached = results(started.correlation_id, "esc").value();
    EXPECT_EQ(reached[0].end_event_id, "eb");
    EXPECT_EQ(reached[0].token_payload, R"({"n":1})");
    if (interrupting) {
      ASSERT_TRUE(eventually([&] { return instance(started.process_instance_id)->state == ProcessInstanceState::finished; }));
    } else {
      // The call activity still waits for its child; the child's end completes it.
      EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::running);
      ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() >= 1; }));
      for (const auto& task : user_tasks(started.correlation_id)) {
        ASSERT_TRUE(finish({TaskKind::user_task, task.process_instance_id, started.correlation_id,
                            task.flow_node_instance_id, "{}"}));
      }
      ASSERT_TRUE(eventually([&] { return results(started.correlation_id, "esc")->size() == 2; }));
      EXPECT_EQ(results(started.correlation_id, "esc").value()[1].end_event_id, "et");
      ASSERT_TRUE(eventually([&] { return instance(started.process_instance_id)->state == ProcessInstanceState::finished; }));
    }
  }
}

}  // namespace
}  // namespace processhost::engine
