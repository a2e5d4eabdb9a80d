// The real processhost binary: command line, host routes, logs, signals, graceful shutdown.
#include <gtest/gtest.h>

#include <future>
#include <sstream>
#include <thread>

#include <rapidjson/document.h>

#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::testing {
namespace {

using namespace std::chrono_literals;

const std::string kFixtures = PROCESSHOST_FIXTURE_DIR;
const std::filesystem::path kSource = PROCESSHOST_SOURCE_DIR;

class HostBinary : public ::testing::Test {
 protected:
  std::filesystem::path config(const std::string& plugins = R"([{"name":"slow_routes"}])", int port = 0) {
    return dir_.write("host.json", R"({"http":{"host":"127.0.0.1","port":)" + std::to_string(port) +
                                       R"(,"drainTimeoutMs":3000},"pluginDir":")" + kFixtures +
                                       R"(","plugins":)" + plugins + "}");
  }
  TempDir dir_;
};

TEST_F(HostBinary, HelpAndVersion) {
  HostProcess help(config(), {"--help"});
  EXPECT_EQ(help.run_to_exit(), 0);
  EXPECT_NE(help.output().find("--check-config"), std::string::npos) << help.output();
  EXPECT_NE(help.output().find("--log-format"), std::string::npos) << help.output();

  HostProcess version(config(), {"--version"});
  EXPECT_EQ(version.run_to_exit(), 0);
  EXPECT_EQ(version.output().rfind("processhost 0.1.0 (plugin API 3, ABI gcc", 0), 0u) << version.output();
}

TEST_F(HostBinary, UnknownOptionIsAUsageError) {
  HostProcess host(config(), {"--frobnicate"});
  EXPECT_EQ(host.run_to_exit(), 2);
  EXPECT_NE(host.output().find("processhost: unrecognised option '--frobnicate'"), std::string::npos) << host.output();
}

TEST_F(HostBinary, InvalidConfigExitsWithCode2AndTheMessage) {
  const auto file = dir_.write("bad.json", R"({"http":{"port":"eighty"}})");
  HostProcess host(file);
  EXPECT_EQ(host.run_to_exit(), 2);
  EXPECT_NE(host.output().find("error [host] invalid config: " + file.string() +
                               ": /http/port: expected integer, got string\n"),
            std::string::npos)
      << host.output();
}

TEST_F(HostBinary, MissingConfigFile) {
  HostProcess host(dir_.path() / "absent.json");
  EXPECT_EQ(host.run_to_exit(), 2);
  EXPECT_NE(host.output().find("invalid config: " + (dir_.path() / "absent.json").string() +
                               ": cannot read the host config (no such file)"),
            std::string::npos)
      << host.output();
}

TEST_F(HostBinary, HostRoutesAnswer) {
  HostProcess host(config());
  host.start();
  const HttpReply health = http_request(host.port(), "GET", "/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  const HttpReply ready = http_request(host.port(), "GET", "/ready");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"status":"ready"})");

  const HttpReply plugins = http_request(host.port(), "GET", "/host/plugins");
  ASSERT_EQ(plugins.status, 200);
  EXPECT_EQ(plugins.header("content-type"), "application/json");
  rapidjson::Document listing;
  listing.Parse(plugins.body.c_str());
  ASSERT_TRUE(listing.IsObject()) << plugins.body;
  EXPECT_STREQ(listing["host"]["name"].GetString(), "processhost");
  EXPECT_STREQ(listing["host"]["version"].GetString(), "0.1.0");
  EXPECT_EQ(listing["host"]["apiVersion"].GetInt(), 3);
  bool found = false;
  for (const auto& plugin : listing["plugins"].GetArray()) {
    if (std::string(plugin["name"].GetString()) != "slow_routes") continue;
    found = true;
    EXPECT_FALSE(plugin["builtIn"].GetBool());
    EXPECT_EQ(plugin["library"].GetString(), kFixtures + "/slow_routes.so");
    EXPECT_STREQ(plugin["version"].GetString(), "1.0.0");
    EXPECT_EQ(plugin["provides"].Size(), 0u);
  }
  EXPECT_TRUE(found) << plugins.body;

  EXPECT_EQ(http_request(host.port(), "GET", "/nowhere").status, 404);
  EXPECT_EQ(http_request(host.port(), "POST", "/health").status, 405);
  EXPECT_EQ(host.stop(), 0) << host.output();
}

TEST_F(HostBinary, SigtermLetsARequestInFlightFinish) {
  HostProcess host(config());
  host.start();
  HttpClient client(host.port());
  client.send_raw("GET /fixture/slow/800 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(host.wait_for_output("[slow_routes] slow request received: 800 ms", 10s)) << host.output();
  host.signal(SIGTERM);
  const HttpReply reply = client.read_reply();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, R"({"waited":800})");
  EXPECT_EQ(reply.header("connection"), "close");
  EXPECT_EQ(host.wait_exit(10s), 0) << host.output();
  const std::string output = host.output();
  EXPECT_NE(output.find("[host] received SIGTERM, shutting down"), std::string::npos) << output;
  EXPECT_NE(output.find("[host] stopped 'slow_routes'"), std::string::npos) << output;
  EXPECT_NE(output.find("[host] stopped cleanly"), std::string::npos) << output;
}

TEST_F(HostBinary, SigintStopsCleanlyAndTheListenerCloses) {
  HostProcess host(config());
  host.start();
  const auto port = host.port();
  EXPECT_EQ(host.stop(10s, SIGINT), 0) << host.output();
  EXPECT_NE(host.output().find("[host] received SIGINT, shutting down"), std::string::npos) << host.output();
  EXPECT_THROW(HttpClient{port}, HttpClientError);
}

TEST_F(HostBinary, JsonLogLinesAreObjects) {
  HostProcess host(config(), {"--log-format", "json"});
  host.start();
  EXPECT_EQ(host.stop(), 0);
  std::istringstream lines(host.output());
  int count = 0;
  for (std::string line; std::getline(lines, line);) {
    rapidjson::Document entry;
    entry.Parse(line.c_str());
    ASSERT_TRUE(entry.IsObject()) << line;
    EXPECT_TRUE(entry.HasMember("time") && entry["time"].IsString()) << line;
    EXPECT_TRUE(entry.HasMember("level") && entry["level"].IsString()) << line;
    EXPECT_TRUE(entry.HasMember("component") && entry["component"].IsString()) << line;
    EXPECT_TRUE(entry.HasMember("message") && entry["message"].IsString()) << line;
    ++count;
  }
  EXPECT_GE(count, 4);
  EXPECT_NE(host.output().find(R"("level":"info","component":"host","message":"stopped cleanly")"), std::string::npos)
      << host.output();
}

TEST_F(HostBinary, PortInUseIsAStartUpFailure) {
  HostProcess first(config());
  first.start();
  HostProcess second(config("[]", first.port()));
  EXPECT_EQ(second.run_to_exit(), 1);
  EXPECT_NE(second.output().find("[host] start-up failed: cannot listen on 127.0.0.1:" + std::to_string(first.port()) +
                                 ": bind: Address already in use"),
            std::string::npos)
      << second.output();
  EXPECT_EQ(first.stop(), 0);
}

TEST_F(HostBinary, ShippedConfigsAreValid) {
  for (const char* name : {"demo", "minimal"}) {
    HostProcess host(kSource / "config" / name / "host.json", {"--check-config"});
    EXPECT_EQ(host.run_to_exit(), 0) << name << ":\n" << host.output();
    EXPECT_NE(host.output().find("config OK"), std::string::npos) << host.output();
  }
}

// A config whose second model has two problems (an unsupported element, a dangling flow).
std::filesystem::path config_with_a_bad_model(const TempDir& dir) {
  return dir.write("models.json", R"({"http":{"host":"127.0.0.1","port":0},"processModels":[")" +
                                      (kSource / "config/demo/processes/sample_process.bpmn").string() + R"(",")" +
                                      (kSource / "tests/integration/host/models/two_problems.bpmn").string() +
                                      R"("]})");
}

// One bad model never stops the host: it starts with the good ones, logs every problem of
// the bad one, and GET /host/process_models lists what was deployed and what failed.
TEST_F(HostBinary, ABadProcessModelDoesNotStopTheHost) {
  HostProcess host(config_with_a_bad_model(dir_));
  host.start();
  const std::string bad = (kSource / "tests/integration/host/models/two_problems.bpmn").string();
  EXPECT_NE(host.output().find("process model " + bad + " not deployed: 'Complex': element bpmn:complexGateway "
                               "'Complex' is not supported by this engine"),
            std::string::npos)
      << host.output();
  EXPECT_NE(host.output().find("process model " + bad + " not deployed: 'ToNowhere': sequence flow 'ToNowhere' is "
                               "dangling"),
            std::string::npos)
      << host.output();
  EXPECT_NE(host.output().find("1 of 2 process model file(s) could not be deployed"), std::string::npos)
      << host.output();

  const HttpReply models = http_request(host.port(), "GET", "/host/process_models");
  ASSERT_EQ(models.status, 200) << models.body;
  rapidjson::Document body;
  ASSERT_FALSE(body.Parse(models.body.c_str()).HasParseError()) << models.body;
  const auto& list = body["processModels"];
  ASSERT_EQ(list.Size(), 2u) << models.body;
  EXPECT_EQ(std::string(list[0]["state"].GetString()), "deployed");
  EXPECT_EQ(std::string(list[0]["id"].GetString()), "sample_process");
  EXPECT_EQ(std::string(list[0]["hash"].GetString()).size(), 64u) << models.body;
  EXPECT_EQ(std::string(list[1]["file"].GetString()), bad);
  EXPECT_EQ(std::string(list[1]["state"].GetString()), "failed");
  ASSERT_EQ(list[1]["problems"].Size(), 2u) << models.body;
  EXPECT_EQ(std::string(list[1]["problems"][0]["elementId"].GetString()), "Complex");
  EXPECT_EQ(std::string(list[1]["problems"][1]["elementId"].GetString()), "ToNowhere");
  EXPECT_EQ(host.stop(), 0) << host.output();
}

// --check-config checks the models as deploying would: every problem, exit 2.
TEST_F(HostBinary, CheckConfigListsEveryProblemOfEveryModel) {
  HostProcess host(config_with_a_bad_model(dir_), {"--check-config"});
  EXPECT_EQ(host.run_to_exit(), 2) << host.output();
  const std::string bad = (kSource / "tests/integration/host/models/two_problems.bpmn").string();
  EXPECT_NE(host.output().find("error [host] process model " + bad + ": 'Complex': element bpmn:complexGateway"),
            std::string::npos)
      << host.output();
  EXPECT_NE(host.output().find("error [host] process model " + bad + ": 'ToNowhere': sequence flow"),
            std::string::npos)
      << host.output();
  EXPECT_NE(host.output().find("invalid config: 2 problem(s) in process models"), std::string::npos) << host.output();
  EXPECT_EQ(host.output().find("config OK"), std::string::npos) << host.output();
}

}  // namespace
}  // namespace processhost::testing
