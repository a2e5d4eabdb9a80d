// Messages, signals, timers and boundary events of a real engine on the memory store.
#include <future>
#include <thread>

#include "engine_fixture.hpp"
#include "model/timer_definition.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;
using testing::process_xml;
using testing::test_identity;

// A user task 't' (end 'et') with one boundary event 'b' (end 'eb') of the given definition.
std::string boundary_model(const std::string& definition, bool interrupting) {
  return "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\">"
         "<bpmn:message id=\"M\" name=\"Ping\"/><bpmn:signal id=\"S\" name=\"Wave\"/>"
         "<bpmn:process id=\"p\" isExecutable=\"true\"><bpmn:startEvent id=\"s\"/>"
         "<bpmn:userTask id=\"t\"/><bpmn:endEvent id=\"et\"/><bpmn:endEvent id=\"eb\"/>"
         "<bpmn:boundaryEvent id=\"b\" attachedToRef=\"t\" cancelActivity=\"" +
         std::string(interrupting ? "true" : "false") + "\">" + definition +
         "</bpmn:boundaryEvent>"
         "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"t\"/>"
         "<bpmn:sequenceFlow id=\"f2\" sourceRef=\"t\" targetRef=\"et\"/>"
         "<bpmn:sequenceFlow id=\"f3\" sourceRef=\"b\" targetRef=\"eb\"/></bpmn:process></bpmn:definitions>";
}

const std::string kMessage = "<bpmn:messageEventDefinition messageRef=\"M\"/>";
const std::string kSignal = "<bpmn:signalEventDefinition signalRef=\"S\"/>";
const std::string kTimer = "<bpmn:timerEventDefinition><bpmn:timeDuration>PT0.2S</bpmn:timeDuration>"
                           "</bpmn:timerEventDefinition>";

class EngineEventsTest : public EngineFixture {
 protected:
  StartResult start_p() { return start_p_model("p"); }
  StartResult start_p_model(const std::string& model) {
    StartRequest request;
    request.process_model_id = model;
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

  // Fires the boundary (a trigger, or waiting for the timer) and checks both paths.
  void run_boundary(const std::string& definition, bool interrupting, EventKind kind, const std::string& name) {
    ASSERT_TRUE(deploy(boundary_model(definition, interrupting)));
    const auto started = start_p();
    ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
    const bool timer = definition == kTimer;
    if (!timer) {
      auto listed = events(started.correlation_id);
      ASSERT_EQ(listed.size(), 1u);
      EXPECT_EQ(listed[0].flow_node_id, "b");
      EXPECT_EQ(listed[0].event_name, name);
      EXPECT_EQ(listed[0].event_type, kind == EventKind::message ? "messageEvent" : "signalEvent");
      ASSERT_TRUE(trigger(kind, name, R"({"currentToken":"hello"})"));
    }
    ASSERT_TRUE(eventually([&] {
      auto reached = results(started.correlation_id, "p");
      return reached && reached->size() == 1;
    }));
    auto reached = results(started.correlation_id, "p").value();
    EXPECT_EQ(reached[0].end_event_id, "eb");
    EXPECT_EQ(reached[0].token_payload, timer ? "{}" : R"("hello")");
    EXPECT_TRUE(events(started.correlation_id).empty());
    if (interrupting) {
      EXPECT_TRUE(user_tasks(started.correlation_id).empty());
      EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::finished);
      return;
    }
    auto waiting = user_tasks(started.correlation_id);
    ASSERT_EQ(waiting.size(), 1u);
    EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::running);
    FinishTaskRequest request{TaskKind::user_task, started.process_instance_id, started.correlation_id,
                              waiting[0].flow_node_instance_id, "{}"};
    ASSERT_TRUE(finish(request));
    auto both = results(started.correlation_id, "p").value();
    ASSERT_EQ(both.size(), 2u);
    EXPECT_EQ(both[1].end_event_id, "et");
    EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::finished);
  }
};

TEST_F(EngineEventsTest, MessageBoundaryInterrupting) { run_boundary(kMessage, true, EventKind::message, "Ping"); }
TEST_F(EngineEventsTest, MessageBoundaryNonInterrupting) { run_boundary(kMessage, false, EventKind::message, "Ping"); }
TEST_F(EngineEventsTest, SignalBoundaryInterrupting) { run_boundary(kSignal, true, EventKind::signal, "Wave"); }
TEST_F(EngineEventsTest, SignalBoundaryNonInterrupting) { run_boundary(kSignal, false, EventKind::signal, "Wave"); }
TEST_F(EngineEventsTest, TimerBoundaryInterrupting) { run_boundary(kTimer, true, EventKind::message, ""); }
TEST_F(EngineEventsTest, TimerBoundaryNonInterrupting) { run_boundary(kTimer, false, EventKind::message, ""); }

// An embedded sub-process 'sp' (user task 'wait' inside, end 'et' after it) with a boundary
// event 'b' (end 'eb') of the given definition, and an error boundary 'oops' (end 'eo')
// caught when the start token is "fail".
std::string sub_process_boundary_model(const std::string& definition, bool interrupting) {
  return "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\">"
         "<bpmn:message id=\"M\" name=\"Ping\"/><bpmn:process id=\"sp_b\" isExecutable=\"true\"><bpmn:startEvent id=\"s\"/>"
         "<bpmn:subProcess id=\"sp\"><bpmn:startEvent id=\"is\"/><bpmn:exclusiveGateway id=\"g\" default=\"i2\"/>"
         "<bpmn:userTask id=\"wait\"/><bpmn:endEvent id=\"ie\"/>"
         "<bpmn:endEvent id=\"boom\"><bpmn:errorEventDefinition/></bpmn:endEvent>"
         "<bpmn:sequenceFlow id=\"i1\" sourceRef=\"is\" targetRef=\"g\"/>"
         "<bpmn:sequenceFlow id=\"i2\" sourceRef=\"g\" targetRef=\"wait\"/>"
         "<bpmn:sequenceFlow id=\"i3\" sourceRef=\"g\" targetRef=\"boom\">"
         "<bpmn:conditionExpression>token.history.s === 'fail'</bpmn:conditionExpression></bpmn:sequenceFlow>"
         "<bpmn:sequenceFlow id=\"i4\" sourceRef=\"wait\" targetRef=\"ie\"/></bpmn:subProcess>"
         "<bpmn:endEvent id=\"et\"/><bpmn:endEvent id=\"eb\"/><bpmn:endEvent id=\"eo\"/>"
         "<bpmn:boundaryEvent id=\"b\" attachedToRef=\"sp\" cancelActivity=\"" +
         std::string(interrupting ? "true" : "false") + "\">" + definition + "</bpmn:boundaryEvent>"
         "<bpmn:boundaryEvent id=\"oops\" attachedToRef=\"sp\"><bpmn:errorEventDefinition/></bpmn:boundaryEvent>"
         "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"sp\"/>"
         "<bpmn:sequenceFlow id=\"f2\" sourceRef=\"sp\" targetRef=\"et\"/>"
         "<bpmn:sequenceFlow id=\"f3\" sourceRef=\"b\" targetRef=\"eb\"/>"
         "<bpmn:sequenceFlow id=\"f4\" sourceRef=\"oops\" targetRef=\"eo\"/></bpmn:process></bpmn:definitions>";
}

TEST_F(EngineEventsTest, InterruptingTimerBoundaryOnASubProcessEndsEverythingInside) {
  ASSERT_TRUE(deploy(sub_process_boundary_model(kTimer, true)));
  const auto started = start_p_model("sp_b");
  // No look at the waiting user task first: on a loaded machine the 0.2 s timer may already
  // have ended it.
  ASSERT_TRUE(eventually([&] { return instance(started.process_instance_id)->state == ProcessInstanceState::finished; }));
  auto reached = results(started.correlation_id, "sp_b").value();
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(reached[0].end_event_id, "eb");
  EXPECT_EQ(reached[0].token_payload, "{}");
  EXPECT_TRUE(user_tasks(started.correlation_id).empty());
}

TEST_F(EngineEventsTest, NonInterruptingMessageBoundaryOnASubProcessLeavesItRunning) {
  ASSERT_TRUE(deploy(sub_process_boundary_model(kMessage, false)));
  const auto started = start_p_model("sp_b");
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
  auto listed = events(started.correlation_id);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].flow_node_id, "b");
  ASSERT_TRUE(trigger(EventKind::message, "Ping", R"({"currentToken":"hello"})"));
  ASSERT_TRUE(eventually([&] { return results(started.correlation_id, "sp_b")->size() == 1; }));
  EXPECT_EQ(results(started.correlation_id, "sp_b").value()[0].end_event_id, "eb");
  EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::running);
  auto waiting = user_tasks(started.correlation_id);
  ASSERT_EQ(waiting.size(), 1u);
  FinishTaskRequest request{TaskKind::user_task, started.process_instance_id, started.correlation_id,
                            waiting[0].flow_node_instance_id, "{}"};
  ASSERT_TRUE(finish(request));
  auto both = results(started.correlation_id, "sp_b").value();
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[1].end_event_id, "et");
  EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::finished);
}

// The sub-process ends through its error boundary: its timer boundary ends with it.
TEST_F(EngineEventsTest, SubProcessEndedByAnErrorDisarmsItsTimerBoundary) {
  ASSERT_TRUE(deploy(sub_process_boundary_model(
      "<bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>", true)));
  StartRequest request;
  request.process_model_id = "sp_b";
  request.input_values = R"("fail")";
  request.callback_type = StartCallbackType::on_process_finished;
  auto finished = start(request);
  ASSERT_TRUE(finished) << finished.error().message;
  EXPECT_EQ(finished->end_event_id.value_or("-"), "eo");
  EXPECT_EQ(instance(finished->process_instance_id)->state, ProcessInstanceState::finished);
  auto timers = testing::call_sync<std::optional<std::int64_t>>([&](auto done) { store_.next_timer_due(done); });
  ASSERT_TRUE(timers);
  EXPECT_FALSE(timers.value());
}

TEST_F(EngineEventsTest, FinishingTheTaskEndsItsBoundaryEvents) {
  ASSERT_TRUE(deploy(boundary_model(kMessage, true)));
  const auto started = start_p();
  ASSERT_TRUE(eventually([&] { return user_tasks(started.correlation_id).size() == 1; }));
  auto task = user_tasks(started.correlation_id).front();
  ASSERT_TRUE(finish({TaskKind::user_task, started.process_instance_id, started.correlation_id,
                      task.flow_node_instance_id, "{}"}));
  EXPECT_TRUE(events(started.correlation_id).empty());
  ASSERT_TRUE(trigger(EventKind::message, "Ping", std::nullopt));
  auto reached = results(started.correlation_id, "p").value();
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(reached[0].end_event_id, "et");
}

// A catch event waiting for a timer, before a script that records the order of events.
std::string timer_catch_model(const std::string& duration) {
  return process_xml("timed",
                     "<bpmn:startEvent id='s'/><bpmn:intermediateCatchEvent id='c'><bpmn:timerEventDefinition>"
                     "<bpmn:timeDuration>" + duration + "</bpmn:timeDuration></bpmn:timerEventDefinition>"
                     "</bpmn:intermediateCatchEvent><bpmn:scriptTask id='st'><bpmn:script>"
                     "return Object.keys(token.history);</bpmn:script></bpmn:scriptTask><bpmn:endEvent id='e'/>"
                     "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='c'/>"
                     "<bpmn:sequenceFlow id='f2' sourceRef='c' targetRef='st'/>"
                     "<bpmn:sequenceFlow id='f3' sourceRef='st' targetRef='e'/>");
}

TEST_F(EngineEventsTest, TimerCatchEventFiresAndPassesThePayloadThrough) {
  ASSERT_TRUE(deploy(timer_catch_model("PT0.1S")));
  StartRequest request;
  request.process_model_id = "timed";
  request.callback_type = StartCallbackType::on_process_finished;
  auto finished = start(request);
  ASSERT_TRUE(finished) << finished.error().message;
  EXPECT_EQ(finished->token_payload, R"(["s","c"])");
  auto timers = testing::call_sync<std::optional<std::int64_t>>([&](auto done) { store_.next_timer_due(done); });
  ASSERT_TRUE(timers);
  EXPECT_FALSE(timers.value().has_value());  // the fired timer is gone from the store
}

TEST_F(EngineEventsTest, TimerThatFellDueWhileStoppedFiresOnceAfterRestart) {
  ASSERT_TRUE(deploy(timer_catch_model("PT0.3S")));
  StartRequest request;
  request.process_model_id = "timed";
  auto started = start(request);
  ASSERT_TRUE(started);
  engine_->stop();
  const auto due = testing::call_sync<std::optional<std::int64_t>>([&](auto done) { store_.next_timer_due(done); });
  ASSERT_TRUE(due && due.value());
  std::this_thread::sleep_until(std::chrono::system_clock::time_point(std::chrono::milliseconds(*due.value() + 1)));
  EXPECT_EQ(instance(started->process_instance_id)->state, ProcessInstanceState::running);
  start_engine(EngineOptions{});
  ASSERT_TRUE(eventually([&] { return instance(started->process_instance_id)->state == ProcessInstanceState::finished; }));
  // Stopping lets every transition in flight finish and starts none, so the store is final
  // from here on: a second firing, had there been one, has left a second result.
  engine_->stop();
  auto reached = testing::call_sync<std::vector<CorrelationResultRecord>>(
      [&](auto done) { store_.query_results(started->correlation_id, "timed", done); });
  ASSERT_TRUE(reached);
  ASSERT_EQ(reached->size(), 1u);
  EXPECT_EQ(reached->at(0).token_payload, R"(["s","c"])");
  const auto left = testing::call_sync<std::optional<std::int64_t>>([&](auto done) { store_.next_timer_due(done); });
  ASSERT_TRUE(left);
  EXPECT_FALSE(left.value().has_value()) << "the fired timer is still armed";
}

TEST_F(EngineEventsTest, InvalidTimerFailsTheInstanceWith422AndCyclicBoundaryIsRefusedAtDeploy) {
  ASSERT_TRUE(deploy(timer_catch_model("five seconds")));
  StartRequest request;
  request.process_model_id = "timed";
  request.callback_type = StartCallbackType::on_process_finished;
  auto failed = start(request);
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().http_status(), 422);
  EXPECT_NE(failed.error().message.find("five seconds is not in ISO8601 format"), std::string::npos);
  auto refused = deploy(boundary_model(
      "<bpmn:timerEventDefinition><bpmn:timeCycle>* * * * * *</bpmn:timeCycle></bpmn:timerEventDefinition>", true));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().http_status(), 422);
}

TEST_F(EngineEventsTest, MessageStartEventStartsInTheTriggersCorrelation) {
  ASSERT_TRUE(deploy(
      "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" id=\"d\">"
      "<bpmn:message id=\"M\" name=\"Go\"/><bpmn:process id=\"auto\" isExecutable=\"true\">"
      "<bpmn:startEvent id=\"s\"><bpmn:messageEventDefinition messageRef=\"M\"/></bpmn:startEvent>"
      "<bpmn:endEvent id=\"e\"/><bpmn:sequenceFlow id=\"f\" sourceRef=\"s\" targetRef=\"e\"/>"
      "</bpmn:process></bpmn:definitions>"));
  ASSERT_TRUE(testing::call_sync<Ok>([&](auto done) {
    engine_->trigger(test_identity(), EventKind::message, "Go", R"({"currentToken":{"x":2},"ignored":true})",
                     std::string("corr-1"), done);
  }));
  ASSERT_TRUE(eventually([&] {
    auto reached = results("corr-1", "auto");
    return reached && reached->size() == 1 && reached->at(0).token_payload == R"({"x":2})";
  }));
}

TEST(TimerDefinition, ParsesIsoDurationsAndDates) {
  EXPECT_EQ(parse_iso_duration("P0Y0M0DT0H0M2S"), 2000);
  EXPECT_EQ(parse_iso_duration("PT5S"), 5000);
  EXPECT_EQ(parse_iso_duration("PT1.5S"), 1500);
  EXPECT_EQ(parse_iso_duration("P1DT1H"), (24 + 1) * 3600 * 1000LL);
  EXPECT_FALSE(parse_iso_duration("plz wait here five seconds"));
  EXPECT_FALSE(parse_iso_duration("P"));
  EXPECT_FALSE(parse_iso_duration("PT"));
  EXPECT_EQ(parse_iso_date("1970-01-01T00:00:01Z"), 1000);
  EXPECT_EQ(parse_iso_date("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(parse_iso_date("1970-01-01T00:00:00.250"), 250);
  EXPECT_FALSE(parse_iso_date("plz continue tomorrow"));
  EXPECT_FALSE(parse_iso_date("2020-13-01T00:00:00Z"));
}

TEST(TimerDefinition, CronSchedulesWithSecondsFirst) {
  auto every_two = CronSchedule::parse("*/2 * * * * *");
  ASSERT_TRUE(every_two);
  EXPECT_EQ(every_two->next_after(1000), 2000);
  EXPECT_EQ(every_two->next_after(2500), 4000);
  auto daily = CronSchedule::parse("0 30 12 * * *");
  ASSERT_TRUE(daily);
  EXPECT_EQ(daily->next_after(0), (12 * 3600 + 30 * 60) * 1000LL);
  auto weekdays = CronSchedule::parse("0 0 0 * * 1-5");  // 1970-01-01 was a Thursday
  ASSERT_TRUE(weekdays);
  EXPECT_EQ(weekdays->next_after(0), 24 * 3600 * 1000LL);  // Friday
  EXPECT_EQ(weekdays->next_after(24 * 3600 * 1000LL), 4 * 24 * 3600 * 1000LL);  // Monday
  EXPECT_FALSE(CronSchedule::parse("666"));
  EXPECT_FALSE(CronSchedule::parse("* A * * * *"));
  EXPECT_FALSE(CronSchedule::parse("60 * * * * *"));
}

// "a/n" steps from a to the field's end; names for months and weekdays.
TEST(TimerDefinition, CronStepsFromAValueAndNames) {
  auto from_ten = CronSchedule::parse("10/20 * * * * *");
  ASSERT_TRUE(from_ten);
  EXPECT_EQ(from_ten->next_after(0), 10000);
  EXPECT_EQ(from_ten->next_after(10000), 30000);
  EXPECT_EQ(from_ten->next_after(50000), 70000);  // 10, 30, 50, then the next minute's 10
  auto fridays = CronSchedule::parse("0 0 0 * jan FRI");
  ASSERT_TRUE(fridays);
  EXPECT_EQ(fridays->next_after(0), 24 * 3600 * 1000LL);  // Friday, 1970-01-02
}

// Quartz's dialect as Camunda 7 models write it: '?' for any day, weekdays 1 (Sunday) - 7,
// an optional year. L, W and # are not supported.
TEST(TimerDefinition, CronInQuartzDialect) {
  auto every_five = CronSchedule::parse("0/5 0/1 * 1/1 * ?");
  ASSERT_TRUE(every_five);
  EXPECT_EQ(every_five->next_after(1000), 5000);
  EXPECT_EQ(every_five->next_after(5000), 10000);
  auto mondays = CronSchedule::parse("0 0 12 ? * 2");  // Quartz's 2 is Monday
  ASSERT_TRUE(mondays);
  EXPECT_EQ(mondays->next_after(0), (4 * 24 + 12) * 3600 * 1000LL);  // Monday, 1970-01-05
  auto saturdays = CronSchedule::parse("0 0 0 ? * SAT");
  ASSERT_TRUE(saturdays);
  EXPECT_EQ(saturdays->next_after(0), 2 * 24 * 3600 * 1000LL);
  // With a year: 2027-01-01T00:00:00Z is 1798761600.
  auto in_2027 = CronSchedule::parse("0 0 0 1 1 ? 2027");
  ASSERT_TRUE(in_2027);
  EXPECT_EQ(in_2027->next_after(1798761600000LL - 1000), 1798761600000LL);
  EXPECT_EQ(in_2027->next_after(1798761600000LL), std::nullopt);  // 2028 does not match
  auto every_year = CronSchedule::parse("0 0 0 1 1 ? *");
  ASSERT_TRUE(every_year);
  EXPECT_EQ(every_year->next_after(0), 365 * 24 * 3600 * 1000LL);  // 1971-01-01
  EXPECT_FALSE(CronSchedule::parse("0 0 0 L * ?"));
  EXPECT_FALSE(CronSchedule::parse("0 0 0 ? * 6#3"));
  EXPECT_FALSE(CronSchedule::parse("0 0 0 1 1 ? 1969"));
}

}  // namespace
}  // namespace processhost::engine

namespace processhost::engine {
namespace {

// parent -> call activity 'ca' (error boundary 'caught') -> middle -> call activity -> leaf,
// whose error end event fails the chain; the parent's boundary catches the leaf's error.
TEST_F(EngineEventsTest, CallActivityChainPropagatesAnErrorToTheParentsBoundary) {
  ASSERT_TRUE(deploy(process_xml("leaf", "<bpmn:startEvent id='s'/><bpmn:endEvent id='boom'>"
                                         "<bpmn:errorEventDefinition/></bpmn:endEvent>"
                                         "<bpmn:sequenceFlow id='f' sourceRef='s' targetRef='boom'/>")));
  ASSERT_TRUE(deploy(process_xml("middle", "<bpmn:startEvent id='s'/><bpmn:callActivity id='c' calledElement='leaf'/>"
                                           "<bpmn:endEvent id='e'/><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='c'/>"
                                           "<bpmn:sequenceFlow id='f2' sourceRef='c' targetRef='e'/>")));
  ASSERT_TRUE(deploy(process_xml(
      "parent", "<bpmn:startEvent id='s'/><bpmn:callActivity id='ca' calledElement='middle'/>"
                "<bpmn:boundaryEvent id='caught' attachedToRef='ca'><bpmn:errorEventDefinition/></bpmn:boundaryEvent>"
                "<bpmn:endEvent id='ok'/><bpmn:endEvent id='handled'/>"
                "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='ca'/>"
                "<bpmn:sequenceFlow id='f2' sourceRef='ca' targetRef='ok'/>"
                "<bpmn:sequenceFlow id='f3' sourceRef='caught' targetRef='handled'/>")));
  StartRequest request;
  request.process_model_id = "parent";
  request.callback_type = StartCallbackType::on_process_finished;
  auto finished = start(request);
  ASSERT_TRUE(finished) << finished.error().message;
  EXPECT_EQ(finished->end_event_id, "handled");
  InstanceQuery query;
  query.correlation_id = finished->correlation_id;
  auto all = testing::call_sync<PagedList<ProcessInstanceRecord>>([&](auto done) { store_.query_instances(query, done); });
  ASSERT_TRUE(all);
  ASSERT_EQ(all->items.size(), 3u);  // parent, middle and leaf share the correlation
  for (const auto& record : all->items) {
    EXPECT_EQ(record.state, record.process_model_id == "parent" ? ProcessInstanceState::finished : ProcessInstanceState::error) << record.process_model_id;
  }
}

TEST_F(EngineEventsTest, CallActivityResultWrapsTheChildsEnd) {
  ASSERT_TRUE(deploy(process_xml("child", "<bpmn:startEvent id='s'/><bpmn:endEvent id='done' name='Done'/>"
                                          "<bpmn:sequenceFlow id='f' sourceRef='s' targetRef='done'/>")));
  ASSERT_TRUE(deploy(process_xml("caller", "<bpmn:startEvent id='s'/><bpmn:callActivity id='c' calledElement='child'/>"
                                           "<bpmn:endEvent id='e'/><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='c'/>"
                                           "<bpmn:sequenceFlow id='f2' sourceRef='c' targetRef='e'/>")));
  StartRequest request;
  request.process_model_id = "caller";
  request.input_values = "7";
  request.callback_type = StartCallbackType::on_process_finished;
  auto finished = start(request);
  ASSERT_TRUE(finished) << finished.error().message;
  EXPECT_EQ(finished->token_payload, R"({"result":7,"endEventId":"done","endEventName":"Done"})");
}

}  // namespace
}  // namespace processhost::engine

namespace processhost::engine {
namespace {

std::string external_model() {
  return process_xml("ext", "<bpmn:startEvent id='s'/><bpmn:serviceTask id='t' camunda:type='external' "
                            "camunda:topic='work'/><bpmn:boundaryEvent id='b' attachedToRef='t'>"
                            "<bpmn:errorEventDefinition/></bpmn:boundaryEvent><bpmn:endEvent id='done'/>"
                            "<bpmn:endEvent id='caught'/><bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='t'/>"
                            "<bpmn:sequenceFlow id='f2' sourceRef='t' targetRef='done'/>"
                            "<bpmn:sequenceFlow id='f3' sourceRef='b' targetRef='caught'/>");
}

class ExternalTaskTest : public EngineEventsTest {
 protected:
  Result<std::vector<ExternalTask>> fetch(const std::string& worker, std::int64_t polling_ms = 0) {
    FetchAndLockRequest request{worker, "work", 1, polling_ms, 10000};
    return testing::call_sync<std::vector<ExternalTask>>(
        [&](auto done) { engine_->fetch_and_lock(test_identity(), request, done); });
  }
  Status complete(const std::string& id, ExternalTaskOutcome outcome) {
    return testing::call_sync<Ok>(
        [&](auto done) { engine_->complete_external_task(test_identity(), id, outcome, done); });
  }
};

TEST_F(ExternalTaskTest, LockedByOneWorkerRefusedToAnotherFinishedOnce) {
  ASSERT_TRUE(deploy(external_model()));
  const auto started = start_p_model("ext");
  auto fetched = fetch("w1", 5000);
  ASSERT_TRUE(fetched);
  ASSERT_EQ(fetched->size(), 1u);
  const auto task = fetched->front();
  EXPECT_EQ(task.payload, R"({"n":1})");
  EXPECT_EQ(task.worker_id, "w1");
  auto other = fetch("w2");
  ASSERT_TRUE(other);
  EXPECT_TRUE(other->empty());
  ExternalTaskOutcome by_other;
  by_other.worker_id = "w2";
  auto refused = complete(task.id, by_other);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().http_status(), 423);
  ExternalTaskOutcome finish;
  finish.worker_id = "w1";
  finish.result = R"({"ok":true})";
  ASSERT_TRUE(complete(task.id, finish));
  auto again = complete(task.id, finish);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().http_status(), 410);
  auto reached = results(started.correlation_id, "ext").value();
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(reached[0].end_event_id, "done");
  EXPECT_EQ(reached[0].token_payload, R"({"ok":true})");
}

TEST_F(ExternalTaskTest, LongPollingWakesOnANewTaskAndBpmnErrorsReachTheBoundary) {
  ASSERT_TRUE(deploy(external_model()));
  std::promise<Result<std::vector<ExternalTask>>> polled;
  FetchAndLockRequest request{"w1", "work", 1, 5000, 10000};
  engine_->fetch_and_lock(test_identity(), request,
                          [&](Result<std::vector<ExternalTask>> result) { polled.set_value(std::move(result)); });
  const auto started = start_p_model("ext");
  auto future = polled.get_future();
  ASSERT_EQ(future.wait_for(std::chrono::seconds(3)), std::future_status::ready);
  auto fetched = future.get();
  ASSERT_TRUE(fetched);
  ASSERT_EQ(fetched->size(), 1u);
  ExternalTaskOutcome error;
  error.kind = ExternalTaskOutcome::Kind::bpmn_error;
  error.worker_id = "w1";
  error.error_code = "E1";
  error.error_message = "nope";
  ASSERT_TRUE(complete(fetched->front().id, error));
  auto reached = results(started.correlation_id, "ext").value();
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(reached[0].end_event_id, "caught");
  EXPECT_EQ(reached[0].token_payload, R"({"message":"nope","code":"E1"})");
}

}  // namespace
}  // namespace processhost::engine
