// The Management API's history-side routes in the real host on pg_store, over HTTP: cronjobs
// and their execution history, run-time KPIs, logs, the claims they need, and history
// retention removing ended instances while running ones stay.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "processhost/test/postgres_cluster.hpp"
#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::test {
namespace {

using namespace std::chrono_literals;
using testing::Headers;
using testing::HostProcess;
using testing::HttpReply;
using testing::TempDir;

const std::string kBase = "/api/management/v1";

// Argon2id hashes with small limits (fast logins) of "admin-pass" and "nobody-pass".
constexpr const char* kAdminPassHash =
    "$argon2id$v=19$m=8,t=1,p=1$uDrHFyFecUNeCBgn/0km4w$uwnToVBjiGPQPTJ3aOLX6Kso+cqEL1EIABbGfqjHTXs";
constexpr const char* kNobodyPassHash =
    "$argon2id$v=19$m=8,t=1,p=1$ARSRxbrwJQQoNxehH1uE/Q$EZuR98VKAVyqGcButI/zTgaF0gVZ/9PI4ZS4urTX1lI";

std::string user(const std::string& name, const char* hash, const std::string& claims) {
  return R"({"username":")" + name + R"(","userId":")" + name + R"(","passwordHash":")" + hash + R"(","claims":[)" +
         claims + "]}";
}

std::string model_path(const std::string& name) { return std::string(MAPI_HISTORY_MODELS_DIR) + "/" + name + ".bpmn"; }

rapidjson::Document json(const HttpReply& reply) {
  rapidjson::Document document;
  document.Parse(reply.body.c_str());
  if (document.HasParseError()) ADD_FAILURE() << "not JSON (status " << reply.status << "): " << reply.body;
  return document;
}

// 2026-12-02T13:05:20.123Z -> epoch milliseconds.
std::int64_t epoch_ms(const std::string& iso) {
  std::tm time{};
  int millis = 0;
  std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &time.tm_year, &time.tm_mon, &time.tm_mday, &time.tm_hour,
              &time.tm_min, &time.tm_sec, &millis);
  time.tm_year -= 1900;
  time.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&time)) * 1000 + millis;
}

// The real host with iam, consumer_api and management_api on its own pg_store database.
class HistoryHost {
 public:
  HistoryHost(const std::string& database_prefix, const std::string& engine_config, const std::string& models) {
    auto& cluster = shared_postgres_cluster();
    dir_.write("users.json", R"({"users":[)" + user("manager", kAdminPassHash, R"("can_manage_process_instances")") +
                                 "," + user("reader", kAdminPassHash, R"("can_read_process_model")") + "," +
                                 user("nobody", kNobodyPassHash, "") + "]}");
    const std::string config =
        R"({"http":{"host":"127.0.0.1","port":0},"log":{"level":"info"},"engine":)" + engine_config +
        R"(,"processModels":[)" + models + R"(],"plugins":[)"
        R"({"name":"iam","config":{"issuer":"mapi-history","secret":"management-api-history-secret-of-32-bytes",)"
        R"("usersFile":"users.json"}},)"
        R"({"name":"pg_store","config":{"host":"127.0.0.1","port":)" +
        std::to_string(cluster.port()) + R"(,"database":")" + unique_database_name(database_prefix) +
        R"(","user":"postgres","poolSize":3,"connectTimeoutSeconds":2}},)"
        R"({"name":"consumer_api"},{"name":"management_api"}]})";
    host_ = std::make_unique<HostProcess>(dir_.write("host.json", config));
    host_->start();
  }
  ~HistoryHost() {
    if (host_) host_->stop();
  }
  std::string output() const { return host_->output(); }

  Headers login(const std::string& name, const std::string& password) const {
    const auto reply = testing::http_request(host_->port(), "POST", "/iam/login",
                                             R"({"username":")" + name + R"(","password":")" + password + R"("})",
                                             {{"Content-Type", "application/json"}});
    auto document = json(reply);
    if (!document.IsObject() || !document.HasMember("token")) {
      ADD_FAILURE() << "no token for " << name << ": " << reply.body;
      return {};
    }
    return {{"Authorization", std::string("Bearer ") + document["token"].GetString()}};
  }
  // path after the base; query "offset=0&limit=0" unless the path names its own.
  HttpReply get(const std::string& path, const Headers& headers) const {
    const bool paged = path.find("limit=") != std::string::npos;
    const std::string target =
        kBase + path + (paged ? "" : std::string(path.find('?') == std::string::npos ? "?" : "&") + "offset=0&limit=0");
    return testing::http_request(host_->port(), "GET", target, "", headers);
  }
  HttpReply post(const std::string& path, const Headers& headers, const std::string& body = "{}") const {
    Headers all = headers;
    all.emplace_back("Content-Type", "application/json");
    return testing::http_request(host_->port(), "POST", kBase + path, body, all);
  }
  // Starts model and waits for its end (callback type 2); the new instance's id.
  std::string run_to_end(const std::string& model, const Headers& headers) const {
    const auto reply = post("/process_models/" + model + "/start?start_callback_type=2", headers);
    EXPECT_EQ(reply.status, 200) << reply.body;
    auto body = json(reply);
    return body.IsObject() && body.HasMember("processInstanceId") ? body["processInstanceId"].GetString() : "";
  }
  std::string start(const std::string& model, const Headers& headers) const {
    const auto reply = post("/process_models/" + model + "/start?start_callback_type=1", headers);
    EXPECT_EQ(reply.status, 200) << reply.body;
    auto body = json(reply);
    return body.IsObject() && body.HasMember("processInstanceId") ? body["processInstanceId"].GetString() : "";
  }
  std::size_t total(const std::string& path, const Headers& headers) const {
    auto body = json(get(path, headers));
    return body.IsObject() && body.HasMember("totalCount") ? body["totalCount"].GetUint64() : 0;
  }

 private:
  TempDir dir_;
  std::unique_ptr<HostProcess> host_;
};

const std::string kDefaultEngine = "{}";

std::string quoted_models(std::initializer_list<std::string> names) {
  std::string list;
  for (const auto& name : names) list += (list.empty() ? "\"" : ",\"") + model_path(name) + "\"";
  return list;
}

TEST(ManagementApiHistory, CronjobsAreListedAndEachExecutionIsRecorded) {
  HistoryHost host("mapi_cron", kDefaultEngine, quoted_models({"hist_cron", "hist_timed"}));
  const auto manager = host.login("manager", "admin-pass");

  auto active = json(host.get("/cronjobs/active", manager));
  ASSERT_TRUE(active.IsObject() && active.HasMember("cronjobs")) << host.output();
  ASSERT_EQ(active["cronjobs"].Size(), 1u) << "hist_timed has no cron start event";
  EXPECT_EQ(active["totalCount"].GetUint64(), 1u);
  const auto& job = active["cronjobs"][0];
  EXPECT_STREQ(job["processModelId"].GetString(), "hist_cron");
  EXPECT_STREQ(job["startEventId"].GetString(), "Start_Cron");
  EXPECT_STREQ(job["crontab"].GetString(), "* * * * * *");
  const auto now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  const auto next = epoch_ms(job["nextExecution"].GetString());
  EXPECT_GT(next, now_ms - 1000);
  EXPECT_LE(next, now_ms + 2000) << "every second";

  // Every second one instance: wait for three.
  const std::string history = "/cronjobs/history/process_model/hist_cron";
  for (int attempt = 0; attempt < 100 && host.total(history, manager) < 3; ++attempt) std::this_thread::sleep_for(100ms);
  auto entries = json(host.get(history, manager));
  ASSERT_GE(entries["totalCount"].GetUint64(), 3u) << host.output();
  const auto& list = entries["cronjobHistories"];
  ASSERT_EQ(list.Size(), entries["totalCount"].GetUint64());
  std::int64_t previous = 0;
  for (const auto& entry : list.GetArray()) {
    EXPECT_STREQ(entry["processModelId"].GetString(), "hist_cron");
    EXPECT_STREQ(entry["startEventId"].GetString(), "Start_Cron");
    EXPECT_STREQ(entry["crontab"].GetString(), "* * * * * *");
    const auto executed = epoch_ms(entry["executedAt"].GetString());
    EXPECT_GE(executed, previous) << "oldest first";
    previous = executed;
    // Each execution is an instance of the model, in a cronjob_ correlation.
    auto instance = json(host.get(std::string("/process_instances/") + entry["processInstanceId"].GetString(), manager));
    ASSERT_TRUE(instance.IsObject() && instance.HasMember("correlationId"));
    EXPECT_STREQ(instance["processModelId"].GetString(), "hist_cron");
    EXPECT_EQ(std::string(instance["correlationId"].GetString()).rfind("cronjob_", 0), 0u);
  }

  // Paged; filtered by start event and by crontab (URL-encoded).
  auto page = json(host.get(history + "?offset=1&limit=1", manager));
  EXPECT_EQ(page["cronjobHistories"].Size(), 1u);
  EXPECT_GE(page["totalCount"].GetUint64(), 3u);
  EXPECT_STREQ(page["cronjobHistories"][0]["processInstanceId"].GetString(), list[1]["processInstanceId"].GetString());
  EXPECT_GE(host.total(history + "?start_event_id=Start_Cron", manager), 3u);
  EXPECT_EQ(host.total(history + "?start_event_id=Other", manager), 0u);
  EXPECT_GE(host.total("/cronjobs/history/crontab/%2A%20%2A%20%2A%20%2A%20%2A%20%2A", manager), 3u);
  EXPECT_EQ(host.total("/cronjobs/history/crontab/0%200%201%20%2A%20%2A%20%2A", manager), 0u);
  EXPECT_EQ(host.total("/cronjobs/history/process_model/hist_timed", manager), 0u);

  // Deleting the model stops the cronjob; its history stays.
  ASSERT_EQ(host.get("/process_models/hist_cron/delete", manager).status, 204);
  EXPECT_EQ(json(host.get("/cronjobs/active", manager))["cronjobs"].Size(), 0u);
  std::this_thread::sleep_for(500ms);  // a start already under way when the model went is still recorded
  const auto after_delete = host.total(history, manager);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(host.total(history, manager), after_delete) << "no execution after the deletion";
  EXPECT_GE(after_delete, 3u);
}

TEST(ManagementApiHistory, RuntimeInformationAggregatesTheFinishedFlowNodes) {
  HistoryHost host("mapi_kpi", kDefaultEngine, quoted_models({"hist_timed"}));
  const auto manager = host.login("manager", "admin-pass");
  std::vector<std::string> instances;
  for (int i = 0; i < 3; ++i) instances.push_back(host.run_to_end("hist_timed", manager));

  // The expected figures from each instance's token history: Wait_1 from onEnter to onExit.
  std::vector<std::int64_t> runs;
  for (const auto& id : instances) {
    auto history = json(host.get("/process_instance/" + id + "/flow_node/Wait_1/token_history", manager));
    ASSERT_TRUE(history.IsObject() && history.HasMember(id.c_str())) << id;
    std::int64_t entered = 0;
    std::int64_t left = 0;
    for (const auto& entry : history[id.c_str()]["tokenHistoryEntries"].GetArray()) {
      const auto at = epoch_ms(entry["createdAt"].GetString());
      (std::string(entry["tokenEventType"].GetString()) == "onEnter" ? entered : left) = at;
    }
    ASSERT_GT(left, 0);
    runs.push_back(left - entered);
  }
  std::sort(runs.begin(), runs.end());
  EXPECT_GE(runs.front(), 300) << "PT0.3S";

  auto all = json(host.get("/process_model/hist_timed/runtime_information", manager));
  ASSERT_TRUE(all.IsObject() && all.HasMember("flowNodeRuntimeInformation")) << host.output();
  EXPECT_EQ(all["totalCount"].GetUint64(), 3u) << "Start_1, Wait_1, End_1";
  std::map<std::string, const rapidjson::Value*> by_node;
  for (const auto& item : all["flowNodeRuntimeInformation"].GetArray()) by_node[item["flowNodeId"].GetString()] = &item;
  ASSERT_TRUE(by_node.contains("Wait_1"));
  const auto& wait = *by_node["Wait_1"];
  EXPECT_STREQ(wait["processModelId"].GetString(), "hist_timed");
  EXPECT_EQ(wait["minRuntimeInMs"].GetDouble(), static_cast<double>(runs[0]));
  EXPECT_EQ(wait["maxRuntimeInMs"].GetDouble(), static_cast<double>(runs[2]));
  EXPECT_DOUBLE_EQ(wait["medianRuntimeInMs"].GetDouble(), static_cast<double>(runs[1]));
  EXPECT_NEAR(wait["arithmeticMeanRuntimeInMs"].GetDouble(), static_cast<double>(runs[0] + runs[1] + runs[2]) / 3, 1e-6);
  EXPECT_DOUBLE_EQ(wait["firstQuartileRuntimeInMs"].GetDouble(), (runs[0] + runs[1]) / 2.0);
  EXPECT_DOUBLE_EQ(wait["thirdQuartileRuntimeInMs"].GetDouble(), (runs[1] + runs[2]) / 2.0);

  auto one = json(host.get("/process_model/hist_timed/flow_node/Wait_1/runtime_information", manager));
  ASSERT_TRUE(one.IsObject() && one.HasMember("maxRuntimeInMs"));
  EXPECT_EQ(one["maxRuntimeInMs"].GetDouble(), static_cast<double>(runs[2]));
  EXPECT_STREQ(one["flowNodeId"].GetString(), "Wait_1");
  auto none = json(host.get("/process_model/hist_timed/flow_node/Nowhere/runtime_information", manager));
  EXPECT_EQ(none["maxRuntimeInMs"].GetDouble(), 0.0);
  EXPECT_STREQ(none["flowNodeId"].GetString(), "Nowhere");
  auto page = json(host.get("/process_model/hist_timed/runtime_information?offset=1&limit=1", manager));
  EXPECT_EQ(page["flowNodeRuntimeInformation"].Size(), 1u);
  EXPECT_EQ(page["totalCount"].GetUint64(), 3u);
  EXPECT_EQ(host.total("/process_model/unknown/runtime_information", manager), 0u);
}

TEST(ManagementApiHistory, LogsTellEachFlowNodeInstanceOfTheHistory) {
  HistoryHost host("mapi_logs", kDefaultEngine, quoted_models({"hist_timed", "hist_wait"}));
  const auto manager = host.login("manager", "admin-pass");
  const auto finished = host.run_to_end("hist_timed", manager);
  host.run_to_end("hist_timed", manager);
  const auto waiting = host.start("hist_wait", manager);

  auto logs = json(host.get("/process_model/hist_timed/process_instance/" + finished + "/logs", manager));
  ASSERT_TRUE(logs.IsObject() && logs.HasMember("logEntries")) << host.output();
  ASSERT_EQ(logs["totalCount"].GetUint64(), 3u);
  const auto& entries = logs["logEntries"];
  const char* expected_nodes[] = {"Start_1", "Wait_1", "End_1"};
  for (unsigned i = 0; i < 3; ++i) {
    EXPECT_STREQ(entries[i]["flowNodeId"].GetString(), expected_nodes[i]);
    EXPECT_STREQ(entries[i]["processInstanceId"].GetString(), finished.c_str());
    EXPECT_STREQ(entries[i]["processModelId"].GetString(), "hist_timed");
    EXPECT_STREQ(entries[i]["logLevel"].GetString(), "info");
    EXPECT_STREQ(entries[i]["measuredAt"].GetString(), "onFlowNodeExit");
    EXPECT_TRUE(entries[i].HasMember("tokenPayload"));
    EXPECT_NE(std::string(entries[i]["message"].GetString()).find(expected_nodes[i]), std::string::npos);
  }
  EXPECT_GE(epoch_ms(entries[1]["timeStamp"].GetString()) - epoch_ms(entries[0]["timeStamp"].GetString()), 300)
      << "the wait's entry is stamped when it ended";

  EXPECT_EQ(host.total("/process_model/hist_timed/logs", manager), 6u);
  auto page = json(host.get("/process_model/hist_timed/logs?offset=2&limit=2", manager));
  EXPECT_EQ(page["logEntries"].Size(), 2u);
  EXPECT_EQ(page["totalCount"].GetUint64(), 6u);
  const std::string correlation =
      json(host.get("/process_instances/" + finished, manager))["correlationId"].GetString();
  EXPECT_EQ(host.total("/process_model/hist_timed/logs?correlation_id=" + correlation, manager), 3u);

  // Bad paging is a 400 that names the parameter; the host goes on.
  const auto bad = host.get("/process_model/hist_timed/logs?offset=0&limit=-1", manager);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("limit"), std::string::npos) << bad.body;
  EXPECT_EQ(host.get("/process_model/hist_timed/runtime_information?offset=x&limit=0", manager).status, 400);
  EXPECT_EQ(host.total("/process_model/hist_timed/logs", manager), 6u);

  auto waiting_logs = json(host.get("/process_model/hist_wait/process_instance/" + waiting + "/logs", manager));
  ASSERT_EQ(waiting_logs["totalCount"].GetUint64(), 2u);
  EXPECT_STREQ(waiting_logs["logEntries"][1]["flowNodeId"].GetString(), "Task_1");
  EXPECT_STREQ(waiting_logs["logEntries"][1]["measuredAt"].GetString(), "onFlowNodeSuspend");
  EXPECT_EQ(host.total("/process_model/hist_wait/process_instance/" + finished + "/logs", manager), 0u)
      << "the instance is not of that model";
}

TEST(ManagementApiHistory, EveryHistoryRouteNeedsItsClaim) {
  HistoryHost host("mapi_claims", kDefaultEngine, quoted_models({"hist_timed"}));
  const std::vector<std::string> routes = {
      "/cronjobs/active",
      "/cronjobs/history/process_model/hist_timed",
      "/cronjobs/history/crontab/%2A%20%2A%20%2A%20%2A%20%2A%20%2A",
      "/process_model/hist_timed/runtime_information",
      "/process_model/hist_timed/flow_node/Wait_1/runtime_information",
      "/process_model/hist_timed/logs",
      "/process_model/hist_timed/process_instance/pi1/logs",
  };
  const auto nobody = host.login("nobody", "nobody-pass");
  const auto reader = host.login("reader", "admin-pass");
  for (const auto& route : routes) {
    EXPECT_EQ(host.get(route, {}).status, 401) << route;
    const auto forbidden = host.get(route, nobody);
    EXPECT_EQ(forbidden.status, 403) << route;
    EXPECT_NE(forbidden.body.find("can_read_process_model"), std::string::npos) << forbidden.body;
    EXPECT_EQ(host.get(route, reader).status, 200) << route;
  }
}

// historyTtlSeconds 1, a round every 200 ms: ended instances (finished, terminated) disappear
// from the lists with their history, the running one stays.
TEST(ManagementApiHistory, RetentionRemovesEndedInstancesAndKeepsRunningOnes) {
  HistoryHost host("mapi_retention",
                   R"({"historyTtlSeconds":1,"historyCleanupIntervalMs":200,"historyCleanupBatch":1,)"
                   R"("historyCleanupPauseMs":0})",
                   quoted_models({"hist_timed", "hist_wait"}));
  const auto manager = host.login("manager", "admin-pass");
  const auto finished_1 = host.run_to_end("hist_timed", manager);
  const auto finished_2 = host.run_to_end("hist_timed", manager);
  const auto running = host.start("hist_wait", manager);
  const auto terminated = host.start("hist_wait", manager);
  ASSERT_EQ(host.post("/process_instance/" + terminated + "/terminate", manager).status, 204);
  EXPECT_EQ(host.get("/process_instances/" + finished_2, manager).status, 200) << "kept for a second";

  const std::string timed = "/process_instances/by_process_model/hist_timed";
  for (int attempt = 0; attempt < 100 && host.total(timed, manager) > 0; ++attempt) std::this_thread::sleep_for(100ms);
  EXPECT_EQ(host.total(timed, manager), 0u) << host.output();
  EXPECT_EQ(host.get("/process_instances/" + finished_1, manager).status, 404);
  EXPECT_EQ(host.total("/process_model/hist_timed/logs", manager), 0u) << "the history went with them";
  EXPECT_EQ(host.total("/process_model/hist_timed/runtime_information", manager), 0u);

  const std::string waiting = "/process_instances/by_process_model/hist_wait";
  for (int attempt = 0; attempt < 50 && host.total(waiting, manager) > 1; ++attempt) std::this_thread::sleep_for(100ms);
  auto left = json(host.get(waiting, manager));
  ASSERT_EQ(left["totalCount"].GetUint64(), 1u) << "the terminated one went";
  EXPECT_STREQ(left["processInstances"][0]["processInstanceId"].GetString(), running.c_str());
  EXPECT_STREQ(left["processInstances"][0]["state"].GetString(), "running");
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(host.total(waiting, manager), 1u) << "running instances stay, however old";
  EXPECT_EQ(host.total("/process_model/hist_wait/process_instance/" + running + "/logs", manager), 2u);
  EXPECT_NE(host.output().find("history retention removed"), std::string::npos) << host.output();
}

}  // namespace
}  // namespace processhost::test
