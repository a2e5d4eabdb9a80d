// The Management API's operational routes in the real host binary with pg_store on a private
// PostgreSQL, iam, consumer_api and management_api: correlations (grouped by the store, each
// caller seeing its own instances unless it may manage every instance), the task lists and
// finishes of user tasks, manual tasks and empty activities, waiting events and their
// triggers, and the socket.io namespace /management_api.

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "processhost/test/postgres_cluster.hpp"
#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"
#include "socket_io_test_client.hpp"

namespace processhost::management_ops_integration {
namespace {

using notifications_integration::PollingSession;
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
  const std::string operator_claims = R"("can_read_process_model","can_trigger_messages","can_trigger_signals")";
  return R"({"users":[)" + user("manager", kAdminPassHash, R"("can_manage_process_instances")") + "," +
         user("alice", kAdminPassHash, operator_claims) + "," + user("bob", kAdminPassHash, operator_claims) + "," +
         user("nobody", kNobodyPassHash, "") + "]}";
}

std::string host_config(int pg_port, const std::string& database) {
  return R"({"http":{"host":"127.0.0.1","port":0},"log":{"level":"info"},"processModels":[")" +
         std::string(MAPI_MODELS_DIR) + R"(/mgmt_ops.bpmn",")" + MAPI_MODELS_DIR +
         R"(/mgmt_notify.bpmn"],"plugins":[)" +
         R"({"name":"pg_store","config":{"host":"127.0.0.1","port":)" + std::to_string(pg_port) +
         R"(,"database":")" + database + R"(","user":"postgres","poolSize":2}},)"
         R"({"name":"iam","config":{"issuer":"mapi-ops-test","secret":"management-api-test-secret-of-32-bytes-at-least",)"
         R"("usersFile":"users.json"}},{"name":"consumer_api"},{"name":"management_api"}]})";
}

rapidjson::Document json(const HttpReply& reply) {
  rapidjson::Document document;
  document.Parse(reply.body.c_str());
  if (document.HasParseError()) ADD_FAILURE() << "not JSON (status " << reply.status << "): " << reply.body;
  return document;
}

// The host with pg_store on a database of its own in the shared test cluster.
class OpsHost {
 public:
  OpsHost() : dir_(std::make_unique<processhost::testing::TempDir>()) {
    auto& cluster = test::shared_postgres_cluster();
    database_ = test::unique_database_name("mgmt_ops");
    cluster.create_database(database_);
    dir_->write("users.json", users_json());
    host_ = std::make_unique<processhost::testing::HostProcess>(
        dir_->write("host.json", host_config(cluster.port(), database_)));
    host_->start();
  }
  ~OpsHost() {
    host_->stop();
    test::shared_postgres_cluster().drop_database(database_);
  }
  std::uint16_t port() const { return host_->port(); }
  std::string output() const { return host_->output(); }

  // path after the base; offset=0&limit=0 is added unless the path pages itself, as the
  // original's clients send it on every URL.
  HttpReply call(const std::string& method, const std::string& path, const Headers& headers,
                 const std::string& body = {}) const {
    Headers all = headers;
    if (method == "POST") all.emplace_back("Content-Type", "application/json");
    std::string target = kBase + path;
    if (path.find("offset=") == std::string::npos) {
      target += (path.find('?') == std::string::npos ? "?" : "&") + std::string("offset=0&limit=0");
    }
    return processhost::testing::http_request(port(), method, target, body, all);
  }
  std::string token(const std::string& name) const {
    const std::string password = name == "nobody" ? "nobody-pass" : "admin-pass";
    const std::string credentials = R"({"username":")" + name + R"(","password":")" + password + R"("})";
    auto document = json(processhost::testing::http_request(port(), "POST", "/iam/login", credentials,
                                                            {{"Content-Type", "application/json"}}));
    if (!document.IsObject() || !document.HasMember("token")) {
      ADD_FAILURE() << "no token for " << name;
      return {};
    }
    return document["token"].GetString();
  }
  Headers login(const std::string& name) const { return {{"Authorization", "Bearer " + token(name)}}; }

 private:
  std::unique_ptr<processhost::testing::TempDir> dir_;
  std::string database_;
  std::unique_ptr<processhost::testing::HostProcess> host_;
};

class ManagementOps : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    try {
      host_ = std::make_unique<OpsHost>();
    } catch (const std::exception& failure) {
      start_error_ = failure.what();
    }
  }
  static void TearDownTestSuite() { host_.reset(); }
  void SetUp() override { ASSERT_TRUE(host_) << "the host did not start: " << start_error_; }
  void TearDown() override {
    if (HasFailure() && host_) std::cerr << "host output:\n" << host_->output() << "\n";
  }
  static const Headers& as(const std::string& name) {
    static std::map<std::string, Headers> cache;
    auto found = cache.find(name);
    if (found == cache.end()) found = cache.emplace(name, host_->login(name)).first;
    return found->second;
  }

  // Starts mgmt_ops as name in correlation; returns the instance id.
  static std::string start(const std::string& name, const std::string& correlation) {
    auto reply = host_->call("POST", "/process_models/mgmt_ops/start", as(name),
                             R"({"correlationId":")" + correlation + R"(","inputValues":{"by":")" + name + R"("}})");
    EXPECT_EQ(reply.status, 200) << reply.body;
    auto body = json(reply);
    return body.IsObject() && body.HasMember("processInstanceId") ? body["processInstanceId"].GetString() : "";
  }

  // Polls path as name until its list (wrapper) holds count items; returns the last answer.
  static rapidjson::Document wait_for_list(const std::string& name, const std::string& path, const char* wrapper,
                                           rapidjson::SizeType count) {
    rapidjson::Document body;
    for (int attempt = 0; attempt < 100; ++attempt) {
      auto reply = host_->call("GET", path, as(name));
      body = json(reply);
      if (reply.status == 200 && body.IsObject() && body.HasMember(wrapper) && body[wrapper].Size() == count) {
        return body;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << path << " never listed " << count << " " << wrapper;
    return body;
  }

  static std::unique_ptr<OpsHost> host_;
  static std::string start_error_;
};

std::unique_ptr<OpsHost> ManagementOps::host_;
std::string ManagementOps::start_error_;

// The ids of a CorrelationList's correlations.
std::vector<std::string> correlation_ids(const rapidjson::Document& list) {
  std::vector<std::string> ids;
  for (const auto& correlation : list["correlations"].GetArray()) ids.emplace_back(correlation["id"].GetString());
  return ids;
}

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

TEST_F(ManagementOps, CorrelationsGroupInstancesAndACallerSeesOnlyItsOwnUnlessItManagesInstances) {
  const std::string shared = "ops-corr-shared";
  const std::string bobs = "ops-corr-bob";
  const auto alice_instance = start("alice", shared);
  const auto bob_instance = start("bob", shared);
  const auto bob_other = start("bob", bobs);
  ASSERT_FALSE(alice_instance.empty());
  wait_for_list("manager", "/correlations/" + bobs + "/user_tasks", "userTasks", 1);

  auto whole = json(host_->call("GET", "/correlations/" + shared, as("manager")));
  ASSERT_TRUE(whole.IsObject());
  EXPECT_STREQ(whole["id"].GetString(), shared.c_str());
  EXPECT_STREQ(whole["state"].GetString(), "running");
  EXPECT_TRUE(whole["error"].IsNull());
  ASSERT_EQ(whole["processInstances"].Size(), 2U);
  // Each a full ProcessInstance with its owner and the BPMN document it runs, oldest first
  // (two started within one millisecond are ordered by id).
  std::map<std::string, std::string> owners;
  for (const auto& instance : whole["processInstances"].GetArray()) {
    owners[instance["processInstanceId"].GetString()] = instance["identity"]["userId"].GetString();
    EXPECT_STREQ(instance["processModelId"].GetString(), "mgmt_ops");
    EXPECT_STREQ(instance["correlationId"].GetString(), shared.c_str());
    EXPECT_NE(std::string(instance["xml"].GetString()).find("mgmt_ops_message"), std::string::npos);
  }
  EXPECT_EQ(owners, (std::map<std::string, std::string>{{alice_instance, "alice"}, {bob_instance, "bob"}}));
  EXPECT_LE(std::string(whole["processInstances"][0]["createdAt"].GetString()),
            std::string(whole["processInstances"][1]["createdAt"].GetString()));
  EXPECT_STREQ(whole["createdAt"].GetString(), whole["processInstances"][0]["createdAt"].GetString());

  auto alices = json(host_->call("GET", "/correlations/" + shared, as("alice")));
  ASSERT_EQ(alices["processInstances"].Size(), 1U);
  EXPECT_EQ(alices["processInstances"][0]["processInstanceId"].GetString(), alice_instance);
  auto hidden = host_->call("GET", "/correlations/" + bobs, as("alice"));
  EXPECT_EQ(hidden.status, 404) << hidden.body;
  EXPECT_EQ(hidden.body, R"({"message":"No Correlation with id ')" + bobs + R"(' found."})");
  EXPECT_EQ(host_->call("GET", "/correlations/ops-corr-none", as("manager")).status, 404);

  const auto all = json(host_->call("GET", "/correlations/all", as("manager")));
  EXPECT_TRUE(contains(correlation_ids(all), shared));
  EXPECT_TRUE(contains(correlation_ids(all), bobs));
  EXPECT_EQ(all["totalCount"].GetUint(), all["correlations"].Size());
  const auto alice_all = json(host_->call("GET", "/correlations/all", as("alice")));
  EXPECT_TRUE(contains(correlation_ids(alice_all), shared));
  EXPECT_FALSE(contains(correlation_ids(alice_all), bobs));
  const auto by_model = json(host_->call("GET", "/correlations/process_model/mgmt_ops", as("bob")));
  EXPECT_TRUE(contains(correlation_ids(by_model), shared));
  EXPECT_TRUE(contains(correlation_ids(by_model), bobs));
  EXPECT_EQ(json(host_->call("GET", "/correlations/process_model/no_such_model", as("manager")))["totalCount"].GetUint(),
            0U);

  // Paging counts correlations, not instances.
  auto first = json(host_->call("GET", "/correlations/all?offset=0&limit=1", as("manager")));
  ASSERT_EQ(first["correlations"].Size(), 1U);
  EXPECT_EQ(first["totalCount"].GetUint(), all["correlations"].Size());
  auto second = json(host_->call("GET", "/correlations/all?offset=1&limit=1", as("manager")));
  ASSERT_EQ(second["correlations"].Size(), 1U);
  EXPECT_STRNE(first["correlations"][0]["id"].GetString(), second["correlations"][0]["id"].GetString());

  // A terminated instance makes its correlation "error" and takes it off the active list.
  ASSERT_EQ(host_->call("POST", "/process_instance/" + bob_other + "/terminate", as("manager"), "{}").status, 204);
  auto ended = json(host_->call("GET", "/correlations/" + bobs, as("manager")));
  EXPECT_STREQ(ended["state"].GetString(), "error");
  EXPECT_NE(std::string(ended["error"]["message"].GetString()).find("terminated by 'manager'"), std::string::npos);
  const auto active = json(host_->call("GET", "/correlations/active", as("manager")));
  EXPECT_TRUE(contains(correlation_ids(active), shared));
  EXPECT_FALSE(contains(correlation_ids(active), bobs));
}

// Correlation lists paged as a client pages through them (offset 0, 4, 8, ...): every page
// holds what the unpaged list holds at those offsets at that moment, with the same
// totalCount, also after an instance whose correlation was served already ended between
// two pages (pg_store's bookmark is then no longer valid: the page is what OFFSET gives).
TEST_F(ManagementOps, CorrelationPagesPageThroughEveryCorrelationOnceInTheOrderOfTheUnpagedList) {
  std::vector<std::string> mine;
  std::map<std::string, std::string> instance_of;
  for (int k = 0; k < 10; ++k) {
    const std::string correlation = "ops-page-" + std::to_string(k);
    instance_of[correlation] = start("alice", correlation);
    mine.push_back(correlation);
  }
  wait_for_list("manager", "/correlations/ops-page-9/user_tasks", "userTasks", 1);
  const std::size_t kLimit = 4;
  const auto ids_at = [](const rapidjson::Document& list, std::size_t from, std::size_t count) {
    std::vector<std::string> ids;
    const auto& items = list["correlations"];
    for (std::size_t i = from; i < from + count && i < items.Size(); ++i) {
      ids.emplace_back(items[static_cast<rapidjson::SizeType>(i)]["id"].GetString());
    }
    return ids;
  };
  for (const std::string route : {"/correlations/all", "/correlations/active", "/correlations/process_model/mgmt_ops"}) {
    SCOPED_TRACE(route);
    std::vector<std::string> seen;
    // On the active list, an instance of a correlation served already ends between two pages.
    bool ended_one = route != std::string("/correlations/active");
    for (std::size_t offset = 0;; offset += kLimit) {
      const auto whole = json(host_->call("GET", route, as("manager")));
      const auto page = json(host_->call(
          "GET", route + "?offset=" + std::to_string(offset) + "&limit=" + std::to_string(kLimit), as("manager")));
      ASSERT_TRUE(page.IsObject() && page.HasMember("correlations"));
      EXPECT_EQ(page["totalCount"].GetUint(), whole["correlations"].Size()) << "offset " << offset;
      EXPECT_EQ(ids_at(page, 0, kLimit), ids_at(whole, offset, kLimit)) << "offset " << offset;
      for (const auto& id : ids_at(page, 0, kLimit)) seen.push_back(id);
      if (offset + kLimit >= whole["correlations"].Size()) break;
      // Once the first of these correlations was served: its instance ends (an earlier row
      // of the list changes between two pages).
      if (!ended_one && contains(seen, mine.front())) {
        ended_one = true;
        ASSERT_EQ(host_->call("POST", "/process_instance/" + instance_of[mine.front()] + "/terminate", as("manager"),
                              "{}").status,
                  204);
        for (int attempt = 0; attempt < 100; ++attempt) {
          const auto state = json(host_->call("GET", "/correlations/" + mine.front(), as("manager")));
          if (state.IsObject() && state.HasMember("state") && std::string(state["state"].GetString()) == "error") break;
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      }
    }
    // Each correlation once. Where an earlier one left the list between two pages, the rows
    // after it moved up by one, so (as with any offset paging) the one that moved across the
    // page boundary is not seen: exactly one of the rest.
    std::vector<std::string> sorted = seen;
    std::sort(sorted.begin(), sorted.end());
    EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end()) << "a correlation listed twice";
    std::size_t missed = 0;
    for (std::size_t k = 1; k < mine.size(); ++k) missed += contains(seen, mine[k]) ? 0 : 1;
    EXPECT_EQ(missed, route == std::string("/correlations/active") ? 1U : 0U);
  }
}

// The original's rule for every instance route: a caller without can_manage_process_instances
// sees only the instances it started; another user's instance is 404 and left out of lists
// and their totals.
TEST_F(ManagementOps, InstanceVisibilityACallerSeesOnlyItsOwnInstancesUnlessItManagesInstances) {
  const std::string correlation = "ops-visibility";
  const auto alices = start("alice", correlation);
  const auto bobs = start("bob", correlation);
  ASSERT_FALSE(alices.empty());
  ASSERT_FALSE(bobs.empty());
  wait_for_list("manager", "/process_instance/" + bobs + "/active_tokens", "activeTokens", 3);  // mgmt_ops waits at three nodes

  EXPECT_EQ(host_->call("GET", "/process_instances/" + alices, as("alice")).status, 200);
  const auto hidden = host_->call("GET", "/process_instances/" + bobs, as("alice"));
  EXPECT_EQ(hidden.status, 404) << hidden.body;
  EXPECT_EQ(hidden.body, R"({"message":"ProcessInstance with id ')" + bobs + R"(' not found."})");
  EXPECT_EQ(host_->call("GET", "/process_instances/" + bobs, as("manager")).status, 200);
  EXPECT_EQ(host_->call("GET", "/process_instances/" + bobs + "/flow_node_instances", as("alice")).status, 404);
  EXPECT_EQ(host_->call("GET", "/process_instances/" + bobs + "/flow_node_instances", as("bob")).status, 200);

  const auto ids_in = [](const rapidjson::Document& list) {
    std::vector<std::string> ids;
    for (const auto& instance : list["processInstances"].GetArray()) {
      ids.emplace_back(instance["processInstanceId"].GetString());
    }
    return ids;
  };
  const auto by_correlation = json(host_->call("GET", "/process_instances/by_correlation/" + correlation, as("alice")));
  EXPECT_EQ(ids_in(by_correlation), std::vector<std::string>{alices});
  EXPECT_EQ(by_correlation["totalCount"].GetUint(), 1U);
  const auto managed = json(host_->call("GET", "/process_instances/by_correlation/" + correlation, as("manager")));
  EXPECT_EQ(managed["totalCount"].GetUint(), 2U);
  for (const std::string path : {"/process_instances/by_process_model/mgmt_ops?offset=0&limit=1000",
                                 "/process_instances/by_state/running?offset=0&limit=1000"}) {
    const auto as_bob = json(host_->call("GET", path, as("bob")));
    const auto ids = ids_in(as_bob);
    EXPECT_TRUE(contains(ids, bobs)) << path;
    EXPECT_FALSE(contains(ids, alices)) << path;
    EXPECT_EQ(as_bob["totalCount"].GetUint(), ids.size()) << path;
    const auto all = ids_in(json(host_->call("GET", path, as("manager"))));
    EXPECT_TRUE(contains(all, bobs) && contains(all, alices)) << path;
  }

  // Tokens, token histories and logs of bob's instance are empty for alice.
  EXPECT_EQ(json(host_->call("GET", "/process_instance/" + bobs + "/active_tokens", as("alice")))["activeTokens"].Size(),
            0U);
  EXPECT_EQ(json(host_->call("GET", "/process_instance/" + bobs + "/active_tokens", as("bob")))["activeTokens"].Size(),
            3U);
  EXPECT_TRUE(json(host_->call("GET", "/process_instance/" + bobs + "/token_history", as("alice"))).ObjectEmpty());
  EXPECT_FALSE(json(host_->call("GET", "/process_instance/" + bobs + "/token_history", as("bob"))).ObjectEmpty());
  const auto logs_path = "/process_model/mgmt_ops/process_instance/" + bobs + "/logs";
  EXPECT_EQ(json(host_->call("GET", logs_path, as("alice")))["logEntries"].Size(), 0U);
  EXPECT_GT(json(host_->call("GET", logs_path, as("bob")))["logEntries"].Size(), 0U);
}

TEST_F(ManagementOps, EveryTaskKindIsListedByEveryScopeAndFinishedThenTheEventsAreTriggered) {
  const std::string correlation = "ops-tasks";
  const auto instance = start("alice", correlation);
  ASSERT_FALSE(instance.empty());
  const std::string scopes[] = {"/process_models/mgmt_ops/", "/correlations/" + correlation + "/",
                                "/process_instances/" + instance + "/",
                                "/process_models/mgmt_ops/correlations/" + correlation + "/"};
  struct Kind {
    const char* segment;
    const char* wrapper;
    const char* flow_node_id;
    const char* finish_segment;
    const char* finish_body;
  };
  const Kind kinds[] = {
      {"user_tasks", "userTasks", "Ops_User_Task", "usertasks", R"({"formFields":{}})"},
      {"manual_tasks", "manualTasks", "Ops_Manual_Task", "manual_tasks", "{}"},
      {"empty_activities", "emptyActivities", "Ops_Empty_Task", "empty_activities", "{}"},
  };
  wait_for_list("alice", "/process_instances/" + instance + "/tasks", "tasks", 3);
  std::vector<std::pair<const Kind*, std::string>> waiting;  // kind, flow node instance id
  for (const auto& kind : kinds) {
    for (const auto& scope : scopes) {
      auto body = json(host_->call("GET", scope + kind.segment, as("alice")));
      // The model's list may hold other tests' instances: pick this one's.
      const rapidjson::Value* found = nullptr;
      for (const auto& task : body[kind.wrapper].GetArray()) {
        if (instance == task["processInstanceId"].GetString()) found = &task;
      }
      ASSERT_NE(found, nullptr) << scope << kind.segment;
      EXPECT_STREQ((*found)["id"].GetString(), kind.flow_node_id);
      EXPECT_STREQ((*found)["correlationId"].GetString(), correlation.c_str());
      if (&scope == &scopes[0]) waiting.emplace_back(&kind, (*found)["flowNodeInstanceId"].GetString());
    }
  }
  // The own list is the contract's for empty activities only; bob started nothing here.
  const auto count_of_instance = [&instance](const rapidjson::Document& list, const char* wrapper) {
    return std::count_if(list[wrapper].Begin(), list[wrapper].End(),
                         [&](const auto& item) { return instance == item["processInstanceId"].GetString(); });
  };
  EXPECT_EQ(count_of_instance(json(host_->call("GET", "/empty_activities/own", as("alice"))), "emptyActivities"), 1);
  EXPECT_EQ(count_of_instance(json(host_->call("GET", "/empty_activities/own", as("bob"))), "emptyActivities"), 0);
  EXPECT_EQ(json(host_->call("GET", "/process_instances/" + instance + "/empty_activities", as("bob")))["emptyActivities"]
                .Size(),
            1U)
      << "lanes, not ownership, filter task lists";
  EXPECT_EQ(json(host_->call("GET", "/suspended_tasks", as("manager")))["totalCount"].GetUint() >= 3, true);

  // A finish names the task's instance and correlation; a wrong one is 404.
  const auto& [first_kind, first_id] = waiting.front();
  auto wrong = host_->call("POST", "/processes/" + instance + "/correlations/ops-wrong/usertasks/" + first_id + "/finish",
                           as("alice"), first_kind->finish_body);
  EXPECT_EQ(wrong.status, 404) << wrong.body;
  const auto nobody_finish = host_->call(
      "POST", "/processes/" + instance + "/correlations/" + correlation + "/usertasks/" + first_id + "/finish",
      as("nobody"), "{}");
  EXPECT_EQ(nobody_finish.status, 403);
  for (const auto& [kind, id] : waiting) {
    auto finished = host_->call("POST", "/processes/" + instance + "/correlations/" + correlation + "/" +
                                            kind->finish_segment + "/" + id + "/finish",
                                as("manager"), kind->finish_body);
    EXPECT_EQ(finished.status, 204) << kind->segment << ": " << finished.body;
  }
  EXPECT_EQ(json(host_->call("GET", "/process_instances/" + instance + "/tasks", as("alice")))["tasks"].Size(), 0U);

  // Then the instance waits for the message, listed by model, correlation and both.
  auto events = wait_for_list("alice", "/correlations/" + correlation + "/events/waiting", "events", 1);
  EXPECT_STREQ(events["events"][0]["id"].GetString(), "Ops_Catch_Message");
  EXPECT_STREQ(events["events"][0]["eventName"].GetString(), "mgmt_ops_message");
  EXPECT_STREQ(events["events"][0]["eventType"].GetString(), "messageEvent");
  EXPECT_EQ(json(host_->call("GET", "/process_models/mgmt_ops/correlations/" + correlation + "/events/waiting",
                             as("alice")))["events"]
                .Size(),
            1U);
  EXPECT_GE(json(host_->call("GET", "/process_models/mgmt_ops/events/waiting", as("alice")))["events"].Size(), 1U);

  EXPECT_EQ(host_->call("POST", "/message/mgmt_ops_message/trigger", as("nobody"), "{}").status, 403);
  EXPECT_EQ(host_->call("POST", "/message/mgmt_ops_message/trigger", as("alice"),
                        R"({"processInstanceId":")" + instance + R"(","payload":{"note":"sent"}})")
                .status,
            204);
  events = wait_for_list("alice", "/correlations/" + correlation + "/events/waiting", "events", 1);
  for (int attempt = 0; attempt < 100 && std::string(events["events"][0]["id"].GetString()) != "Ops_Catch_Signal";
       ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    events = json(host_->call("GET", "/correlations/" + correlation + "/events/waiting", as("alice")));
  }
  ASSERT_EQ(events["events"].Size(), 1U);
  EXPECT_STREQ(events["events"][0]["id"].GetString(), "Ops_Catch_Signal");
  EXPECT_STREQ(events["events"][0]["eventType"].GetString(), "signalEvent");
  EXPECT_EQ(host_->call("POST", "/signal/mgmt_ops_signal/trigger", as("alice"), "{}").status, 204);

  rapidjson::Document done;
  for (int attempt = 0; attempt < 100; ++attempt) {
    done = json(host_->call("GET", "/correlations/" + correlation, as("alice")));
    if (done.IsObject() && done.HasMember("state") && std::string(done["state"].GetString()) == "finished") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_STREQ(done["state"].GetString(), "finished");
  EXPECT_STREQ(done["processInstances"][0]["state"].GetString(), "finished");
}

// A predicate: the packet is the socket.io event `name` on /management_api and contains text.
std::function<bool(const std::string&)> management_event(const std::string& name, const std::string& text = {}) {
  const std::string prefix = "42/management_api,[\"" + name + "\",";
  return [prefix, text](const std::string& packet) {
    return packet.rfind(prefix, 0) == 0 && (text.empty() || packet.find(text) != std::string::npos);
  };
}

TEST_F(ManagementOps, TheNamespaceAdmitsReadersAndSendsTheManagementEvents) {
  PollingSession anonymous(host_->port());
  anonymous.send({"40/management_api,"});
  EXPECT_TRUE(anonymous.wait_for(
      [](const std::string& p) { return p == R"(44/management_api,"Unauthorized: No auth token provided!")"; }));
  PollingSession nobody(host_->port(), {{"Authorization", host_->token("nobody")}});
  nobody.send({"40/management_api,"});
  EXPECT_TRUE(nobody.wait_for([](const std::string& p) {
    return p == R"x(44/management_api,"Forbidden: Identity does not have the requested claim! (can_read_process_model)")x";
  }));

  // The original client sends the raw token, without "Bearer".
  PollingSession alice(host_->port(), {{"Authorization", host_->token("alice")}});
  PollingSession manager(host_->port(), {{"Authorization", host_->token("manager")}});
  for (auto* session : {&alice, &manager}) {
    session->send({"40/management_api,"});
    ASSERT_TRUE(session->wait_for([](const std::string& p) { return p == "40/management_api,"; }));
  }
  const std::string correlation = "ops-socket";
  const auto instance = start("alice", correlation);
  ASSERT_FALSE(instance.empty());
  EXPECT_TRUE(manager.wait_for(management_event("process_started", instance)));
  EXPECT_TRUE(manager.wait_for(management_event("/process_instance_started/mgmt_ops", instance)));
  EXPECT_TRUE(manager.wait_for(management_event("user_task_waiting", instance)));
  EXPECT_TRUE(manager.wait_for(management_event("manual_task_waiting", instance)));
  EXPECT_TRUE(manager.wait_for(management_event("empty_activity_waiting", instance)));
  // The owner's copies reach the owner only.
  EXPECT_TRUE(alice.wait_for(management_event("user_task_waiting/alice/user_id", instance)));
  EXPECT_TRUE(alice.wait_for(management_event("empty_activity_waiting/alice/user_id", instance)));

  const auto tasks = wait_for_list("alice", "/process_instances/" + instance + "/tasks", "tasks", 3);
  for (const auto& task : tasks["tasks"].GetArray()) {
    const std::string id = task["flowNodeInstanceId"].GetString();
    const std::string kind = task["id"].GetString();
    const std::string segment = kind == "Ops_User_Task"     ? "usertasks"
                                : kind == "Ops_Manual_Task" ? "manual_tasks"
                                                            : "empty_activities";
    ASSERT_EQ(host_->call("POST", "/processes/" + instance + "/correlations/" + correlation + "/" + segment + "/" + id +
                                      "/finish",
                          as("alice"), "{}")
                  .status,
              204);
  }
  EXPECT_TRUE(manager.wait_for(management_event("user_task_finished", instance)));
  EXPECT_TRUE(manager.wait_for(management_event("manual_task_finished", instance)));
  EXPECT_TRUE(manager.wait_for(management_event("empty_activity_finished", instance)));
  EXPECT_TRUE(alice.wait_for(management_event("manual_task_finished/alice/user_id", instance)));
  // Activities that work (here a script task) are reported as reached and finished.
  const auto reached_script = manager.wait_for(management_event("activity_reached", "Ops_Script"));
  ASSERT_TRUE(reached_script);
  EXPECT_NE(reached_script->find(R"("flowNodeType":"bpmn:ScriptTask")"), std::string::npos) << *reached_script;
  EXPECT_TRUE(manager.wait_for(management_event("activity_finished", "Ops_Script")));
  // The contract's spelling, which the original client listens to.
  const auto reached = manager.wait_for(management_event("intermediate_catch_event_reacbed", instance));
  ASSERT_TRUE(reached);
  EXPECT_NE(reached->find("Ops_Catch_Message"), std::string::npos);
  ASSERT_EQ(host_->call("POST", "/message/mgmt_ops_message/trigger", as("alice"),
                        R"({"processInstanceId":")" + instance + R"("})")
                .status,
            204);
  EXPECT_TRUE(manager.wait_for(management_event("intermediate_catch_event_finished", "Ops_Catch_Message")));
  EXPECT_TRUE(manager.wait_for(management_event("intermediate_catch_event_reacbed", "Ops_Catch_Signal")));
  ASSERT_EQ(host_->call("POST", "/signal/mgmt_ops_signal/trigger", as("alice"), "{}").status, 204);
  const auto ended = manager.wait_for(management_event("process_ended", instance));
  ASSERT_TRUE(ended);
  EXPECT_NE(ended->find("End_Ops"), std::string::npos);
  // No owner copy went to a client of another user.
  for (const auto& packet : manager.received()) EXPECT_EQ(packet.find("/user_id\""), std::string::npos) << packet;

  // A thrown message and a boundary event (a reminder timer on a manual task).
  auto started = host_->call("POST", "/process_models/mgmt_notify/start", as("alice"), R"({"correlationId":"ops-notify"})");
  ASSERT_EQ(started.status, 200) << started.body;
  const std::string notify = json(started)["processInstanceId"].GetString();
  const auto thrown = manager.wait_for(management_event("intermediate_throw_event_triggered", notify));
  ASSERT_TRUE(thrown);
  EXPECT_NE(thrown->find(R"("flowNodeId":"Announce")"), std::string::npos) << *thrown;
  EXPECT_NE(thrown->find(R"("messageReference":"mgmt_notify_announced")"), std::string::npos) << *thrown;
  const auto boundary = manager.wait_for(management_event("boundary_event_triggered", notify));
  ASSERT_TRUE(boundary);
  EXPECT_NE(boundary->find(R"("flowNodeId":"Notify_Reminder")"), std::string::npos) << *boundary;
  const auto manual = wait_for_list("alice", "/process_instances/" + notify + "/manual_tasks", "manualTasks", 1);
  ASSERT_EQ(host_->call("POST", "/processes/" + notify + "/correlations/ops-notify/manual_tasks/" +
                                    manual["manualTasks"][0]["flowNodeInstanceId"].GetString() + "/finish",
                        as("alice"), "{}")
                .status,
            204);
  const auto notify_ended = manager.wait_for(management_event("process_ended", notify));
  ASSERT_TRUE(notify_ended);
  EXPECT_NE(notify_ended->find(R"("flowNodeId":"Notify_Done")"), std::string::npos) << *notify_ended;

  // Termination is sent too.
  const auto second = start("alice", "ops-socket-2");
  ASSERT_EQ(host_->call("POST", "/process_instance/" + second + "/terminate", as("manager"), "{}").status, 204);
  const auto terminated = manager.wait_for(management_event("process_terminated", second));
  ASSERT_TRUE(terminated);
  EXPECT_NE(terminated->find("terminated by 'manager'"), std::string::npos);
}

}  // namespace
}  // namespace processhost::management_ops_integration
