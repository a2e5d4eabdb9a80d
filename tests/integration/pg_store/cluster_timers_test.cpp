// Timers and cron start events with several real hosts (consumer_api, pg_store) on one
// PostgreSQL database (docs/cluster.md, "Every due timer fires once", "Every cron tick starts
// once"): every host claims due timers from the store, so the timers of a host that died fire
// on another, once; a cron tick starts one instance whichever hosts schedule it. Assertions
// read the database after every host stopped, when nothing can change it any more.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "processhost/test/postgres_cluster.hpp"
#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::test {
namespace {

using namespace std::chrono_literals;
using testing::HostProcess;
using testing::TempDir;

constexpr const char* kApi = "/api/consumer/v1";

// Start -> timer (the duration given at the start, e.g. "PT2S") -> script 'fired' -> End.
constexpr const char* kTimerModel = R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="cluster_timer_definitions">
  <bpmn:process id="cluster_timer" isExecutable="true">
    <bpmn:startEvent id="Start"/>
    <bpmn:intermediateCatchEvent id="Wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>${token.current.wait}</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:scriptTask id="AfterTimer" scriptFormat="javascript"><bpmn:script>return 'fired';</bpmn:script></bpmn:scriptTask>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Wait"/>
    <bpmn:sequenceFlow id="f2" sourceRef="Wait" targetRef="AfterTimer"/>
    <bpmn:sequenceFlow id="f3" sourceRef="AfterTimer" targetRef="End"/>
  </bpmn:process>
</bpmn:definitions>
)";

// An ISO repeating cycle without a start date, every two seconds.
constexpr const char* kCycleModel = R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="cluster_cycle_definitions">
  <bpmn:process id="cluster_cycle" isExecutable="true">
    <bpmn:startEvent id="Every">
      <bpmn:timerEventDefinition><bpmn:timeCycle>R/PT2S</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:startEvent>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Every" targetRef="End"/>
  </bpmn:process>
</bpmn:definitions>
)";

// A cron start event every two seconds; each instance ends at once.
constexpr const char* kCronModel = R"(<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="cluster_cron_definitions">
  <bpmn:process id="cluster_cron" isExecutable="true">
    <bpmn:startEvent id="Tick">
      <bpmn:timerEventDefinition><bpmn:timeCycle>*/2 * * * * *</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:startEvent>
    <bpmn:endEvent id="End"/>
    <bpmn:sequenceFlow id="f1" sourceRef="Tick" targetRef="End"/>
  </bpmn:process>
</bpmn:definitions>
)";

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// psql's unaligned rows ("a|b\n...") as fields.
std::vector<std::vector<std::string>> rows_of(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::istringstream cells(line);
    for (std::string cell; std::getline(cells, cell, '|');) fields.push_back(cell);
    rows.push_back(std::move(fields));
  }
  return rows;
}

class HostsOneDatabase : public ::testing::Test {
 protected:
  void SetUp() override { database_ = unique_database_name("cluster_timers"); }

  void TearDown() override {
    for (auto& host : hosts_) {
      if (host) host->stop(15s, SIGTERM);
    }
    shared_postgres_cluster().drop_database(database_);
  }

  // Starts `count` hosts on the database, each deploying model_xml; the default timer poll.
  void start_hosts(int count, const std::string& model_xml) {
    auto& cluster = shared_postgres_cluster();
    const auto model = dir_.write("models/model.bpmn", model_xml);
    for (int i = 0; i < count; ++i) {
      const auto config = dir_.write(
          "host" + std::to_string(i) + ".json",
          R"({"http":{"host":"127.0.0.1","port":0},"processModels":[")" + model.string() +
              R"("],"plugins":[{"name":"pg_store","config":{"host":"127.0.0.1","port":)" +
              std::to_string(cluster.port()) + R"(,"database":")" + database_ +
              R"(","user":"postgres","poolSize":4,"connectTimeoutSeconds":2}},{"name":"consumer_api"}]})");
      hosts_.push_back(std::make_unique<HostProcess>(config));
      hosts_.back()->start();
    }
  }

  // Starts a cluster_timer instance waiting `wait` on host; its instance id.
  std::string start_timer(HostProcess& host, const std::string& correlation_id, const std::string& wait) {
    const auto reply = testing::http_request(
        host.port(), "POST", std::string(kApi) + "/process_models/cluster_timer/start?start_callback_type=1",
        R"({"correlationId":")" + correlation_id + R"(","inputValues":{"wait":")" + wait + R"("}})",
        {{"Content-Type", "application/json"}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    const auto at = reply.body.find(R"("processInstanceId":")");
    if (at == std::string::npos) return "";
    const auto begin = at + std::string(R"("processInstanceId":")").size();
    return reply.body.substr(begin, reply.body.find('"', begin) - begin);
  }

  // Waits (bounded) until the correlation's instance ended at End, asking host.
  bool ended(HostProcess& host, const std::string& correlation_id) {
    const std::string target =
        std::string(kApi) + "/correlations/" + correlation_id + "/process_models/cluster_timer/results";
    for (const auto deadline = std::chrono::steady_clock::now() + 20s; std::chrono::steady_clock::now() < deadline;) {
      const auto reply = testing::http_request(host.port(), "GET", target);
      if (reply.status == 200 && reply.body.find(R"("endEventId":"End")") != std::string::npos) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  std::string psql(const std::string& sql) { return shared_postgres_cluster().psql(database_, sql); }

  // After every host stopped: each instance's timer fired exactly once and it ended once.
  void expect_each_fired_once(std::size_t instances) {
    for (const auto& row : rows_of(psql(
             "SELECT process_instance_id, count(*) FILTER (WHERE flow_node_id = 'AfterTimer'),"
             " count(*) FILTER (WHERE flow_node_id = 'End') FROM processhost_flow_node_instances"
             " GROUP BY process_instance_id ORDER BY 1"))) {
      EXPECT_EQ(row.at(1), "1") << "instance " << row.at(0) << ": timer fired " << row.at(1) << " times";
      EXPECT_EQ(row.at(2), "1") << "instance " << row.at(0);
    }
    EXPECT_EQ(psql("SELECT count(*) FROM processhost_process_instances WHERE state = 'finished'"),
              std::to_string(instances) + "\n");
    EXPECT_EQ(psql("SELECT count(*) FROM processhost_correlation_results"), std::to_string(instances) + "\n");
    EXPECT_EQ(psql("SELECT count(*) FROM processhost_timers"), "0\n");
  }

  TempDir dir_;
  std::string database_;
  std::vector<std::unique_ptr<HostProcess>> hosts_;
};

// Host 0 arms six timers (due in 3 to 5 s) and is killed at once: nobody told host 1 about
// them, yet its periodic claim fires each within 2 s of its due time, once.
TEST_F(HostsOneDatabase, TimersOfAKilledHostFireOnAnotherWithinTwoSecondsOnce) {
  start_hosts(2, kTimerModel);
  const std::vector<std::string> waits = {"PT3S", "PT3S", "PT4S", "PT4S", "PT5S", "PT5S"};
  std::vector<std::string> correlations;
  for (std::size_t i = 0; i < waits.size(); ++i) {
    correlations.push_back("killed_" + std::to_string(i));
    ASSERT_FALSE(start_timer(*hosts_[0], correlations.back(), waits[i]).empty());
  }
  hosts_[0]->signal(SIGKILL);
  EXPECT_EQ(hosts_[0]->wait_exit(15s), 128 + SIGKILL);
  // Due times as armed, read before any fell due.
  std::map<std::string, std::int64_t> due_at;
  for (const auto& row : rows_of(psql("SELECT process_instance_id, due_at_ms FROM processhost_timers"))) {
    due_at[row.at(0)] = std::stoll(row.at(1));
  }
  ASSERT_EQ(due_at.size(), waits.size());
  for (const auto& [instance, due] : due_at) EXPECT_GT(due, wall_ms()) << instance << " fell due before the kill";

  for (const auto& correlation : correlations) EXPECT_TRUE(ended(*hosts_[1], correlation)) << correlation;
  EXPECT_EQ(hosts_[1]->stop(15s, SIGTERM), 0) << hosts_[1]->output();

  // The timer's wait ended (finished_at_ms) when it fired: at most 2 s after it was due.
  const auto fired = rows_of(psql(
      "SELECT process_instance_id, finished_at_ms FROM processhost_flow_node_instances WHERE flow_node_id = 'Wait'"));
  ASSERT_EQ(fired.size(), waits.size());
  for (const auto& row : fired) {
    const auto late = std::stoll(row.at(1)) - due_at.at(row.at(0));
    EXPECT_GE(late, 0) << row.at(0);
    EXPECT_LE(late, 2000) << row.at(0) << " fired " << late << " ms after it was due";
  }
  expect_each_fired_once(waits.size());
}

// Three live hosts, timers armed on each: every host polls and may claim any of them; each
// fires once.
TEST_F(HostsOneDatabase, TimersWithThreeHostsAliveFireOnceEach) {
  start_hosts(3, kTimerModel);
  std::vector<std::string> correlations;
  for (int i = 0; i < 12; ++i) {
    correlations.push_back("alive_" + std::to_string(i));
    ASSERT_FALSE(start_timer(*hosts_[i % 3], correlations.back(), i % 2 == 0 ? "PT1S" : "PT2S").empty());
  }
  for (std::size_t i = 0; i < correlations.size(); ++i) {
    EXPECT_TRUE(ended(*hosts_[(i + 1) % 3], correlations[i])) << correlations[i];
  }
  for (auto& host : hosts_) EXPECT_EQ(host->stop(15s, SIGTERM), 0) << host->output();
  expect_each_fired_once(correlations.size());
}

// Every host schedules the cron start event; each tick starts one instance, recorded once in
// the cron history, whatever hosts reached it.
TEST_F(HostsOneDatabase, ACronTickStartsOneInstanceWithThreeHosts) {
  start_hosts(3, kCronModel);
  std::this_thread::sleep_for(9s);  // four ticks or more with all three hosts up
  const std::int64_t stopping_at = wall_ms();
  for (auto& host : hosts_) EXPECT_EQ(host->stop(15s, SIGTERM), 0) << host->output();

  std::vector<std::int64_t> ticks;
  for (const auto& row : rows_of(psql("SELECT tick_ms FROM processhost_cron_claims"
                                      " WHERE process_model_id = 'cluster_cron' AND start_event_id = 'Tick'"
                                      " ORDER BY tick_ms"))) {
    ticks.push_back(std::stoll(row.at(0)));
  }
  std::vector<std::int64_t> starts;
  for (const auto& row : rows_of(psql("SELECT created_at_ms FROM processhost_process_instances"
                                      " WHERE process_model_id = 'cluster_cron' ORDER BY created_at_ms"))) {
    starts.push_back(std::stoll(row.at(0)));
  }
  ASSERT_GE(ticks.size(), 4u);
  for (const auto tick : ticks) EXPECT_EQ(tick % 2000, 0) << tick;
  // Each instance belongs to one claimed tick (started soon after it, long before the next) and each
  // tick before the hosts began to stop has exactly one; a tick claimed while they stopped
  // may have none.
  std::map<std::int64_t, int> per_tick;
  for (const auto start : starts) {
    const auto tick = start - start % 2000;
    EXPECT_LT(start - tick, 1500) << "an instance at " << start << " started late for its tick";
    EXPECT_NE(std::find(ticks.begin(), ticks.end(), tick), ticks.end()) << "an instance of an unclaimed tick";
    ++per_tick[tick];
  }
  for (const auto tick : ticks) {
    if (tick + 1000 >= stopping_at) continue;
    EXPECT_EQ(per_tick[tick], 1) << "tick " << tick;
  }
  EXPECT_LE(starts.size(), ticks.size());
  EXPECT_EQ(psql("SELECT count(*) FROM processhost_cronjob_history WHERE process_model_id = 'cluster_cron'"),
            std::to_string(starts.size()) + "\n");
}

// A repeating cycle without a start date runs from the version's deployment in the store,
// the same instant for every host: the hosts, started one after another, reach the same
// ticks, and each tick starts one instance.
TEST_F(HostsOneDatabase, ARepeatingCycleStartsOneInstancePerPeriodWithThreeHosts) {
  start_hosts(3, kCycleModel);
  std::this_thread::sleep_for(9s);
  const std::int64_t stopping_at = wall_ms();
  for (auto& host : hosts_) EXPECT_EQ(host->stop(15s, SIGTERM), 0) << host->output();

  std::vector<std::int64_t> ticks;
  for (const auto& row : rows_of(psql("SELECT tick_ms FROM processhost_cron_claims"
                                      " WHERE process_model_id = 'cluster_cycle' AND start_event_id = 'Every'"
                                      " ORDER BY tick_ms"))) {
    ticks.push_back(std::stoll(row.at(0)));
  }
  ASSERT_GE(ticks.size(), 3u);
  // One anchor: every claimed tick is two seconds after the one before it.
  for (std::size_t i = 1; i < ticks.size(); ++i) EXPECT_EQ(ticks[i] - ticks[i - 1], 2000) << ticks[i];
  const auto instances = std::stoul(psql("SELECT count(*) FROM processhost_process_instances"
                                         " WHERE process_model_id = 'cluster_cycle'"));
  EXPECT_LE(instances, ticks.size());
  std::size_t before_stop = 0;
  for (const auto tick : ticks) before_stop += tick + 1000 < stopping_at ? 1 : 0;
  EXPECT_GE(instances, before_stop);
}

}  // namespace
}  // namespace processhost::test
