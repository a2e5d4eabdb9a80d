// External tasks under both prefixes: fetch and lock, long polling, extend, finish, errors.

#include <chrono>
#include <future>
#include <thread>

#include "open_host_fixture.hpp"

namespace processhost::consumer_api_integration {
namespace {

using ExternalTasks = SuiteHost<ExternalTaskModels>;
// Routes that need no external task model: they run on every engine.
using ExternalTaskApi = OpenHost;

rapidjson::Document fetch(std::uint16_t port, const std::string& worker, int long_polling_ms = 5000,
                          const std::string& base = kBase) {
  auto reply = processhost::testing::http_request(
      port, "POST", base + "/fetch_and_lock",
      R"({"workerId":")" + worker + R"(","topicName":"capi_topic","maxTasks":1,"longPollingTimeout":)" +
          std::to_string(long_polling_ms) + R"(,"lockDuration":30000})",
      {{"Content-Type", "application/json"}});
  EXPECT_EQ(reply.status, 200) << reply.body;
  return json(reply);
}

TEST_F(ExternalTasks, FetchExtendFinish) {
  auto start = json(post(port(), "/process_models/capi_external/start", R"({"correlationId":"ext-1","inputValues":{"n":7}})"));
  auto tasks = fetch(port(), "worker-1");
  ASSERT_TRUE(tasks.IsArray());
  ASSERT_EQ(tasks.Size(), 1u);
  const auto& task = tasks[0];
  for (const char* field : {"id", "workerId", "topic", "flowNodeInstanceId", "correlationId", "processModelId",
                            "processInstanceId", "payload", "lockExpirationTime", "state"}) {
    EXPECT_TRUE(task.HasMember(field)) << field;
  }
  EXPECT_STREQ(task["workerId"].GetString(), "worker-1");
  EXPECT_STREQ(task["topic"].GetString(), "capi_topic");
  EXPECT_STREQ(task["correlationId"].GetString(), "ext-1");
  EXPECT_STREQ(task["state"].GetString(), "pending");
  EXPECT_EQ(std::string(task["lockExpirationTime"].GetString()).size(), 24u);  // 2020-03-09T10:00:00.123Z
  const std::string id = task["id"].GetString();

  EXPECT_EQ(post(port(), "/task/" + id + "/extend_lock", R"({"workerId":"worker-1","additionalDuration":1000})").status,
            204);
  EXPECT_EQ(post(port(), "/task/" + id + "/finish", R"({"workerId":"intruder","result":{}})").status, 423);
  EXPECT_EQ(post(port(), "/task/" + id + "/finish", R"({"workerId":"worker-1","result":{"done":true}})").status, 204);
  EXPECT_EQ(post(port(), "/task/" + id + "/finish", R"({"workerId":"worker-1","result":{}})").status, 410);
  EXPECT_EQ(post(port(), "/task/unknown-task/finish", R"({"workerId":"worker-1"})").status, 404);
  ASSERT_TRUE(eventually([&] {
    auto results = json(get(port(), "/correlations/ext-1/process_models/capi_external/results"));
    return results["totalCount"].GetUint() == 1;
  }));
  EXPECT_EQ(start["correlationId"].GetString(), std::string("ext-1"));
}

TEST_F(ExternalTasks, LongPollingWaitsThenAnswersEmpty) {
  const auto before = std::chrono::steady_clock::now();
  auto tasks = fetch(port(), "idle-worker", 400);
  const auto waited = std::chrono::steady_clock::now() - before;
  EXPECT_EQ(tasks.Size(), 0u);
  EXPECT_GE(waited, std::chrono::milliseconds(300));
}

TEST_F(ExternalTasks, LongPollingDeliversATaskThatArrivesLater) {
  std::thread starter([port = port()] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    post(port, "/process_models/capi_external/start", R"({"correlationId":"ext-late"})");
  });
  auto tasks = fetch(port(), "patient-worker", 10000);
  starter.join();
  ASSERT_EQ(tasks.Size(), 1u);
  EXPECT_STREQ(tasks[0]["correlationId"].GetString(), "ext-late");
  const std::string id = tasks[0]["id"].GetString();
  EXPECT_EQ(post(port(), "/task/" + id + "/handle_bpmn_error",
                 R"({"workerId":"patient-worker","errorCode":"E1","errorMessage":"no"})")
                .status,
            204);
}

// A service error fails the instance: the start that waits for the end (callback type 2)
// answers 500 with the worker's message and details, and the instance reaches no end event.
TEST_F(ExternalTasks, DeprecatedPrefixAndServiceError) {
  auto waiting_start = std::async(std::launch::async, [port = port()] {
    return post(port, "/process_models/capi_external/start?start_callback_type=2", R"({"correlationId":"ext-old"})");
  });
  auto tasks = fetch(port(), "old-worker", 5000, "/api/external_task/v1");
  ASSERT_EQ(tasks.Size(), 1u);
  EXPECT_STREQ(tasks[0]["correlationId"].GetString(), "ext-old");
  const std::string id = tasks[0]["id"].GetString();
  auto reply = processhost::testing::http_request(
      port(), "POST", "/api/external_task/v1/task/" + id + "/handle_service_error",
      R"({"workerId":"old-worker","errorMessage":"backend down","errorDetails":{"code":503}})",
      {{"Content-Type", "application/json"}});
  EXPECT_EQ(reply.status, 204) << reply.body;

  ASSERT_EQ(waiting_start.wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "the instance did not end after the service error";
  const auto failed = waiting_start.get();
  EXPECT_EQ(failed.status, 500) << failed.body;
  EXPECT_EQ(failed.body, R"({"message":"backend down","additionalInformation":{"code":503}})");
  auto results = json(get(port(), "/correlations/ext-old/process_models/capi_external/results"));
  EXPECT_EQ(results["totalCount"].GetUint(), 0u);
  EXPECT_EQ(post(port(), "/task/" + id + "/finish", R"({"workerId":"old-worker","result":{}})").status, 410);
}

TEST_F(ExternalTaskApi, BadBodiesAre400) {
  EXPECT_EQ(post(port(), "/fetch_and_lock", R"({"workerId":"w"})").status, 400);
  EXPECT_EQ(post(port(), "/task/x/extend_lock", R"({"workerId":"w","additionalDuration":"long"})").status, 400);
  EXPECT_EQ(post(port(), "/task/x/handle_bpmn_error", R"({"workerId":"w"})").status, 400);
  EXPECT_EQ(post(port(), "/task/unknown-task/extend_lock", R"({"workerId":"w","additionalDuration":1})").status, 404);
  auto deprecated = processhost::testing::http_request(port(), "POST", "/api/external_task/v1/task/unknown-task/finish",
                                                       R"({"workerId":"w"})", {{"Content-Type", "application/json"}});
  EXPECT_EQ(deprecated.status, 404);
}

}  // namespace
}  // namespace processhost::consumer_api_integration
