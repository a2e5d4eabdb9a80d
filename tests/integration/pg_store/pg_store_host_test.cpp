// The real host with consumer_api and pg_store over HTTP: restart after SIGTERM and SIGKILL,
// two hosts finishing one task at the same moment, a timer that fell due while no host ran,
// and the database going away under traffic.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <unistd.h>

#include "processhost/test/postgres_cluster.hpp"
#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"
#include "sample_flow_client.hpp"

namespace processhost::test {
namespace {

using namespace std::chrono_literals;
using testing::HostProcess;
using testing::TempDir;

// Without a failover window: the outage tests count the 503s of requests answered while the
// server is down (with a window those wait for it to come back instead).
std::filesystem::path write_host_config(const TempDir& dir, const PostgresCluster& cluster, const std::string& database,
                                        const std::string& name = "host.json", const std::string& extra_model = "",
                                        const std::string& extra_plugins = "") {
  const std::string models = "\"" + std::string(PROCESSHOST_SAMPLE_PROCESS) + "\"" +
                             (extra_model.empty() ? "" : ",\"" + extra_model + "\"");
  return dir.write(name, R"({"http":{"host":"127.0.0.1","port":0},"processModels":[)" + models +
                             R"(],"plugins":[{"name":"pg_store","config":{"host":"127.0.0.1","port":)" +
                             std::to_string(cluster.port()) + R"(,"database":")" + database +
                             R"(","user":"postgres","poolSize":4,"connectTimeoutSeconds":2,"failoverWindowMs":0}},{"name":"consumer_api"})" +
                             extra_plugins + "]}");
}

std::set<std::string> task_ids(const std::vector<WaitingUserTask>& tasks) {
  std::set<std::string> ids;
  for (const auto& task : tasks) ids.insert(task.flow_node_instance_id);
  return ids;
}

void expect_one_result(SampleFlowClient& client, const std::string& correlation_id, bool successful) {
  const auto body = client.results(correlation_id);
  ASSERT_TRUE(body.has_value()) << correlation_id;
  bool matches = false;
  EXPECT_EQ(count_results(*body, successful, &matches), 1u) << correlation_id << ": " << *body;
  EXPECT_TRUE(matches) << correlation_id << ": " << *body;
}

// Bodies the JSON parser refuses never reach the store: on pg_store (which once answered
// 500 for invalid UTF-8 and a \u0000 escape, since jsonb cannot hold them) they are 400s
// that name the limit, and the host goes on storing valid starts.
TEST(BadInput, InvalidUtf8AndNulAre400WithPgStore) {
  auto& cluster = shared_postgres_cluster();
  TempDir dir;
  HostProcess host(write_host_config(dir, cluster, unique_database_name("bad_input")));
  host.start();
  const std::string start = "/api/consumer/v1/process_models/sample_process/start";
  const auto invalid_utf8 = testing::http_request(host.port(), "POST", start, "{\"inputValues\":{\"a\":\"\xff\xfe\"}}");
  EXPECT_EQ(invalid_utf8.status, 400) << invalid_utf8.body;
  EXPECT_NE(invalid_utf8.body.find("\"validUtf8\""), std::string::npos) << invalid_utf8.body;
  const auto nul = testing::http_request(host.port(), "POST", start, R"({"inputValues":{"a":"x\u0000y"}})");
  EXPECT_EQ(nul.status, 400) << nul.body;
  EXPECT_NE(nul.body.find("\"noNul\""), std::string::npos) << nul.body;
  const auto valid = testing::http_request(host.port(), "POST", start, R"({"inputValues":{"a":"\u00e9"}})");
  EXPECT_EQ(valid.status, 200) << valid.body;
  EXPECT_EQ(host.stop(), 0) << host.output();
}

// pg_store keeps every flow node instance, so the Management API shows a finished instance's
// token history and flow nodes (the memory store keeps them for running instances only).
TEST(ManagementApiHistory, AFinishedInstanceKeepsItsTokenHistory) {
  auto& cluster = shared_postgres_cluster();
  TempDir dir;
  HostProcess host(write_host_config(dir, cluster, unique_database_name("history"), "host.json", "",
                                     R"(,{"name":"management_api"})"));
  host.start();
  SampleFlowClient client(host.port());
  std::string instance_id;
  ASSERT_EQ(client.start("history-1", &instance_id), 200) << host.output();
  const auto tasks = client.user_tasks("history-1");
  ASSERT_TRUE(tasks.has_value());
  ASSERT_EQ(tasks->size(), 1u);
  ASSERT_EQ(client.finish(tasks->front()), 204);

  const std::string base = "/api/management/v1";
  const auto instance = testing::http_request(host.port(), "GET", base + "/process_instances/" + instance_id);
  EXPECT_NE(instance.body.find(R"("state":"finished")"), std::string::npos) << instance.body;
  const auto history =
      testing::http_request(host.port(), "GET", base + "/process_instance/" + instance_id + "/token_history");
  ASSERT_EQ(history.status, 200) << history.body;
  rapidjson::Document body;
  body.Parse(history.body.c_str());
  ASSERT_TRUE(body.IsObject() && body.HasMember(instance_id.c_str())) << history.body;
  const auto& entries = body[instance_id.c_str()]["tokenHistoryEntries"];
  ASSERT_GE(entries.Size(), 8u) << "start, script, user task, gateway or end: in and out";
  EXPECT_STREQ(entries[0]["flowNodeId"].GetString(), "StartEvent_1");
  EXPECT_STREQ(entries[entries.Size() - 1]["tokenEventType"].GetString(), "onExit");
  const auto nodes =
      testing::http_request(host.port(), "GET", base + "/process_instances/" + instance_id + "/flow_node_instances");
  EXPECT_EQ(nodes.body.find(R"("state":"suspended")"), std::string::npos) << nodes.body;
  EXPECT_NE(nodes.body.find("UserTask_1"), std::string::npos) << nodes.body;
  EXPECT_EQ(host.stop(), 0) << host.output();
}

// pg_store's figures at /metrics: every commit timed, the pool sampled at the scrape.
TEST(PgStoreMetrics, CommitsAndThePoolAppearAtMetrics) {
  auto& cluster = shared_postgres_cluster();
  TempDir dir;
  HostProcess host(write_host_config(dir, cluster, unique_database_name("metrics")));
  host.start();
  SampleFlowClient client(host.port());
  ASSERT_EQ(client.start("metrics-1"), 200) << host.output();
  const auto tasks = client.user_tasks("metrics-1");
  ASSERT_TRUE(tasks.has_value());
  ASSERT_EQ(tasks->size(), 1u);
  ASSERT_EQ(client.finish(tasks->front()), 204);
  const auto metrics = testing::http_request(host.port(), "GET", "/metrics");
  ASSERT_EQ(metrics.status, 200);
  const auto value_of = [&](const std::string& series) {
    const auto at = metrics.body.find("\n" + series + " ");
    return at == std::string::npos ? -1.0 : std::stod(metrics.body.substr(at + series.size() + 2));
  };
  // One commit per transition: the start runs to the user task, the finish to the end.
  EXPECT_GE(value_of("processhost_store_commit_seconds_count"), 2) << metrics.body;
  EXPECT_GT(value_of("processhost_store_commit_seconds_sum"), 0) << metrics.body;
  EXPECT_EQ(value_of(R"(processhost_store_pool_connections{state="busy"})") +
                value_of(R"(processhost_store_pool_connections{state="idle"})"),
            4)
      << "poolSize 4: " << metrics.body;
  EXPECT_GE(value_of("processhost_store_queued_requests"), 0) << metrics.body;
  EXPECT_EQ(host.stop(), 0) << host.output();
}

class HostRestart : public ::testing::TestWithParam<int> {};

TEST_P(HostRestart, WaitingTasksSurviveAndNothingRunsTwice) {
  const int stop_signal = GetParam();
  auto& cluster = shared_postgres_cluster();
  TempDir dir;
  const std::string database = unique_database_name("restart");
  const auto config = write_host_config(dir, cluster, database);
  std::map<std::string, WaitingUserTask> finished_before;
  std::set<std::string> waiting_before;
  {
    HostProcess first(config);
    first.start();
    SampleFlowClient client(first.port());
    for (int i = 0; i < 6; ++i) ASSERT_EQ(client.start("c" + std::to_string(i)) / 100, 2) << first.output();
    for (int i = 0; i < 3; ++i) {
      const auto tasks = client.user_tasks("c" + std::to_string(i));
      ASSERT_TRUE(tasks.has_value());
      ASSERT_EQ(tasks->size(), 1u);
      ASSERT_EQ(client.finish(tasks->front()), 204);
      finished_before["c" + std::to_string(i)] = tasks->front();
    }
    const auto waiting = client.user_tasks();
    ASSERT_TRUE(waiting.has_value());
    ASSERT_EQ(waiting->size(), 3u);
    waiting_before = task_ids(*waiting);
    if (stop_signal == SIGTERM) {
      EXPECT_EQ(first.stop(15s, SIGTERM), 0) << first.output();
    } else {
      first.signal(SIGKILL);
      EXPECT_EQ(first.wait_exit(15s), 128 + SIGKILL);
    }
  }

  HostProcess second(config);
  second.start();
  SampleFlowClient client(second.port());
  const auto waiting = client.user_tasks();
  ASSERT_TRUE(waiting.has_value());
  EXPECT_EQ(task_ids(*waiting), waiting_before);
  for (const auto& [correlation_id, task] : finished_before) {
    expect_one_result(client, correlation_id, true);
    EXPECT_EQ(client.finish(task), 404) << "a finished task finished again";
  }
  for (const auto& task : *waiting) {
    ASSERT_EQ(client.finish(task, false), 204) << second.output();
    expect_one_result(client, task.correlation_id, false);
  }
  EXPECT_TRUE(client.user_tasks().value_or(std::vector<WaitingUserTask>{{"x", "x", "x"}}).empty());
  EXPECT_EQ(cluster.psql(database,
                         "SELECT count(*), count(DISTINCT process_instance_id) FROM processhost_correlation_results"),
            "6|6\n");
  EXPECT_EQ(cluster.psql(database, "SELECT count(*) FROM processhost_process_instances WHERE state = 'finished'"),
            "6\n");
  EXPECT_EQ(cluster.psql(database,
                         "SELECT count(*) FROM (SELECT 1 FROM processhost_flow_node_instances"
                         " GROUP BY process_instance_id, flow_node_id HAVING count(*) > 1) AS twice"),
            "0\n")
      << "a flow node ran twice in one instance";
  EXPECT_EQ(second.stop(15s, SIGTERM), 0);
  cluster.drop_database(database);
}

INSTANTIATE_TEST_SUITE_P(Signals, HostRestart, ::testing::Values(SIGTERM, SIGKILL),
                         [](const auto& info) { return info.param == SIGTERM ? "Sigterm" : "Sigkill"; });

TEST(TwoHosts, FinishingTheSameTaskAtTheSameMomentSucceedsOnce) {
  auto& cluster = shared_postgres_cluster();
  TempDir dir;
  const std::string database = unique_database_name("race");
  HostProcess first(write_host_config(dir, cluster, database, "first.json"));
  first.start();
  HostProcess second(write_host_config(dir, cluster, database, "second.json"));
  second.start();
  SampleFlowClient via_first(first.port());
  SampleFlowClient via_second(second.port());
  constexpr int kRounds = 8;
  for (int round = 0; round < kRounds; ++round) {
    const std::string correlation_id = "race" + std::to_string(round);
    ASSERT_EQ(via_first.start(correlation_id) / 100, 2);
    const auto tasks = via_second.user_tasks(correlation_id);
    ASSERT_TRUE(tasks.has_value());
    ASSERT_EQ(tasks->size(), 1u);
    std::atomic<int> ready{0};
    int status_first = 0;
    int status_second = 0;
    auto racer = [&](SampleFlowClient& client, int& status, bool successful) {
      ++ready;
      while (ready.load() < 2) std::this_thread::yield();
      status = client.finish(tasks->front(), successful);
    };
    std::thread a([&] { racer(via_first, status_first, true); });
    std::thread b([&] { racer(via_second, status_second, false); });
    a.join();
    b.join();
    EXPECT_EQ((status_first == 204) + (status_second == 204), 1)
        << "round " << round << ": " << status_first << " and " << status_second;
    const int loser = status_first == 204 ? status_second : status_first;
    EXPECT_TRUE(loser == 404 || loser == 409) << "round " << round << ": loser answered " << loser;
    expect_one_result(via_first, correlation_id, status_first == 204);
  }
  EXPECT_EQ(cluster.psql(database, "SELECT count(*) FROM processhost_correlation_results"),
            std::to_string(kRounds) + "\n");
  EXPECT_EQ(first.stop(15s, SIGTERM), 0);
  EXPECT_EQ(second.stop(15s, SIGTERM), 0);
  cluster.drop_database(database);
}

// start -> 2 s timer -> script task -> end: the script's result shows how often the timer fired.
constexpr const char* kTimerModel = R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="timer_definitions">
  <bpmn:process id="timer_process" isExecutable="true">
    <bpmn:startEvent id="Start"/>
    <bpmn:intermediateCatchEvent id="Wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT2S</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="AfterTimer" scriptFormat="javascript"><bpmn:script>return 'fired';</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="AfterTimer"/>
    <bpmn:sequenceFlow id="f3" sourceRef="AfterTimer" targetRef="End"/>
  </bpmn:process>
</bpmn:definitions>
)";

// A timer that falls due while no host runs fires exactly once when a host starts again on
// the same database, even with two hosts starting on it.
TEST(TimerAcrossRestart, ATimerThatFellDueWhileDownFiresOnceAfterRestart) {
  auto& cluster = shared_postgres_cluster();
  TempDir dir;
  const std::string database = unique_database_name("timer");
  const auto model = dir.write("timer_process.bpmn", kTimerModel);
  const auto config = write_host_config(dir, cluster, database, "host.json", model.string());
  const auto second_config = write_host_config(dir, cluster, database, "second.json", model.string());
  const std::string target = std::string(kApi) + "/process_models/timer_process/start?start_callback_type=1";
  {
    HostProcess first(config);
    first.start();
    testing::HttpClient client(first.port());
    for (const char* correlation : {"t1", "t2", "t3"}) {
      const auto reply = client.post(target, std::string(R"({"correlationId":")") + correlation + R"("})");
      ASSERT_EQ(reply.status, 200) << reply.body;
    }
    first.signal(SIGKILL);
    EXPECT_EQ(first.wait_exit(15s), 128 + SIGKILL);
  }
  EXPECT_EQ(cluster.psql(database, "SELECT count(*) FROM processhost_timers"), "3\n");
  std::this_thread::sleep_for(3s);  // every timer is now overdue

  HostProcess again(config);
  again.start();
  HostProcess other(second_config);
  other.start();
  testing::HttpClient client(again.port());
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  std::string body;
  for (const char* correlation : {"t1", "t2", "t3"}) {
    const std::string results =
        std::string(kApi) + "/correlations/" + correlation + "/process_models/timer_process/results";
    while (std::chrono::steady_clock::now() < deadline) {
      const auto reply = client.get(results);
      body = reply.body;
      if (reply.status == 200 && body.find(R"("endEventId":"End")") != std::string::npos) break;
      std::this_thread::sleep_for(100ms);
    }
    EXPECT_NE(body.find(R"("tokenPayload":"fired")"), std::string::npos) << correlation << ": " << body;
  }
  // A host stopped with SIGTERM lets every transition in flight commit or fail before it
  // exits, and fires nothing afterwards: with both gone, the database is final, and a second
  // firing by either host, had there been one, is in it.
  EXPECT_EQ(again.stop(15s, SIGTERM), 0) << again.output();
  EXPECT_EQ(other.stop(15s, SIGTERM), 0) << other.output();
  EXPECT_EQ(cluster.psql(database,
                         "SELECT flow_node_id, count(*) FROM processhost_flow_node_instances"
                         " WHERE flow_node_id IN ('Wait', 'AfterTimer', 'End') GROUP BY flow_node_id ORDER BY 1"),
            "AfterTimer|3\nEnd|3\nWait|3\n");
  EXPECT_EQ(cluster.psql(database, "SELECT count(*) FROM processhost_correlation_results"), "3\n");
  EXPECT_EQ(cluster.psql(database, "SELECT count(*) FROM processhost_timers"), "0\n");
  cluster.drop_database(database);
}

// Clients run sample flows while the database stops and comes back. Every answer while it
// is down is a 503; afterwards flows complete again; nothing acknowledged is lost.
TEST(DatabaseOutage, ClientsGet503WhileDownAndNothingAcknowledgedIsLost) {
  PostgresCluster cluster(PostgresCluster::default_root() / ("host-outage-" + std::to_string(::getpid())));
  TempDir dir;
  HostProcess host(write_host_config(dir, cluster, "outage"));
  host.start();

  enum class Phase { up, stopping, down, starting, back };
  std::atomic<Phase> phase{Phase::up};
  std::atomic<bool> running{true};
  std::atomic<int> completed_after_restart{0};
  std::mutex mutex;
  std::set<std::string> acknowledged_starts;
  std::set<std::string> acknowledged_finishes;
  std::map<int, int> statuses_while_down;

  // Only a request sent after the server stopped and answered before it is started again
  // counts as "while down"; the phase is read around each request, not each flow.
  auto timed = [&](auto&& request) {
    const Phase before = phase.load();
    const int status = request();
    if (before == Phase::down && phase.load() == Phase::down) {
      std::lock_guard lock(mutex);
      ++statuses_while_down[status];
    }
    return status;
  };
  auto client_loop = [&](int client_index) {
    SampleFlowClient client(host.port());
    for (int n = 0; running.load(); ++n) {
      const std::string correlation_id = "o" + std::to_string(client_index) + "_" + std::to_string(n);
      const Phase phase_at_start = phase.load();
      const int started = timed([&] { return client.start(correlation_id); });
      if (started / 100 != 2) {
        std::this_thread::sleep_for(50ms);
        continue;
      }
      {
        std::lock_guard lock(mutex);
        acknowledged_starts.insert(correlation_id);
      }
      std::optional<std::vector<WaitingUserTask>> tasks;
      for (int attempt = 0; running.load() && attempt < 200; ++attempt) {
        timed([&] {
          int status = 0;
          tasks = client.user_tasks(correlation_id, &status);
          return status;
        });
        if (tasks && !tasks->empty()) break;
        std::this_thread::sleep_for(50ms);
      }
      if (!tasks || tasks->empty()) continue;
      for (int attempt = 0; running.load() && attempt < 200; ++attempt) {
        const int finished = timed([&] { return client.finish(tasks->front()); });
        if (finished == 204) {
          std::lock_guard lock(mutex);
          acknowledged_finishes.insert(correlation_id);
          if (phase_at_start == Phase::back) ++completed_after_restart;
          break;
        }
        if (finished != 503) break;
        std::this_thread::sleep_for(50ms);
      }
    }
  };
  std::vector<std::thread> clients;
  for (int i = 0; i < 3; ++i) clients.emplace_back(client_loop, i);

  std::this_thread::sleep_for(2s);
  // Only answers to requests made entirely after the server stopped and before it is
  // started again count as "while down".
  phase = Phase::stopping;
  cluster.stop();
  phase = Phase::down;
  std::this_thread::sleep_for(3s);
  phase = Phase::starting;
  cluster.start();
  phase = Phase::back;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (completed_after_restart.load() < 10 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);
  }
  running = false;
  for (auto& client : clients) client.join();

  EXPECT_TRUE(host.running()) << host.output();
  EXPECT_GE(completed_after_restart.load(), 10) << "no full service after the restart";
  ASSERT_FALSE(statuses_while_down.empty()) << "no request reached the host while the database was down";
  for (const auto& [status, count] : statuses_while_down) {
    EXPECT_EQ(status, 503) << count << " answer(s) with status " << status << " while the database was down";
  }
  SampleFlowClient checker(host.port());
  for (const auto& correlation_id : acknowledged_starts) {
    int status = 0;
    const auto body = checker.results(correlation_id, &status);
    ASSERT_TRUE(body.has_value()) << correlation_id << " status " << status;
    bool matches = false;
    const auto results = count_results(*body, true, &matches);
    if (acknowledged_finishes.count(correlation_id)) {
      EXPECT_EQ(results, 1u) << "acknowledged finish of " << correlation_id << " lost: " << *body;
      EXPECT_TRUE(matches) << *body;
    } else if (results == 0) {
      const auto waiting = checker.user_tasks(correlation_id);
      ASSERT_TRUE(waiting.has_value());
      EXPECT_EQ(waiting->size(), 1u) << "acknowledged start of " << correlation_id << " lost";
    }
  }
  std::cout << acknowledged_starts.size() << " starts and " << acknowledged_finishes.size()
            << " finishes acknowledged; answers while down:";
  for (const auto& [status, count] : statuses_while_down) std::cout << " " << status << " x" << count;
  std::cout << "\n";
  EXPECT_EQ(host.stop(15s, SIGTERM), 0);
}

}  // namespace
}  // namespace processhost::test
