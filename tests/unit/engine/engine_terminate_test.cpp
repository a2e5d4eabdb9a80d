// Terminating a running instance through the engine service, on the memory store.
#include <mutex>

#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::call_sync;
using testing::EngineFixture;
using testing::eventually;
using testing::process_xml;
using testing::test_identity;

// A user task 't' watched by a one-hour timer boundary event: a wait with an armed timer.
const std::string kWaitingModel = process_xml(
    "waiting",
    "<bpmn:startEvent id='s'/><bpmn:userTask id='t'/><bpmn:endEvent id='e'/><bpmn:endEvent id='eb'/>"
    "<bpmn:boundaryEvent id='b' attachedToRef='t'><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H"
    "</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
    "<bpmn:sequenceFlow id='f1' sourceRef='s' targetRef='t'/><bpmn:sequenceFlow id='f2' sourceRef='t' targetRef='e'/>"
    "<bpmn:sequenceFlow id='f3' sourceRef='b' targetRef='eb'/>");

class EngineTerminateTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    ASSERT_TRUE(deploy(kWaitingModel));
    listener_ = engine_->add_listener([this](const EngineEvent& event) {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
    });
  }

  Status terminate(const std::string& instance_id, const Identity& identity = test_identity()) {
    return call_sync<Ok>([&](auto done) { engine_->terminate_process_instance(identity, instance_id, done); });
  }

  StartResult start_waiting() {
    StartRequest request;
    request.process_model_id = "waiting";
    auto started = start(request);
    EXPECT_TRUE(started) << started.error().message;
    return started ? started.value() : StartResult{};
  }

  std::vector<EngineEvent> events_of(EngineEventKind kind) {
    std::lock_guard lock(mutex_);
    std::vector<EngineEvent> found;
    for (const auto& event : events_) {
      if (event.kind == kind) found.push_back(event);
    }
    return found;
  }

  std::uint64_t listener_ = 0;
  std::mutex mutex_;
  std::vector<EngineEvent> events_;
};

TEST_F(EngineTerminateTest, RunningInstanceEndsTerminatedWithItsWaitsAndTimerGone) {
  const auto started = start_waiting();
  TaskQuery query;
  query.correlation_id = started.correlation_id;
  ASSERT_EQ(tasks(query)->items.size(), 1u);
  auto timer = call_sync<std::optional<std::int64_t>>([&](auto done) { store_.next_timer_due(done); });
  ASSERT_TRUE(timer && timer.value().has_value());

  ASSERT_TRUE(terminate(started.process_instance_id));

  const auto record = instance(started.process_instance_id);
  ASSERT_TRUE(record);
  EXPECT_EQ(record->state, ProcessInstanceState::terminated);
  EXPECT_GT(record->finished_at_ms, 0);
  EXPECT_EQ(record->error, R"({"message":"Process was terminated by 'defaultUser'","code":500,)"
                           R"("additionalInformation":{"terminatedBy":{"userId":"defaultUser"}}})");
  EXPECT_TRUE(tasks(query)->items.empty());
  timer = call_sync<std::optional<std::int64_t>>([&](auto done) { store_.next_timer_due(done); });
  ASSERT_TRUE(timer);
  EXPECT_FALSE(timer.value().has_value());
  ASSERT_TRUE(eventually([&] { return events_of(EngineEventKind::process_terminated).size() == 1; }));
  const auto event = events_of(EngineEventKind::process_terminated).front();
  EXPECT_EQ(event.process_instance_id, started.process_instance_id);
  EXPECT_EQ(event.correlation_id, started.correlation_id);
  EXPECT_EQ(event.process_model_id, "waiting");
  EXPECT_EQ(event.payload, record->error);
}

TEST_F(EngineTerminateTest, EndedAndUnknownInstancesAreRefusedTyped) {
  const auto started = start_waiting();
  ASSERT_TRUE(terminate(started.process_instance_id));
  const auto again = terminate(started.process_instance_id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, ErrorKind::process_instance_not_running);
  EXPECT_EQ(again.error().status, ErrorStatus::conflict);
  EXPECT_EQ(again.error().subject().id, started.process_instance_id);
  EXPECT_EQ(events_of(EngineEventKind::process_terminated).size(), 1u);

  const auto unknown = terminate("no-such-instance");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind, ErrorKind::process_instance_not_found);
  EXPECT_EQ(unknown.error().status, ErrorStatus::not_found);
}

TEST_F(EngineTerminateTest, CallerWaitingForTheEndReceivesTheTermination) {
  StartRequest request;
  request.process_model_id = "waiting";
  request.callback_type = StartCallbackType::on_process_finished;
  auto promise = std::make_shared<std::promise<Result<StartResult>>>();
  auto future = promise->get_future();
  engine_->start(test_identity(), request, [promise](Result<StartResult> result) { promise->set_value(result); });
  std::vector<WaitingTask> waiting;
  ASSERT_TRUE(eventually([&] {
    waiting = tasks(TaskQuery{})->items;
    return waiting.size() == 1;
  }));

  ASSERT_TRUE(terminate(waiting.front().process_instance_id));

  const auto answer = testing::wait_for(future);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().status, ErrorStatus::internal);
  EXPECT_EQ(answer.error().message, "Process was terminated by 'defaultUser'");
}

}  // namespace
}  // namespace processhost::engine
