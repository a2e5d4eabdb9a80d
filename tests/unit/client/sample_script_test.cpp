#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "fake_transport.hpp"
#include "sample_script.hpp"

namespace processhost::client::examples {
namespace {

using testing::FakeTransport;

constexpr const char* kDemoPlugins = R"({"host":{"name":"ProcessHost","version":"0.1.0"},"plugins":[
  {"name":"iam","library":"iam.so","provides":["processhost.identity/1"]},{"name":"consumer_api","library":"c.so"}]})";
constexpr const char* kTask = R"({"userTasks":[{"flowNodeType":"bpmn:UserTask","id":"UserTask_1",
  "flowNodeInstanceId":"fni-9","name":"Wait for the user to do something","correlationId":"CID",
  "processModelId":"sample_process","processInstanceId":"pi-7","data":{"formFields":[]},"tokenPayload":{}}],"totalCount":1})";

const WaitOptions kQuickWait{std::chrono::milliseconds(2000), std::chrono::milliseconds(1), std::chrono::milliseconds(2)};

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// Answers the sample's Consumer API calls like a host would, recording them in inner.
class EchoHost : public HttpTransport {
 public:
  explicit EchoHost(FakeTransport& inner) : inner_(inner) {}
  const BaseUrl& base_url() const override { return inner_.base_url(); }
  ClientResult<HttpReply> send(const HttpCall& call) override {
    inner_.calls.push_back(call);
    if (call.target.find("/start?") != std::string::npos) {
      std::smatch match;
      std::regex_search(call.body, match, std::regex(R"re("correlationId":"([^"]+)")re"));
      correlation_id = match[1].str();
      return FakeTransport::make(200, R"({"correlationId":")" + correlation_id + R"(","processInstanceId":"pi-7"})");
    }
    if (call.target.find("/user_tasks") != std::string::npos) {
      if (++user_task_polls_ < 3) return FakeTransport::make(200, R"({"userTasks":[],"totalCount":0})");
      return FakeTransport::make(200, replace_all(kTask, "CID", correlation_id));
    }
    if (call.target.find("/finish") != std::string::npos) return FakeTransport::make(204, "");
    return FakeTransport::make(200, R"({"correlationResults":[{"correlationId":")" + correlation_id +
                                        R"(","endEventId":"EndEvent_Success",)"
                                        R"("tokenPayload":{"form_fields":{"TaskWasSuccessful":true}}}],"totalCount":1})");
  }

  std::string correlation_id;

 private:
  FakeTransport& inner_;
  int user_task_polls_ = 0;
};

TEST(SampleScript, LogsInStartsWaitsFinishesAndPrintsTheResult) {
  FakeTransport transport;
  transport.reply(200, kDemoPlugins);
  transport.reply(200, R"({"token":"tok","userId":"sampleUser","expiresAt":"2026-01-01T00:00:00Z"})");
  std::ostringstream out;
  StepPrinter printer(out, "test_client");
  IamClient iam(transport);
  auto identity = establish_identity(transport, iam, Credentials{"sampleUser", "pass"}, printer);
  ASSERT_TRUE(identity) << identity.error().describe();
  EXPECT_EQ(identity->token, "tok");

  // The script makes up the correlation id; the scripted host echoes it back.
  EchoHost host(transport);
  ConsumerApiClient client(host);
  // Without a notification source the script polls (the fallback); the notification path is
  // in notified_task_waiter_test.cpp and, against the real host, in tests/e2e/clients.
  auto result = run_sample(client, nullptr, *identity, kQuickWait, printer);
  ASSERT_TRUE(result) << result.error().describe();
  const std::string& cid = host.correlation_id;
  EXPECT_EQ(result->end_event_id, "EndEvent_Success");

  const auto& calls = transport.calls;
  ASSERT_EQ(calls.size(), 8u);
  EXPECT_EQ(calls[0].target, "/host/plugins");
  EXPECT_EQ(calls[1].target, "/iam/login");
  EXPECT_EQ(calls[2].target, "/api/consumer/v1/process_models/sample_process/start?start_callback_type=1");
  EXPECT_EQ(calls[2].body, R"({"correlationId":")" + cid + R"(","inputValues":{}})");
  EXPECT_EQ(calls[5].target, "/api/consumer/v1/process_models/sample_process/correlations/" + cid + "/user_tasks");
  EXPECT_EQ(calls[6].target, "/api/consumer/v1/processes/pi-7/correlations/" + cid + "/usertasks/fni-9/finish");
  EXPECT_EQ(calls[6].body, R"({"formFields":{"TaskWasSuccessful":true}})");
  EXPECT_EQ(calls[7].target, "/api/consumer/v1/correlations/" + cid + "/process_models/sample_process/results");
  EXPECT_EQ(transport.header(7, "Authorization"), "Bearer tok");

  EXPECT_EQ(replace_all(out.str(), cid, "<cid>"),
            "[test_client] asking http://example.test:8000 what it offers (GET /host/plugins)\n"
            "[test_client] host: ProcessHost 0.1.0 with plugins iam, consumer_api\n"
            "[test_client] logging in as sampleUser (POST /iam/login)\n"
            "[test_client] logged in as user sampleUser\n"
            "[test_client] starting sample_process with correlation id <cid>\n"
            "[test_client] started: processInstanceId pi-7\n"
            "[test_client] waiting for user task UserTask_1\n"
            "[test_client] user task waiting: UserTask_1 \"Wait for the user to do something\" (flowNodeInstanceId fni-9)\n"
            "[test_client] wait mode: polling\n"
            "[test_client] finishing it with {\"TaskWasSuccessful\":true}\n"
            "[test_client] user task finished\n"
            "[test_client] correlation result: correlationId <cid>, endEventId EndEvent_Success (1 in total)\n"
            "[test_client] result: {\"form_fields\":{\"TaskWasSuccessful\":true}}\n");
}

TEST(SampleScript, AHostWithIamNeedsCredentials) {
  FakeTransport transport;
  transport.reply(200, kDemoPlugins);
  std::ostringstream out;
  StepPrinter printer(out, "c");
  IamClient iam(transport);
  auto identity = establish_identity(transport, iam, std::nullopt, printer);
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().kind, ErrorKind::unsupported);
  EXPECT_EQ(transport.calls.size(), 1u);
}

TEST(SampleScript, AHostWithoutIamIsCalledAnonymously) {
  FakeTransport transport;
  transport.reply(200, R"({"host":{"name":"ProcessHost","version":"0.1.0"},"plugins":[{"name":"consumer_api"}]})");
  std::ostringstream out;
  StepPrinter printer(out, "c");
  IamClient iam(transport);
  auto identity = establish_identity(transport, iam, Credentials{"sampleUser", "pass"}, printer);
  ASSERT_TRUE(identity);
  EXPECT_TRUE(identity->anonymous());
  EXPECT_EQ(transport.calls.size(), 1u);
}

TEST(SampleScript, CorrelationIdsAreFreshUuids) {
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const auto first = new_correlation_id();
  EXPECT_TRUE(std::regex_match(first, uuid)) << first;
  EXPECT_NE(first, new_correlation_id());
}

}  // namespace
}  // namespace processhost::client::examples
