// Runaway scripts through the real host binary (issue 12, item 3): a script that runs to its
// budget or eats memory fails its own instance with a clear error and holds back nobody
// else, even with a single engine worker; SIGTERM stops the host while one runs; the host's
// memory comes back afterwards.
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "processhost/json.hpp"
#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::filesystem::path kSource = PROCESSHOST_SOURCE_DIR;
const std::filesystem::path kModels = kSource / "tests/integration/host/models";
const std::string kApi = "/api/consumer/v1";
const Headers kAuth{{"Authorization", "Bearer ZHVtbXlfdG9rZW4="}};
constexpr auto kBudget = 2000ms;

// One engine worker, a 2 s budget and a 16 MiB script memory limit: without threads for
// scripts the first runaway script would hold back everything queued behind it.
std::unique_ptr<HostProcess> start_host(TempDir& dir) {
  dir.write("iam.json", R"({"issuer":"scripts-test","secret":"a-test-secret-that-is-long-enough-0123456789",
    "allowGodToken":true,"usersFile":")" +
                            (kSource / "config/demo/iam/users.json").string() + R"("})");
  const auto config = dir.write(
      "host.json", R"({"http":{"port":0},"engine":{"workerThreads":1,"scriptBudgetMs":)" +
                       std::to_string(kBudget.count()) + R"(,"scriptMemoryLimitMiB":16},"processModels":[")" +
                       (kSource / "config/demo/processes/sample_process.bpmn").string() + R"(",")" +
                       (kModels / "runaway_loop.bpmn").string() + R"(",")" + (kModels / "string_doubling.bpmn").string() +
                       R"("],"plugins":[{"name":"iam","config":"iam.json"},{"name":"consumer_api"}]})");
  auto host = std::make_unique<HostProcess>(config);
  host->start();
  return host;
}

struct Ended {
  HttpReply reply;
  std::chrono::milliseconds elapsed;
};

// Starts model and waits for the instance to end (start_callback_type 2).
std::future<Ended> start_and_wait(std::uint16_t port, const std::string& model) {
  return std::async(std::launch::async, [port, model] {
    const auto started = Clock::now();
    auto reply = http_request(port, "POST", kApi + "/process_models/" + model + "/start?start_callback_type=2", "{}",
                              kAuth);
    return Ended{std::move(reply), std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started)};
  });
}

std::string member(const std::string& body, const char* name) {
  rapidjson::Document document;
  if (json_parse(body, document) || !document.IsObject() || !document.HasMember(name) || !document[name].IsString()) {
    return {};
  }
  return document[name].GetString();
}

bool ready(std::future<Ended>& future) { return future.wait_for(0s) == std::future_status::ready; }

TEST(RunawayScripts, FailOnlyTheirOwnInstancesWhileOthersGoOn) {
  TempDir dir;
  auto host = start_host(dir);
  std::vector<std::future<Ended>> runaways;
  for (int i = 0; i < 4; ++i) runaways.push_back(start_and_wait(host->port(), "runaway_loop"));
  // Every runaway is running before the sample starts (each took a thread of its own).
  std::this_thread::sleep_for(300ms);
  for (auto& runaway : runaways) ASSERT_FALSE(ready(runaway)) << "a runaway script ended before its budget";

  const auto start = http_request(host->port(), "POST", kApi + "/process_models/sample_process/start", "{}", kAuth);
  ASSERT_EQ(start.status, 200) << start.body;
  const std::string instance = member(start.body, "processInstanceId");
  ASSERT_FALSE(instance.empty()) << start.body;
  // The sample passes its own script task and waits at its user task while the runaways
  // still run: they hold back no transition of another instance.
  bool waiting = false;
  for (int i = 0; i < 200 && !waiting; ++i) {
    const auto tasks = http_request(host->port(), "GET", kApi + "/process_instances/" + instance + "/user_tasks", {},
                                    kAuth);
    ASSERT_EQ(tasks.status, 200) << tasks.body;
    waiting = tasks.body.find("\"UserTask_1\"") != std::string::npos;
    if (!waiting) std::this_thread::sleep_for(5ms);
  }
  ASSERT_TRUE(waiting) << "the sample never reached its user task";
  std::size_t still_running = 0;
  for (auto& runaway : runaways) still_running += ready(runaway) ? 0 : 1;
  EXPECT_EQ(still_running, runaways.size()) << "the sample waited for runaway scripts";
  EXPECT_EQ(http_request(host->port(), "GET", "/health").status, 200);

  // Each runaway fails its own instance, with the budget named, within twice the budget.
  for (auto& runaway : runaways) {
    const auto ended = runaway.get();
    EXPECT_EQ(ended.reply.status, 500) << ended.reply.body;
    EXPECT_NE(ended.reply.body.find("exceeded its time budget of 2000 ms"), std::string::npos) << ended.reply.body;
    EXPECT_LT(ended.elapsed, 2 * kBudget);
  }
  EXPECT_EQ(host->stop(), 0) << host->output();
}

TEST(RunawayScripts, StringDoublingFailsItsInstanceAndTheMemoryComesBack) {
  TempDir dir;
  auto host = start_host(dir);
  ASSERT_EQ(http_request(host->port(), "POST", kApi + "/process_models/sample_process/start", "{}", kAuth).status, 200);
  std::this_thread::sleep_for(2s);
  const std::size_t idle = host->rss_kib();

  std::vector<std::future<Ended>> doublings;
  for (int i = 0; i < 4; ++i) doublings.push_back(start_and_wait(host->port(), "string_doubling"));
  for (auto& doubling : doublings) {
    const auto ended = doubling.get();
    EXPECT_EQ(ended.reply.status, 500) << ended.reply.body;
    EXPECT_NE(ended.reply.body.find("exceeded its memory limit of 16 MiB"), std::string::npos) << ended.reply.body;
    EXPECT_LT(ended.elapsed, 2 * kBudget);
  }
  EXPECT_EQ(http_request(host->port(), "GET", "/health").status, 200);
  // Four scripts of 16 MiB each were alive at once; 10 s later the host is back within 20 %
  // of its idle size (idle threads give freed memory back).
  std::size_t after = host->rss_kib();
  for (int i = 0; i < 100 && after > idle + idle / 5; ++i) {
    std::this_thread::sleep_for(100ms);
    after = host->rss_kib();
  }
  EXPECT_LE(after, idle + idle / 5) << "idle " << idle << " KiB, 10 s after the scripts " << after << " KiB";
  EXPECT_EQ(host->stop(), 0) << host->output();
}

// SIGTERM while a script runs to its budget: the host ends cleanly (exit 0), not by the
// SIGKILL that stop() sends after its grace period.
TEST(RunawayScripts, SigtermStopsTheHostWhileAScriptRuns) {
  TempDir dir;
  auto host = start_host(dir);
  auto runaway = start_and_wait(host->port(), "runaway_loop");
  std::this_thread::sleep_for(300ms);
  ASSERT_FALSE(ready(runaway));
  const auto stopping = Clock::now();
  EXPECT_EQ(host->stop(15s), 0) << host->output();
  EXPECT_LT(Clock::now() - stopping, 10s);
  runaway.wait();
}

}  // namespace
}  // namespace processhost::testing
