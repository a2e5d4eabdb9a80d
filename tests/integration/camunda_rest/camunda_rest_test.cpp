// The camunda_rest plugin in the real host binary, beside iam and consumer_api: a deployment
// sent as Camunda Modeler sends it (multipart/form-data), versions and their ids, a start
// through /engine-rest whose instance runs to its end (read back through the Consumer API),
// a ParseException listing every problem, and the claims.

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "processhost/testing/host_process.hpp"
#include "processhost/testing/http_client.hpp"

namespace processhost::camunda_rest_integration {
namespace {

using processhost::testing::Headers;
using processhost::testing::HttpReply;

// Argon2id hash with small limits (fast logins) of "pass".
constexpr const char* kPassHash =
    "$argon2id$v=19$m=8,t=1,p=1$uDrHFyFecUNeCBgn/0km4w$uwnToVBjiGPQPTJ3aOLX6Kso+cqEL1EIABbGfqjHTXs";
constexpr const char* kPassword = "admin-pass";
constexpr const char* kBoundary = "----CamundaModelerBoundary7MA4YWxkTrZu0gW";

std::string user(const std::string& name, const std::string& claims) {
  return R"({"username":")" + name + R"(","userId":")" + name + R"(","passwordHash":")" + kPassHash +
         R"(","claims":[)" + claims + "]}";
}

std::string read_model(const std::string& name) {
  std::ifstream file(std::string(CAMUNDA_MODELS_DIR) + "/" + name + ".bpmn");
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// The form Camunda Modeler's deploy button sends: its fields, then the diagram as a file
// whose part is named after it.
std::string modeler_form(const std::string& file_name, const std::string& xml) {
  const auto field = [](const std::string& name, const std::string& value) {
    return std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" +
           value + "\r\n";
  };
  return field("deployment-name", "order deployment") + field("deployment-source", "Camunda Modeler") +
         field("deploy-changed-only", "true") + std::string("--") + kBoundary +
         "\r\nContent-Disposition: form-data; name=\"" + file_name + "\"; filename=\"" + file_name +
         "\"\r\nContent-Type: application/octet-stream\r\n\r\n" + xml + "\r\n--" + kBoundary + "--\r\n";
}

rapidjson::Document json(const HttpReply& reply) {
  rapidjson::Document document;
  document.Parse(reply.body.c_str());
  if (document.HasParseError()) ADD_FAILURE() << "not JSON (status " << reply.status << "): " << reply.body;
  return document;
}

class CamundaRestHost : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("users.json", R"({"users":[)" + user("deployer", R"("can_read_process_model","can_write_process_model")") +
                                 "," + user("reader", R"("can_read_process_model")") + "," + user("nobody", "") + "]}");
    const auto config = dir_.write(
        "host.json",
        R"({"http":{"host":"127.0.0.1","port":0},"log":{"level":"info"},"plugins":[)"
        R"({"name":"iam","config":{"issuer":"camunda-rest-test","secret":"camunda-rest-test-secret-of-32-bytes-at-least",)"
        R"("usersFile":"users.json"}},{"name":"consumer_api"},{"name":"camunda_rest"}]})");
    host_ = std::make_unique<processhost::testing::HostProcess>(config);
    host_->start();
  }
  void TearDown() override { host_->stop(); }

  Headers login(const std::string& name) const {
    const Headers content_type{{"Content-Type", "application/json"}};
    auto document = json(processhost::testing::http_request(
        host_->port(), "POST", "/iam/login", R"({"username":")" + name + R"(","password":")" + kPassword + "\"}",
        content_type));
    if (!document.IsObject() || !document.HasMember("token")) {
      ADD_FAILURE() << "no token for " << name;
      return {};
    }
    return {{"Authorization", std::string("Bearer ") + document["token"].GetString()}};
  }

  HttpReply call(const std::string& method, const std::string& path, const Headers& headers = {},
                 const std::string& body = {}) const {
    return processhost::testing::http_request(host_->port(), method, "/engine-rest" + path, body, headers);
  }

  HttpReply deploy(const Headers& auth, const std::string& file_name, const std::string& xml) const {
    Headers headers = auth;
    headers.emplace_back("Content-Type", std::string("multipart/form-data; boundary=") + kBoundary);
    return call("POST", "/deployment/create", headers, modeler_form(file_name, xml));
  }

  HttpReply start(const Headers& auth, const std::string& path, const std::string& body) const {
    Headers headers = auth;
    headers.emplace_back("Content-Type", "application/json");
    return call("POST", path, headers, body);
  }

  // The correlation's result, once the instance has ended (the start answers on creation).
  rapidjson::Document correlation_result(const Headers& auth, const std::string& correlation_id,
                                         const std::string& model) const {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (true) {
      auto reply = processhost::testing::http_request(
          host_->port(), "GET", "/api/consumer/v1/correlations/" + correlation_id + "/process_models/" + model + "/results",
          {}, auth);
      auto document = json(reply);
      if (reply.status == 200 && document.IsObject() && document.HasMember("correlationResults") &&
          document["correlationResults"].Size() > 0) {
        rapidjson::Document results;
        results.CopyFrom(document["correlationResults"], results.GetAllocator());
        return results;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ADD_FAILURE() << "no result for " << correlation_id << ": " << reply.status << " " << reply.body;
        return document;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  processhost::testing::TempDir dir_;
  std::unique_ptr<processhost::testing::HostProcess> host_;
};

TEST_F(CamundaRestHost, AModelerDeploymentStartedThroughEngineRestRunsToItsEnd) {
  const auto deployer = login("deployer");
  // Camunda Modeler checks the connection with an empty deployment list first.
  auto check = call("GET", "/deployment?maxResults=0", deployer);
  ASSERT_EQ(check.status, 200) << check.body;
  EXPECT_EQ(json(check).Size(), 0U);

  auto deployed = deploy(deployer, "camunda_order.bpmn", read_model("camunda_order"));
  ASSERT_EQ(deployed.status, 200) << deployed.body;
  auto deployment = json(deployed);
  const std::string deployment_id = deployment["id"].GetString();
  EXPECT_EQ(deployment_id.size(), 64U);
  EXPECT_STREQ(deployment["name"].GetString(), "camunda_order");
  ASSERT_EQ(deployment["deployedProcessDefinitions"].MemberCount(), 1U);
  const auto& definition = deployment["deployedProcessDefinitions"].MemberBegin()->value;
  const std::string definition_id = definition["id"].GetString();
  EXPECT_EQ(definition_id, "camunda_order:1:" + deployment_id.substr(0, 16));
  EXPECT_EQ(definition["version"].GetInt(), 1);
  EXPECT_STREQ(definition["deploymentId"].GetString(), deployment_id.c_str());

  auto latest = json(call("GET", "/process-definition?key=camunda_order&latestVersion=true", deployer));
  ASSERT_EQ(latest.Size(), 1U);
  EXPECT_EQ(latest[0]["id"].GetString(), definition_id);
  auto xml = json(call("GET", "/process-definition/key/camunda_order/xml", deployer));
  EXPECT_EQ(std::string(xml["bpmn20Xml"].GetString()), read_model("camunda_order"));

  auto started = start(deployer, "/process-definition/" + definition_id + "/start",
                       R"({"variables":{"amount":{"value":1200,"type":"Integer"},)"
                       R"("order":{"value":"{\"rush\":true}","type":"Json"}},"businessKey":"order-17"})");
  ASSERT_EQ(started.status, 200) << started.body;
  auto instance = json(started);
  EXPECT_EQ(instance["definitionId"].GetString(), definition_id);
  EXPECT_STREQ(instance["businessKey"].GetString(), "order-17");
  EXPECT_FALSE(std::string(instance["id"].GetString()).empty());

  // The business key is the correlation: the instance's end result is there.
  auto results = correlation_result(deployer, "order-17", "camunda_order");
  ASSERT_EQ(results.Size(), 1U);
  EXPECT_STREQ(results[0]["endEventId"].GetString(), "End_1");
  EXPECT_EQ(results[0]["tokenPayload"]["total"].GetInt(), 2400);
  EXPECT_TRUE(results[0]["tokenPayload"]["rush"].GetBool());
}

TEST_F(CamundaRestHost, ANewDocumentIsTheNextVersionAndOnlyTheLatestStarts) {
  const auto deployer = login("deployer");
  const std::string v1 = read_model("camunda_order");
  std::string v2 = v1;
  v2.replace(v2.find("amount * 2"), 10, "amount * 3");
  auto first = json(deploy(deployer, "camunda_order.bpmn", v1));
  auto second = json(deploy(deployer, "camunda_order.bpmn", v2));
  auto again = json(deploy(deployer, "camunda_order.bpmn", v2));
  EXPECT_STRNE(first["id"].GetString(), second["id"].GetString());
  EXPECT_STREQ(second["id"].GetString(), again["id"].GetString()) << "identical content is deployed once";

  auto definitions = json(call("GET", "/process-definition?key=camunda_order&sortBy=version&sortOrder=desc", deployer));
  ASSERT_EQ(definitions.Size(), 2U);
  EXPECT_EQ(definitions[0]["version"].GetInt(), 2);
  EXPECT_EQ(definitions[1]["version"].GetInt(), 1);
  EXPECT_EQ(json(call("GET", "/process-definition/count?key=camunda_order", deployer))["count"].GetInt(), 2);
  EXPECT_EQ(json(call("GET", "/deployment/count", deployer))["count"].GetInt(), 2);
  EXPECT_EQ(json(call("GET", std::string("/deployment/") + first["id"].GetString(), deployer))["name"].GetString(),
            std::string("camunda_order"));
  const std::string old_id = definitions[1]["id"].GetString();
  const std::string new_id = definitions[0]["id"].GetString();

  auto refused = start(deployer, "/process-definition/" + old_id + "/start", "{}");
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("the latest is '" + new_id + "'"), std::string::npos) << refused.body;

  auto by_key = start(deployer, "/process-definition/key/camunda_order/start",
                      R"({"variables":{"amount":{"value":5},"order":{"value":{"rush":false}}},"businessKey":"order-18"})");
  ASSERT_EQ(by_key.status, 200) << by_key.body;
  EXPECT_EQ(json(by_key)["definitionId"].GetString(), new_id);
  EXPECT_EQ(correlation_result(deployer, "order-18", "camunda_order")[0]["tokenPayload"]["total"].GetInt(), 15);

  auto unknown = start(deployer, "/process-definition/key/no_such_process/start", "{}");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_STREQ(json(unknown)["type"].GetString(), "InvalidRequestException");
  EXPECT_EQ(call("GET", "/process-definition/no_such:1:00", deployer).status, 404);
}

TEST_F(CamundaRestHost, ABrokenDiagramIsAParseExceptionListingEveryProblem) {
  const auto deployer = login("deployer");
  auto reply = deploy(deployer, "camunda_broken.bpmn", read_model("camunda_broken"));
  ASSERT_EQ(reply.status, 400) << reply.body;
  auto document = json(reply);
  EXPECT_STREQ(document["type"].GetString(), "ParseException");
  const auto& errors = document["details"]["camunda_broken.bpmn"]["errors"];
  ASSERT_GE(errors.Size(), 2U) << reply.body;
  std::string element_ids;
  for (const auto& error : errors.GetArray()) element_ids += std::string(error["mainElementId"].GetString()) + " ";
  EXPECT_NE(element_ids.find("Flow_Dangling_1"), std::string::npos) << reply.body;
  EXPECT_NE(element_ids.find("Flow_Dangling_2"), std::string::npos) << reply.body;
  EXPECT_EQ(json(call("GET", "/deployment/count", deployer))["count"].GetInt(), 0);
}

TEST_F(CamundaRestHost, BadFormsAreRefusedWithCamundasExceptionBody) {
  const auto deployer = login("deployer");
  Headers json_type = deployer;
  json_type.emplace_back("Content-Type", "application/json");
  auto not_multipart = call("POST", "/deployment/create", json_type, "{}");
  EXPECT_EQ(not_multipart.status, 400);
  EXPECT_STREQ(json(not_multipart)["type"].GetString(), "InvalidRequestException");
  EXPECT_NE(not_multipart.body.find("multipart/form-data"), std::string::npos);

  auto two = deploy(deployer, "a.bpmn", read_model("camunda_order"));  // one file: accepted
  EXPECT_EQ(two.status, 200) << two.body;
  auto dmn = deploy(deployer, "decision.dmn", "<definitions/>");
  EXPECT_EQ(dmn.status, 400);
  EXPECT_NE(dmn.body.find("'decision.dmn' is not one"), std::string::npos) << dmn.body;
  auto sorting = call("GET", "/deployment?sortBy=name", deployer);
  EXPECT_EQ(sorting.status, 400);
  EXPECT_NE(sorting.body.find("sortBy and sortOrder required"), std::string::npos) << sorting.body;
}

TEST_F(CamundaRestHost, ClaimsGuardDeployingAndReading) {
  EXPECT_EQ(call("GET", "/version").status, 200);
  EXPECT_STREQ(json(call("GET", "/version"))["version"].GetString(), "7.20.0");
  EXPECT_EQ(call("GET", "/openapi.json").status, 200);
  EXPECT_EQ(call("GET", "/deployment").status, 401);
  EXPECT_EQ(deploy({}, "camunda_order.bpmn", read_model("camunda_order")).status, 401);

  auto reader = login("reader");
  auto refused = deploy(reader, "camunda_order.bpmn", read_model("camunda_order"));
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_NE(refused.body.find("can_write_process_model"), std::string::npos) << refused.body;
  EXPECT_EQ(call("GET", "/process-definition", reader).status, 200);
  EXPECT_EQ(call("GET", "/process-definition", login("nobody")).status, 403);
}

}  // namespace
}  // namespace processhost::camunda_rest_integration
