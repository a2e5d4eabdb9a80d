// The Management API's route table: every route under the base path, a claim on every
// authenticated route, unique operations, and an OpenAPI document with every route.

#include <set>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "management_api_routes.hpp"
#include "openapi_document.hpp"
#include "plugin_common/http_api/openapi.hpp"

namespace processhost::plugins::management_api {
namespace {

TEST(ManagementApiRoutes, EveryAuthenticatedRouteRequiresAClaim) {
  const auto routes = management_api_routes();
  std::set<std::string> operations;
  for (const auto& route : routes) {
    EXPECT_EQ(route.pattern.rfind(kManagementApiBase, 0), 0U) << route.pattern;
    EXPECT_TRUE(operations.insert(route.operation_id).second) << "twice: " << route.operation_id;
    if (route.authenticated) {
      EXPECT_FALSE(route.required_claim.empty()) << route.pattern;
    } else {
      EXPECT_EQ(route.pattern, std::string(kManagementApiBase) + "/swagger");
    }
  }
}

TEST(ManagementApiRoutes, UpdateNeedsTheWriteClaimAndAnswers204Or409Or422) {
  for (const auto& route : management_api_routes()) {
    if (route.operation_id != "updateProcessDefinitionsByName") continue;
    EXPECT_EQ(route.required_claim, kWriteProcessModelClaim);
    EXPECT_EQ(route.success_status, 204);
    EXPECT_EQ(http_api::route_statuses(route), (std::vector<int>{204, 400, 401, 403, 409, 422, 500, 503}));
    return;
  }
  FAIL() << "no update route";
}

TEST(ManagementApiRoutes, TerminateNeedsTheTerminateClaimAndAnswers204Or404Or409) {
  for (const auto& route : management_api_routes()) {
    if (route.operation_id != "terminateProcessInstance") continue;
    EXPECT_EQ(route.method, "POST");
    EXPECT_EQ(route.pattern, std::string(kManagementApiBase) + "/process_instance/:process_instance_id/terminate");
    EXPECT_EQ(route.required_claim, kTerminateProcessClaim);
    EXPECT_EQ(http_api::route_statuses(route), (std::vector<int>{204, 400, 401, 403, 404, 409, 500, 503}));
    return;
  }
  FAIL() << "no terminate route";
}

TEST(ManagementApiRoutes, DeleteIsAGetNeedingTheDeleteClaim) {
  for (const auto& route : management_api_routes()) {
    if (route.operation_id != "deleteProcessDefinitionsByProcessModelId") continue;
    EXPECT_EQ(route.method, "GET");
    EXPECT_EQ(route.pattern, std::string(kManagementApiBase) + "/process_models/:process_model_id/delete");
    EXPECT_EQ(route.required_claim, kDeleteProcessModelClaim);
    EXPECT_EQ(http_api::route_statuses(route), (std::vector<int>{204, 400, 401, 403, 404, 500, 503}));
    return;
  }
  FAIL() << "no delete route";
}

TEST(ManagementApiRoutes, TheOpenApiDocumentHasEveryRouteAndTheXmlField) {
  const auto routes = management_api_routes();
  rapidjson::Document document;
  document.Parse(build_openapi_document(routes, "1.2.3").c_str());
  ASSERT_FALSE(document.HasParseError());
  std::size_t operations = 0;
  for (const auto& path : document["paths"].GetObject()) operations += path.value.MemberCount();
  EXPECT_EQ(operations, routes.size());
  EXPECT_TRUE(document["components"]["schemas"]["ProcessModel"]["properties"].HasMember("xml"));
  EXPECT_TRUE(document["components"]["schemas"].HasMember("UpdateProcessDefinitionsRequestPayload"));
  EXPECT_STREQ(document["info"]["version"].GetString(), "1.2.3");
}

}  // namespace
}  // namespace processhost::plugins::management_api
