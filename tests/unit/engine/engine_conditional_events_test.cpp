// Conditional events of a real engine on the memory store: an intermediate catch event, an
// interrupting and a non-interrupting boundary event and the start event of an event
// sub-process, whose conditions are evaluated again when another branch changes the data.
#include <algorithm>

#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;

const std::string kOpen =
    "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='d'>"
    "<bpmn:process id='cond' isExecutable='true'>";
const std::string kClose = "</bpmn:process></bpmn:definitions>";

std::string flow(const std::string& id, const std::string& from, const std::string& to) {
  return "<bpmn:sequenceFlow id='" + id + "' sourceRef='" + from + "' targetRef='" + to + "'/>";
}

std::string conditional(const std::string& condition) {
  return "<bpmn:conditionalEventDefinition><bpmn:condition>" + condition +
         "</bpmn:condition></bpmn:conditionalEventDefinition>";
}

// Start 's' -> parallel split 'g': one branch to `waiting` (elements, entered at 'w', leaving
// to 'ew'), the other to the user task 'decide' -> end 'ed'.
std::string parallel_with(const std::string& waiting, const std::string& extra = "") {
  return kOpen + "<bpmn:startEvent id='s'/><bpmn:parallelGateway id='g'/>" + waiting +
         "<bpmn:endEvent id='ew'/><bpmn:userTask id='decide'/><bpmn:endEvent id='ed'/>" + extra +
         flow("f1", "s", "g") + flow("f2", "g", "w") + flow("f3", "w", "ew") + flow("f4", "g", "decide") +
         flow("f5", "decide", "ed") + kClose;
}

class EngineConditionalEventsTest : public EngineFixture {
 protected:
  StartResult start_cond(const std::string& input = "{}") {
    StartRequest request;
    request.process_model_id = "cond";
    request.input_values = input;
    auto started = start(request);
    EXPECT_TRUE(started) << started.error().message;
    return started.value();
  }

  std::optional<WaitingTask> task(const StartResult& started, const std::string& id) {
    TaskQuery query;
    query.correlation_id = started.correlation_id;
    auto listed = tasks(query);
    if (!listed) return std::nullopt;
    for (auto& waiting : listed->items) {
      if (waiting.flow_node_id == id) return waiting;
    }
    return std::nullopt;
  }

  void finish_task(const StartResult& started, const std::string& id, const std::string& fields) {
    std::optional<WaitingTask> waiting;
    ASSERT_TRUE(eventually([&] { return (waiting = task(started, id)).has_value(); })) << id;
    ASSERT_TRUE(finish({TaskKind::user_task, started.process_instance_id, started.correlation_id,
                        waiting->flow_node_instance_id, fields}));
  }

  std::vector<std::string> ends(const StartResult& started) {
    std::vector<std::string> ids;
    for (const auto& reached : results(started.correlation_id, "cond").value()) ids.push_back(reached.end_event_id);
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  ProcessInstanceState state_of(const StartResult& started) { return instance(started.process_instance_id)->state; }
};

TEST_F(EngineConditionalEventsTest, CatchEventWaitsUntilAnotherBranchMakesItsConditionTrue) {
  ASSERT_TRUE(deploy(parallel_with("<bpmn:intermediateCatchEvent id='w'>" + conditional("${approved}") +
                                   "</bpmn:intermediateCatchEvent>")));
  const auto started = start_cond(R"({"approved":false})");
  ASSERT_TRUE(eventually([&] { return task(started, "decide").has_value(); }));
  EXPECT_TRUE(ends(started).empty()) << "the condition is false: the catch event waits";
  finish_task(started, "decide", R"({"approved":true})");
  ASSERT_TRUE(eventually([&] { return state_of(started) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), (std::vector<std::string>{"ed", "ew"}));
}

TEST_F(EngineConditionalEventsTest, CatchEventWhoseConditionHoldsPassesAtOnce) {
  ASSERT_TRUE(deploy(kOpen + "<bpmn:startEvent id='s'/><bpmn:intermediateCatchEvent id='w'>" +
                     conditional("token.current.n &gt; 1") + "</bpmn:intermediateCatchEvent><bpmn:endEvent id='e'/>" +
                     flow("f1", "s", "w") + flow("f2", "w", "e") + kClose));
  const auto started = start_cond(R"({"n":2})");
  ASSERT_TRUE(eventually([&] { return state_of(started) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), (std::vector<std::string>{"e"}));
}

TEST_F(EngineConditionalEventsTest, InterruptingBoundaryEndsItsActivityWhenTheConditionBecomesTrue) {
  ASSERT_TRUE(deploy(parallel_with("<bpmn:userTask id='w'/>",
                                   "<bpmn:boundaryEvent id='b' attachedToRef='w'>" + conditional("${cancelled}") +
                                       "</bpmn:boundaryEvent><bpmn:endEvent id='eb'/>" + flow("f6", "b", "eb"))));
  const auto started = start_cond();
  ASSERT_TRUE(eventually([&] { return task(started, "w").has_value(); }));
  finish_task(started, "decide", R"({"cancelled":true})");
  ASSERT_TRUE(eventually([&] { return state_of(started) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), (std::vector<std::string>{"eb", "ed"}));
  EXPECT_FALSE(task(started, "w").has_value());
}

TEST_F(EngineConditionalEventsTest, NonInterruptingBoundaryFiresBesideItsActivity) {
  ASSERT_TRUE(deploy(parallel_with("<bpmn:userTask id='w'/>",
                                   "<bpmn:boundaryEvent id='b' attachedToRef='w' cancelActivity='false'>" +
                                       conditional("${remind}") + "</bpmn:boundaryEvent><bpmn:endEvent id='eb'/>" +
                                       flow("f6", "b", "eb"))));
  const auto started = start_cond();
  finish_task(started, "decide", R"({"remind":true})");
  ASSERT_TRUE(eventually([&] { return ends(started).size() == 2; }));
  EXPECT_EQ(ends(started), (std::vector<std::string>{"eb", "ed"}));
  EXPECT_TRUE(task(started, "w").has_value()) << "the activity still waits";
  finish_task(started, "w", "{}");
  ASSERT_TRUE(eventually([&] { return state_of(started) == ProcessInstanceState::finished; }));
}

// A non-interrupting conditional event sub-process runs when its condition becomes true, and
// again only after it was false in between; the process ends with its last task.
TEST_F(EngineConditionalEventsTest, EventSubProcessStartsEachTimeItsConditionBecomesTrue) {
  ASSERT_TRUE(deploy(kOpen + "<bpmn:startEvent id='s'/><bpmn:userTask id='t1'/><bpmn:userTask id='t2'/>"
                     "<bpmn:userTask id='t3'/><bpmn:endEvent id='e'/>" + flow("f1", "s", "t1") +
                     flow("f2", "t1", "t2") + flow("f3", "t2", "t3") + flow("f4", "t3", "e") +
                     "<bpmn:subProcess id='esp' triggeredByEvent='true'><bpmn:startEvent id='es' "
                     "isInterrupting='false'>" + conditional("${urgent}") + "</bpmn:startEvent>"
                     "<bpmn:endEvent id='ee'/>" + flow("e1", "es", "ee") + "</bpmn:subProcess>" + kClose));
  const auto started = start_cond(R"({"urgent":false})");
  finish_task(started, "t1", R"({"urgent":true})");
  ASSERT_TRUE(eventually([&] { return ends(started).size() == 1; }));
  finish_task(started, "t2", R"({"urgent":true})");  // still true: no second start
  ASSERT_TRUE(eventually([&] { return task(started, "t3").has_value(); }));
  EXPECT_EQ(ends(started), (std::vector<std::string>{"ee"}));
  finish_task(started, "t3", R"({"urgent":false})");
  ASSERT_TRUE(eventually([&] { return state_of(started) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started), (std::vector<std::string>{"e", "ee"}));
}

TEST_F(EngineConditionalEventsTest, DeployListsConditionalProblems) {
  auto refused = deploy(kOpen + "<bpmn:startEvent id='s'/><bpmn:startEvent id='s2'>" + conditional("${x}") +
                        "</bpmn:startEvent><bpmn:intermediateCatchEvent id='w'><bpmn:conditionalEventDefinition/>"
                        "</bpmn:intermediateCatchEvent><bpmn:endEvent id='e'/>" + flow("f1", "s", "w") +
                        flow("f2", "w", "e") + flow("f3", "s2", "e") + kClose);
  ASSERT_FALSE(refused);
  const std::string& info = refused.error().additional_information;
  for (const char* expected : {"conditional event 'w' has no condition",
                               "start event 's2' with an error, escalation or conditional trigger"}) {
    EXPECT_NE(info.find(expected), std::string::npos) << expected << " in " << info;
  }
}

}  // namespace
}  // namespace processhost::engine
