// The sample clients against the real host binary with config/minimal (consumer_api only,
// memory store, no IAM), and against hosts that cannot serve them.
#include <gtest/gtest.h>

#include "client_run.hpp"
#include "processhost/testing/host_process.hpp"

namespace processhost::testing {
namespace {

constexpr const char* kResult = R"(result: {"form_fields":{"TaskWasSuccessful":true}})";

void expect_sample_run(const ProgramRun& run, const std::string& program) {
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(last_line(run.output), "[" + program + "] " + kResult) << run.output;
  EXPECT_NE(run.output.find("[" + program + "] user task waiting: UserTask_1 "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find(", endEventId EndEvent_Success (1 in total)"), std::string::npos) << run.output;
}

// consumer_api is loaded: the clients subscribe to its notification stream and wait by it.
void expect_notification_wait(const ProgramRun& run, const std::string& program) {
  const std::string prefix = "[" + program + "] ";
  EXPECT_NE(run.output.find(prefix + "waiting by notification (GET /api/consumer/v1/notifications), polling as a "
                                     "fallback\n"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find(prefix + "wait mode: notification ("), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("polling"), run.output.find("polling as a fallback")) << run.output;
}

class MinimalHost : public ::testing::Test {
 protected:
  void SetUp() override {
    host_ = std::make_unique<HostProcess>(copy_config_set(dir_.path(), "minimal"));
    host_->start();
    url_ = "http://127.0.0.1:" + std::to_string(host_->port());
  }
  void TearDown() override { EXPECT_EQ(host_->stop(), 0) << host_->output(); }

  TempDir dir_;
  std::unique_ptr<HostProcess> host_;
  std::string url_;
};

TEST_F(MinimalHost, BasicClientRunsTheSampleWithoutLogin) {
  auto run = run_program(basic_client_binary(), {"--url", url_});
  expect_sample_run(run, "basic_client");
  expect_notification_wait(run, "basic_client");
  EXPECT_NE(run.output.find("[basic_client] the host has no IAM: calling the Consumer API without login"),
            std::string::npos)
      << run.output;
}

TEST_F(MinimalHost, ContainerClientRunsTheSampleFromItsConfig) {
  auto run = run_program(container_client_binary(),
                         {"--config", (source_dir() / "config/minimal/client.json").string(), "--url", url_});
  expect_sample_run(run, "container_client");
  expect_notification_wait(run, "container_client");
  EXPECT_EQ(run.output.find("logging in"), std::string::npos) << run.output;
}

// The polling fallback on the real host, chosen by the command line and by the client config
// (the decision from /host/plugins and a refused stream: unit.client.AwaitUserTask.*).
TEST_F(MinimalHost, BothClientsCompleteByPollingWhenToldTo) {
  const auto config = dir_.write("client.json", R"({"waitFor": "polling"})");
  for (const auto& [program, binary, args] :
       {std::tuple{"basic_client", basic_client_binary(), std::vector<std::string>{"--url", url_, "--wait-for", "polling"}},
        std::tuple{"container_client", container_client_binary(),
                   std::vector<std::string>{"--config", config.string(), "--url", url_}}}) {
    auto run = run_program(binary, args);
    const std::string prefix = "[" + std::string(program) + "] ";
    expect_sample_run(run, program);
    EXPECT_NE(run.output.find(prefix + "waiting by polling, as configured\n"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find(prefix + "wait mode: polling\n"), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("notification"), std::string::npos) << run.output;
  }
}

TEST_F(MinimalHost, TheDemoScriptRunsBothClients) {
  auto run = run_program(source_dir() / "clients/demo/run_demo_clients.sh",
                         {url_, basic_client_binary().parent_path().string()});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find(std::string("[basic_client] ") + kResult), std::string::npos) << run.output;
  EXPECT_NE(run.output.find(std::string("[container_client] ") + kResult), std::string::npos) << run.output;
  EXPECT_EQ(last_line(run.output), "basic_client: succeeded; container_client: succeeded");
  EXPECT_NE(run.output.find("[basic_client] wait mode: notification ("), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("[container_client] wait mode: notification ("), std::string::npos) << run.output;
}

TEST(HostWithoutConsumerApi, ClientsFailFastWithAClearMessage) {
  TempDir dir;
  HostProcess host(dir.write("host.json", R"({"http":{"host":"127.0.0.1","port":0},"plugins":[]})"));
  host.start();
  const std::string url = "http://127.0.0.1:" + std::to_string(host.port());
  const std::string expected = "failed: not supported by the host: the host at " + url +
                               " does not offer the Consumer API (plugins loaded: none); add \"consumer_api\" to the "
                               "plugin list of its host config";
  for (const auto& [program, binary] : {std::pair{"basic_client", basic_client_binary()},
                                        std::pair{"container_client", container_client_binary()}}) {
    auto run = run_program(binary, {"--url", url});
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_EQ(last_line(run.output), "[" + std::string(program) + "] " + expected) << run.output;
    EXPECT_LT(run.elapsed, std::chrono::seconds(5));
  }
  EXPECT_EQ(host.stop(), 0);
}

TEST(NoHost, ClientsSayTheyCannotConnect) {
  std::string url;
  {
    TempDir dir;
    HostProcess host(dir.write("host.json", R"({"http":{"host":"127.0.0.1","port":0},"plugins":[]})"));
    host.start();
    url = "http://127.0.0.1:" + std::to_string(host.port());
  }
  auto run = run_program(basic_client_binary(), {"--url", url});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(last_line(run.output).find("[basic_client] failed: transport error: could not connect to " + url),
            std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace processhost::testing
