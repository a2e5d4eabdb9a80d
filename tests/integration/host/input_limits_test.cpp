// Hostile and careless input through the real host binary (issue 12, items 1 and 2): every
// case gets its status and a JSON error that names the broken limit, and the host still
// answers /health afterwards.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "processhost/json.hpp"
#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::testing {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path kSource = PROCESSHOST_SOURCE_DIR;
const std::string kApi = "/api/consumer/v1";
const std::string kStart = kApi + "/process_models/sample_process/start";
const std::string kFinish = kApi + "/processes/p1/correlations/c1/usertasks/t1/finish";
// The demo super-user token, accepted because the test's iam config allows it.
const Headers kAuth{{"Authorization", "Bearer ZHVtbXlfdG9rZW4="}};

std::string deep_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// The host under test: iam and the Consumer API on the memory store, with the sample model.
std::unique_ptr<HostProcess> start_host(TempDir& dir, const std::string& http_extra) {
  dir.write("iam.json", R"({"issuer":"limits-test","secret":"a-test-secret-that-is-long-enough-0123456789",
    "allowGodToken":true,"usersFile":")" +
                            (kSource / "config/demo/iam/users.json").string() + R"("})");
  const auto config =
      dir.write("host.json", R"({"http":{"port":0)" + http_extra + R"(},"processModels":[")" +
                                 (kSource / "config/demo/processes/sample_process.bpmn").string() +
                                 R"("],"plugins":[{"name":"iam","config":"iam.json"},{"name":"consumer_api"}]})");
  auto host = std::make_unique<HostProcess>(config);
  host->start();
  return host;
}

class InputLimits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    // Small string and member limits, so that they can be reached below the body limit.
    host_ = start_host(*dir_, R"(,"maxJsonStringBytes":1000,"maxJsonMembers":100)").release();
  }
  static void TearDownTestSuite() {
    EXPECT_EQ(host_->stop(), 0) << host_->output();
    delete host_;
    delete dir_;
  }
  void TearDown() override {
    const HttpReply health = http_request(host_->port(), "GET", "/health");
    EXPECT_EQ(health.status, 200) << "the host no longer answers: " << host_->output();
    EXPECT_TRUE(host_->running());
  }

  static std::uint16_t port() { return host_->port(); }

  // The reply is a 400 (or status) whose JSON error names limit in additionalInformation.
  static void expect_refused(const HttpReply& reply, int status, const std::string& limit) {
    EXPECT_EQ(reply.status, status) << reply.body;
    rapidjson::Document body;
    ASSERT_EQ(json_parse(reply.body, body), std::nullopt) << reply.body;
    ASSERT_TRUE(body.IsObject() && body.HasMember("message") && body["message"].IsString()) << reply.body;
    ASSERT_TRUE(body.HasMember("additionalInformation") && body["additionalInformation"].IsObject()) << reply.body;
    const auto& information = body["additionalInformation"];
    ASSERT_TRUE(information.HasMember("limit")) << reply.body;
    EXPECT_EQ(std::string(information["limit"].GetString()), limit) << reply.body;
  }

  static TempDir* dir_;
  static HostProcess* host_;
};

TempDir* InputLimits::dir_ = nullptr;
HostProcess* InputLimits::host_ = nullptr;

TEST_F(InputLimits, LoginBodyOf200KBOfBracketsIs413BeforeItIsRead) {
  const HttpReply reply = http_request(port(), "POST", "/iam/login", std::string(200 * 1024, '['));
  expect_refused(reply, 413, "maxBodyBytes");
  EXPECT_NE(reply.body.find("\"max\":16384"), std::string::npos) << reply.body;
}

TEST_F(InputLimits, DeepLoginBodyIs400) {
  expect_refused(http_request(port(), "POST", "/iam/login", std::string(10000, '[')), 400, "maxJsonDepth");
}

TEST_F(InputLimits, StartBodyNested70000DeepIs400) {
  const std::string body = R"({"inputValues":)" + deep_arrays(70000) + "}";
  expect_refused(http_request(port(), "POST", kStart, body, kAuth), 400, "maxJsonDepth");
}

TEST_F(InputLimits, FormFieldsNested100000DeepIs400) {
  const std::string body = R"({"formFields":{"a":)" + deep_arrays(100000) + "}}";
  expect_refused(http_request(port(), "POST", kFinish, body, kAuth), 400, "maxJsonDepth");
}

TEST_F(InputLimits, DepthOf64PassesTheParser) {
  const std::string body = R"({"inputValues":{"a":)" + deep_arrays(62) + "}}";
  const HttpReply reply = http_request(port(), "POST", kStart, body, kAuth);
  EXPECT_EQ(reply.status, 200) << reply.body;
}

TEST_F(InputLimits, InvalidUtf8Is400) {
  const std::string body = "{\"inputValues\":{\"a\":\"\xc3\x28\"}}";
  expect_refused(http_request(port(), "POST", kStart, body, kAuth), 400, "validUtf8");
  expect_refused(http_request(port(), "POST", kStart, R"({"inputValues":{"a":"\uDC00"}})", kAuth), 400, "validUtf8");
}

TEST_F(InputLimits, NulEscapeIs400) {
  expect_refused(http_request(port(), "POST", kStart, R"({"inputValues":{"a":"x\u0000"}})", kAuth), 400, "noNul");
  expect_refused(http_request(port(), "POST", kFinish, R"({"formFields":{"a\u0000":1}})", kAuth), 400, "noNul");
}

TEST_F(InputLimits, LongStringIs400) {
  const std::string body = R"({"inputValues":{"a":")" + std::string(1001, 'x') + "\"}}";
  const HttpReply reply = http_request(port(), "POST", kStart, body, kAuth);
  expect_refused(reply, 400, "maxJsonStringBytes");
  EXPECT_NE(reply.body.find("\"max\":1000"), std::string::npos) << reply.body;
}

TEST_F(InputLimits, TooManyMembersOrElementsIs400) {
  std::string members = "{";
  for (int i = 0; i <= 100; ++i) members += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
  members += "}";
  expect_refused(http_request(port(), "POST", kStart, R"({"inputValues":)" + members + "}", kAuth), 400,
                 "maxJsonMembers");
  std::string elements = "[0";
  for (int i = 1; i <= 100; ++i) elements += ",0";
  elements += "]";
  expect_refused(http_request(port(), "POST", kStart, R"({"inputValues":)" + elements + "}", kAuth), 400,
                 "maxJsonMembers");
}

TEST_F(InputLimits, ContentLengthOverTheDefaultLimitIs413WithoutSendingTheBody) {
  HttpClient client(port());
  client.send_raw("POST " + kStart +
                  " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ZHVtbXlfdG9rZW4=\r\n"
                  "Content-Type: application/json\r\nContent-Length: 49000000\r\n\r\n");
  const HttpReply reply = client.read_reply();
  expect_refused(reply, 413, "maxBodyBytes");
  EXPECT_NE(reply.body.find("\"max\":1048576"), std::string::npos) << reply.body;
  EXPECT_TRUE(client.wait_closed(5s));
}

TEST_F(InputLimits, ChunkedBodyOverTheLimitIs413) {
  HttpClient client(port());
  const std::string chunk(512 * 1024, ' ');
  char size[32];
  std::snprintf(size, sizeof size, "%zx", chunk.size());
  std::string request = "POST " + kStart + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) request += std::string(size) + "\r\n" + chunk + "\r\n";
  client.send_raw(request + "0\r\n\r\n");
  expect_refused(client.read_reply(), 413, "maxBodyBytes");
}

TEST_F(InputLimits, TokenOver8KiBIs401) {
  const HttpReply reply = http_request(port(), "GET", kApi + "/process_models", {},
                                       {{"Authorization", "Bearer " + std::string(9000, 'a')}});
  EXPECT_EQ(reply.status, 401) << reply.body;
}

TEST_F(InputLimits, BrokenPercentEscapeIs400AndClosesTheConnection) {
  HttpClient client(port());
  client.send_raw("GET " + kApi + "/process_models/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
  const HttpReply reply = client.read_reply();
  EXPECT_EQ(reply.status, 400) << reply.body;
  EXPECT_EQ(reply.header("connection"), "close");
  EXPECT_TRUE(client.wait_closed(5s));
}

// Six parallel bodies of the maximum size that the host reads, parses, copies and checks in
// full but does not keep (the model is unknown). Idle threads give what they freed back to
// the system (processhost/free_memory.hpp): 10 s after each burst the host is within 20 % of
// its idle size again, and memory does not grow with the number of bursts.
TEST(InputLimitsMemory, MemoryComesBackAfterBurstsOfMaximumSizeRequests) {
  TempDir dir;
  auto host = start_host(dir, "");
  const std::string target = kApi + "/process_models/unknown_model/start";
  // The body is parsed before the model is looked up: broken JSON is a 400, not a 404.
  ASSERT_EQ(http_request(host->port(), "POST", target, "{", kAuth).status, 400);
  ASSERT_EQ(http_request(host->port(), "POST", kApi + "/process_models/sample_process/start", "{}", kAuth).status, 200);
  const std::string frame = R"({"inputValues":{"data":""}})";
  const std::string body = R"({"inputValues":{"data":")" + std::string(1024 * 1024 - frame.size(), 'x') + "\"}}";
  ASSERT_EQ(body.size(), 1024u * 1024);
  auto burst = [&] {
    std::vector<std::future<int>> replies;
    for (int i = 0; i < 6; ++i) {
      replies.push_back(std::async(std::launch::async,
                                   [&] { return http_request(host->port(), "POST", target, body, kAuth).status; }));
    }
    for (auto& reply : replies) EXPECT_EQ(reply.get(), 404);
  };
  // Back within 20 % of idle in at most 10 s.
  auto settled = [&](std::size_t idle) {
    std::size_t now = host->rss_kib();
    for (int i = 0; i < 100 && now > idle + idle / 5; ++i) {
      std::this_thread::sleep_for(100ms);
      now = host->rss_kib();
    }
    return now;
  };
  std::this_thread::sleep_for(2s);
  const std::size_t idle = host->rss_kib();
  burst();
  const std::size_t after_one = settled(idle);
  EXPECT_LE(after_one, idle + idle / 5) << "idle " << idle << " KiB, 10 s after a burst " << after_one << " KiB";
  for (int i = 0; i < 10; ++i) burst();
  const std::size_t after = settled(idle);
  EXPECT_LE(after, idle + idle / 5) << "idle " << idle << " KiB, 10 s after 11 bursts " << after << " KiB";

  std::vector<std::future<int>> refused;
  for (int i = 0; i < 6; ++i) {
    refused.push_back(std::async(std::launch::async, [&] {
      HttpClient client(host->port());
      client.send_raw("POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: 49000000\r\n\r\n" +
                      std::string(64 * 1024, ' '));
      return client.read_reply().status;
    }));
  }
  for (auto& reply : refused) EXPECT_EQ(reply.get(), 413);
  EXPECT_LE(host->rss_kib(), after + 1024) << "announced bodies were buffered";
  EXPECT_EQ(http_request(host->port(), "GET", "/health").status, 200);
  EXPECT_EQ(host->stop(), 0) << host->output();
}

}  // namespace
}  // namespace processhost::testing
