// Boundary events on looping activities, of a real engine on the memory store: as in Zeebe and
// Camunda 7 they belong to the loop as a whole (the multi-instance body). Timers, messages and
// signals wait from the loop's start to its end; an interrupting one ends every run still
// active; an error or escalation raised in any run is caught by the loop's boundary.
#include <algorithm>

#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;
using testing::process_xml;

std::string flow(const std::string& id, const std::string& from, const std::string& to) {
  return "<bpmn:sequenceFlow id='" + id + "' sourceRef='" + from + "' targetRef='" + to + "'/>";
}

const std::string kParallelThree =
    "<bpmn:multiInstanceLoopCharacteristics><bpmn:loopCardinality>3</bpmn:loopCardinality>"
    "</bpmn:multiInstanceLoopCharacteristics>";

// 's' -> looping activity (given) -> 'et'; boundary 'b' (given definition) on it -> 'eb'.
std::string loop_model(const std::string& activity, const std::string& boundary_definition, bool interrupting) {
  return "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='d'>"
         "<bpmn:message id='M' name='Stop'/><bpmn:process id='lb' isExecutable='true'><bpmn:startEvent id='s'/>" +
         activity + "<bpmn:boundaryEvent id='b' attachedToRef='t' cancelActivity='" +
         (interrupting ? "true" : "false") + "'>" + boundary_definition +
         "</bpmn:boundaryEvent><bpmn:endEvent id='et'/><bpmn:endEvent id='eb'/>" + flow("f1", "s", "t") +
         flow("f2", "t", "et") + flow("f3", "b", "eb") + "</bpmn:process></bpmn:definitions>";
}

const std::string kMessage = "<bpmn:messageEventDefinition messageRef='M'/>";

class EngineLoopBoundariesTest : public EngineFixture {
 protected:
  StartResult start_lb(const std::string& model_id = "lb") {
    StartRequest request;
    request.process_model_id = model_id;
    request.input_values = R"({"n":1})";
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

  Status trigger(const std::string& name, const std::string& correlation_id) {
    return testing::call_sync<Ok>([&](auto done) {
      engine_->trigger(testing::test_identity(), EventKind::message, name, JsonText(R"({"currentToken":{"m":1}})"),
                       correlation_id, done);
    });
  }

  std::vector<FlowNodeInstanceRecord> records(const std::string& instance_id, const std::string& flow_node_id) {
    FlowNodeQuery query;
    query.process_instance_id = instance_id;
    query.page.limit = 1000;
    auto found =
        testing::call_sync<PagedList<FlowNodeInstanceRecord>>([&](auto done) { store_.query_flow_nodes(query, done); });
    std::vector<FlowNodeInstanceRecord> matching;
    if (!found) return matching;
    for (const auto& record : found->items) {
      if (record.flow_node_id == flow_node_id) matching.push_back(record);
    }
    return matching;
  }

  std::size_t count_in(const std::vector<FlowNodeInstanceRecord>& found, FlowNodeState state) {
    return static_cast<std::size_t>(
        std::count_if(found.begin(), found.end(), [&](const FlowNodeInstanceRecord& record) { return record.state == state; }));
  }

  std::vector<std::string> ends(const StartResult& started, const std::string& model_id = "lb") {
    std::vector<std::string> ids;
    auto reached = results(started.correlation_id, model_id);
    if (reached) {
      for (const auto& end : reached.value()) ids.push_back(end.end_event_id);
    }
    return ids;
  }

  ProcessInstanceState state_of(const std::string& instance_id) { return instance(instance_id)->state; }
};

TEST_F(EngineLoopBoundariesTest, InterruptingMessageEndsEveryRunOfAParallelMultiInstance) {
  ASSERT_TRUE(deploy(loop_model("<bpmn:userTask id='t'>" + kParallelThree + "</bpmn:userTask>", kMessage, true)));
  const auto started = start_lb();
  ASSERT_EQ(user_tasks(started.correlation_id).size(), 3u);
  // One boundary event waits for the loop as a whole, not one per run. (A store keeps an ended
  // instance's flow node instances packed away, so they are counted while it runs.)
  EXPECT_EQ(records(started.process_instance_id, "b").size(), 1u);
  EXPECT_EQ(count_in(records(started.process_instance_id, "t"), FlowNodeState::suspended), 3u);
  ASSERT_TRUE(trigger("Stop", started.correlation_id));
  ASSERT_TRUE(eventually([&] { return state_of(started.process_instance_id) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), std::vector<std::string>{"eb"});
  EXPECT_TRUE(user_tasks(started.correlation_id).empty());
  const auto reached = results(started.correlation_id, "lb").value();
  EXPECT_EQ(reached.front().token_payload, R"({"m":1})");
}

TEST_F(EngineLoopBoundariesTest, NonInterruptingMessageStartsItsPathBesideTheLoopAndEndsWithIt) {
  ASSERT_TRUE(deploy(loop_model("<bpmn:userTask id='t'>" + kParallelThree + "</bpmn:userTask>", kMessage, false)));
  const auto started = start_lb();
  ASSERT_TRUE(trigger("Stop", started.correlation_id));
  ASSERT_TRUE(eventually([&] { return ends(started) == std::vector<std::string>{"eb"}; }));
  const auto waiting = user_tasks(started.correlation_id);
  ASSERT_EQ(waiting.size(), 3u);
  EXPECT_EQ(state_of(started.process_instance_id), ProcessInstanceState::running);
  // The boundary fired once (finished) and does not wait again.
  const auto boundary = records(started.process_instance_id, "b");
  EXPECT_EQ(count_in(boundary, FlowNodeState::suspended), 0u);
  EXPECT_EQ(count_in(boundary, FlowNodeState::finished), 1u);
  for (const auto& task : waiting) {
    ASSERT_TRUE(finish({TaskKind::user_task, started.process_instance_id, started.correlation_id,
                        task.flow_node_instance_id, "{}"}));
  }
  ASSERT_TRUE(eventually([&] { return state_of(started.process_instance_id) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), (std::vector<std::string>{"eb", "et"}));
}

TEST_F(EngineLoopBoundariesTest, LoopThatCompletesEndsItsBoundaryEvents) {
  ASSERT_TRUE(deploy(loop_model("<bpmn:userTask id='t'>" + kParallelThree + "</bpmn:userTask>", kMessage, true)));
  const auto started = start_lb();
  for (const auto& task : user_tasks(started.correlation_id)) {
    ASSERT_TRUE(finish({TaskKind::user_task, started.process_instance_id, started.correlation_id,
                        task.flow_node_instance_id, "{}"}));
  }
  // The instance finishes: nothing of the boundary event waits any more.
  ASSERT_TRUE(eventually([&] { return state_of(started.process_instance_id) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), std::vector<std::string>{"et"});
  // A message after the loop completed finds nothing waiting.
  (void)trigger("Stop", started.correlation_id);
  EXPECT_EQ(ends(started), std::vector<std::string>{"et"});
}

TEST_F(EngineLoopBoundariesTest, InterruptingTimerEndsASequentialMultiInstance) {
  ASSERT_TRUE(deploy(loop_model("<bpmn:userTask id='t'><bpmn:multiInstanceLoopCharacteristics isSequential='true'>"
                                "<bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"
                                "</bpmn:userTask>",
                                "<bpmn:timerEventDefinition><bpmn:timeDuration>PT0.3S</bpmn:timeDuration>"
                                "</bpmn:timerEventDefinition>",
                                true)));
  const auto started = start_lb();
  // The first run finishes before the timer: the timer belongs to the loop, not to a run.
  auto waiting = user_tasks(started.correlation_id);
  ASSERT_EQ(waiting.size(), 1u);
  ASSERT_TRUE(finish({TaskKind::user_task, started.process_instance_id, started.correlation_id,
                      waiting[0].flow_node_instance_id, "{}"}));
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
  ASSERT_TRUE(eventually([&] { return state_of(started.process_instance_id) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), std::vector<std::string>{"eb"});
  EXPECT_TRUE(user_tasks(started.correlation_id).empty());
}

TEST_F(EngineLoopBoundariesTest, InterruptingMessageEndsAStandardLoop) {
  ASSERT_TRUE(deploy(loop_model("<bpmn:userTask id='t'><bpmn:standardLoopCharacteristics loopMaximum='5'/>"
                                "</bpmn:userTask>",
                                kMessage, true)));
  const auto started = start_lb();
  auto waiting = user_tasks(started.correlation_id);
  ASSERT_EQ(waiting.size(), 1u);
  ASSERT_TRUE(finish({TaskKind::user_task, started.process_instance_id, started.correlation_id,
                      waiting[0].flow_node_instance_id, "{}"}));
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
  ASSERT_TRUE(trigger("Stop", started.correlation_id));
  ASSERT_TRUE(eventually([&] { return state_of(started.process_instance_id) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), std::vector<std::string>{"eb"});
  EXPECT_TRUE(user_tasks(started.correlation_id).empty());
}

// A script run that throws fails that run; the error boundary of the loop catches it and the
// loop ends with its other runs.
TEST_F(EngineLoopBoundariesTest, ErrorInOneRunIsCaughtByTheLoopsBoundary) {
  ASSERT_TRUE(deploy(loop_model(
      "<bpmn:scriptTask id='t' scriptFormat='javascript'><bpmn:multiInstanceLoopCharacteristics isSequential='true'>"
      "<bpmn:loopCardinality>3</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>"
      "<bpmn:script>if (token.loop.loopCounter === 1) throw new Error('run 1 broke'); return 'ok';</bpmn:script>"
      "</bpmn:scriptTask>",
      "<bpmn:errorEventDefinition/>", true)));
  StartRequest request;
  request.process_model_id = "lb";
  request.input_values = R"({"n":1})";
  request.callback_type = StartCallbackType::on_process_finished;
  auto finished = start(request);
  ASSERT_TRUE(finished) << finished.error().message;
  // Run 0 finished, run 1 failed, run 2 never started: the loop as a whole ended with the error.
  EXPECT_EQ(ends(finished.value()), std::vector<std::string>{"eb"});
  const auto reached = results(finished->correlation_id, "lb").value();
  EXPECT_NE(reached.front().token_payload.find("run 1 broke"), std::string::npos) << reached.front().token_payload;
}

// Parallel multi-instance sub-process: run 1 ends in an error end event while runs 0 and 2
// wait at their user tasks; the loop's error boundary catches it and every run ends.
std::string sub_process_loop(const std::string& thrower_definition, const std::string& boundary_definition,
                             bool interrupting) {
  return "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='d'>"
         "<bpmn:error id='E' errorCode='E1'/><bpmn:escalation id='X' escalationCode='x1'/>"
         "<bpmn:process id='lb' isExecutable='true'><bpmn:startEvent id='s'/>"
         "<bpmn:subProcess id='t'>" + kParallelThree +
         "<bpmn:startEvent id='is'/><bpmn:exclusiveGateway id='g' default='i3'/>"
         "<bpmn:endEvent id='throw'>" + thrower_definition + "</bpmn:endEvent>"
         "<bpmn:userTask id='wait'/><bpmn:endEvent id='ie'/>" + flow("i1", "is", "g") +
         "<bpmn:sequenceFlow id='i2' sourceRef='g' targetRef='throw'><bpmn:conditionExpression>"
         "token.loop.loopCounter === 1</bpmn:conditionExpression></bpmn:sequenceFlow>" +
         flow("i3", "g", "wait") + flow("i4", "wait", "ie") +
         "</bpmn:subProcess><bpmn:boundaryEvent id='b' attachedToRef='t' cancelActivity='" +
         (interrupting ? "true" : "false") + "'>" + boundary_definition +
         "</bpmn:boundaryEvent><bpmn:endEvent id='et'/><bpmn:endEvent id='eb'/>" + flow("f1", "s", "t") +
         flow("f2", "t", "et") + flow("f3", "b", "eb") + "</bpmn:process></bpmn:definitions>";
}

TEST_F(EngineLoopBoundariesTest, ErrorEndEventInASubProcessRunEndsEveryRun) {
  ASSERT_TRUE(deploy(sub_process_loop("<bpmn:errorEventDefinition errorRef='E'/>",
                                      "<bpmn:errorEventDefinition errorRef='E'/>", true)));
  const auto started = start_lb();
  ASSERT_TRUE(eventually([&] { return state_of(started.process_instance_id) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), std::vector<std::string>{"eb"});
  EXPECT_TRUE(user_tasks(started.correlation_id).empty());
  const auto reached = results(started.correlation_id, "lb").value();
  EXPECT_NE(reached.front().token_payload.find("\"E1\""), std::string::npos) << reached.front().token_payload;
}

TEST_F(EngineLoopBoundariesTest, EscalationInASubProcessRunReachesTheLoopsBoundary) {
  for (const bool interrupting : {true, false}) {
    ASSERT_TRUE(deploy(sub_process_loop("<bpmn:escalationEventDefinition escalationRef='X'/>",
                                        "<bpmn:escalationEventDefinition escalationRef='X'/>", interrupting)));
    const auto started = start_lb();
    ASSERT_TRUE(eventually([&] { return !ends(started).empty(); })) << interrupting;
    EXPECT_EQ(ends(started).front(), "eb");
    if (interrupting) {
      ASSERT_TRUE(eventually([&] { return state_of(started.process_instance_id) == ProcessInstanceState::finished; }));
      EXPECT_TRUE(user_tasks(started.correlation_id).empty());
      continue;
    }
    // Non-interrupting: the other runs go on, and the loop completes when they are done.
    auto waiting = user_tasks(started.correlation_id);
    ASSERT_EQ(waiting.size(), 2u);
    for (const auto& task : waiting) {
      ASSERT_TRUE(finish({TaskKind::user_task, started.process_instance_id, started.correlation_id,
                          task.flow_node_instance_id, "{}"}));
    }
    ASSERT_TRUE(eventually([&] { return state_of(started.process_instance_id) == ProcessInstanceState::finished; }));
    EXPECT_EQ(ends(started), (std::vector<std::string>{"eb", "et"}));
  }
}

TEST_F(EngineLoopBoundariesTest, CompensationBoundaryOnALoopIsRefusedAtDeploy) {
  auto refused = deploy(process_xml(
      "lb", "<bpmn:startEvent id='s'/><bpmn:userTask id='t'>" + kParallelThree +
                "</bpmn:userTask><bpmn:boundaryEvent id='b' attachedToRef='t'><bpmn:compensateEventDefinition/>"
                "</bpmn:boundaryEvent><bpmn:task id='undo' isForCompensation='true'/>"
                "<bpmn:association id='a' associationDirection='One' sourceRef='b' targetRef='undo'/>"
                "<bpmn:endEvent id='e'/>" + flow("f1", "s", "t") + flow("f2", "t", "e")));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().additional_information.find(
                "compensation boundary event 'b' is attached to the looping activity 't'"),
            std::string::npos)
      << refused.error().additional_information;
}

// Interrupting boundary events on call activities terminate the called instance, as in
// Camunda 7 and Zeebe: it ends as terminated and its waiting tasks end with it.
class EngineCallActivityTerminationTest : public EngineLoopBoundariesTest {
 protected:
  void deploy_child() {
    ASSERT_TRUE(deploy(process_xml("child", "<bpmn:startEvent id='cs'/><bpmn:userTask id='child_task'/>"
                                            "<bpmn:endEvent id='ce'/>" + flow("c1", "cs", "child_task") +
                                            flow("c2", "child_task", "ce")),
                       "child.bpmn"));
  }

  std::vector<ProcessInstanceRecord> children(const std::string& parent_id) {
    InstanceQuery query;
    query.page.limit = 100;
    auto found = testing::call_sync<PagedList<ProcessInstanceRecord>>(
        [&](auto done) { store_.query_instances(query, done); });
    std::vector<ProcessInstanceRecord> matching;
    if (!found) return matching;
    for (const auto& record : found->items) {
      if (record.parent_process_instance_id == parent_id) matching.push_back(record);
    }
    return matching;
  }

  bool all_children_terminated(const std::string& parent_id, std::size_t count) {
    const auto found = children(parent_id);
    return found.size() == count && std::all_of(found.begin(), found.end(), [](const ProcessInstanceRecord& child) {
             return child.state == ProcessInstanceState::terminated;
           });
  }
};

TEST_F(EngineCallActivityTerminationTest, InterruptingMessageTerminatesTheCalledInstance) {
  deploy_child();
  ASSERT_TRUE(deploy(loop_model("<bpmn:callActivity id='t' calledElement='child'/>", kMessage, true)));
  const auto started = start_lb();
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
  ASSERT_TRUE(trigger("Stop", started.correlation_id));
  ASSERT_TRUE(eventually([&] { return all_children_terminated(started.process_instance_id, 1); }));
  ASSERT_TRUE(eventually([&] { return state_of(started.process_instance_id) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), std::vector<std::string>{"eb"});
  EXPECT_TRUE(user_tasks(started.correlation_id).empty());
  const auto child = children(started.process_instance_id).front();
  EXPECT_NE(child.error.find("call activity 't'"), std::string::npos) << child.error;
}

TEST_F(EngineCallActivityTerminationTest, NonInterruptingMessageLeavesTheCalledInstanceRunning) {
  deploy_child();
  ASSERT_TRUE(deploy(loop_model("<bpmn:callActivity id='t' calledElement='child'/>", kMessage, false)));
  const auto started = start_lb();
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
  ASSERT_TRUE(trigger("Stop", started.correlation_id));
  ASSERT_TRUE(eventually([&] { return ends(started) == std::vector<std::string>{"eb"}; }));
  const auto found = children(started.process_instance_id);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found.front().state, ProcessInstanceState::running);
  const auto waiting = user_tasks(started.correlation_id);
  ASSERT_EQ(waiting.size(), 1u);
  // The child's end completes the call activity (not its boundary event's watcher).
  ASSERT_TRUE(finish({TaskKind::user_task, waiting[0].process_instance_id, started.correlation_id,
                      waiting[0].flow_node_instance_id, "{}"}));
  ASSERT_TRUE(eventually([&] { return state_of(started.process_instance_id) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), (std::vector<std::string>{"eb", "et"}));
  EXPECT_EQ(children(started.process_instance_id).front().state, ProcessInstanceState::finished);
}

TEST_F(EngineCallActivityTerminationTest, TerminatingTheParentTerminatesItsChildren) {
  deploy_child();
  ASSERT_TRUE(deploy(process_xml("lb", "<bpmn:startEvent id='s'/><bpmn:callActivity id='t' calledElement='child'/>"
                                       "<bpmn:endEvent id='et'/>" + flow("f1", "s", "t") + flow("f2", "t", "et"))));
  const auto started = start_lb();
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
  ASSERT_TRUE(testing::call_sync<Ok>([&](auto done) {
    engine_->terminate_process_instance(testing::test_identity(), started.process_instance_id, done);
  }));
  ASSERT_TRUE(eventually([&] { return all_children_terminated(started.process_instance_id, 1); }));
  EXPECT_EQ(state_of(started.process_instance_id), ProcessInstanceState::terminated);
  EXPECT_TRUE(user_tasks(started.correlation_id).empty());
}

TEST_F(EngineCallActivityTerminationTest, InterruptingTimerOnAMultiInstanceCallActivityTerminatesEveryChild) {
  deploy_child();
  ASSERT_TRUE(deploy(loop_model("<bpmn:callActivity id='t' calledElement='child'>" + kParallelThree +
                                    "</bpmn:callActivity>",
                                "<bpmn:timerEventDefinition><bpmn:timeDuration>PT0.3S</bpmn:timeDuration>"
                                "</bpmn:timerEventDefinition>",
                                true)));
  const auto started = start_lb();
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 3; }));
  ASSERT_TRUE(eventually([&] { return all_children_terminated(started.process_instance_id, 3); }));
  ASSERT_TRUE(eventually([&] { return state_of(started.process_instance_id) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), std::vector<std::string>{"eb"});
  EXPECT_TRUE(user_tasks(started.correlation_id).empty());
}

}  // namespace
}  // namespace processhost::engine
