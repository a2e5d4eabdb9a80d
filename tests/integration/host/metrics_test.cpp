// GET /metrics on the real host: the Prometheus text format, line by line, with the host's
// own samples in it.

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <chrono>

#include <gtest/gtest.h>

#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::testing {
namespace {

struct Exposition {
  std::set<std::string> typed;                 // names with a # TYPE line
  std::map<std::string, double> values;        // "name{labels}" -> value
  std::vector<std::string> malformed;          // lines that are neither
};

// Parses the text format as a scraper does: # HELP / # TYPE comments and sample lines.
Exposition parse(const std::string& text) {
  static const std::regex kType(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram)$)");
  static const std::regex kHelp(R"(^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$)");
  static const std::regex kSample(
      R"(^([a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})?) ([-+]?[0-9.eE+-]+|[+-]Inf|NaN)$)");
  Exposition exposition;
  std::istringstream lines(text);
  std::string line;
  std::smatch match;
  while (std::getline(lines, line)) {
    if (std::regex_match(line, match, kType)) {
      exposition.typed.insert(match[1]);
    } else if (std::regex_match(line, kHelp)) {
      continue;
    } else if (std::regex_match(line, match, kSample)) {
      exposition.values[match[1]] = std::stod(match[5]);
    } else {
      exposition.malformed.push_back(line);
    }
  }
  return exposition;
}

TEST(Metrics, TheHostServesThePrometheusTextFormat) {
  TempDir dir;
  HostProcess host(dir.write("host.json", R"({"http":{"host":"127.0.0.1","port":0},"plugins":[{"name":"consumer_api"}]})"));
  host.start();
  const auto reply = http_request(host.port(), "GET", "/metrics");
  ASSERT_EQ(reply.status, 200);
  bool text_plain = false;
  for (const auto& [name, value] : reply.headers) text_plain |= name == "content-type" && value.rfind("text/plain; version=0.0.4", 0) == 0;
  EXPECT_TRUE(text_plain);
  const auto exposition = parse(reply.body);
  EXPECT_TRUE(exposition.malformed.empty()) << exposition.malformed.front();
  EXPECT_GT(exposition.values.at("process_resident_memory_bytes"), 1e6) << reply.body;
  EXPECT_GT(exposition.values.at("process_open_fds"), 3);
  EXPECT_GT(exposition.values.at("process_start_time_seconds"), 1.7e9);
  bool build_info = false;
  for (const auto& [series, value] : exposition.values) build_info |= series.rfind("processhost_build_info{", 0) == 0 && value == 1;
  EXPECT_TRUE(build_info) << reply.body;
  EXPECT_TRUE(exposition.typed.count("process_resident_memory_bytes"));
  EXPECT_EQ(host.stop(), 0) << host.output();
}

TEST(Metrics, RequestsAreCountedByRoutePatternStatusAndTimed) {
  TempDir dir;
  HostProcess host(dir.write("host.json", R"({"http":{"host":"127.0.0.1","port":0},"plugins":[{"name":"consumer_api"}]})"));
  host.start();
  ASSERT_EQ(http_request(host.port(), "GET", "/api/consumer/v1/process_models/a/user_tasks").status, 200);
  ASSERT_EQ(http_request(host.port(), "GET", "/api/consumer/v1/process_models/b/user_tasks").status, 200);
  ASSERT_EQ(http_request(host.port(), "GET", "/no/such/path").status, 404);
  ASSERT_EQ(http_request(host.port(), "DELETE", "/health").status, 405);
  const auto exposition = parse(http_request(host.port(), "GET", "/metrics").body);
  EXPECT_TRUE(exposition.malformed.empty());
  // Both model ids count under the route's pattern, not under two paths.
  const std::string tasks_route = R"(method="GET",route="/api/consumer/v1/process_models/:process_model_id/user_tasks")";
  EXPECT_EQ(exposition.values.at("processhost_http_requests_total{" + tasks_route + R"(,status="200"})"), 2);
  EXPECT_EQ(exposition.values.at("processhost_http_request_duration_seconds_count{" + tasks_route + "}"), 2);
  EXPECT_GT(exposition.values.at("processhost_http_request_duration_seconds_sum{" + tasks_route + "}"), 0);
  EXPECT_EQ(exposition.values.at(R"x(processhost_http_requests_total{method="GET",route="(no route)",status="404"})x"), 1);
  EXPECT_EQ(exposition.values.at(R"x(processhost_http_requests_total{method="DELETE",route="(no route)",status="405"})x"),
            1);
  EXPECT_GE(exposition.values.at("processhost_http_connections"), 1);
  EXPECT_EQ(exposition.values.at("processhost_notification_sessions"), 0);
  EXPECT_EQ(host.stop(), 0) << host.output();
}

TEST(Metrics, TheEngineCountsInstancesAndWaitingTasksPerModel) {
  TempDir dir;
  HostProcess host(dir.write("host.json", R"({"http":{"host":"127.0.0.1","port":0},"processModels":[")" +
                                              std::string(PROCESSHOST_SOURCE_DIR) +
                                              R"(/config/demo/processes/sample_process.bpmn"],)"
                                              R"("engine":{"waitingCountIntervalMs":100},"plugins":[{"name":"consumer_api"}]})"));
  host.start();
  for (int i = 0; i < 2; ++i) {
    const auto started = http_request(host.port(), "POST",
                                      "/api/consumer/v1/process_models/sample_process/start?start_callback_type=1", "{}",
                                      {{"Content-Type", "application/json"}});
    ASSERT_EQ(started.status, 200) << started.body;
  }
  // The start answers once the instance exists; its user task is committed by the next
  // transition, so wait for the count rather than sleep.
  Exposition exposition;
  const std::string waiting = R"(processhost_tasks_waiting_total{kind="user_task",model="sample_process"})";
  for (int attempt = 0; attempt < 200; ++attempt) {
    exposition = parse(http_request(host.port(), "GET", "/metrics").body);
    if (exposition.values.count(waiting) && exposition.values.at(waiting) == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(exposition.malformed.empty());
  EXPECT_EQ(exposition.values.at(R"(processhost_process_instances_total{event="started",model="sample_process"})"), 2);
  EXPECT_EQ(exposition.values.at(waiting), 2);
  EXPECT_EQ(exposition.values.count(R"(processhost_process_instances_total{event="finished",model="sample_process"})"), 0u);
  EXPECT_TRUE(exposition.typed.count("processhost_process_instances_total"));
  // The sample process's script task ran twice.
  EXPECT_EQ(exposition.values.at("processhost_script_seconds_count"), 2);
  // The count in the store follows within its interval.
  const std::string now_waiting = R"(processhost_tasks_waiting{kind="user_task"})";
  for (int attempt = 0; attempt < 200; ++attempt) {
    exposition = parse(http_request(host.port(), "GET", "/metrics").body);
    if (exposition.values.count(now_waiting) && exposition.values.at(now_waiting) == 2) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(exposition.values.at(now_waiting), 2);
  EXPECT_EQ(exposition.values.at(R"(processhost_tasks_waiting{kind="manual_task"})"), 0);
  EXPECT_EQ(exposition.values.at("processhost_timers_due"), 0);
  EXPECT_EQ(host.stop(), 0) << host.output();
}

TEST(Metrics, StoreTimersAreCountedWithTheirLag) {
  TempDir dir;
  const auto model = dir.write("short_timer.bpmn", R"(<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="short_timer" isExecutable="true">
    <startEvent id="Start"/>
    <sequenceFlow id="f1" sourceRef="Start" targetRef="Wait"/>
    <intermediateCatchEvent id="Wait"><timerEventDefinition><timeDuration>PT0.1S</timeDuration></timerEventDefinition></intermediateCatchEvent>
    <sequenceFlow id="f2" sourceRef="Wait" targetRef="End"/>
    <endEvent id="End"/>
  </process>
</definitions>)");
  HostProcess host(dir.write("host.json", R"({"http":{"host":"127.0.0.1","port":0},"processModels":[")" +
                                              model.string() + R"("],"plugins":[{"name":"consumer_api"}]})"));
  host.start();
  const auto started = http_request(host.port(), "POST",
                                    "/api/consumer/v1/process_models/short_timer/start?start_callback_type=2", "{}",
                                    {{"Content-Type", "application/json"}});
  ASSERT_EQ(started.status, 200) << started.body;  // answered once the timer fired and the instance ended
  // The counters follow the commit through the engine's listeners: wait for the end's count.
  const std::string finished = R"(processhost_process_instances_total{event="finished",model="short_timer"})";
  Exposition exposition;
  for (int attempt = 0; attempt < 200; ++attempt) {
    exposition = parse(http_request(host.port(), "GET", "/metrics").body);
    if (exposition.values.count(finished)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(exposition.values.at("processhost_timer_lag_seconds_count"), 1);
  EXPECT_GE(exposition.values.at("processhost_timer_lag_seconds_sum"), 0);
  EXPECT_EQ(exposition.values.at(finished), 1);
  EXPECT_EQ(host.stop(), 0) << host.output();
}

}  // namespace
}  // namespace processhost::testing
