// Event sub-processes of a real engine on the memory store: message, signal, timer, error and
// escalation start events, interrupting and not, in the process and in an embedded
// sub-process; their subscriptions live as long as their scope and survive a restart.
#include <algorithm>

#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;
using testing::test_identity;

const std::string kDefinitions =
    "<bpmn:definitions xmlns:bpmn='http://www.omg.org/spec/BPMN/20100524/MODEL' id='d'>"
    "<bpmn:message id='M' name='Ping'/><bpmn:signal id='S' name='Wave'/>"
    "<bpmn:error id='E' errorCode='bad'/><bpmn:error id='Other' errorCode='other'/>"
    "<bpmn:escalation id='Late' escalationCode='late'/>";

const std::string kMessage = "<bpmn:messageEventDefinition messageRef='M'/>";
const std::string kSignal = "<bpmn:signalEventDefinition signalRef='S'/>";
const std::string kTimer = "<bpmn:timerEventDefinition><bpmn:timeDuration>PT0.2S</bpmn:timeDuration>"
                           "</bpmn:timerEventDefinition>";

// The event sub-process 'esp': start 'es' (definition, interrupting or not) -> end 'ee'.
std::string event_sub_process(const std::string& definition, bool interrupting, const std::string& suffix = "") {
  return "<bpmn:subProcess id='esp" + suffix + "' triggeredByEvent='true'><bpmn:startEvent id='es" + suffix +
         "' isInterrupting='" + (interrupting ? "true" : "false") + "'>" + definition +
         "</bpmn:startEvent><bpmn:endEvent id='ee" + suffix + "'/>"
         "<bpmn:sequenceFlow id='ef" + suffix + "' sourceRef='es" + suffix + "' targetRef='ee" + suffix +
         "'/></bpmn:subProcess>";
}

// Process 'esp_p': start 's' -> user task 't' -> end 'et', with the given event sub-processes.
std::string process_with(const std::string& event_sub_processes) {
  return kDefinitions +
         "<bpmn:process id='esp_p' isExecutable='true'><bpmn:startEvent id='s'/><bpmn:userTask id='t'/>"
         "<bpmn:endEvent id='et'/><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='t'/>"
         "<bpmn:sequenceFlow id='f2' sourceRef='t' targetRef='et'/>" +
         event_sub_processes + "</bpmn:process></bpmn:definitions>";
}

// Process 'esp_p': start 's' -> sub-process 'sp' (start 'is' -> inner -> end 'ie') -> end 'et';
// the event sub-processes inside 'sp'; extra elements beside 'sp' (boundary events).
std::string sub_process_with(const std::string& inner, const std::string& event_sub_processes,
                             const std::string& beside = "") {
  return kDefinitions +
         "<bpmn:process id='esp_p' isExecutable='true'><bpmn:startEvent id='s'/>"
         "<bpmn:subProcess id='sp'><bpmn:startEvent id='is'/>" + inner +
         "<bpmn:endEvent id='ie'/><bpmn:sequenceFlow id='i1' sourceRef='is' targetRef='inner'/>"
         "<bpmn:sequenceFlow id='i2' sourceRef='inner' targetRef='ie'/>" + event_sub_processes +
         "</bpmn:subProcess><bpmn:endEvent id='et'/>" + beside +
         "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='sp'/>"
         "<bpmn:sequenceFlow id='f2' sourceRef='sp' targetRef='et'/></bpmn:process></bpmn:definitions>";
}

class EngineEventSubProcessTest : public EngineFixture {
 protected:
  StartResult start_p(StartCallbackType callback = StartCallbackType::on_instance_created) {
    StartRequest request;
    request.process_model_id = "esp_p";
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

  std::vector<WaitingEvent> events(const std::string& correlation_id) {
    EventQuery query;
    query.correlation_id = correlation_id;
    auto listed = testing::call_sync<PagedList<WaitingEvent>>(
        [&](auto done) { engine_->waiting_events(test_identity(), query, done); });
    return listed ? listed->items : std::vector<WaitingEvent>{};
  }

  Status trigger(EventKind kind, const std::string& name, std::optional<JsonText> payload) {
    return testing::call_sync<Ok>([&](auto done) { engine_->trigger(test_identity(), kind, name, payload, done); });
  }

  std::vector<std::string> ends(const std::string& correlation_id) {
    std::vector<std::string> ids;
    for (const auto& reached : results(correlation_id, "esp_p").value()) ids.push_back(reached.end_event_id);
    return ids;
  }

  ProcessInstanceState state_of(const StartResult& started) { return instance(started.process_instance_id)->state; }

  std::optional<std::int64_t> next_timer() {
    auto due = testing::call_sync<std::optional<std::int64_t>>([&](auto done) { store_.next_timer_due(done); });
    return due ? due.value() : std::nullopt;
  }
};

TEST_F(EngineEventSubProcessTest, InterruptingMessageEndsTheRestAndFinishesTheProcess) {
  ASSERT_TRUE(deploy(process_with(event_sub_process(kMessage, true))));
  const auto started = start_p();
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
  auto waiting = events(started.correlation_id);
  ASSERT_EQ(waiting.size(), 1u);
  EXPECT_EQ(waiting[0].flow_node_id, "es");
  ASSERT_TRUE(trigger(EventKind::message, "Ping", R"({"currentToken":{"x":7}})"));
  ASSERT_TRUE(eventually([&] { return state_of(started) == ProcessInstanceState::finished; }));
  EXPECT_TRUE(user_tasks(started.correlation_id).empty());
  EXPECT_TRUE(events(started.correlation_id).empty());
  auto reached = results(started.correlation_id, "esp_p").value();
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(reached[0].end_event_id, "ee");
  EXPECT_EQ(reached[0].token_payload, R"({"x":7})");
}

TEST_F(EngineEventSubProcessTest, NonInterruptingSignalRunsBesideAsOftenAsItComes) {
  ASSERT_TRUE(deploy(process_with(event_sub_process(kSignal, false))));
  const auto started = start_p();
  ASSERT_TRUE(eventually([&] { return events(started.correlation_id).size() == 1; }));
  ASSERT_TRUE(trigger(EventKind::signal, "Wave", R"({"currentToken":1})"));
  ASSERT_TRUE(eventually([&] { return ends(started.correlation_id).size() == 1; }));
  ASSERT_TRUE(eventually([&] { return events(started.correlation_id).size() == 1; })) << "waits again";
  ASSERT_TRUE(trigger(EventKind::signal, "Wave", R"({"currentToken":2})"));
  ASSERT_TRUE(eventually([&] { return ends(started.correlation_id).size() == 2; }));
  EXPECT_EQ(ends(started.correlation_id), (std::vector<std::string>{"ee", "ee"}));
  EXPECT_EQ(state_of(started), ProcessInstanceState::running);
  auto waiting = user_tasks(started.correlation_id);
  ASSERT_EQ(waiting.size(), 1u);
  ASSERT_TRUE(finish({TaskKind::user_task, started.process_instance_id, started.correlation_id,
                      waiting[0].flow_node_instance_id, "{}"}));
  ASSERT_TRUE(eventually([&] { return state_of(started) == ProcessInstanceState::finished; }));
  EXPECT_TRUE(events(started.correlation_id).empty()) << "the subscription ends with its process";
  EXPECT_EQ(ends(started.correlation_id), (std::vector<std::string>{"ee", "ee", "et"}));
}

TEST_F(EngineEventSubProcessTest, InterruptingTimerFiresWhileTheScopeRuns) {
  ASSERT_TRUE(deploy(process_with(event_sub_process(kTimer, true))));
  const auto started = start_p();
  ASSERT_TRUE(eventually([&] { return state_of(started) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started.correlation_id), (std::vector<std::string>{"ee"}));
  EXPECT_TRUE(user_tasks(started.correlation_id).empty());
  // A timer starts the event sub-process with the payload its scope began with.
  EXPECT_EQ(results(started.correlation_id, "esp_p").value()[0].token_payload, R"({"n":1})");
}

TEST_F(EngineEventSubProcessTest, TimerSubscriptionIsCancelledWhenItsScopeEnds) {
  const std::string long_timer = "<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration>"
                                 "</bpmn:timerEventDefinition>";
  ASSERT_TRUE(deploy(sub_process_with("<bpmn:userTask id='inner'/>", event_sub_process(long_timer, false))));
  const auto started = start_p();
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
  EXPECT_TRUE(next_timer().has_value()) << "armed while the sub-process runs";
  auto waiting = user_tasks(started.correlation_id);
  ASSERT_TRUE(finish({TaskKind::user_task, started.process_instance_id, started.correlation_id,
                      waiting[0].flow_node_instance_id, "{}"}));
  ASSERT_TRUE(eventually([&] { return state_of(started) == ProcessInstanceState::finished; }));
  EXPECT_FALSE(next_timer().has_value()) << "cancelled with the sub-process";
  EXPECT_EQ(ends(started.correlation_id), (std::vector<std::string>{"et"}));
}

// Inside the sub-process, an interrupting event sub-process ends the sub-process's other work
// and, when it completes, the sub-process, which goes on along its outgoing flow.
TEST_F(EngineEventSubProcessTest, InterruptingMessageInASubProcessEndsItThroughTheEventSubProcess) {
  ASSERT_TRUE(deploy(sub_process_with("<bpmn:userTask id='inner'/>", event_sub_process(kMessage, true))));
  const auto started = start_p();
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
  ASSERT_TRUE(trigger(EventKind::message, "Ping", R"({"currentToken":{"m":1}})"));
  ASSERT_TRUE(eventually([&] { return state_of(started) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started.correlation_id), (std::vector<std::string>{"et"}));
  EXPECT_EQ(results(started.correlation_id, "esp_p").value()[0].token_payload, R"({"m":1})");
  EXPECT_TRUE(user_tasks(started.correlation_id).empty());
}

// BPMN precedence: an error inside a sub-process is caught by the sub-process's error event
// sub-process (inside) before the error boundary event on the sub-process (outside).
TEST_F(EngineEventSubProcessTest, ErrorEventSubProcessCatchesBeforeTheBoundaryEvent) {
  const std::string boundary = "<bpmn:boundaryEvent id='b' attachedToRef='sp'><bpmn:errorEventDefinition errorRef='E'/>"
                               "</bpmn:boundaryEvent><bpmn:endEvent id='eb'/>"
                               "<bpmn:sequenceFlow id='f3' sourceRef='b' targetRef='eb'/>";
  // 'inner' raises the error; 'ie' is never reached.
  const std::string failing = "<bpmn:intermediateThrowEvent id='inner'/><bpmn:endEvent id='boom'>"
                              "<bpmn:errorEventDefinition errorRef='E'/></bpmn:endEvent>"
                              "<bpmn:sequenceFlow id='i0' sourceRef='is' targetRef='boom'/>";
  const std::string catcher = event_sub_process("<bpmn:errorEventDefinition errorRef='E'/>", true);
  ASSERT_TRUE(deploy(sub_process_with(failing, catcher, boundary)));
  const auto finished = start_p(StartCallbackType::on_process_finished);
  EXPECT_EQ(finished.end_event_id.value_or("-"), "et");
  EXPECT_EQ(state_of(finished), ProcessInstanceState::finished);

  // An error event sub-process for another code lets the boundary event catch it.
  const std::string other = event_sub_process("<bpmn:errorEventDefinition errorRef='Other'/>", true);
  ASSERT_TRUE(deploy(sub_process_with(failing, other, boundary)));
  const auto caught_outside = start_p(StartCallbackType::on_process_finished);
  EXPECT_EQ(caught_outside.end_event_id.value_or("-"), "eb");
}

TEST_F(EngineEventSubProcessTest, ProcessLevelErrorEventSubProcessCatchesAnErrorEndEvent) {
  ASSERT_TRUE(deploy(kDefinitions +
                     "<bpmn:process id='esp_p' isExecutable='true'><bpmn:startEvent id='s'/>"
                     "<bpmn:endEvent id='boom'><bpmn:errorEventDefinition errorRef='E'/></bpmn:endEvent>"
                     "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='boom'/>" +
                     event_sub_process("<bpmn:errorEventDefinition/>", true) + "</bpmn:process></bpmn:definitions>"));
  const auto finished = start_p(StartCallbackType::on_process_finished);
  EXPECT_EQ(finished.end_event_id.value_or("-"), "ee");
  EXPECT_EQ(state_of(finished), ProcessInstanceState::finished);
  auto reached = results(finished.correlation_id, "esp_p").value();
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_NE(reached[0].token_payload.find("\"code\":\"bad\""), std::string::npos) << reached[0].token_payload;
}

TEST_F(EngineEventSubProcessTest, EscalationEventSubProcessInterruptingOrNot) {
  const std::string thrower = "<bpmn:intermediateThrowEvent id='inner'><bpmn:escalationEventDefinition "
                              "escalationRef='Late'/></bpmn:intermediateThrowEvent>";
  const std::string catch_late = "<bpmn:escalationEventDefinition escalationRef='Late'/>";
  ASSERT_TRUE(deploy(sub_process_with(thrower, event_sub_process(catch_late, false))));
  const auto beside = start_p(StartCallbackType::on_process_finished);
  std::vector<std::string> both = ends(beside.correlation_id);
  EXPECT_EQ(both, (std::vector<std::string>{"et"})) << "the thrower went on, the sub-process ended normally";

  // Interrupting: the thrower does not go on, yet the sub-process completes through 'ee'.
  const std::string thrower_then_task =
      "<bpmn:intermediateThrowEvent id='inner'><bpmn:escalationEventDefinition escalationRef='Late'/>"
      "</bpmn:intermediateThrowEvent>";
  ASSERT_TRUE(deploy(sub_process_with(thrower_then_task, event_sub_process(catch_late, true))));
  const auto interrupted = start_p(StartCallbackType::on_process_finished);
  EXPECT_EQ(interrupted.end_event_id.value_or("-"), "et");
  EXPECT_EQ(state_of(interrupted), ProcessInstanceState::finished);
}

TEST_F(EngineEventSubProcessTest, SubscriptionsAndRunningEventSubProcessesSurviveARestart) {
  const std::string waits = "<bpmn:subProcess id='esp' triggeredByEvent='true'><bpmn:startEvent id='es' "
                            "isInterrupting='false'>" + kMessage + "</bpmn:startEvent><bpmn:userTask id='et2'/>"
                            "<bpmn:endEvent id='ee'/><bpmn:sequenceFlow id='e1' sourceRef='es' targetRef='et2'/>"
                            "<bpmn:sequenceFlow id='e2' sourceRef='et2' targetRef='ee'/></bpmn:subProcess>";
  ASSERT_TRUE(deploy(sub_process_with("<bpmn:userTask id='inner'/>", waits)));
  const auto started = start_p();
  ASSERT_TRUE(eventually([&] { return events(started.correlation_id).size() == 1; }));
  start_engine(EngineOptions{});
  ASSERT_TRUE(trigger(EventKind::message, "Ping", R"({"currentToken":{"m":1}})"));
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 2; }));
  start_engine(EngineOptions{});
  for (const char* id : {"et2", "inner"}) {
    auto waiting = user_tasks(started.correlation_id);
    auto task = std::find_if(waiting.begin(), waiting.end(), [&](const WaitingTask& t) { return t.flow_node_id == id; });
    ASSERT_NE(task, waiting.end()) << id;
    ASSERT_TRUE(finish({TaskKind::user_task, started.process_instance_id, started.correlation_id,
                        task->flow_node_instance_id, "{}"}));
  }
  ASSERT_TRUE(eventually([&] { return state_of(started) == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started.correlation_id), (std::vector<std::string>{"et"}));
  EXPECT_TRUE(events(started.correlation_id).empty());
}

TEST_F(EngineEventSubProcessTest, DeployListsEveryProblemOfEventSubProcesses) {
  const std::string body =
      "<bpmn:process id='esp_p' isExecutable='true'><bpmn:startEvent id='s'/><bpmn:endEvent id='e'/>"
      "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='e'/>"
      "<bpmn:subProcess id='two' triggeredByEvent='true'><bpmn:startEvent id='a'>" + kMessage +
      "</bpmn:startEvent><bpmn:startEvent id='b'>" + kSignal + "</bpmn:startEvent></bpmn:subProcess>"
      "<bpmn:subProcess id='soft' triggeredByEvent='true'><bpmn:startEvent id='c' isInterrupting='false'>"
      "<bpmn:errorEventDefinition/></bpmn:startEvent></bpmn:subProcess>"
      "<bpmn:subProcess id='plain' triggeredByEvent='true'><bpmn:startEvent id='d'/></bpmn:subProcess>"
      "<bpmn:subProcess id='inner'><bpmn:startEvent id='x'><bpmn:errorEventDefinition/></bpmn:startEvent>"
      "</bpmn:subProcess></bpmn:process></bpmn:definitions>";
  auto refused = deploy(kDefinitions + body);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().http_status(), 422);
  const std::string& info = refused.error().additional_information;
  for (const char* expected : {"event sub-process 'two' needs exactly one start event",
                               "error start event 'c' of event sub-process 'soft' is non-interrupting",
                               "start event 'd' of event sub-process 'plain' has no message",
                               "start event 'x' with an error, escalation or conditional trigger is only allowed"}) {
    EXPECT_NE(info.find(expected), std::string::npos) << expected << " in " << info;
  }
}

}  // namespace
}  // namespace processhost::engine
