// Compensation of a real engine on the memory store: compensation boundary events with their
// handlers, compensation throw and end events (all, or one activityRef), reverse order of
// completion, the scope rule, and a handler that waits across a restart.
#include <algorithm>
#include <mutex>

#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;

const std::string kOpen =
    "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='d'>"
    "<bpmn:process id='comp' isExecutable='true'>";
const std::string kClose = "</bpmn:process></bpmn:definitions>";

// A script task 'name' that returns {"did": name} and whose handler 'undo_<name>' (a script
// task) returns {"undid": <what the activity returned>}, appending it to token.current.
std::string compensable(const std::string& name) {
  return "<bpmn:scriptTask id='" + name + "'><bpmn:script>return {did: '" + name +
         "'};</bpmn:script></bpmn:scriptTask>"
         "<bpmn:boundaryEvent id='cb_" + name + "' attachedToRef='" + name +
         "'><bpmn:compensateEventDefinition/></bpmn:boundaryEvent>"
         "<bpmn:scriptTask id='undo_" + name + "' isForCompensation='true'><bpmn:script>"
         "return {undid: token.current.did};</bpmn:script></bpmn:scriptTask>"
         "<bpmn:association id='a_" + name + "' sourceRef='cb_" + name + "' targetRef='undo_" + name + "'/>";
}

std::string flow(const std::string& id, const std::string& from, const std::string& to) {
  return "<bpmn:sequenceFlow id='" + id + "' sourceRef='" + from + "' targetRef='" + to + "'/>";
}

class EngineCompensationTest : public EngineFixture {
 protected:
  StartResult run_to_end() {
    StartRequest request;
    request.process_model_id = "comp";
    request.callback_type = StartCallbackType::on_process_finished;
    auto finished = start(request);
    EXPECT_TRUE(finished) << finished.error().message;
    return finished.value();
  }

  void SetUp() override {
    EngineFixture::SetUp();
    listener_ = engine_->add_listener([this](const EngineEvent& event) {
      std::lock_guard lock(mutex_);
      if (event.kind == EngineEventKind::activity_finished && event.flow_node_id.rfind("undo_", 0) == 0) {
        handlers_.push_back(event.flow_node_id + "=" + event.payload);
      }
    });
  }
  void TearDown() override {
    engine_->remove_listener(listener_);
    EngineFixture::TearDown();
  }

  // The handler script tasks that finished, "<id>=<result>", in the order they finished.
  std::vector<std::string> handlers_run(const std::string&) {
    std::lock_guard lock(mutex_);
    return handlers_;
  }

  std::mutex mutex_;
  std::vector<std::string> handlers_;
  std::uint64_t listener_ = 0;
};

TEST_F(EngineCompensationTest, ThrowEventCompensatesCompletedActivitiesInReverseOrderAndGoesOn) {
  ASSERT_TRUE(deploy(kOpen + "<bpmn:startEvent id='s'/>" + compensable("book") + compensable("pay") +
                     "<bpmn:intermediateThrowEvent id='undo'><bpmn:compensateEventDefinition/>"
                     "</bpmn:intermediateThrowEvent><bpmn:endEvent id='e'/>" +
                     flow("f1", "s", "book") + flow("f2", "book", "pay") + flow("f3", "pay", "undo") +
                     flow("f4", "undo", "e") + kClose));
  const auto finished = run_to_end();
  EXPECT_EQ(finished.end_event_id.value_or("-"), "e");
  EXPECT_EQ(instance(finished.process_instance_id)->state, ProcessInstanceState::finished);
  // The last completed activity is compensated first, each handler with its activity's result.
  EXPECT_EQ(handlers_run(finished.process_instance_id),
            (std::vector<std::string>{"undo_pay={\"undid\":\"pay\"}", "undo_book={\"undid\":\"book\"}"}));
  // The thrower's token goes on with the payload it reached the throw event with.
  EXPECT_EQ(results(finished.correlation_id, "comp").value()[0].token_payload, R"({"did":"pay"})");
}

TEST_F(EngineCompensationTest, ActivityRefCompensatesThatActivityOnlyAndAnEndEventEndsAfterIt) {
  ASSERT_TRUE(deploy(kOpen + "<bpmn:startEvent id='s'/>" + compensable("book") + compensable("pay") +
                     "<bpmn:endEvent id='e'><bpmn:compensateEventDefinition activityRef='book'/></bpmn:endEvent>" +
                     flow("f1", "s", "book") + flow("f2", "book", "pay") + flow("f3", "pay", "e") + kClose));
  const auto finished = run_to_end();
  EXPECT_EQ(finished.end_event_id.value_or("-"), "e");
  EXPECT_EQ(handlers_run(finished.process_instance_id),
            (std::vector<std::string>{"undo_book={\"undid\":\"book\"}"}));
}

TEST_F(EngineCompensationTest, NothingCompletedNothingCompensatedAndTheThrowerGoesOnAtOnce) {
  ASSERT_TRUE(deploy(kOpen + "<bpmn:startEvent id='s'/>" + compensable("book") +
                     "<bpmn:intermediateThrowEvent id='undo'><bpmn:compensateEventDefinition/>"
                     "</bpmn:intermediateThrowEvent><bpmn:endEvent id='e'/>" +
                     flow("f1", "s", "undo") + flow("f2", "undo", "book") + flow("f3", "book", "e") + kClose));
  const auto finished = run_to_end();
  EXPECT_EQ(finished.end_event_id.value_or("-"), "e");
  EXPECT_TRUE(handlers_run(finished.process_instance_id).empty());
}

// A completed sub-process hands its inner compensable activities to its parent scope; a throw
// inside another sub-process compensates that sub-process's activities only.
TEST_F(EngineCompensationTest, CompletedSubProcessIsCompensatedThroughItsInnerActivities) {
  ASSERT_TRUE(deploy(kOpen + "<bpmn:startEvent id='s'/><bpmn:subProcess id='sp'><bpmn:startEvent id='is'/>" +
                     compensable("book") + "<bpmn:endEvent id='ie'/>" + flow("i1", "is", "book") +
                     flow("i2", "book", "ie") + "</bpmn:subProcess>" + compensable("pay") +
                     "<bpmn:endEvent id='e'><bpmn:compensateEventDefinition/></bpmn:endEvent>" +
                     flow("f1", "s", "sp") + flow("f2", "sp", "pay") + flow("f3", "pay", "e") + kClose));
  const auto finished = run_to_end();
  EXPECT_EQ(handlers_run(finished.process_instance_id),
            (std::vector<std::string>{"undo_pay={\"undid\":\"pay\"}", "undo_book={\"undid\":\"book\"}"}));
}

// An error event sub-process compensates what its scope did (the classic "undo on failure").
TEST_F(EngineCompensationTest, ErrorEventSubProcessCompensatesItsScope) {
  ASSERT_TRUE(deploy(kOpen + "<bpmn:startEvent id='s'/>" + compensable("book") +
                     "<bpmn:scriptTask id='fail'><bpmn:script>throw new Error('no seats');</bpmn:script>"
                     "</bpmn:scriptTask><bpmn:endEvent id='e'/>" +
                     flow("f1", "s", "book") + flow("f2", "book", "fail") + flow("f3", "fail", "e") +
                     "<bpmn:subProcess id='on_error' triggeredByEvent='true'><bpmn:startEvent id='es'>"
                     "<bpmn:errorEventDefinition/></bpmn:startEvent><bpmn:intermediateThrowEvent id='undo'>"
                     "<bpmn:compensateEventDefinition/></bpmn:intermediateThrowEvent><bpmn:endEvent id='ee'/>" +
                     flow("e1", "es", "undo") + flow("e2", "undo", "ee") + "</bpmn:subProcess>" + kClose));
  const auto finished = run_to_end();
  EXPECT_EQ(finished.end_event_id.value_or("-"), "ee");
  EXPECT_EQ(instance(finished.process_instance_id)->state, ProcessInstanceState::finished);
  EXPECT_EQ(handlers_run(finished.process_instance_id),
            (std::vector<std::string>{"undo_book={\"undid\":\"book\"}"}));
}

// Handlers that wait (user tasks) show the order: the last completed activity's first, the
// next one only when it is done; the thrower waits for both, also across a restart.
TEST_F(EngineCompensationTest, HandlersRunOneAfterTheOtherInReverseOrderOfCompletion) {
  auto by_hand = [](const std::string& name) {
    return "<bpmn:scriptTask id='" + name + "'><bpmn:script>return {did: '" + name + "'};</bpmn:script>"
           "</bpmn:scriptTask><bpmn:boundaryEvent id='cb_" + name + "' attachedToRef='" + name +
           "'><bpmn:compensateEventDefinition/></bpmn:boundaryEvent><bpmn:userTask id='undo_" + name +
           "' isForCompensation='true'/><bpmn:association id='a_" + name + "' sourceRef='cb_" + name +
           "' targetRef='undo_" + name + "'/>";
  };
  ASSERT_TRUE(deploy(kOpen + "<bpmn:startEvent id='s'/>" + by_hand("first") + by_hand("second") +
                     "<bpmn:intermediateThrowEvent id='undo'><bpmn:compensateEventDefinition/>"
                     "</bpmn:intermediateThrowEvent><bpmn:endEvent id='e'/>" + flow("f1", "s", "first") +
                     flow("f2", "first", "second") + flow("f3", "second", "undo") + flow("f4", "undo", "e") + kClose));
  StartRequest request;
  request.process_model_id = "comp";
  auto started = start(request);
  ASSERT_TRUE(started);
  TaskQuery query;
  query.correlation_id = started->correlation_id;
  for (const char* expected : {"undo_second", "undo_first"}) {
    ASSERT_TRUE(eventually([&] { return tasks(query)->items.size() == 1; })) << expected;
    start_engine(EngineOptions{});
    auto waiting = tasks(query)->items;
    ASSERT_EQ(waiting.size(), 1u);
    EXPECT_EQ(waiting[0].flow_node_id, expected);
    EXPECT_EQ(instance(started->process_instance_id)->state, ProcessInstanceState::running);
    ASSERT_TRUE(finish({TaskKind::user_task, started->process_instance_id, started->correlation_id,
                        waiting[0].flow_node_instance_id, "{}"}));
    if (std::string(expected) == "undo_second") {
      ASSERT_TRUE(eventually([&] {
        auto now = tasks(query)->items;
        return now.size() == 1 && now[0].flow_node_id == "undo_first";
      }));
    }
  }
  ASSERT_TRUE(eventually([&] { return instance(started->process_instance_id)->state == ProcessInstanceState::finished; }));
  EXPECT_EQ(results(started->correlation_id, "comp").value()[0].end_event_id, "e");
}

// A handler that waits (a user task) keeps its thrower waiting, also across a restart.
TEST_F(EngineCompensationTest, WaitingHandlerKeepsTheThrowerWaitingAcrossARestart) {
  ASSERT_TRUE(deploy(kOpen + "<bpmn:startEvent id='s'/><bpmn:scriptTask id='book'><bpmn:script>return {did: 1};"
                     "</bpmn:script></bpmn:scriptTask><bpmn:boundaryEvent id='cb' attachedToRef='book'>"
                     "<bpmn:compensateEventDefinition/></bpmn:boundaryEvent>"
                     "<bpmn:userTask id='undo_by_hand' isForCompensation='true'/>"
                     "<bpmn:association id='a' sourceRef='cb' targetRef='undo_by_hand'/>"
                     "<bpmn:intermediateThrowEvent id='undo'><bpmn:compensateEventDefinition/>"
                     "</bpmn:intermediateThrowEvent><bpmn:endEvent id='e'/>" +
                     flow("f1", "s", "book") + flow("f2", "book", "undo") + flow("f3", "undo", "e") + kClose));
  StartRequest request;
  request.process_model_id = "comp";
  auto started = start(request);
  ASSERT_TRUE(started);
  TaskQuery query;
  query.correlation_id = started->correlation_id;
  ASSERT_TRUE(eventually([&] { return tasks(query)->items.size() == 1; }));
  start_engine(EngineOptions{});
  auto waiting = tasks(query)->items;
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].flow_node_id, "undo_by_hand");
  EXPECT_EQ(waiting[0].token_payload, R"({"did":1})");
  EXPECT_EQ(instance(started->process_instance_id)->state, ProcessInstanceState::running);
  ASSERT_TRUE(finish({TaskKind::user_task, started->process_instance_id, started->correlation_id,
                      waiting[0].flow_node_instance_id, "{}"}));
  ASSERT_TRUE(eventually([&] { return instance(started->process_instance_id)->state == ProcessInstanceState::finished; }));
  EXPECT_EQ(results(started->correlation_id, "comp").value()[0].end_event_id, "e");
}

TEST_F(EngineCompensationTest, DeployListsEveryCompensationProblem) {
  auto refused = deploy(kOpen + "<bpmn:startEvent id='s'/><bpmn:task id='t'/><bpmn:task id='h'/>"
                        "<bpmn:task id='t2'/><bpmn:task id='h2' isForCompensation='true'/>"
                        "<bpmn:boundaryEvent id='no_handler' attachedToRef='t'><bpmn:compensateEventDefinition/>"
                        "</bpmn:boundaryEvent><bpmn:boundaryEvent id='wrong' attachedToRef='t2'>"
                        "<bpmn:compensateEventDefinition/></bpmn:boundaryEvent>"
                        "<bpmn:association id='a' sourceRef='wrong' targetRef='h'/>"
                        "<bpmn:endEvent id='e'><bpmn:compensateEventDefinition activityRef='nothing'/></bpmn:endEvent>" +
                        flow("f1", "s", "t") + flow("f2", "t", "t2") + flow("f3", "t2", "h2") + flow("f4", "h2", "e") +
                        kClose);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().http_status(), 422);
  const std::string& info = refused.error().additional_information;
  for (const char* expected : {"compensation boundary event 'no_handler' has no association",
                               "'h', associated with compensation boundary event 'wrong', is not marked",
                               "compensation handler 'h2' has sequence flows in or out",
                               "activityRef 'nothing' of 'e' names no activity"}) {
    EXPECT_NE(info.find(expected), std::string::npos) << expected << " in " << info;
  }
}

// waitForCompletion="false": the thrower goes on at once while the handlers run.
TEST_F(EngineCompensationTest, ThrowerThatDoesNotWaitGoesOnWhileItsHandlerWaits) {
  ASSERT_TRUE(deploy(kOpen + "<bpmn:startEvent id='s'/><bpmn:scriptTask id='book'><bpmn:script>return {did: 1};"
                     "</bpmn:script></bpmn:scriptTask><bpmn:boundaryEvent id='cb' attachedToRef='book'>"
                     "<bpmn:compensateEventDefinition/></bpmn:boundaryEvent>"
                     "<bpmn:userTask id='undo_by_hand' isForCompensation='true'/>"
                     "<bpmn:association id='a' sourceRef='cb' targetRef='undo_by_hand'/>"
                     "<bpmn:intermediateThrowEvent id='undo'><bpmn:compensateEventDefinition waitForCompletion='false'/>"
                     "</bpmn:intermediateThrowEvent><bpmn:endEvent id='e'/>" +
                     flow("f1", "s", "book") + flow("f2", "book", "undo") + flow("f3", "undo", "e") + kClose));
  StartRequest request;
  request.process_model_id = "comp";
  auto started = start(request);
  ASSERT_TRUE(started);
  TaskQuery query;
  query.correlation_id = started->correlation_id;
  ASSERT_TRUE(eventually([&] { return tasks(query)->items.size() == 1; }));
  // The thrower went on to its end event; the handler still waits and keeps the instance running.
  ASSERT_TRUE(eventually([&] { return results(started->correlation_id, "comp")->size() == 1; }));
  EXPECT_EQ(results(started->correlation_id, "comp").value()[0].end_event_id, "e");
  EXPECT_EQ(instance(started->process_instance_id)->state, ProcessInstanceState::running);
  auto waiting = tasks(query)->items;
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].flow_node_id, "undo_by_hand");
  ASSERT_TRUE(finish({TaskKind::user_task, started->process_instance_id, started->correlation_id,
                      waiting[0].flow_node_instance_id, "{}"}));
  ASSERT_TRUE(eventually([&] { return instance(started->process_instance_id)->state == ProcessInstanceState::finished; }));
}

// An embedded sub-process is a handler like a task: it runs with its activity's token, and the
// thrower goes on when it completes (its wait survives a restart).
TEST_F(EngineCompensationTest, EmbeddedSubProcessIsACompensationHandler) {
  ASSERT_TRUE(deploy(kOpen + "<bpmn:startEvent id='s'/><bpmn:scriptTask id='book'><bpmn:script>return {did: 'book'};"
                     "</bpmn:script></bpmn:scriptTask><bpmn:boundaryEvent id='cb' attachedToRef='book'>"
                     "<bpmn:compensateEventDefinition/></bpmn:boundaryEvent>"
                     "<bpmn:subProcess id='undo_sub' isForCompensation='true'><bpmn:startEvent id='hs'/>"
                     "<bpmn:scriptTask id='undo_inner'><bpmn:script>return {undid: token.current.did};</bpmn:script>"
                     "</bpmn:scriptTask><bpmn:userTask id='undo_confirm'/><bpmn:endEvent id='he'/>" +
                     flow("h1", "hs", "undo_inner") + flow("h2", "undo_inner", "undo_confirm") +
                     flow("h3", "undo_confirm", "he") + "</bpmn:subProcess>"
                     "<bpmn:association id='a' sourceRef='cb' targetRef='undo_sub'/>"
                     "<bpmn:endEvent id='e'><bpmn:compensateEventDefinition/></bpmn:endEvent>" +
                     flow("f1", "s", "book") + flow("f2", "book", "e") + kClose));
  StartRequest request;
  request.process_model_id = "comp";
  auto started = start(request);
  ASSERT_TRUE(started);
  TaskQuery query;
  query.correlation_id = started->correlation_id;
  ASSERT_TRUE(eventually([&] { return tasks(query)->items.size() == 1; }));
  EXPECT_EQ(handlers_run(started->process_instance_id),
            (std::vector<std::string>{"undo_inner={\"undid\":\"book\"}"}));
  start_engine(EngineOptions{});
  auto waiting = tasks(query)->items;
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].flow_node_id, "undo_confirm");
  // The thrower (an end event) waits for the handler sub-process.
  EXPECT_TRUE(results(started->correlation_id, "comp")->empty());
  EXPECT_EQ(instance(started->process_instance_id)->state, ProcessInstanceState::running);
  ASSERT_TRUE(finish({TaskKind::user_task, started->process_instance_id, started->correlation_id,
                      waiting[0].flow_node_instance_id, "{}"}));
  ASSERT_TRUE(eventually([&] { return instance(started->process_instance_id)->state == ProcessInstanceState::finished; }));
  EXPECT_EQ(results(started->correlation_id, "comp").value()[0].end_event_id, "e");
}

TEST_F(EngineCompensationTest, CompensationEventSubProcessIsRefusedWithAClearMessage) {
  auto refused = deploy(kOpen + "<bpmn:startEvent id='s'/><bpmn:subProcess id='sp'><bpmn:startEvent id='is'/>"
                        "<bpmn:endEvent id='ie'/>" + flow("i1", "is", "ie") +
                        "<bpmn:subProcess id='esp' triggeredByEvent='true'><bpmn:startEvent id='cs'>"
                        "<bpmn:compensateEventDefinition/></bpmn:startEvent><bpmn:endEvent id='ce'/>" +
                        flow("c1", "cs", "ce") + "</bpmn:subProcess></bpmn:subProcess><bpmn:endEvent id='e'/>" +
                        flow("f1", "s", "sp") + flow("f2", "sp", "e") + kClose);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().http_status(), 422);
  EXPECT_NE(refused.error().additional_information.find(
                "compensation start event 'cs': compensation event sub-processes are not supported by this engine"),
            std::string::npos)
      << refused.error().additional_information;
}

}  // namespace
}  // namespace processhost::engine
