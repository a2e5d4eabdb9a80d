// The same host with the iam plugin: tokens, claims, lanes.

#include <algorithm>
#include <iostream>

#include "api_client.hpp"

namespace processhost::consumer_api_integration {
namespace {

class WithIam : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { host_ = start_suite_host(start_error_, true); }
  static void TearDownTestSuite() { host_.reset(); }
  void SetUp() override { ASSERT_TRUE(host_) << "the host with iam did not start: " << start_error_; }
  void TearDown() override {
    if (HasFailure() && host_) std::cerr << "host output:\n" << host_->output() << "\n";
  }
  static std::uint16_t port() { return host_->port(); }

  static Headers login(const std::string& user, const std::string& password) {
    auto reply = processhost::testing::http_request(port(), "POST", "/iam/login",
                                                    R"({"username":")" + user + R"(","password":")" + password + R"("})",
                                                    {{"Content-Type", "application/json"}});
    EXPECT_EQ(reply.status, 200) << reply.body;
    return {{"Authorization", "Bearer " + std::string(json(reply)["token"].GetString())}};
  }
  static const Headers& sample() {
    static const Headers headers = login("sampleUser", "pass");
    return headers;
  }
  static const Headers& admin() {
    static const Headers headers = login("admin", "admin-pass");
    return headers;
  }

  static std::unique_ptr<RunningHost> host_;
  static std::string start_error_;
};

std::unique_ptr<RunningHost> WithIam::host_;
std::string WithIam::start_error_;

TEST_F(WithIam, AuthenticationIsRequiredExceptForInfoAndSwagger) {
  EXPECT_EQ(get(port(), "/info").status, 200);
  EXPECT_EQ(get(port(), "/swagger").status, 200);
  auto missing = get(port(), "/process_models");
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.body, R"({"message":"No auth token provided!"})");
  EXPECT_EQ(get(port(), "/user_tasks/own", {{"Authorization", "Bearer a.b.c"}}).status, 401);
  EXPECT_EQ(get(port(), "/user_tasks/own", {{"Authorization", "Bearer ZHVtbXlfdG9rZW4="}}).status, 401);
  Headers twice = sample();
  twice.push_back(sample().front());
  EXPECT_EQ(get(port(), "/user_tasks/own", twice).status, 400);
  EXPECT_EQ(get(port(), "/user_tasks/own", {{"Authorization", sample().front().second + ", Bearer x"}}).status, 400);
  EXPECT_EQ(get(port(), "/user_tasks/own", sample()).status, 200);
}

TEST_F(WithIam, MissingClaimsAre403NamingTheClaim) {
  auto nobody = login("nobody", "nobody-pass");
  auto models = get(port(), "/process_models", nobody);
  EXPECT_EQ(models.status, 403);
  EXPECT_STREQ(json(models)["additionalInformation"]["claim"].GetString(), "can_read_process_model");
  const std::pair<std::string, const char*> cases[] = {
      {"/message/capi_message/trigger", "can_trigger_messages"},
      {"/signal/capi_signal/trigger", "can_trigger_signals"},
      {"/fetch_and_lock", "can_access_external_tasks"},
      {"/task/x/finish", "can_access_external_tasks"},
  };
  for (const auto& [path, claim] : cases) {
    auto reply = post(port(), path, "{}", sample());
    EXPECT_EQ(reply.status, 403) << path;
    EXPECT_STREQ(json(reply)["additionalInformation"]["claim"].GetString(), claim) << path;
  }
}

// capi_restricted has its only start event in restricted_lane, which sampleUser lacks: as in
// the original, sampleUser may see no part of it.
TEST_F(WithIam, AModelTheCallerMaySeeNoPartOfIsHiddenWhole) {
  auto denied = get(port(), "/process_models/capi_restricted", sample());
  EXPECT_EQ(denied.status, 403);
  EXPECT_STREQ(json(denied)["message"].GetString(), "Access denied.");
  EXPECT_EQ(get(port(), "/process_models/capi_restricted", admin()).status, 200);

  auto ids_of = [](const HttpReply& reply) {
    std::vector<std::string> ids;
    for (const auto& model : json(reply)["processModels"].GetArray()) ids.emplace_back(model["id"].GetString());
    return ids;
  };
  const auto listed = ids_of(get(port(), "/process_models", sample()));
  EXPECT_EQ(std::count(listed.begin(), listed.end(), "capi_restricted"), 0);
  EXPECT_EQ(std::count(listed.begin(), listed.end(), "capi_lanes"), 1);
  const auto listed_for_admin = ids_of(get(port(), "/process_models", admin()));
  EXPECT_EQ(std::count(listed_for_admin.begin(), listed_for_admin.end(), "capi_restricted"), 1);
  EXPECT_EQ(json(get(port(), "/process_models", sample()))["totalCount"].GetUint(), listed.size());

  // A start, with or without naming the start event, is refused whole: not "not found".
  for (const std::string query : {"", "?start_event_id=Start_Restricted"}) {
    auto start =
        post(port(), "/process_models/capi_restricted/start" + query, R"({"correlationId":"iam-hidden"})", sample());
    EXPECT_EQ(start.status, 403) << query;
    EXPECT_STREQ(json(start)["message"].GetString(), "Access denied.") << query;
  }
  auto started = post(port(), "/process_models/capi_restricted/start?start_callback_type=2",
                      R"({"correlationId":"iam-hidden"})", admin());
  ASSERT_EQ(started.status, 200) << started.body;
  auto results = get(port(), "/correlations/iam-hidden/process_models/capi_restricted/results", sample());
  EXPECT_EQ(results.status, 403);
  EXPECT_STREQ(json(results)["message"].GetString(), "Access denied.");
  EXPECT_EQ(json(get(port(), "/correlations/iam-hidden/process_models/capi_restricted/results", admin()))["totalCount"]
                .GetUint(),
            1u);
}

TEST_F(WithIam, LanesFilterModelsAndTasks) {
  auto model = json(get(port(), "/process_models/capi_lanes", sample()));
  EXPECT_EQ(compact(model["endEvents"]),
            R"([{"id":"End_Visible","eventName":"Visible end","bpmnType":"bpmn:EndEvent","processModelId":"capi_lanes"}])");
  auto full = json(get(port(), "/process_models/capi_lanes", admin()));
  EXPECT_EQ(full["endEvents"].Size(), 2u);

  auto start = post(port(), "/process_models/capi_lanes/start", R"({"correlationId":"iam-lanes"})", sample());
  ASSERT_EQ(start.status, 200) << start.body;
  const std::string instance = json(start)["processInstanceId"].GetString();
  auto as_admin = json(wait_for_items(port(), "/correlations/iam-lanes/user_tasks", "userTasks", 2, admin()));
  ASSERT_EQ(as_admin["userTasks"].Size(), 2u);
  auto as_sample = json(get(port(), "/correlations/iam-lanes/user_tasks", sample()));
  ASSERT_EQ(as_sample["userTasks"].Size(), 1u);
  EXPECT_STREQ(as_sample["userTasks"][0]["id"].GetString(), "Visible_Task");
  EXPECT_EQ(as_sample["totalCount"].GetUint(), 1u);

  std::string hidden;
  for (const auto& task : as_admin["userTasks"].GetArray()) {
    if (std::string(task["id"].GetString()) == "Hidden_Task") hidden = task["flowNodeInstanceId"].GetString();
  }
  ASSERT_FALSE(hidden.empty());
  const std::string finish_hidden = "/processes/" + instance + "/correlations/iam-lanes/usertasks/" + hidden + "/finish";
  EXPECT_EQ(post(port(), finish_hidden, "{}", sample()).status, 403);
  EXPECT_EQ(post(port(), finish_hidden, "{}", admin()).status, 204);

  auto own = json(get(port(), "/process_instances/own", sample()));
  bool found = false;
  for (const auto& item : own["processInstances"].GetArray()) {
    if (std::string(item["id"].GetString()) != instance) continue;
    found = true;
    EXPECT_EQ(compact(item["owner"]), R"({"userId":"sampleUser","token":""})");
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(json(get(port(), "/process_instances/own", admin()))["processInstances"].Size(), 0u);
}

TEST_F(WithIam, SampleClientFlowWithALoggedInUser) {
  auto start = post(port(), "/process_models/sample_process/start?start_callback_type=1",
                    R"({"correlationId":"iam-sample","inputValues":{}})", sample());
  ASSERT_EQ(start.status, 200);
  const std::string instance = json(start)["processInstanceId"].GetString();
  auto tasks = json(wait_for_items(port(), "/process_models/sample_process/correlations/iam-sample/user_tasks",
                                   "userTasks", 1, sample()));
  const std::string task = tasks["userTasks"][0]["flowNodeInstanceId"].GetString();
  EXPECT_EQ(post(port(), "/processes/" + instance + "/correlations/iam-sample/usertasks/" + task + "/finish",
                 R"({"formFields":{"TaskWasSuccessful":true}})", sample())
                .status,
            204);
  EXPECT_TRUE(eventually([&] {
    auto results = json(get(port(), "/correlations/iam-sample/process_models/sample_process/results", sample()));
    return results["totalCount"].GetUint() == 1;
  }));
}

}  // namespace
}  // namespace processhost::consumer_api_integration
