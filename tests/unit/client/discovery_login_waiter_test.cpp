#include <gtest/gtest.h>

#include "fake_transport.hpp"
#include "processhost/client/host_discovery.hpp"
#include "processhost/client/iam_client.hpp"
#include "processhost/client/task_waiter.hpp"

namespace processhost::client {
namespace {

using testing::FakeTransport;

constexpr const char* kDemoHost = R"({"host":{"name":"processhost","version":"0.1.0"},"plugins":[
  {"name":"engine","version":"0.1.0","builtIn":true,"library":null,"provides":["processhost.engine/1"],"requires":["processhost.store/1"]},
  {"name":"pg_store","version":"0.1.0","library":"pg_store.so","provides":["processhost.store/1"],"requires":[]},
  {"name":"iam","version":"0.1.0","library":"iam.so","provides":["processhost.identity/1"],"requires":[]},
  {"name":"consumer_api","version":"0.1.0","library":"consumer_api.so","provides":[],"requires":["processhost.engine/1"]}]})";

TEST(HostDiscovery, SeesTheConsumerApiAndThatLoginIsNeeded) {
  FakeTransport transport;
  transport.reply(200, kDemoHost);
  auto capabilities = discover_host(transport);
  ASSERT_TRUE(capabilities) << capabilities.error().describe();
  EXPECT_EQ(transport.calls[0].method, "GET");
  EXPECT_EQ(transport.calls[0].target, "/host/plugins");
  EXPECT_TRUE(capabilities->consumer_api);
  EXPECT_TRUE(capabilities->login_required);
  EXPECT_EQ(capabilities->summary(), "processhost 0.1.0 with plugins pg_store, iam, consumer_api (built in: engine)");
  EXPECT_TRUE(require_consumer_api(*capabilities, transport.base_url()));
}

TEST(HostDiscovery, AHostWithoutIamNeedsNoLogin) {
  FakeTransport transport;
  transport.reply(200, R"({"host":{"name":"processhost","version":"0.1.0"},"plugins":[
      {"name":"consumer_api","library":"/p/consumer_api.so","builtIn":false}]})");
  auto capabilities = discover_host(transport);
  ASSERT_TRUE(capabilities);
  EXPECT_TRUE(capabilities->consumer_api);
  EXPECT_FALSE(capabilities->login_required);
}

TEST(HostDiscovery, AHostWithoutTheConsumerApiGivesAClearError) {
  FakeTransport transport;
  transport.reply(200, R"({"host":{"name":"processhost","version":"0.1.0"},"plugins":[
      {"name":"engine","library":null},{"name":"pg_store","library":"/p/pg_store.so"}]})");
  auto capabilities = discover_host(transport);
  ASSERT_TRUE(capabilities);
  auto supported = require_consumer_api(*capabilities, transport.base_url());
  ASSERT_FALSE(supported);
  EXPECT_EQ(supported.error().kind, ErrorKind::unsupported);
  EXPECT_EQ(supported.error().message,
            "the host at http://example.test:8000 does not offer the Consumer API (plugins loaded: pg_store); "
            "add \"consumer_api\" to the plugin list of its host config");
}

TEST(HostDiscovery, AServerWithoutHostPluginsIsNotAProcessHost) {
  FakeTransport transport;
  transport.reply(404, R"({"message":"no route"})");
  auto capabilities = discover_host(transport);
  ASSERT_FALSE(capabilities);
  EXPECT_EQ(capabilities.error().kind, ErrorKind::unsupported);
  EXPECT_EQ(capabilities.error().status, 404);
  EXPECT_NE(capabilities.error().message.find("is not a ProcessHost"), std::string::npos);
}

TEST(IamClient, LogsInAndYieldsTheIdentity) {
  FakeTransport transport;
  transport.reply(200, R"({"token":"jwt.token.here","userId":"sampleUser","expiresAt":1700000000})");
  IamClient iam(transport);
  auto login = iam.login({"sampleUser", "pass"});
  ASSERT_TRUE(login) << login.error().describe();
  EXPECT_EQ(transport.calls[0].method, "POST");
  EXPECT_EQ(transport.calls[0].target, "/iam/login");
  EXPECT_EQ(transport.calls[0].body, R"({"username":"sampleUser","password":"pass"})");
  EXPECT_EQ(transport.header(0, "Authorization"), "<absent>");
  EXPECT_EQ(login->identity.token, "jwt.token.here");
  EXPECT_EQ(login->identity.user_id, "sampleUser");
  EXPECT_EQ(login->expires_at, std::optional<std::string>("1700000000"));
}

TEST(IamClient, WrongCredentialsAre401) {
  FakeTransport transport;
  transport.reply(401, R"({"message":"wrong user name or password"})");
  IamClient iam(transport);
  auto login = iam.login({"sampleUser", "nope"});
  ASSERT_FALSE(login);
  EXPECT_EQ(login.error().status, 401);
  EXPECT_EQ(login.error().message, "wrong user name or password");
}

constexpr const char* kWaitingTask = R"({"userTasks":[{"flowNodeType":"bpmn:UserTask","id":"UserTask_1",
  "flowNodeInstanceId":"f1","name":"Wait","correlationId":"c","processModelId":"sample_process",
  "processInstanceId":"p","data":{"formFields":[]},"tokenPayload":{}}],"totalCount":1})";

TEST(TaskWaiter, PollsUntilTheTaskWaits) {
  FakeTransport transport;
  transport.reply(200, R"({"userTasks":[],"totalCount":0})");
  transport.reply(200, R"({"userTasks":[],"totalCount":0})");
  transport.reply(200, kWaitingTask);
  ConsumerApiClient client(transport);
  auto task = wait_for_user_task(client, {}, "sample_process", "c", "UserTask_1",
                                 {std::chrono::milliseconds(5000), std::chrono::milliseconds(1), std::chrono::milliseconds(2)});
  ASSERT_TRUE(task) << task.error().describe();
  EXPECT_EQ(task->flow_node_instance_id, "f1");
  EXPECT_EQ(transport.calls.size(), 3u);
  EXPECT_EQ(transport.calls[2].target, "/api/consumer/v1/process_models/sample_process/correlations/c/user_tasks");
}

TEST(TaskWaiter, GivesUpAtTheDeadline) {
  FakeTransport transport;
  transport.default_reply = FakeTransport::make(200, R"({"userTasks":[],"totalCount":0})");
  ConsumerApiClient client(transport);
  auto task = wait_for_user_task(client, {}, "sample_process", "c", "UserTask_1",
                                 {std::chrono::milliseconds(50), std::chrono::milliseconds(1), std::chrono::milliseconds(10)});
  ASSERT_FALSE(task);
  EXPECT_EQ(task.error().kind, ErrorKind::timeout);
  EXPECT_EQ(task.error().message, "user task UserTask_1 waiting in correlation c did not happen within 50 ms");
  EXPECT_GE(transport.calls.size(), 3u);
}

TEST(TaskWaiter, StopsAtTheFirstFailingQuery) {
  FakeTransport transport;
  transport.reply(200, R"({"correlationResults":[],"totalCount":0})");
  transport.reply(500, R"({"message":"store is down"})");
  ConsumerApiClient client(transport);
  auto results = wait_for_correlation_results(client, {}, "c", "m",
                                              {std::chrono::milliseconds(5000), std::chrono::milliseconds(1), std::chrono::milliseconds(1)});
  ASSERT_FALSE(results);
  EXPECT_EQ(results.error().status, 500);
  EXPECT_EQ(results.error().message, "store is down");
  EXPECT_EQ(transport.calls.size(), 2u);
}

}  // namespace
}  // namespace processhost::client
