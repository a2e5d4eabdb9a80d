// The management_api plugin in the real host binary, beside iam and consumer_api: deploying
// over HTTP (204, 409, 422), starting, listing with paging, task lists, and 401/403 on every
// route of the slice. A second host without iam runs the API open.

#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::management_api_integration {
namespace {

using processhost::testing::Headers;
using processhost::testing::HttpReply;

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

std::string users_json() {
  return R"({"users":[)" + user("manager", kAdminPassHash, R"("can_manage_process_instances")") + "," +
         // sample_lane: a model is listed only to callers who may use one of its start events.
         user("deployer", kAdminPassHash, R"("can_read_process_model","can_write_process_model","sample_lane")") +
         "," +
         user("reader", kAdminPassHash, R"("can_read_process_model")") + "," + user("nobody", kNobodyPassHash, "") +
         "]}";
}

std::string host_config(bool with_iam) {
  std::string plugins = R"({"name":"consumer_api"},{"name":"management_api"})";
  if (with_iam) {
    plugins =
        R"({"name":"iam","config":{"issuer":"mapi-test","secret":"management-api-test-secret-of-32-bytes-at-least",)"
        R"("usersFile":"users.json"}},)" +
        plugins;
  }
  return R"({"http":{"host":"127.0.0.1","port":0},"log":{"level":"info"},"processModels":[")" +
         std::string(MAPI_SAMPLE_PROCESS) + R"("],"plugins":[)" + plugins + "]}";
}

std::string read_model(const std::string& name) {
  std::ifstream file(std::string(MAPI_MODELS_DIR) + "/" + name + ".bpmn");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string quoted(const std::string& text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return buffer.GetString();
}

std::string update_body(const std::string& xml, bool overwrite) {
  return R"({"xml":)" + quoted(xml) + R"(,"overwriteExisting":)" + (overwrite ? "true" : "false") + "}";
}

rapidjson::Document json(const HttpReply& reply) {
  rapidjson::Document document;
  document.Parse(reply.body.c_str());
  if (document.HasParseError()) ADD_FAILURE() << "not JSON (status " << reply.status << "): " << reply.body;
  return document;
}

class ManagementHost {
 public:
  explicit ManagementHost(bool with_iam) : dir_(std::make_unique<processhost::testing::TempDir>()) {
    dir_->write("users.json", users_json());
    host_ = std::make_unique<processhost::testing::HostProcess>(dir_->write("host.json", host_config(with_iam)));
    host_->start();
  }
  ~ManagementHost() { host_->stop(); }
  std::uint16_t port() const { return host_->port(); }
  std::string output() const { return host_->output(); }

  // path after the base; every URL carries offset and limit, as the original's clients send.
  HttpReply call(const std::string& method, const std::string& path, const Headers& headers = {},
                 const std::string& body = {}) const {
    Headers all = headers;
    if (method == "POST") all.emplace_back("Content-Type", "application/json");
    const std::string target = kBase + path + (path.find('?') == std::string::npos ? "?" : "&") + "offset=0&limit=0";
    return processhost::testing::http_request(port(), method, target, body, all);
  }
  Headers login(const std::string& name, const std::string& password) const {
    const std::string credentials = R"({"username":)" + quoted(name) + R"(,"password":)" + quoted(password) + "}";
    const Headers content_type{{"Content-Type", "application/json"}};
    auto document = json(processhost::testing::http_request(port(), "POST", "/iam/login", credentials, content_type));
    if (!document.IsObject() || !document.HasMember("token")) {
      ADD_FAILURE() << "no token for " << name;
      return {};
    }
    return {{"Authorization", std::string("Bearer ") + document["token"].GetString()}};
  }

 private:
  std::unique_ptr<processhost::testing::TempDir> dir_;
  std::unique_ptr<processhost::testing::HostProcess> host_;
};

struct RouteCase {
  std::string method;
  std::string path;
  std::string claim;  // what a caller without claims is told is missing
};

// Every authenticated route of the slice, with sample parameters.
std::vector<RouteCase> slice_routes() {
  const std::string read = "can_read_process_model";
  std::vector<RouteCase> routes = {
      {"GET", "/process_models", read},
      {"GET", "/process_models/sample_process", read},
      {"GET", "/process_models/sample_process/versions", read},
      {"POST", "/process_models/sample_process/update", "can_write_process_model"},
      {"GET", "/process_models/sample_process/delete", "can_delete_process_model"},
      {"POST", "/process_models/sample_process/start", read},
      {"GET", "/process_models/sample_process/events/waiting", read},
      {"GET", "/correlations/c1/events/waiting", read},
      {"GET", "/process_models/sample_process/correlations/c1/events/waiting", read},
      {"POST", "/message/m1/trigger", "can_trigger_messages"},
      {"POST", "/signal/s1/trigger", "can_trigger_signals"},
      {"GET", "/empty_activities/own", read},
      {"GET", "/suspended_tasks", read},
      {"GET", "/process_instances/pi1", read},
      {"POST", "/process_instance/pi1/terminate", "can_terminate_process"},
      {"GET", "/process_instances/by_correlation/c1", read},
      {"GET", "/process_instances/by_process_model/sample_process", read},
      {"GET", "/process_instances/by_state/running", read},
      {"GET", "/process_instances/pi1/flow_node_instances", read},
      {"GET", "/process_instance/pi1/token_history", read},
      {"GET", "/process_instance/pi1/flow_node/StartEvent_1/token_history", read},
      {"GET", "/correlation/c1/process_model/sample_process/token_history", read},
      {"GET", "/correlation/c1/process_model/sample_process/flow_node/StartEvent_1/token_history", read},
      {"GET", "/process_instance/pi1/process_model/", read},
      {"GET", "/process_models/sample_process/start_events", read},
      {"GET", "/process_model/sample_process/active_tokens", read},
      {"GET", "/correlation/c1/process_model/sample_process/active_tokens", read},
      {"GET", "/process_instance/pi1/active_tokens", read},
      {"GET", "/token/flow_node/UserTask_1/active_tokens", read},
      {"GET", "/correlations/all", read},
      {"GET", "/correlations/active", read},
      {"GET", "/correlations/c1", read},
      {"GET", "/correlations/process_model/sample_process", read},
  };
  const std::string prefixes[] = {"/process_models/sample_process/", "/process_instances/pi1/", "/correlations/c1/",
                                  "/process_models/sample_process/correlations/c1/"};
  const std::pair<std::string, std::string> areas[] = {
      {"user_tasks", "usertasks"}, {"manual_tasks", "manual_tasks"}, {"empty_activities", "empty_activities"}};
  for (const auto& [segment, finish] : areas) {
    for (const auto& prefix : prefixes) {
      routes.push_back({"GET", prefix + segment, read});
    }
    routes.push_back({"POST", "/processes/pi1/correlations/c1/" + finish + "/fni1/finish", read});
  }
  for (const auto& prefix : prefixes) {
    routes.push_back({"GET", prefix + "tasks", read});
  }
  return routes;
}

class ManagementApiWithIam : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      host_ = std::make_unique<ManagementHost>(true);
    } catch (const std::exception& failure) {
      start_error_ = failure.what();
    }
  }
  static void TearDownTestSuite() { host_.reset(); }
  void SetUp() override { ASSERT_TRUE(host_) << "the host did not start: " << start_error_; }
  void TearDown() override {
    if (HasFailure() && host_) std::cerr << "host output:\n" << host_->output() << "\n";
  }
  static const Headers& manager() {
    static const Headers headers = host_->login("manager", "admin-pass");
    return headers;
  }
  static const Headers& deployer() {
    static const Headers headers = host_->login("deployer", "admin-pass");
    return headers;
  }

  static std::unique_ptr<ManagementHost> host_;
  static std::string start_error_;
};

std::unique_ptr<ManagementHost> ManagementApiWithIam::host_;
std::string ManagementApiWithIam::start_error_;

TEST_F(ManagementApiWithIam, EveryRouteWithoutATokenIs401) {
  for (const auto& route : slice_routes()) {
    auto reply = host_->call(route.method, route.path, {}, "{}");
    EXPECT_EQ(reply.status, 401) << route.method << " " << route.path;
    EXPECT_EQ(reply.body, R"({"message":"No auth token provided!"})") << route.path;
  }
  EXPECT_EQ(host_->call("GET", "/swagger").status, 200);
}

TEST_F(ManagementApiWithIam, EveryRouteWithoutItsClaimIs403NamingTheClaim) {
  const Headers nobody = host_->login("nobody", "nobody-pass");
  for (const auto& route : slice_routes()) {
    auto reply = host_->call(route.method, route.path, nobody, "{}");
    ASSERT_EQ(reply.status, 403) << route.method << " " << route.path << ": " << reply.body;
    auto body = json(reply);
    EXPECT_STREQ(body["additionalInformation"]["claim"].GetString(), route.claim.c_str()) << route.path;
  }
  const Headers reader = host_->login("reader", "admin-pass");
  auto update =
      host_->call("POST", "/process_models/mgmt_deploy/update", reader, update_body(read_model("mgmt_deploy"), true));
  EXPECT_EQ(update.status, 403) << update.body;
}

TEST_F(ManagementApiWithIam, DeployOverHttpThenStartIt) {
  auto deployed = host_->call("POST", "/process_models/mgmt_deploy/update", deployer(),
                              update_body(read_model("mgmt_deploy"), true));
  ASSERT_EQ(deployed.status, 204) << deployed.body;

  auto model = host_->call("GET", "/process_models/mgmt_deploy", deployer());
  ASSERT_EQ(model.status, 200) << model.body;
  auto body = json(model);
  EXPECT_STREQ(body["id"].GetString(), "mgmt_deploy");
  EXPECT_EQ(std::string(body["xml"].GetString()), read_model("mgmt_deploy"));
  EXPECT_STREQ(body["startEvents"][0]["id"].GetString(), "Start_1");

  auto started = host_->call("POST", "/process_models/mgmt_deploy/start?start_callback_type=2", deployer(),
                             R"({"correlationId":"mgmt-deploy-1","inputValues":{"answer":42}})");
  ASSERT_EQ(started.status, 200) << started.body;
  auto result = json(started);
  EXPECT_STREQ(result["correlationId"].GetString(), "mgmt-deploy-1");
  EXPECT_STREQ(result["endEventId"].GetString(), "End_1");
}

// Each deployment of a changed document is a version; the list numbers them in deployment
// order and marks the one new instances start on.
TEST_F(ManagementApiWithIam, AModelsVersionsAreListedInDeploymentOrder) {
  const auto first = read_model("mgmt_deploy");
  ASSERT_EQ(host_->call("POST", "/process_models/mgmt_deploy/update", deployer(), update_body(first, true)).status, 204);
  auto one = host_->call("GET", "/process_models/mgmt_deploy/versions", deployer());
  ASSERT_EQ(one.status, 200) << one.body;
  auto listed = json(one);
  ASSERT_EQ(listed["versions"].Size(), 1u) << one.body;
  EXPECT_EQ(listed["totalCount"].GetInt(), 1);
  EXPECT_EQ(listed["versions"][0]["version"].GetInt(), 1);
  EXPECT_TRUE(listed["versions"][0]["latest"].GetBool());
  EXPECT_FALSE(listed["versions"][0]["deleted"].GetBool());
  const std::string first_hash = listed["versions"][0]["hash"].GetString();

  std::string second = first;
  const auto name = second.find("name=\"Start\"");
  ASSERT_NE(name, std::string::npos);
  second.replace(name, 12, "name=\"Begin\"");
  ASSERT_EQ(host_->call("POST", "/process_models/mgmt_deploy/update", deployer(), update_body(second, true)).status, 204);
  auto two = host_->call("GET", "/process_models/mgmt_deploy/versions", deployer());
  ASSERT_EQ(two.status, 200) << two.body;
  listed = json(two);
  ASSERT_EQ(listed["versions"].Size(), 2u) << two.body;
  EXPECT_EQ(listed["versions"][0]["version"].GetInt(), 1);
  EXPECT_EQ(std::string(listed["versions"][0]["hash"].GetString()), first_hash);
  EXPECT_FALSE(listed["versions"][0]["latest"].GetBool());
  EXPECT_EQ(listed["versions"][1]["version"].GetInt(), 2);
  EXPECT_NE(std::string(listed["versions"][1]["hash"].GetString()), first_hash);
  EXPECT_TRUE(listed["versions"][1]["latest"].GetBool());
  EXPECT_TRUE(listed["versions"][1].HasMember("deployedAt"));

  auto unknown = host_->call("GET", "/process_models/no_such_model/versions", deployer());
  EXPECT_EQ(unknown.status, 404) << unknown.body;
}

// A BPMN document over the host's 1 MiB body and JSON-string defaults deploys: the update
// route takes up to 16 MiB. Other routes keep the default (a 3 MiB start body is 413).
TEST_F(ManagementApiWithIam, ADocumentOverTheDefaultBodyLimitDeploys) {
  std::string xml = read_model("mgmt_deploy");
  const auto declaration_end = xml.find("?>");
  ASSERT_NE(declaration_end, std::string::npos);
  xml.insert(declaration_end + 2, "\n<!-- " + std::string(3 * 1024 * 1024, 'x') + " -->");
  auto deployed = host_->call("POST", "/process_models/mgmt_deploy/update", deployer(), update_body(xml, true));
  EXPECT_EQ(deployed.status, 204) << deployed.body.substr(0, 500);
  auto model = host_->call("GET", "/process_models/mgmt_deploy", deployer());
  ASSERT_EQ(model.status, 200);
  EXPECT_EQ(std::string(json(model)["xml"].GetString()).size(), xml.size());

  const std::string big_start = R"({"inputValues":{"a":")" + std::string(3 * 1024 * 1024, 'x') + "\"}}";
  auto start = host_->call("POST", "/process_models/mgmt_deploy/start", deployer(), big_start);
  EXPECT_EQ(start.status, 413) << start.body.substr(0, 500);
}

TEST_F(ManagementApiWithIam, TheSuperAdminClaimPassesEveryClaimCheck) {
  auto deployed = host_->call("POST", "/process_models/mgmt_deploy/update", manager(),
                              update_body(read_model("mgmt_deploy"), true));
  EXPECT_EQ(deployed.status, 204) << deployed.body;
  EXPECT_EQ(host_->call("GET", "/process_models", manager()).status, 200);
  EXPECT_EQ(host_->call("POST", "/message/nobody_waits/trigger", manager(), "{}").status, 204);
}

TEST_F(ManagementApiWithIam, AnExistingModelWithoutOverwriteIs409) {
  auto reply = host_->call("POST", "/process_models/sample_process/update", deployer(),
                           update_body(read_model("mgmt_deploy"), false));
  // The name check comes first: this document's process is mgmt_deploy.
  EXPECT_EQ(reply.status, 422) << reply.body;
  std::ifstream sample_file(MAPI_SAMPLE_PROCESS);
  std::stringstream sample;
  sample << sample_file.rdbuf();
  auto conflict =
      host_->call("POST", "/process_models/sample_process/update", deployer(), update_body(sample.str(), false));
  EXPECT_EQ(conflict.status, 409) << conflict.body;
  EXPECT_NE(json(conflict)["message"].GetString(), std::string());
  EXPECT_NE(conflict.body.find("already exists"), std::string::npos) << conflict.body;
  auto absent = host_->call("POST", "/process_models/sample_process/update", deployer(),
                            R"({"xml":")"
                            "\"}");
  EXPECT_EQ(absent.status, 400) << absent.body;
}

TEST_F(ManagementApiWithIam, AnInvalidModelIs422ListingEveryProblem) {
  auto reply = host_->call("POST", "/process_models/mgmt_two_problems/update", deployer(),
                           update_body(read_model("mgmt_two_problems"), false));
  ASSERT_EQ(reply.status, 422) << reply.body;
  auto body = json(reply);
  ASSERT_TRUE(body.HasMember("additionalInformation")) << reply.body;
  EXPECT_NE(reply.body.find("Flow_Dangling_1"), std::string::npos) << reply.body;
  EXPECT_NE(reply.body.find("Flow_Dangling_2"), std::string::npos) << reply.body;
  EXPECT_EQ(host_->call("GET", "/process_models/mgmt_two_problems", deployer()).status, 404);
}

// The original's two refusals before deploying: the URL's name against the diagram's process.
TEST_F(ManagementApiWithIam, AProcessIdOtherThanTheUrlNameOrSeveralProcessesAre422) {
  const struct {
    std::string name;
    std::string model;
    std::vector<std::string> mentions;
  } cases[] = {
      {"another_name", "mgmt_deploy", {"must also use the name", "another_name"}},
      {"mgmt_two_processes", "mgmt_two_processes", {"more than one ProcessModel", "mgmt_second_process"}},
  };
  for (const auto& refused : cases) {
    auto reply = host_->call("POST", "/process_models/" + refused.name + "/update", deployer(),
                             update_body(read_model(refused.model), true));
    ASSERT_EQ(reply.status, 422) << reply.body;
    for (const auto& text : refused.mentions) EXPECT_NE(reply.body.find(text), std::string::npos) << reply.body;
    EXPECT_EQ(host_->call("GET", "/process_models/" + refused.name, deployer()).status, 404) << refused.name;
  }
}

TEST_F(ManagementApiWithIam, ListPagingWithLimitZeroMeansNoLimit) {
  ASSERT_EQ(
      host_
          ->call("POST", "/process_models/mgmt_deploy/update", deployer(), update_body(read_model("mgmt_deploy"), true))
          .status,
      204);
  auto all = json(host_->call("GET", "/process_models", deployer()));
  const auto total = all["totalCount"].GetUint();
  EXPECT_GE(total, 2U);
  EXPECT_EQ(all["processModels"].Size(), total);
  auto page = json(processhost::testing::http_request(host_->port(), "GET", kBase + "/process_models?offset=1&limit=1",
                                                      {}, deployer()));
  EXPECT_EQ(page["processModels"].Size(), 1U);
  EXPECT_EQ(page["totalCount"].GetUint(), total);
  auto bad =
      processhost::testing::http_request(host_->port(), "GET", kBase + "/process_models?limit=-1", {}, deployer());
  EXPECT_EQ(bad.status, 400);
}

TEST_F(ManagementApiWithIam, TaskListsShowAStartedInstancesUserTask) {
  auto started =
      host_->call("POST", "/process_models/sample_process/start", manager(), R"({"correlationId":"mgmt-tasks-1"})");
  ASSERT_EQ(started.status, 200) << started.body;
  HttpReply tasks;
  for (int attempt = 0; attempt < 100; ++attempt) {
    tasks = host_->call("GET", "/correlations/mgmt-tasks-1/user_tasks", manager());
    if (tasks.status == 200 && json(tasks)["userTasks"].Size() == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  auto body = json(tasks);
  ASSERT_EQ(body["userTasks"].Size(), 1U) << tasks.body;
  EXPECT_STREQ(body["userTasks"][0]["id"].GetString(), "UserTask_1");
  const std::string pi = body["userTasks"][0]["processInstanceId"].GetString();
  const std::string fni = body["userTasks"][0]["flowNodeInstanceId"].GetString();
  auto mixed = json(host_->call("GET", "/process_instances/" + pi + "/tasks", manager()));
  EXPECT_EQ(mixed["tasks"].Size(), 1U);
  auto finished = host_->call("POST", "/processes/" + pi + "/correlations/mgmt-tasks-1/usertasks/" + fni + "/finish",
                              manager(), R"({"formFields":{"TaskWasSuccessful":true}})");
  EXPECT_EQ(finished.status, 204) << finished.body;
}

// Waits until the correlation's user task is listed; returns {processInstanceId, flowNodeInstanceId}.
std::pair<std::string, std::string> waiting_user_task(const ManagementHost& host, const Headers& auth,
                                                      const std::string& correlation) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto tasks = host.call("GET", "/correlations/" + correlation + "/user_tasks", auth);
    auto body = json(tasks);
    if (tasks.status == 200 && body["userTasks"].Size() == 1) {
      return {body["userTasks"][0]["processInstanceId"].GetString(),
              body["userTasks"][0]["flowNodeInstanceId"].GetString()};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "no user task in " << correlation;
  return {};
}

bool lists_instance(const rapidjson::Document& list, const std::string& id) {
  for (const auto& instance : list["processInstances"].GetArray()) {
    if (id == instance["processInstanceId"].GetString()) return true;
  }
  return false;
}

TEST_F(ManagementApiWithIam, InstanceQueriesAndTheTokenHistoryFollowAnInstance) {
  ASSERT_EQ(host_->call("POST", "/process_models/sample_process/start", manager(),
                        R"({"correlationId":"mgmt-history-1","inputValues":{"order":7}})")
                .status,
            200);
  const auto [pi, fni] = waiting_user_task(*host_, manager(), "mgmt-history-1");
  ASSERT_FALSE(pi.empty());

  auto instance = json(host_->call("GET", "/process_instances/" + pi, manager()));
  EXPECT_STREQ(instance["processModelId"].GetString(), "sample_process");
  EXPECT_STREQ(instance["correlationId"].GetString(), "mgmt-history-1");
  EXPECT_STREQ(instance["state"].GetString(), "running");
  EXPECT_STREQ(instance["identity"]["userId"].GetString(), "manager");
  EXPECT_FALSE(instance["identity"].HasMember("token"));
  EXPECT_NE(std::string(instance["xml"].GetString()).find("UserTask_1"), std::string::npos);
  EXPECT_EQ(std::string(instance["hash"].GetString()).size(), 64U);
  EXPECT_FALSE(instance.HasMember("finishedAt"));

  auto by_correlation = json(host_->call("GET", "/process_instances/by_correlation/mgmt-history-1", manager()));
  EXPECT_EQ(by_correlation["totalCount"].GetUint(), 1U);
  EXPECT_TRUE(lists_instance(by_correlation, pi));
  EXPECT_TRUE(lists_instance(json(host_->call("GET", "/process_instances/by_process_model/sample_process", manager())), pi));
  EXPECT_TRUE(lists_instance(json(host_->call("GET", "/process_instances/by_state/running", manager())), pi));
  EXPECT_FALSE(lists_instance(json(host_->call("GET", "/process_instances/by_state/finished", manager())), pi));

  auto nodes = json(host_->call("GET", "/process_instances/" + pi + "/flow_node_instances", manager()));
  ASSERT_EQ(nodes["totalCount"].GetUint(), 3U) << "start event, script task, user task";
  EXPECT_STREQ(nodes["flowNodeInstances"][0]["flowNodeId"].GetString(), "StartEvent_1");
  EXPECT_STREQ(nodes["flowNodeInstances"][0]["state"].GetString(), "finished");
  EXPECT_EQ(nodes["flowNodeInstances"][0]["tokens"].Size(), 2U);
  EXPECT_EQ(nodes["flowNodeInstances"][0]["tokens"][0]["payload"]["order"].GetInt(), 7);
  EXPECT_STREQ(nodes["flowNodeInstances"][1]["flowNodeId"].GetString(), "scriptTask_CreateSampleResult");
  EXPECT_STREQ(nodes["flowNodeInstances"][2]["id"].GetString(), fni.c_str());
  EXPECT_STREQ(nodes["flowNodeInstances"][2]["state"].GetString(), "suspended");
  EXPECT_EQ(nodes["flowNodeInstances"][2]["tokens"].Size(), 1U) << "no exit token while it waits";
  EXPECT_STREQ(nodes["flowNodeInstances"][2]["previousFlowNodeInstanceId"].GetString(),
               nodes["flowNodeInstances"][1]["id"].GetString());

  auto history_reply = host_->call("GET", "/process_instance/" + pi + "/token_history", manager());
  auto history = json(history_reply);
  ASSERT_TRUE(history.HasMember(pi.c_str())) << "grouped by instance: " << history_reply.body;
  const auto& entries = history[pi.c_str()]["tokenHistoryEntries"];
  // Start event and script task in and out, then the user task's entry: 5, in that order.
  ASSERT_EQ(entries.Size(), 5U) << history_reply.body;
  const char* expected[][2] = {{"StartEvent_1", "onEnter"}, {"StartEvent_1", "onExit"},
                               {"scriptTask_CreateSampleResult", "onEnter"},
                               {"scriptTask_CreateSampleResult", "onExit"}, {"UserTask_1", "onEnter"}};
  for (rapidjson::SizeType i = 0; i < 5; ++i) {
    EXPECT_STREQ(entries[i]["flowNodeId"].GetString(), expected[i][0]) << i;
    EXPECT_STREQ(entries[i]["tokenEventType"].GetString(), expected[i][1]) << i;
  }
  EXPECT_EQ(entries[0]["payload"]["order"].GetInt(), 7);
  EXPECT_EQ(history[pi.c_str()]["totalCount"].GetUint(), entries.Size());

  auto task_history =
      json(host_->call("GET", "/process_instance/" + pi + "/flow_node/scriptTask_CreateSampleResult/token_history",
                       manager()));
  const auto& task_entries = task_history[pi.c_str()]["tokenHistoryEntries"];
  ASSERT_EQ(task_entries.Size(), 2U);
  EXPECT_TRUE(task_entries[1]["payload"].IsObject());
  auto paged = json(processhost::testing::http_request(
      host_->port(), "GET",
      kBase + "/correlation/mgmt-history-1/process_model/sample_process/flow_node/scriptTask_CreateSampleResult/"
              "token_history?offset=1&limit=1",
      {}, manager()));
  ASSERT_EQ(paged["tokenHistoryEntries"].Size(), 1U);
  EXPECT_EQ(paged["totalCount"].GetUint(), 2U);
  EXPECT_STREQ(paged["tokenHistoryEntries"][0]["tokenEventType"].GetString(), "onExit");
  auto by_correlation_history =
      json(host_->call("GET", "/correlation/mgmt-history-1/process_model/sample_process/token_history", manager()));
  EXPECT_TRUE(by_correlation_history.HasMember(pi.c_str()));

  // The one active token waits at the user task, however it is asked for.
  for (const std::string& path :
       {"/process_instance/" + pi + "/active_tokens",
        std::string("/correlation/mgmt-history-1/process_model/sample_process/active_tokens")}) {
    auto active = json(host_->call("GET", path, manager()));
    ASSERT_EQ(active["totalCount"].GetUint(), 1U) << path;
    EXPECT_STREQ(active["activeTokens"][0]["flowNodeId"].GetString(), "UserTask_1");
    EXPECT_STREQ(active["activeTokens"][0]["flowNodeInstanceId"].GetString(), fni.c_str());
    EXPECT_TRUE(active["activeTokens"][0]["payload"].IsObject()) << path;
  }
  for (const std::string& path : {std::string("/process_model/sample_process/active_tokens"),
                                 std::string("/token/flow_node/UserTask_1/active_tokens")}) {
    auto active = json(host_->call("GET", path, manager()));
    bool found = false;
    for (const auto& token : active["activeTokens"].GetArray()) found |= fni == token["flowNodeInstanceId"].GetString();
    EXPECT_TRUE(found) << path;
  }
  EXPECT_EQ(json(host_->call("GET", "/token/flow_node/StartEvent_1/active_tokens", manager()))["totalCount"].GetUint(),
            0U);
  auto model = json(host_->call("GET", "/process_instance/" + pi + "/process_model/", manager()));
  EXPECT_STREQ(model["id"].GetString(), "sample_process");
  EXPECT_NE(std::string(model["xml"].GetString()).find("UserTask_1"), std::string::npos);

  ASSERT_EQ(host_->call("POST", "/processes/" + pi + "/correlations/mgmt-history-1/usertasks/" + fni + "/finish",
                        manager(), R"({"formFields":{"TaskWasSuccessful":true}})")
                .status,
            204);
  auto finished = json(host_->call("GET", "/process_instances/" + pi, manager()));
  EXPECT_STREQ(finished["state"].GetString(), "finished");
  EXPECT_TRUE(finished.HasMember("finishedAt"));
  EXPECT_TRUE(lists_instance(json(host_->call("GET", "/process_instances/by_state/finished", manager())), pi));
  EXPECT_FALSE(lists_instance(json(host_->call("GET", "/process_instances/by_state/running", manager())), pi));
  // The memory store keeps the flow nodes of running instances only; pg_store keeps them all.
}

TEST_F(ManagementApiWithIam, TerminateEndsARunningInstanceOnceAndNamesWhoTerminatedIt) {
  ASSERT_EQ(host_->call("POST", "/process_models/sample_process/start", manager(),
                        R"({"correlationId":"mgmt-terminate-1"})")
                .status,
            200);
  const auto [pi, fni] = waiting_user_task(*host_, manager(), "mgmt-terminate-1");
  ASSERT_FALSE(pi.empty());

  auto terminated = host_->call("POST", "/process_instance/" + pi + "/terminate", manager(), "{}");
  ASSERT_EQ(terminated.status, 204) << terminated.body;
  EXPECT_EQ(terminated.body, "");

  auto instance = json(host_->call("GET", "/process_instances/" + pi, manager()));
  EXPECT_STREQ(instance["state"].GetString(), "terminated");
  EXPECT_TRUE(instance.HasMember("finishedAt"));
  EXPECT_STREQ(instance["error"]["additionalInformation"]["terminatedBy"]["userId"].GetString(), "manager");
  auto tasks = json(host_->call("GET", "/correlations/mgmt-terminate-1/user_tasks", manager()));
  EXPECT_EQ(tasks["totalCount"].GetUint(), 0U);
  EXPECT_TRUE(lists_instance(json(host_->call("GET", "/process_instances/by_state/terminated", manager())), pi));
  auto finish = host_->call("POST", "/processes/" + pi + "/correlations/mgmt-terminate-1/usertasks/" + fni + "/finish",
                            manager(), R"({"formFields":{}})");
  EXPECT_EQ(finish.status, 404) << finish.body;

  auto again = host_->call("POST", "/process_instance/" + pi + "/terminate", manager(), "{}");
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(again.body, R"({"message":"ProcessInstance ')" + pi + R"(' is not running."})");
  auto unknown = host_->call("POST", "/process_instance/no-such-instance/terminate", manager(), "{}");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.body, R"({"message":"process instance 'no-such-instance' not found"})");
}

TEST_F(ManagementApiWithIam, DeleteWithdrawsTheModelAndItsRunningInstanceGoesOn) {
  ASSERT_EQ(host_->call("POST", "/process_models/mgmt_delete/update", deployer(),
                        update_body(read_model("mgmt_delete"), true))
                .status,
            204);
  ASSERT_EQ(host_->call("POST", "/process_models/mgmt_delete/start", manager(), R"({"correlationId":"mgmt-delete-1"})")
                .status,
            200);
  const auto [pi, fni] = waiting_user_task(*host_, manager(), "mgmt-delete-1");
  ASSERT_FALSE(pi.empty());

  auto refused = host_->call("GET", "/process_models/mgmt_delete/delete", deployer());
  EXPECT_EQ(refused.status, 403) << "deploying is not deleting: " << refused.body;
  auto deleted = host_->call("GET", "/process_models/mgmt_delete/delete", manager());
  ASSERT_EQ(deleted.status, 204) << deleted.body;
  EXPECT_EQ(deleted.body, "");

  EXPECT_EQ(host_->call("GET", "/process_models/mgmt_delete", manager()).status, 404);
  EXPECT_EQ(host_->call("POST", "/process_models/mgmt_delete/start", manager(), "{}").status, 404);
  auto models = host_->call("GET", "/process_models", manager());
  EXPECT_EQ(models.body.find("\"mgmt_delete\""), std::string::npos) << models.body;
  auto again = host_->call("GET", "/process_models/mgmt_delete/delete", manager());
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.body, R"({"message":"ProcessModel with id mgmt_delete not found!"})");

  auto instance = json(host_->call("GET", "/process_instances/" + pi, manager()));
  EXPECT_STREQ(instance["state"].GetString(), "running");
  EXPECT_NE(std::string(instance["xml"].GetString()).find("Task_1"), std::string::npos)
      << "the version it runs stays stored";
  ASSERT_EQ(host_->call("POST", "/processes/" + pi + "/correlations/mgmt-delete-1/usertasks/" + fni + "/finish",
                        manager(), R"({"formFields":{}})")
                .status,
            204);
  EXPECT_STREQ(json(host_->call("GET", "/process_instances/" + pi, manager()))["state"].GetString(), "finished");
}

TEST_F(ManagementApiWithIam, StartEventsOfAModel) {
  auto events = json(host_->call("GET", "/process_models/sample_process/start_events", manager()));
  ASSERT_EQ(events["totalCount"].GetUint(), 1U);
  EXPECT_STREQ(events["events"][0]["id"].GetString(), "StartEvent_1");
  EXPECT_STREQ(events["events"][0]["bpmnType"].GetString(), "bpmn:StartEvent");
  EXPECT_STREQ(events["events"][0]["processModelId"].GetString(), "sample_process");
  EXPECT_EQ(host_->call("GET", "/process_models/no_such_model/start_events", manager()).status, 404);
}

TEST_F(ManagementApiWithIam, UnknownInstancesAre404AndUnknownStates400) {
  auto missing = host_->call("GET", "/process_instances/no-such-instance", manager());
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("no-such-instance"), std::string::npos) << missing.body;
  EXPECT_EQ(host_->call("GET", "/process_instances/no-such-instance/flow_node_instances", manager()).status, 404);
  auto state = host_->call("GET", "/process_instances/by_state/sleeping", manager());
  EXPECT_EQ(state.status, 400);
  EXPECT_NE(state.body.find("'sleeping' is not a ProcessInstance state"), std::string::npos) << state.body;
  auto empty = json(host_->call("GET", "/process_instance/no-such-instance/token_history", manager()));
  EXPECT_EQ(empty.MemberCount(), 0U);
}

TEST_F(ManagementApiWithIam, SwaggerDescribesTheServedRoutesBesideTheConsumerApi) {
  auto reply = host_->call("GET", "/swagger");
  ASSERT_EQ(reply.status, 200);
  auto document = json(reply);
  EXPECT_TRUE(document["paths"].HasMember("/api/management/v1/process_models/{process_definitions_name}/update"));
  EXPECT_TRUE(document["components"]["schemas"]["ProcessModel"]["properties"].HasMember("xml"));
  EXPECT_EQ(processhost::testing::http_request(host_->port(), "GET", "/api/consumer/v1/info").status, 200);
}

TEST(ManagementApiOpen, WithoutAnIdentityServiceEveryRequestRunsAnonymously) {
  ManagementHost host(false);
  EXPECT_NE(host.output().find("every Management API request runs as the anonymous identity"), std::string::npos)
      << host.output();
  auto models = host.call("GET", "/process_models");
  EXPECT_EQ(models.status, 200) << models.body;
  auto deployed =
      host.call("POST", "/process_models/mgmt_deploy/update", {}, update_body(read_model("mgmt_deploy"), false));
  EXPECT_EQ(deployed.status, 204) << deployed.body;
}

}  // namespace
}  // namespace processhost::management_api_integration
