// Asynchronous service methods of a real engine on the memory store: the task runs while the
// method works, completes through the callback, and its boundary events fire meanwhile.
// (The memory store drops an instance's flow node records when it ends, so records are
// checked while the instance runs; the end payloads show the rest.)
#include <thread>

#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::eventually;
using testing::test_identity;

// Calls of the asynchronous method "Svc.work", held until the test completes them.
class PendingCalls {
 public:
  struct Call {
    JsonText arguments;
    ServiceMethodDone done;
  };
  AsyncServiceMethod method() {
    return [this](const JsonText& arguments, ServiceMethodDone done) {
      std::lock_guard lock(mutex_);
      calls_.push_back({arguments, std::move(done)});
    };
  }
  std::size_t count() {
    std::lock_guard lock(mutex_);
    return calls_.size();
  }
  Call at(std::size_t index) {
    std::lock_guard lock(mutex_);
    return calls_.at(index);
  }

 private:
  std::mutex mutex_;
  std::vector<Call> calls_;
};

// Service task 'st' calling Svc.work with [token.current.n, 'x'] (end 'et'); boundary is
// placed as is (events attached to 'st', ending at 'eb').
std::string service_model(const std::string& boundary = "") {
  return "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
         "xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\" id=\"d\">"
         "<bpmn:process id=\"svc\" isExecutable=\"true\"><bpmn:startEvent id=\"s\"/>"
         "<bpmn:serviceTask id=\"st\"><bpmn:extensionElements><camunda:properties>"
         "<camunda:property name=\"module\" value=\"Svc\"/><camunda:property name=\"method\" value=\"work\"/>"
         "<camunda:property name=\"params\" value=\"[token.current.n, 'x']\"/>"
         "</camunda:properties></bpmn:extensionElements></bpmn:serviceTask>"
         "<bpmn:endEvent id=\"et\"/><bpmn:endEvent id=\"eb\"/>" +
         boundary +
         "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"st\"/>"
         "<bpmn:sequenceFlow id=\"f2\" sourceRef=\"st\" targetRef=\"et\"/>" +
         (boundary.empty() ? "" : "<bpmn:sequenceFlow id=\"f3\" sourceRef=\"b\" targetRef=\"eb\"/>") +
         "</bpmn:process></bpmn:definitions>";
}

std::string timer_boundary(bool interrupting) {
  return "<bpmn:boundaryEvent id=\"b\" attachedToRef=\"st\" cancelActivity=\"" +
         std::string(interrupting ? "true" : "false") +
         "\"><bpmn:timerEventDefinition><bpmn:timeDuration>PT0.1S</bpmn:timeDuration>"
         "</bpmn:timerEventDefinition></bpmn:boundaryEvent>";
}

const std::string kErrorBoundary =
    "<bpmn:boundaryEvent id=\"b\" attachedToRef=\"st\"><bpmn:errorEventDefinition/></bpmn:boundaryEvent>";

class ServiceCallTest : public EngineFixture {
 protected:
  void SetUp() override {}

  // cache_capacity 0: every transition reloads the instance from the store.
  void start_with_calls(std::size_t cache_capacity = 10000) {
    EngineOptions options;
    options.async_service_methods["Svc.work"] = calls_.method();
    options.instance_cache_capacity = cache_capacity;
    start_engine(options);
  }

  StartResult start_svc() {
    StartRequest request;
    request.process_model_id = "svc";
    request.input_values = R"({"n":7})";
    auto started = start(request);
    EXPECT_TRUE(started) << started.error().message;
    return started.value();
  }

  std::vector<CorrelationResult> ends(const StartResult& started) {
    auto reached = results(started.correlation_id, "svc");
    return reached ? reached.value() : std::vector<CorrelationResult>{};
  }

  std::optional<FlowNodeInstanceRecord> record_of(const StartResult& started, const std::string& flow_node_id) {
    FlowNodeQuery query;
    query.process_instance_id = started.process_instance_id;
    auto found =
        testing::call_sync<PagedList<FlowNodeInstanceRecord>>([&](auto done) { store_.query_flow_nodes(query, done); });
    if (!found) return std::nullopt;
    for (const auto& record : found->items) {
      if (record.flow_node_id == flow_node_id) return record;
    }
    return std::nullopt;
  }

  bool logged(const std::string& text) {
    for (const auto& line : logger_.lines()) {
      if (line.find(text) != std::string::npos) return true;
    }
    return false;
  }

  PendingCalls calls_;
};

TEST_F(ServiceCallTest, TaskRunsUntilTheMethodCompletesAndTakesItsResultFromTheStore) {
  start_with_calls(0);
  ASSERT_TRUE(deploy(service_model()));
  const auto started = start_svc();
  ASSERT_TRUE(eventually([&] { return calls_.count() == 1; }));
  EXPECT_EQ(calls_.at(0).arguments, R"([7,"x"])");
  EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::running);
  auto running = record_of(started, "st");
  ASSERT_TRUE(running);
  EXPECT_EQ(running->state, FlowNodeState::running);
  EXPECT_TRUE(tasks(TaskQuery{})->items.empty()) << "a running service task waits for nobody";

  calls_.at(0).done(JsonText(R"({"worked":true})"));
  ASSERT_TRUE(eventually([&] { return instance(started.process_instance_id)->state == ProcessInstanceState::finished; }));
  auto reached = ends(started);
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(reached[0].end_event_id, "et");
  EXPECT_EQ(reached[0].token_payload, R"({"worked":true})");
}

TEST_F(ServiceCallTest, UndefinedResultBecomesAnEmptyObjectAndASecondCompletionIsIgnored) {
  start_with_calls();
  ASSERT_TRUE(deploy(service_model()));
  const auto started = start_svc();
  ASSERT_TRUE(eventually([&] { return calls_.count() == 1; }));
  calls_.at(0).done(JsonText());
  calls_.at(0).done(JsonText(R"("twice")"));
  ASSERT_TRUE(eventually([&] { return instance(started.process_instance_id)->state == ProcessInstanceState::finished; }));
  auto reached = ends(started);
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(reached[0].token_payload, "{}");
}

TEST_F(ServiceCallTest, MethodErrorIsCaughtByAnErrorBoundary) {
  start_with_calls();
  ASSERT_TRUE(deploy(service_model(kErrorBoundary)));
  const auto started = start_svc();
  ASSERT_TRUE(eventually([&] { return calls_.count() == 1; }));
  calls_.at(0).done(make_error(ErrorStatus::internal, "disk full"));
  ASSERT_TRUE(eventually([&] { return instance(started.process_instance_id)->state == ProcessInstanceState::finished; }));
  auto reached = ends(started);
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(reached[0].end_event_id, "eb");
  EXPECT_EQ(reached[0].token_payload, R"({"message":"disk full","code":500})");
}

TEST_F(ServiceCallTest, MethodErrorOrThrowWithoutBoundaryFailsTheInstance) {
  EngineOptions options;
  options.async_service_methods["Svc.work"] = [](const JsonText&, ServiceMethodDone) {
    throw std::runtime_error("no connection");
  };
  start_engine(options);
  ASSERT_TRUE(deploy(service_model()));
  const auto started = start_svc();
  ASSERT_TRUE(eventually([&] { return instance(started.process_instance_id)->state == ProcessInstanceState::error; }));
  const auto failed = instance(started.process_instance_id);
  EXPECT_NE(failed->error.find("service method Svc.work threw: no connection"), std::string::npos) << failed->error;
}

TEST_F(ServiceCallTest, InterruptingTimerBoundaryEndsTheRunningTaskAndItsLateCompletionIsIgnored) {
  start_with_calls();
  ASSERT_TRUE(deploy(service_model(timer_boundary(true))));
  const auto started = start_svc();
  ASSERT_TRUE(eventually([&] { return instance(started.process_instance_id)->state == ProcessInstanceState::finished; }));
  auto reached = ends(started);
  ASSERT_EQ(reached.size(), 1u);
  EXPECT_EQ(reached[0].end_event_id, "eb");
  EXPECT_EQ(reached[0].token_payload, "{}");
  const auto version = instance(started.process_instance_id)->version;

  ASSERT_EQ(calls_.count(), 1u);
  calls_.at(0).done(JsonText(R"("late")"));
  ASSERT_TRUE(eventually([&] { return logged("late completion of a service method"); }));
  EXPECT_EQ(instance(started.process_instance_id)->version, version);
  EXPECT_EQ(ends(started).size(), 1u);
}

TEST_F(ServiceCallTest, NonInterruptingTimerBoundaryRunsItsPathWhileTheTaskGoesOn) {
  start_with_calls();
  ASSERT_TRUE(deploy(service_model(timer_boundary(false))));
  const auto started = start_svc();
  ASSERT_TRUE(eventually([&] { return ends(started).size() == 1; }));
  EXPECT_EQ(ends(started)[0].end_event_id, "eb");
  EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::running);
  auto still_running = record_of(started, "st");
  ASSERT_TRUE(still_running);
  EXPECT_EQ(still_running->state, FlowNodeState::running);

  ASSERT_EQ(calls_.count(), 1u);
  calls_.at(0).done(JsonText(R"("done")"));
  ASSERT_TRUE(eventually([&] { return instance(started.process_instance_id)->state == ProcessInstanceState::finished; }));
  auto reached = ends(started);
  ASSERT_EQ(reached.size(), 2u);
  EXPECT_EQ(reached[1].end_event_id, "et");
  EXPECT_EQ(reached[1].token_payload, R"("done")");
}

TEST_F(ServiceCallTest, CompletingBeforeTheBoundaryTimerCancelsIt) {
  start_with_calls();
  ASSERT_TRUE(deploy(service_model("<bpmn:boundaryEvent id=\"b\" attachedToRef=\"st\"><bpmn:timerEventDefinition>"
                                   "<bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>"
                                   "</bpmn:boundaryEvent>")));
  const auto started = start_svc();
  ASSERT_TRUE(eventually([&] { return calls_.count() == 1; }));
  auto timers = testing::call_sync<std::optional<std::int64_t>>([&](auto done) { store_.next_timer_due(done); });
  ASSERT_TRUE(timers && timers.value()) << "the boundary timer is armed while the task runs";
  calls_.at(0).done(JsonText("1"));
  ASSERT_TRUE(eventually([&] { return instance(started.process_instance_id)->state == ProcessInstanceState::finished; }));
  EXPECT_EQ(ends(started)[0].end_event_id, "et");
  timers = testing::call_sync<std::optional<std::int64_t>>([&](auto done) { store_.next_timer_due(done); });
  ASSERT_TRUE(timers);
  EXPECT_FALSE(timers.value()) << "finishing the task cancelled its boundary timer";
}

TEST_F(ServiceCallTest, CompletionAfterTheEngineStoppedDoesNothing) {
  start_with_calls();
  ASSERT_TRUE(deploy(service_model()));
  const auto started = start_svc();
  ASSERT_TRUE(eventually([&] { return calls_.count() == 1; }));
  const auto version = instance(started.process_instance_id)->version;
  engine_->stop();
  engine_.reset();
  calls_.at(0).done(JsonText("1"));
  EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::running);
  EXPECT_EQ(instance(started.process_instance_id)->version, version);
}

// The task is entered and ended in one run (an error on a parallel branch ends the
// sub-process around it) while the instance goes on: its method is never called.
TEST_F(ServiceCallTest, TaskEndedInTheRunThatStartedItIsNotCalled) {
  EngineOptions options;
  options.async_service_methods["Svc.work"] = calls_.method();
  options.worker_threads = 1;  // posted work runs in order
  start_engine(options);
  ASSERT_TRUE(deploy(
      "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\" "
      "xmlns:camunda=\"http://camunda.org/schema/1.0/bpmn\" id=\"d\">"
      "<bpmn:process id=\"svc\" isExecutable=\"true\"><bpmn:startEvent id=\"s\"/>"
      "<bpmn:subProcess id=\"sp\"><bpmn:startEvent id=\"is\"/><bpmn:parallelGateway id=\"split\"/>"
      "<bpmn:serviceTask id=\"st\"><bpmn:extensionElements><camunda:properties>"
      "<camunda:property name=\"module\" value=\"Svc\"/><camunda:property name=\"method\" value=\"work\"/>"
      "</camunda:properties></bpmn:extensionElements></bpmn:serviceTask>"
      "<bpmn:endEvent id=\"boom\"><bpmn:errorEventDefinition/></bpmn:endEvent><bpmn:endEvent id=\"ie\"/>"
      "<bpmn:sequenceFlow id=\"i1\" sourceRef=\"is\" targetRef=\"split\"/>"
      "<bpmn:sequenceFlow id=\"i2\" sourceRef=\"split\" targetRef=\"st\"/>"
      "<bpmn:sequenceFlow id=\"i3\" sourceRef=\"split\" targetRef=\"boom\"/>"
      "<bpmn:sequenceFlow id=\"i4\" sourceRef=\"st\" targetRef=\"ie\"/></bpmn:subProcess>"
      "<bpmn:boundaryEvent id=\"oops\" attachedToRef=\"sp\"><bpmn:errorEventDefinition/></bpmn:boundaryEvent>"
      "<bpmn:userTask id=\"handle\"/><bpmn:endEvent id=\"et\"/><bpmn:endEvent id=\"eo\"/>"
      "<bpmn:sequenceFlow id=\"f1\" sourceRef=\"s\" targetRef=\"sp\"/>"
      "<bpmn:sequenceFlow id=\"f2\" sourceRef=\"sp\" targetRef=\"et\"/>"
      "<bpmn:sequenceFlow id=\"f3\" sourceRef=\"oops\" targetRef=\"handle\"/>"
      "<bpmn:sequenceFlow id=\"f4\" sourceRef=\"handle\" targetRef=\"eo\"/></bpmn:process></bpmn:definitions>"));
  const auto started = start_svc();
  auto waiting = tasks(TaskQuery{});
  ASSERT_TRUE(waiting);
  ASSERT_EQ(waiting->items.size(), 1u);
  EXPECT_EQ(waiting->items[0].flow_node_id, "handle");
  EXPECT_EQ(instance(started.process_instance_id)->state, ProcessInstanceState::running);
  // Two round trips through the single worker: a call posted by the start's run would have
  // been queued before the second one (the first may overtake work the run posted last).
  ASSERT_TRUE(deploy(service_model(), "again.bpmn"));
  ASSERT_TRUE(deploy(service_model(), "again.bpmn"));
  EXPECT_EQ(calls_.count(), 0u);
}

}  // namespace
}  // namespace processhost::engine
