// The OpenAPI document describes exactly the registered routes, and the registered
// routes are exactly the reference's latest route table.

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "api_fixture.hpp"
#include "openapi_document.hpp"
#include "plugin_common/http_api/openapi.hpp"

namespace processhost::plugins::consumer_api::testing {
using namespace http_api;  // NOLINT(google-build-using-namespace)

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

class OpenApi : public ApiFixture {
 protected:
  rapidjson::Document document() {
    auto response = get("/swagger");
    EXPECT_EQ(response->response().status, 200);
    return body_json(*response);
  }
};

// Reference section 2.3, contracts 10.0.0: every route after /api/consumer/v1, with the path
// parameters its OpenAPI operation must declare, in order (written out, not derived).
struct ReferenceRoute {
  std::string method;
  std::string path;
  std::vector<std::string> path_parameters;
};

const std::vector<ReferenceRoute> kReferenceRoutes = {
    {"GET", "/info", {}},
    {"GET", "/swagger", {}},
    {"GET", "/process_models", {}},
    {"GET", "/process_models/:process_model_id", {"process_model_id"}},
    {"GET", "/process_instance/:process_instance_id/process_model", {"process_instance_id"}},
    {"POST", "/process_models/:process_model_id/start", {"process_model_id"}},
    {"GET", "/process_instances/own", {}},
    {"GET",
     "/correlations/:correlation_id/process_models/:process_model_id/results",
     {"correlation_id", "process_model_id"}},
    {"GET", "/process_models/:process_model_id/events", {"process_model_id"}},
    {"GET", "/correlations/:correlation_id/events", {"correlation_id"}},
    {"GET",
     "/process_models/:process_model_id/correlations/:correlation_id/events",
     {"process_model_id", "correlation_id"}},
    {"POST", "/message/:event_name/trigger", {"event_name"}},
    {"POST", "/signal/:event_name/trigger", {"event_name"}},
    {"GET", "/process_models/:process_model_id/user_tasks", {"process_model_id"}},
    {"GET", "/process_instances/:process_instance_id/user_tasks", {"process_instance_id"}},
    {"GET", "/correlations/:correlation_id/user_tasks", {"correlation_id"}},
    {"GET",
     "/process_models/:process_model_id/correlations/:correlation_id/user_tasks",
     {"process_model_id", "correlation_id"}},
    {"GET", "/user_tasks/own", {}},
    {"POST",
     "/processes/:process_instance_id/correlations/:correlation_id/usertasks/:user_task_instance_id/finish",
     {"process_instance_id", "correlation_id", "user_task_instance_id"}},
    {"GET", "/process_models/:process_model_id/manual_tasks", {"process_model_id"}},
    {"GET", "/process_instances/:process_instance_id/manual_tasks", {"process_instance_id"}},
    {"GET", "/correlations/:correlation_id/manual_tasks", {"correlation_id"}},
    {"GET",
     "/process_models/:process_model_id/correlations/:correlation_id/manual_tasks",
     {"process_model_id", "correlation_id"}},
    {"GET", "/manual_tasks/own", {}},
    {"POST",
     "/processes/:process_instance_id/correlations/:correlation_id/manual_tasks/:manual_task_instance_id/finish",
     {"process_instance_id", "correlation_id", "manual_task_instance_id"}},
    {"GET", "/process_models/:process_model_id/empty_activities", {"process_model_id"}},
    {"GET", "/process_instances/:process_instance_id/empty_activities", {"process_instance_id"}},
    {"GET", "/correlations/:correlation_id/empty_activities", {"correlation_id"}},
    {"GET",
     "/process_models/:process_model_id/correlations/:correlation_id/empty_activities",
     {"process_model_id", "correlation_id"}},
    {"GET", "/empty_activities/own", {}},
    {"POST",
     "/processes/:process_instance_id/correlations/:correlation_id/empty_activities/:empty_activity_instance_id/finish",
     {"process_instance_id", "correlation_id", "empty_activity_instance_id"}},
    {"GET", "/suspended_tasks", {}},
    {"GET", "/process_models/:process_model_id/tasks", {"process_model_id"}},
    {"GET", "/process_instances/:process_instance_id/tasks", {"process_instance_id"}},
    {"GET", "/correlations/:correlation_id/tasks", {"correlation_id"}},
    {"GET",
     "/process_models/:process_model_id/correlations/:correlation_id/tasks",
     {"process_model_id", "correlation_id"}},
    {"POST", "/fetch_and_lock", {}},
    {"POST", "/task/:external_task_id/extend_lock", {"external_task_id"}},
    {"POST", "/task/:external_task_id/handle_bpmn_error", {"external_task_id"}},
    {"POST", "/task/:external_task_id/handle_service_error", {"external_task_id"}},
    {"POST", "/task/:external_task_id/finish", {"external_task_id"}},
};

// The reference entry of a registered route (under either prefix); nullptr when there is none.
const ReferenceRoute* reference_route(const std::string& method, const std::string& pattern) {
  for (const char* prefix : {"/api/consumer/v1", "/api/external_task/v1"}) {
    if (pattern.rfind(prefix, 0) != 0) continue;
    const std::string path = pattern.substr(std::string(prefix).size());
    for (const auto& route : kReferenceRoutes) {
      if (route.method == method && route.path == path) return &route;
    }
  }
  return nullptr;
}

// The Server-Sent Events stream: registered beside the table, since it is no JSON operation
// (docs/api.md, "Notifications", documents it).
const std::string kEventStream = "/api/consumer/v1/notifications";

TEST_F(OpenApi, RegisteredRoutesAreTheReferenceTablePlusTheDeprecatedExternalTaskPrefix) {
  std::set<std::pair<std::string, std::string>> registered;
  for (const auto& route : context_.router.routes()) registered.emplace(route.method, route.pattern);
  ASSERT_EQ(registered.erase({"GET", kEventStream}), 1u);
  std::set<std::pair<std::string, std::string>> expected;
  for (const auto& route : kReferenceRoutes) {
    expected.emplace(route.method, "/api/consumer/v1" + route.path);
    if (route.path == "/fetch_and_lock" || route.path.rfind("/task/", 0) == 0) {
      expected.emplace(route.method, "/api/external_task/v1" + route.path);
    }
  }
  EXPECT_EQ(registered, expected);
  EXPECT_EQ(context_.router.routes().size(), 47u);
}

TEST_F(OpenApi, EveryRegisteredRouteAppearsWithItsPathParameters) {
  auto doc = document();
  EXPECT_STREQ(doc["openapi"].GetString(), "3.0.3");
  EXPECT_STREQ(doc["info"]["version"].GetString(), kVersion);
  const auto& paths = doc["paths"];
  std::size_t operations = 0;
  for (auto item = paths.MemberBegin(); item != paths.MemberEnd(); ++item) operations += item->value.MemberCount();
  EXPECT_EQ(operations, context_.router.routes().size() - 1);
  for (const auto& route : context_.router.routes()) {
    if (route.pattern == kEventStream) continue;
    const std::string path = openapi_path(route.pattern);
    ASSERT_TRUE(paths.HasMember(path.c_str())) << path;
    const std::string method = lower(route.method);
    ASSERT_TRUE(paths[path.c_str()].HasMember(method.c_str())) << route.method << " " << path;
    const auto& operation = paths[path.c_str()][method.c_str()];
    std::vector<std::string> path_params;
    for (const auto& parameter : operation["parameters"].GetArray()) {
      if (std::string(parameter["in"].GetString()) == "path") path_params.emplace_back(parameter["name"].GetString());
    }
    const auto* reference = reference_route(route.method, route.pattern);
    ASSERT_NE(reference, nullptr) << route.method << " " << route.pattern;
    EXPECT_EQ(path_params, reference->path_parameters) << path;
    EXPECT_TRUE(operation["responses"].IsObject());
    EXPECT_TRUE(operation.HasMember("operationId"));
  }
}

TEST_F(OpenApi, PagedRoutesDocumentOffsetAndLimitAndTheStartRouteItsQuery) {
  auto doc = document();
  auto names = [&](const char* path, const char* method) {
    std::set<std::string> result;
    for (const auto& parameter : doc["paths"][path][method]["parameters"].GetArray()) {
      result.insert(parameter["name"].GetString());
    }
    return result;
  };
  auto user_tasks = names("/api/consumer/v1/user_tasks/own", "get");
  EXPECT_TRUE(user_tasks.count("offset") && user_tasks.count("limit"));
  auto start = names("/api/consumer/v1/process_models/{process_model_id}/start", "post");
  EXPECT_TRUE(start.count("start_callback_type") && start.count("start_event_id") && start.count("end_event_id"));
  EXPECT_FALSE(start.count("offset"));
}

TEST_F(OpenApi, StatusesMatchTheReference) {
  auto doc = document();
  auto codes = [&](const char* path, const char* method) {
    std::set<std::string> result;
    const auto& responses = doc["paths"][path][method]["responses"];
    for (auto it = responses.MemberBegin(); it != responses.MemberEnd(); ++it) result.insert(it->name.GetString());
    return result;
  };
  EXPECT_EQ(codes("/api/consumer/v1/process_models/{process_model_id}/start", "post"),
            (std::set<std::string>{"200", "400", "401", "403", "404", "500", "503"}));
  EXPECT_EQ(codes("/api/consumer/v1/task/{external_task_id}/finish", "post"),
            (std::set<std::string>{"204", "400", "401", "403", "404", "410", "423", "500", "503"}));
  EXPECT_EQ(codes("/api/consumer/v1/info", "get"), (std::set<std::string>{"200", "500", "503"}));
  EXPECT_TRUE(doc["paths"]["/api/external_task/v1/fetch_and_lock"]["post"]["deprecated"].GetBool());
  EXPECT_FALSE(doc["paths"]["/api/consumer/v1/fetch_and_lock"]["post"].HasMember("deprecated"));
  EXPECT_EQ(doc["paths"]["/api/consumer/v1/info"]["get"]["security"].Size(), 0u);
  EXPECT_EQ(doc["paths"]["/api/consumer/v1/user_tasks/own"]["get"]["security"].Size(), 1u);
}

void collect_refs(const rapidjson::Value& value, std::set<std::string>& refs) {
  if (value.IsObject()) {
    for (auto it = value.MemberBegin(); it != value.MemberEnd(); ++it) {
      if (std::string(it->name.GetString()) == "$ref" && it->value.IsString()) refs.insert(it->value.GetString());
      collect_refs(it->value, refs);
    }
  } else if (value.IsArray()) {
    for (const auto& item : value.GetArray()) collect_refs(item, refs);
  }
}

TEST_F(OpenApi, EveryReferenceResolves) {
  auto doc = document();
  std::set<std::string> refs;
  collect_refs(doc, refs);
  EXPECT_GT(refs.size(), 20u);
  const std::string prefix = "#/components/schemas/";
  for (const auto& ref : refs) {
    ASSERT_EQ(ref.rfind(prefix, 0), 0u) << ref;
    EXPECT_TRUE(doc["components"]["schemas"].HasMember(ref.substr(prefix.size()).c_str())) << ref;
  }
}

TEST(OpenApiPaths, PatternsBecomeTemplates) {
  EXPECT_EQ(openapi_path("/a/:b/c/:d"), "/a/{b}/c/{d}");
  EXPECT_EQ(openapi_path("/info"), "/info");
  EXPECT_EQ(path_parameters("/a/:b/c/:d"), (std::vector<std::string>{"b", "d"}));
}

TEST(OpenApiPaths, UnknownSchemaIsALogicError) {
  RouteDescriptor route;
  route.method = "GET";
  route.pattern = "/x";
  route.response_schema = "NoSuchSchema";
  EXPECT_THROW(build_openapi_document({route}, "1"), std::logic_error);
}

}  // namespace
}  // namespace processhost::plugins::consumer_api::testing
