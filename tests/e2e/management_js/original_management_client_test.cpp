// The original npm Management API client against the real host (pg_store on a private
// PostgreSQL, iam, consumer_api, management_api): every client method whose route the host
// serves, with the checks of original_management_client.js (cronjobs, run-time KPIs and logs
// included), and its socket.io subscriptions on /management_api, the cronjob events included.

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

#include <rapidjson/document.h>

#include "processhost/test/postgres_cluster.hpp"
#include "processhost/testing/host_process.hpp"

namespace {

using processhost::testing::HostProcess;
using processhost::testing::TempDir;
namespace test = processhost::test;

// Argon2id hash with small limits (fast logins) of "admin-pass".
constexpr const char* kAdminPassHash =
    "$argon2id$v=19$m=8,t=1,p=1$uDrHFyFecUNeCBgn/0km4w$uwnToVBjiGPQPTJ3aOLX6Kso+cqEL1EIABbGfqjHTXs";

std::string users_json() {
  const auto user = [](const char* name, const char* claims) {
    return std::string(R"({"username":")") + name + R"(","userId":")" + name + R"(","passwordHash":")" +
           kAdminPassHash + R"(","claims":[)" + claims + "]}";
  };
  return std::string(R"({"users":[)") + user("manager", R"("can_manage_process_instances")") + "," +
         user("alice", R"("can_read_process_model")") + "]}";
}

struct NodeRun {
  int exit_code = -1;
  std::string output;
};

NodeRun run_client(std::uint16_t port) {
  const std::string command = "NODE_PATH='" + std::string(MGMT_CLIENT_MODULES) + "' '" + MGMT_NODE + "' '" +
                              MGMT_SCRIPT + "' http://127.0.0.1:" + std::to_string(port) + " '" + MGMT_MODELS_DIR +
                              "' '" + MGMT_CRON_MODELS_DIR + "' 2>&1";
  NodeRun run;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  while (const std::size_t read = std::fread(buffer, 1, sizeof buffer, pipe)) run.output.append(buffer, read);
  const int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

// Every method of the client whose route the host serves (contracts 13.2.0), each of which
// the script calls and checks.
const std::set<std::string> kServedMethods = {
    // Correlations and process instances.
    "getAllCorrelations", "getActiveCorrelations", "getCorrelationById", "getCorrelationsByProcessModelId",
    "getProcessInstanceById", "getProcessInstancesForCorrelation", "getProcessInstancesForProcessModel",
    "getProcessInstancesByState", "terminateProcessInstance",
    // Process models.
    "getProcessModels", "getProcessModelById", "getProcessModelByProcessInstanceId", "startProcessInstance",
    "getStartEventsForProcessModel", "updateProcessDefinitionsByName", "deleteProcessDefinitionsByProcessModelId",
    // Tasks.
    "getUserTasksForProcessModel", "getUserTasksForProcessInstance", "getUserTasksForCorrelation",
    "getUserTasksForProcessModelInCorrelation", "finishUserTask", "getManualTasksForProcessModel",
    "getManualTasksForProcessInstance", "getManualTasksForCorrelation", "getManualTasksForProcessModelInCorrelation",
    "finishManualTask", "getEmptyActivitiesForProcessModel", "getEmptyActivitiesForProcessInstance",
    "getEmptyActivitiesForCorrelation", "getEmptyActivitiesForProcessModelInCorrelation", "finishEmptyActivity",
    "getAllSuspendedTasks", "getSuspendedTasksForProcessModel", "getSuspendedTasksForProcessInstance",
    "getSuspendedTasksForCorrelation", "getSuspendedTasksForProcessModelInCorrelation",
    // Events.
    "getWaitingEventsForProcessModel", "getWaitingEventsForCorrelation", "getWaitingEventsForProcessModelInCorrelation",
    "triggerMessageEvent", "triggerSignalEvent",
    // Flow node instances, tokens.
    "getFlowNodeInstancesForProcessInstance", "getActiveTokensForProcessModel",
    "getActiveTokensForCorrelationAndProcessModel", "getActiveTokensForProcessInstance", "getActiveTokensForFlowNode",
    "getTokensForFlowNode", "getTokensForFlowNodeByProcessInstanceId", "getTokensForCorrelationAndProcessModel",
    "getTokensForProcessInstance",
    // Cronjobs, run-time KPIs, logs.
    "getAllActiveCronjobs", "getCronjobExecutionHistoryForProcessModel", "getCronjobExecutionHistoryForCrontab",
    "getRuntimeInformationForProcessModel", "getRuntimeInformationForFlowNode", "getProcessModelLog",
    "getProcessInstanceLog",
    // Socket subscriptions; the host never sends cronjob_created and cronjob_stopped (the script
    // checks that none arrives).
    "onProcessStarted", "onProcessWithProcessModelIdStarted", "onActivityReached", "onActivityFinished",
    "onUserTaskWaiting", "onUserTaskFinished", "onManualTaskWaiting", "onManualTaskFinished", "onEmptyActivityWaiting",
    "onEmptyActivityFinished", "onIntermediateCatchEventReached", "onIntermediateCatchEventFinished", "onProcessEnded",
    "onProcessTerminated", "onUserTaskForIdentityWaiting", "onUserTaskForIdentityFinished",
    "onManualTaskForIdentityWaiting", "onManualTaskForIdentityFinished", "onEmptyActivityForIdentityWaiting",
    "onEmptyActivityForIdentityFinished", "onCronjobUpdated", "onCronjobExecuted", "onCronjobRemoved",
    "onCronjobCreated", "onCronjobStopped", "removeSubscription"};

class OriginalManagementClient : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& cluster = test::shared_postgres_cluster();
    database_ = test::unique_database_name("e2e_management");
    cluster.create_database(database_);
  }
  void TearDown() override { test::shared_postgres_cluster().drop_database(database_); }
  std::string database_;
};

TEST_F(OriginalManagementClient, EveryServedRouteAndTheNamespaceSubscriptions) {
  TempDir dir;
  dir.write("users.json", users_json());
  const std::string models = MGMT_MODELS_DIR;
  const auto config = dir.write(
      "host.json",
      R"({"http":{"host":"127.0.0.1","port":0},"processModels":[")" + models + R"(/mgmt_ops.bpmn"],"plugins":[)"
      R"({"name":"pg_store","config":{"host":"127.0.0.1","port":)" +
      std::to_string(test::shared_postgres_cluster().port()) + R"(,"database":")" + database_ +
      R"(","user":"postgres","poolSize":2}},)"
      R"({"name":"iam","config":{"issuer":"mgmt-e2e","secret":"management-e2e-secret-of-at-least-32-bytes",)"
      R"("usersFile":"users.json"}},{"name":"consumer_api"},{"name":"management_api"}]})");
  HostProcess host(config);
  host.start();

  const NodeRun run = run_client(host.port());
  ASSERT_EQ(run.exit_code, 0) << run.output << "\nhost output:\n" << host.output();
  rapidjson::Document result;
  result.Parse(run.output.c_str());
  ASSERT_FALSE(result.HasParseError()) << run.output;

  std::set<std::string> called;
  for (const auto& name : result["called"].GetArray()) called.insert(name.GetString());
  for (const auto& method : kServedMethods) EXPECT_TRUE(called.contains(method)) << method << " was not exercised";

  const std::string instance = result["instance"].GetString();
  const auto& received = result["received"];
  const std::pair<const char*, const char*> expected[] = {
      {"user_task_waiting", "Ops_User_Task"},
      {"user_task_finished", "Ops_User_Task"},
      {"user_task_waiting_for_identity", "Ops_User_Task"},
      {"user_task_finished_for_identity", "Ops_User_Task"},
      {"manual_task_waiting", "Ops_Manual_Task"},
      {"manual_task_finished_for_identity", "Ops_Manual_Task"},
      {"empty_activity_finished", "Ops_Empty_Task"},
      {"activity_reached", "Ops_Script"},
      {"activity_finished", "Ops_Script"},
      {"empty_activity_waiting_for_identity", "Ops_Empty_Task"},
      {"intermediate_catch_event_reached", "Ops_Catch_Message"},
      {"process_ended", "End_Ops"},
  };
  for (const auto& [name, flow_node_id] : expected) {
    ASSERT_TRUE(received.HasMember(name)) << name << ": " << run.output;
    EXPECT_EQ(std::string(received[name]["processInstanceId"].GetString()), instance) << name;
    EXPECT_EQ(std::string(received[name]["flowNodeId"].GetString()), flow_node_id) << name;
    EXPECT_EQ(std::string(received[name]["processModelId"].GetString()), "mgmt_ops") << name;
  }
  EXPECT_TRUE(received["user_task_finished"]["userTaskResult"]["form_fields"]["approved"].GetBool());
  EXPECT_EQ(std::string(received["process_terminated"]["processInstanceId"].GetString()),
            result["other"].GetString());
  // The cronjob notifications in the contract's CronjobBaseEventMessage shape.
  for (const char* name : {"cronjob_updated", "cronjob_executed", "cronjob_removed"}) {
    ASSERT_TRUE(received.HasMember(name)) << name << ": " << run.output;
    const auto& message = received[name];
    EXPECT_EQ(std::string(message["processModelId"].GetString()), "mgmt_e2e_cron") << name;
    ASSERT_TRUE(message["cronjobs"].IsArray() && message["cronjobs"].Size() == 1) << name;
    EXPECT_EQ(std::string(message["cronjobs"][0]["startEventId"].GetString()), "Start_Cron") << name;
    EXPECT_EQ(std::string(message["cronjobs"][0]["cronjob"].GetString()), "* * * * * *") << name;
  }
  EXPECT_FALSE(received.HasMember("cronjob_created"));
  EXPECT_FALSE(received.HasMember("cronjob_stopped"));
  const auto& cron = result["cron"];
  EXPECT_EQ(std::string(cron["active"].GetString()), "mgmt_e2e_cron");
  EXPECT_GE(cron["executions"].GetInt(), 2);
  EXPECT_GE(cron["executedEvents"].GetInt(), cron["executions"].GetInt());
  EXPECT_GE(cron["historyAfterRemoval"].GetInt(), cron["executions"].GetInt());
  EXPECT_EQ(run.output.find("\"token\""), std::string::npos) << "a token in a notification";
  EXPECT_EQ(host.stop(), 0);
}

}  // namespace
