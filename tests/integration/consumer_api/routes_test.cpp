// /info, /swagger against what the host really serves, and waits dropped by clients.

#include <regex>
#include <thread>

#include "open_host_fixture.hpp"

namespace processhost::consumer_api_integration {
namespace {

using Routes = OpenHost;

TEST_F(Routes, InfoNamesTheApplication) {
  auto reply = get(port(), "/info");
  ASSERT_EQ(reply.status, 200);
  auto info = json(reply);
  EXPECT_EQ(keys(info), (std::vector<std::string>{"name", "version"}));
  EXPECT_STREQ(info["name"].GetString(), "processhost");
  EXPECT_TRUE(std::regex_match(std::string(info["version"].GetString()), std::regex(R"(\d+\.\d+\.\d+)")));
}

TEST_F(Routes, OpenModeIsAnnouncedInTheLog) {
  EXPECT_NE(host_->output().find("authentication is off"), std::string::npos);
  EXPECT_EQ(get(port(), "/process_models").status, 200);
}

TEST_F(Routes, EveryDocumentedOperationIsServed) {
  auto reply = get(port(), "/swagger");
  ASSERT_EQ(reply.status, 200);
  auto document = json(reply);
  EXPECT_STREQ(document["openapi"].GetString(), "3.0.3");
  std::size_t operations = 0;
  for (auto path = document["paths"].MemberBegin(); path != document["paths"].MemberEnd(); ++path) {
    // Fill every {parameter} with a value no model uses: the route must still be found.
    const std::string target = std::regex_replace(path->name.GetString(), std::regex(R"(\{[a-z_]+\})"), "probe");
    for (auto op = path->value.MemberBegin(); op != path->value.MemberEnd(); ++op) {
      ++operations;
      std::string method = op->name.GetString();
      for (auto& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (target.find("/start") != std::string::npos || target.find("fetch_and_lock") != std::string::npos) {
        continue;  // served with real bodies elsewhere; a probe would start processes or wait
      }
      auto answer = processhost::testing::http_request(port(), method, target, method == "POST" ? "{}" : "",
                                                       {{"Content-Type", "application/json"}});
      EXPECT_NE(answer.status, 405) << method << " " << target;
      EXPECT_EQ(answer.body.find("no route for"), std::string::npos) << method << " " << target;
      const std::string code = std::to_string(answer.status);
      EXPECT_TRUE(op->value["responses"].HasMember(code.c_str()))
          << method << " " << target << " answered " << code << " which the document does not list";
    }
  }
  EXPECT_EQ(operations, 46u);
}

TEST_F(Routes, AClientLeavingAWaitingStartLeavesTheHostServing) {
  for (int i = 0; i < 5; ++i) {
    processhost::testing::HttpClient client(port());
    client.send_raw("POST " + kBase +
                    "/process_models/sample_process/start?start_callback_type=2 HTTP/1.1\r\nHost: x\r\n"
                    "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto poll = std::thread([port = port()] {
    const std::string body =
        R"({"workerId":"gone","topicName":"capi_nothing","maxTasks":1,"longPollingTimeout":60000,"lockDuration":1})";
    processhost::testing::HttpClient client(port);
    client.send_raw("POST " + kBase + "/fetch_and_lock HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
                    "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  });
  poll.join();
  EXPECT_EQ(get(port(), "/info").status, 200);
  EXPECT_EQ(get(port(), "/process_models").status, 200);
  EXPECT_TRUE(host_->process().running());
}

}  // namespace
}  // namespace processhost::consumer_api_integration
