// The audit_log example loaded by the real host next to consumer_api: a process started
// through the Consumer API shows up in the audit file and in GET /audit_log/counts.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::testing {
namespace {

std::vector<std::string> read_lines(const std::filesystem::path& file) {
  std::ifstream stream(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

bool contains_line_with(const std::vector<std::string>& lines, const std::string& a, const std::string& b) {
  for (const auto& line : lines) {
    if (line.find(a) != std::string::npos && line.find(b) != std::string::npos) return true;
  }
  return false;
}

TEST(AuditLogInTheHost, RecordsTheEventsOfAProcessRun) {
  TempDir dir;
  const std::string models = std::string(PROCESSHOST_SOURCE_DIR) + "/config/demo/processes";
  const auto audit_file = dir.path() / "audit.jsonl";
  auto config = dir.write("host.json", R"({"http":{"host":"127.0.0.1","port":0},"processModels":[")" + models +
                                           R"("],"plugins":[{"name":"consumer_api"},{"name":"audit_log","library":")" +
                                           std::string(PROCESSHOST_AUDIT_LOG_PLUGIN) +
                                           R"(","config":{"path":"audit.jsonl"}}]})");
  HostProcess host(config);
  host.start();
  HttpClient http(host.port());

  auto plugins = http.get("/host/plugins");
  EXPECT_NE(plugins.body.find(R"("name":"audit_log")"), std::string::npos) << plugins.body;

  auto started = http.post("/api/consumer/v1/process_models/sample_process/start?start_callback_type=1",
                           R"({"correlationId":"audit-cid-1","inputValues":{}})");
  ASSERT_EQ(started.status, 200) << started.body;

  // The user task waits once the start transition is committed; poll, no fixed sleep.
  std::string counts;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    counts = http.get("/audit_log/counts").body;
    if (counts.find(R"("user_task_waiting":1)") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(counts.find(R"("process_started":1)"), std::string::npos) << counts;
  EXPECT_NE(counts.find(R"("user_task_waiting":1)"), std::string::npos) << counts;
  EXPECT_NE(counts.find(R"("writeFailures":0)"), std::string::npos) << counts;

  EXPECT_EQ(host.stop(), 0) << host.output();
  const auto lines = read_lines(audit_file);
  EXPECT_TRUE(contains_line_with(lines, R"("kind":"process_started")", R"("correlationId":"audit-cid-1")"));
  EXPECT_TRUE(contains_line_with(lines, R"("kind":"user_task_waiting")", R"("flowNodeId":"UserTask_1")"));
}

}  // namespace
}  // namespace processhost::testing
