#include <thread>

#include "engine_fixture.hpp"

namespace processhost::engine {
namespace {

using testing::EngineFixture;
using testing::process_xml;
using testing::test_identity;

std::string two_user_tasks_xml() {
  auto flow = [](const std::string& id, const std::string& from, const std::string& to) {
    return "<bpmn:sequenceFlow id='" + id + "' sourceRef='" + from + "' targetRef='" + to + "'/>";
  };
  return process_xml("two_tasks",
      "<bpmn:startEvent id='s'/><bpmn:parallelGateway id='split'/><bpmn:userTask id='a'/><bpmn:userTask id='b'/>"
      "<bpmn:parallelGateway id='join'/><bpmn:endEvent id='e'/>" + flow("f1", "s", "split") + flow("f2", "split", "a") +
      flow("f3", "split", "b") + flow("f4", "a", "join") + flow("f5", "b", "join") + flow("f6", "join", "e"));
}

class EngineConcurrency : public EngineFixture {
 protected:
  std::vector<WaitingTask> start_and_list(const std::string& correlation) {
    StartRequest request;
    request.process_model_id = "two_tasks";
    request.correlation_id = correlation;
    EXPECT_TRUE(start(request));
    TaskQuery query;
    query.correlation_id = correlation;
    auto listed = tasks(query);
    EXPECT_TRUE(listed);
    return listed ? listed->items : std::vector<WaitingTask>{};
  }
  // The join's entry for the task's branch after it was finished with value.
  static std::string delivered(const WaitingTask& task, const std::string& value) {
    return "\"" + task.flow_node_id + "\":{\"form_fields\":{\"v\":\"" + value + "\"}}";
  }
  static FinishTaskRequest finish_request(const WaitingTask& task, const std::string& value) {
    return {TaskKind::user_task, task.process_instance_id, task.correlation_id, task.flow_node_instance_id,
            "{\"v\":\"" + value + "\"}"};
  }
};

TEST_F(EngineConcurrency, SimultaneousFinishesOfOneInstanceAreSerialised) {
  ASSERT_TRUE(deploy(two_user_tasks_xml()));
  for (int round = 0; round < 20; ++round) {
    const std::string correlation = "c" + std::to_string(round);
    auto waiting = start_and_list(correlation);
    ASSERT_EQ(waiting.size(), 2u);
    auto first = std::make_shared<std::promise<Status>>();
    auto second = std::make_shared<std::promise<Status>>();
    auto first_done = first->get_future();
    auto second_done = second->get_future();
    std::thread other([&] {
      engine_->finish_task(test_identity(), finish_request(waiting[1], "b"), [second](Status s) { second->set_value(s); });
    });
    engine_->finish_task(test_identity(), finish_request(waiting[0], "a"), [first](Status s) { first->set_value(s); });
    other.join();
    ASSERT_TRUE(testing::wait_for(first_done));
    ASSERT_TRUE(testing::wait_for(second_done));
    auto result = results(correlation, "two_tasks");
    ASSERT_TRUE(result);
    ASSERT_EQ(result->size(), 1u) << "the join fires exactly once";
    EXPECT_NE(result->at(0).token_payload.find(delivered(waiting[0], "a")), std::string::npos);
    EXPECT_NE(result->at(0).token_payload.find(delivered(waiting[1], "b")), std::string::npos);
  }
}

TEST_F(EngineConcurrency, AStaleCachedInstanceIsReloadedAfterAVersionConflict) {
  ASSERT_TRUE(deploy(two_user_tasks_xml()));
  auto waiting = start_and_list("shared");
  ASSERT_EQ(waiting.size(), 2u);
  // A second engine on the same store plays another host; it advances the instance first.
  Engine other_host(EngineOptions{}, logger_);
  other_host.start(store_);
  auto finished_elsewhere =
      testing::call_sync<Ok>([&](auto done) { other_host.finish_task(test_identity(), finish_request(waiting[0], "x"), done); });
  ASSERT_TRUE(finished_elsewhere) << finished_elsewhere.error().message;
  other_host.stop();
  // This engine still caches version 1; its commit meets version 2, reloads and retries.
  ASSERT_TRUE(finish(finish_request(waiting[1], "y")));
  auto result = results("shared", "two_tasks");
  ASSERT_EQ(result->size(), 1u);
  EXPECT_NE(result->at(0).token_payload.find(delivered(waiting[0], "x")), std::string::npos);
  EXPECT_NE(result->at(0).token_payload.find(delivered(waiting[1], "y")), std::string::npos);
  // Finishing what the other host already finished is refused, not applied twice.
  auto again = finish(finish_request(waiting[0], "z"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().status, ErrorStatus::not_found);
}

}  // namespace
}  // namespace processhost::engine
