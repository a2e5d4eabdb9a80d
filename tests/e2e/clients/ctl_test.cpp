// processhost-ctl against the real host with iam, consumer_api and management_api: deploy,
// models, instances, tasks and finish with their output and exit codes, and the exit codes
// of a refused token, a missing plugin, an unreachable host and a wrong command line.

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <atomic>

#include <gtest/gtest.h>

#include "client_run.hpp"
#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::testing {
namespace {

// Argon2id hash with small limits (fast logins) of "admin-pass".
constexpr const char* kPassHash =
    "$argon2id$v=19$m=8,t=1,p=1$uDrHFyFecUNeCBgn/0km4w$uwnToVBjiGPQPTJ3aOLX6Kso+cqEL1EIABbGfqjHTXs";

constexpr const char* kDeployModel = R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_ctl" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="ctl_deployed" isExecutable="true">
    <bpmn:startEvent id="Start_1" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start_1" targetRef="End_1" />
    <bpmn:endEvent id="End_1" />
  </bpmn:process>
</bpmn:definitions>
)";

class CtlAgainstHost : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("users.json", std::string(R"({"users":[{"username":"manager","userId":"manager","passwordHash":")") +
                                 kPassHash + R"(","claims":["can_manage_process_instances","can_read_process_model","sample_lane"]}]})");
    model_ = dir_.write("ctl_deployed.bpmn", kDeployModel).string();
    dir_.write("broken.bpmn", "<bpmn:definitions");
    const auto config = dir_.write(
        "host.json", R"({"http":{"host":"127.0.0.1","port":0},"processModels":[")" +
                         (source_dir() / "config/demo/processes/sample_process.bpmn").string() +
                         R"("],"plugins":[{"name":"iam","config":{"issuer":"ctl-test",)"
                         R"("secret":"ctl-test-secret-of-at-least-32-bytes-long","usersFile":"users.json"}},)"
                         R"({"name":"consumer_api"},{"name":"management_api"}]})");
    host_ = std::make_unique<HostProcess>(config);
    host_->start();
  }
  void TearDown() override { host_->stop(); }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(host_->port()); }

  ProgramRun ctl(std::vector<std::string> args) const {
    std::vector<std::string> all = {"--url", url(), "--user", "manager", "--password", "admin-pass"};
    all.insert(all.end(), args.begin(), args.end());
    return run_program(ctl_binary(), all);
  }

  TempDir dir_;
  std::string model_;
  std::unique_ptr<HostProcess> host_;
};

TEST_F(CtlAgainstHost, DeploysListsAndFinishesATask) {
  auto deployed = ctl({"deploy", model_});
  ASSERT_EQ(deployed.exit_code, 0) << deployed.output;
  EXPECT_NE(deployed.output.find("deployed ctl_deployed from " + model_), std::string::npos) << deployed.output;
  auto models = ctl({"models"});
  ASSERT_EQ(models.exit_code, 0) << models.output;
  EXPECT_NE(models.output.find("MODEL"), std::string::npos);
  EXPECT_NE(models.output.find("ctl_deployed    Start_1"), std::string::npos) << models.output;

  auto login = http_request(host_->port(), "POST", "/iam/login", R"({"username":"manager","password":"admin-pass"})",
                            {{"Content-Type", "application/json"}});
  const auto token_start = login.body.find("\"token\":\"") + 9;
  const std::string token = login.body.substr(token_start, login.body.find('"', token_start) - token_start);
  auto started = http_request(host_->port(), "POST", "/api/consumer/v1/process_models/sample_process/start",
                         R"({"correlationId":"ctl-1"})",
                         {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
  ASSERT_EQ(started.status, 200) << started.body;

  ProgramRun tasks;
  for (int attempt = 0; attempt < 100; ++attempt) {
    tasks = run_program(ctl_binary(), {"--url", url(), "--token", token, "tasks", "--correlation", "ctl-1"});
    if (tasks.output.find("UserTask_1") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(tasks.exit_code, 0) << tasks.output;
  ASSERT_NE(tasks.output.find("user  UserTask_1"), std::string::npos) << tasks.output;
  auto json_tasks = run_program(ctl_binary(), {"--url", url(), "--token", token, "--json", "tasks", "--correlation", "ctl-1"});
  const auto pi_at = json_tasks.output.find("\"processInstanceId\":\"") + 21;
  const std::string pi = json_tasks.output.substr(pi_at, json_tasks.output.find('"', pi_at) - pi_at);
  const auto fni_at = json_tasks.output.find("\"flowNodeInstanceId\":\"") + 22;
  const std::string fni = json_tasks.output.substr(fni_at, json_tasks.output.find('"', fni_at) - fni_at);

  auto running = ctl({"instances", "--state", "running"});
  ASSERT_EQ(running.exit_code, 0) << running.output;
  EXPECT_NE(running.output.find(pi + "  sample_process  ctl-1"), std::string::npos) << running.output;

  auto refused = ctl({"finish", pi, "ctl-1", "no-such-task"});
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("404"), std::string::npos) << refused.output;
  auto finished = ctl({"finish", pi, "ctl-1", fni, "--result", R"({"TaskWasSuccessful":true})"});
  ASSERT_EQ(finished.exit_code, 0) << finished.output;
  EXPECT_NE(finished.output.find("finished user task " + fni), std::string::npos);
  ASSERT_EQ(http_request(host_->port(), "POST", "/api/consumer/v1/process_models/sample_process/start",
                         R"({"correlationId":"ctl-2"})",
                         {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}})
                .status,
            200);
  auto limited = ctl({"instances", "--model", "sample_process", "--limit", "1"});
  EXPECT_EQ(limited.exit_code, 0) << limited.output;
  EXPECT_NE(limited.output.find("showing 1 of 2 instances"), std::string::npos) << limited.output;
  auto all = ctl({"instances", "--model", "sample_process"});
  EXPECT_NE(all.output.find(pi + "  sample_process  ctl-1        finished"), std::string::npos) << all.output;
}

TEST_F(CtlAgainstHost, WatchPrintsNotificationsAsTheyHappen) {
  ProgramRun watched;
  std::atomic<bool> finished{false};
  std::thread watcher([&] {
    watched = ctl({"watch", "--correlation", "ctl-watch", "--count", "2"});
    finished = true;
  });
  auto login = http_request(host_->port(), "POST", "/iam/login", R"({"username":"manager","password":"admin-pass"})",
                            {{"Content-Type", "application/json"}});
  const auto token_start = login.body.find("\"token\":\"") + 9;
  const std::string token = login.body.substr(token_start, login.body.find('"', token_start) - token_start);
  // Start instances until the watcher has seen two events: it may connect after the first start.
  for (int attempt = 0; attempt < 100 && !finished; ++attempt) {
    const auto started = http_request(host_->port(), "POST", "/api/consumer/v1/process_models/sample_process/start",
                                      R"({"correlationId":"ctl-watch"})",
                                      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
    ASSERT_EQ(started.status, 200) << started.body;
    for (int wait = 0; wait < 10 && !finished; ++wait) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  watcher.join();
  EXPECT_EQ(watched.exit_code, 0) << watched.output;
  std::size_t lines = 0;
  for (std::size_t at = watched.output.find("correlationId=ctl-watch"); at != std::string::npos;
       at = watched.output.find("correlationId=ctl-watch", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 2u) << watched.output;
  EXPECT_NE(watched.output.find("processModelId=sample_process"), std::string::npos) << watched.output;
}

TEST_F(CtlAgainstHost, ADeployOfABrokenFileFailsAndTheOthersGoOn) {
  auto run = ctl({"deploy", (dir_.path() / "broken.bpmn").string(), model_, (dir_.path() / "missing.bpmn").string()});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("broken.bpmn: not well-formed XML"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("deployed ctl_deployed"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("missing.bpmn: cannot be read"), std::string::npos) << run.output;
}

TEST_F(CtlAgainstHost, TerminatesARunningInstanceOnce) {
  auto login = http_request(host_->port(), "POST", "/iam/login", R"({"username":"manager","password":"admin-pass"})",
                            {{"Content-Type", "application/json"}});
  const auto token_start = login.body.find("\"token\":\"") + 9;
  const std::string token = login.body.substr(token_start, login.body.find('"', token_start) - token_start);
  auto started = http_request(host_->port(), "POST", "/api/consumer/v1/process_models/sample_process/start",
                              R"({"correlationId":"ctl-terminate"})",
                              {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + token}});
  ASSERT_EQ(started.status, 200) << started.body;
  const auto pi_at = started.body.find("\"processInstanceId\":\"") + 21;
  const std::string pi = started.body.substr(pi_at, started.body.find('"', pi_at) - pi_at);

  auto terminated = ctl({"terminate", pi});
  ASSERT_EQ(terminated.exit_code, 0) << terminated.output;
  EXPECT_NE(terminated.output.find("terminated " + pi), std::string::npos) << terminated.output;
  auto listed = ctl({"instances", "--state", "terminated"});
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find(pi + "  sample_process  ctl-terminate  terminated"), std::string::npos)
      << listed.output;

  auto again = ctl({"terminate", pi});
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("409"), std::string::npos) << again.output;
  auto unknown = ctl({"terminate", "no-such-instance"});
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_NE(unknown.output.find("404"), std::string::npos) << unknown.output;
}

TEST_F(CtlAgainstHost, ExitCodesSayWhatWentWrong) {
  auto bad_password = run_program(ctl_binary(), {"--url", url(), "--user", "manager", "--password", "nope", "models"});
  EXPECT_EQ(bad_password.exit_code, 1) << bad_password.output;
  EXPECT_NE(bad_password.output.find("login as 'manager' failed: 401"), std::string::npos) << bad_password.output;
  auto no_token = run_program(ctl_binary(), {"--url", url(), "models"});
  EXPECT_EQ(no_token.exit_code, 1) << no_token.output;
  EXPECT_NE(no_token.output.find("401"), std::string::npos) << no_token.output;
  auto usage = run_program(ctl_binary(), {"launch"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.output.find("unknown command 'launch'"), std::string::npos);
  // Nothing listens on port 1.
  auto unreachable = run_program(ctl_binary(), {"--url", "http://127.0.0.1:1", "--token", "t", "models"});
  EXPECT_EQ(unreachable.exit_code, 3) << unreachable.output;
}

TEST(CtlWithoutManagementApi, SaysThePluginIsMissing) {
  TempDir dir;
  HostProcess host(dir.write("host.json", R"({"http":{"host":"127.0.0.1","port":0},"plugins":[{"name":"consumer_api"}]})"));
  host.start();
  auto run = run_program(ctl_binary(), {"--url", "http://127.0.0.1:" + std::to_string(host.port()), "models"});
  EXPECT_EQ(run.exit_code, 4) << run.output;
  EXPECT_NE(run.output.find("the host does not serve GET /api/management/v1/process_models"), std::string::npos)
      << run.output;
  host.stop();
}

}  // namespace
}  // namespace processhost::testing
