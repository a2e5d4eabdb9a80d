// The /engine-rest route table: everything under the base, claims where Camunda Modeler's
// calls need them, and an OpenAPI document that describes the multipart deployment.

#include <set>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "camunda_rest_routes.hpp"
#include "openapi_document.hpp"

namespace processhost::plugins::camunda_rest {
namespace {

TEST(CamundaRestRoutes, ReadsNeedTheReadClaimAndDeployingTheWriteClaim) {
  std::set<std::string> operations;
  const std::set<std::string> open = {"/engine-rest/openapi.json", "/engine-rest/version", "/engine-rest/engine"};
  for (const auto& route : camunda_rest_routes()) {
    EXPECT_EQ(route.pattern.rfind(kEngineRestBase, 0), 0U) << route.pattern;
    EXPECT_TRUE(operations.insert(route.operation_id).second) << "twice: " << route.operation_id;
    EXPECT_EQ(!route.authenticated, open.count(route.pattern) == 1) << route.pattern;
    if (route.operation_id == "createDeployment") {
      EXPECT_EQ(route.required_claim, "can_write_process_model");
      EXPECT_EQ(route.options.max_body_bytes, kMaxDeploymentBodyBytes);
    } else if (route.method == "GET" && route.authenticated) {
      EXPECT_EQ(route.required_claim, "can_read_process_model") << route.pattern;
    } else if (route.method == "POST") {
      // Starting is decided by the start event's lane, as in the Consumer API.
      EXPECT_TRUE(route.required_claim.empty()) << route.pattern;
    }
  }
  EXPECT_EQ(operations.count("startProcessInstanceByKey"), 1U);
  EXPECT_EQ(operations.count("startProcessInstance"), 1U);
}

TEST(CamundaRestRoutes, TheOpenApiDocumentDescribesTheMultipartDeployment) {
  const auto routes = camunda_rest_routes();
  rapidjson::Document document;
  document.Parse(build_openapi_document(routes, "1.2.3").c_str());
  ASSERT_FALSE(document.HasParseError());
  std::size_t operations = 0;
  for (const auto& path : document["paths"].GetObject()) operations += path.value.MemberCount();
  EXPECT_EQ(operations, routes.size());
  const auto& create = document["paths"]["/engine-rest/deployment/create"]["post"];
  EXPECT_TRUE(create["requestBody"]["content"].HasMember("multipart/form-data"));
  EXPECT_TRUE(document["paths"]["/engine-rest/process-definition/key/{key}/start"]["post"]["requestBody"]["content"]
                  .HasMember("application/json"));
}

}  // namespace
}  // namespace processhost::plugins::camunda_rest
