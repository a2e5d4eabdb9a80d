#include "camunda_rest_routes.hpp"

#include <string>
#include <utility>

#include "plugin_common/http_api/handlers.hpp"
#include "plugin_common/http_api/route_groups.hpp"
#include "processhost/services/identity.hpp"

namespace processhost::plugins::camunda_rest {

using http_api::make_route;
using http_api::Row;

namespace {

constexpr std::string_view kWriteProcessModelClaim = "can_write_process_model";

RouteHandler constant_json_handler(std::string body) {
  return [body = std::move(body)](http_api::RouteCall& call) {
    call.responder->respond(HttpResponse::json(200, body));
  };
}

RouteDescriptor open_route(const Row& row, RouteHandler handler, std::string schema) {
  auto route = make_route(kEngineRestBase, row, std::move(handler), std::move(schema));
  route.authenticated = false;
  return route;
}

RouteDescriptor read_route(const Row& row, RouteHandler handler, std::string schema, std::vector<int> errors = {}) {
  auto route = make_route(kEngineRestBase, row, std::move(handler), std::move(schema));
  route.required_claim = std::string(claims::kReadProcessModel);
  route.error_statuses = std::move(errors);
  return route;
}

void add_list_query(RouteDescriptor& route, std::vector<http_api::QueryParamDoc> filters) {
  route.query = std::move(filters);
  route.query.push_back({"firstResult", "integer", false, "Items to skip (default 0)"});
  route.query.push_back({"maxResults", "integer", false, "Most items to return (default all)"});
  route.query.push_back({"sortBy", "string", false, "Sort key; needs sortOrder"});
  route.query.push_back({"sortOrder", "string", false, "asc or desc; needs sortBy"});
  route.error_statuses = {400};
}

void add_general_routes(std::vector<RouteDescriptor>& routes) {
  routes.push_back(open_route({"GET", "/openapi.json", "getOpenApiDocument", "OpenAPI", "This OpenAPI document"},
                              http_api::openapi_handler(), "OpenApiDocument"));
  routes.push_back(open_route({"GET", "/version", "getRestAPIVersion", "Version",
                               "The Camunda 7 REST API version whose shapes this API follows"},
                              constant_json_handler(std::string(R"({"version":")") + kCamundaRestVersion + "\"}"),
                              "CamundaVersion"));
  routes.push_back(open_route({"GET", "/engine", "getProcessEngineNames", "Engine", "The one process engine"},
                              constant_json_handler(R"([{"name":"default"}])"), "CamundaEngineList"));
}

void add_deployment_routes(std::vector<RouteDescriptor>& routes) {
  auto create = make_route(kEngineRestBase,
                           {"POST", "/deployment/create", "createDeployment", "Deployment",
                            "Deploys one BPMN document sent as multipart/form-data, as Camunda Modeler does"},
                           create_deployment_handler(), "CamundaDeploymentWithDefinitions");
  create.required_claim = std::string(kWriteProcessModelClaim);
  create.request_schema = "CamundaDeploymentForm";
  create.request_media_type = "multipart/form-data";
  create.request_required = true;
  create.error_statuses = {400};
  create.options.max_body_bytes = kMaxDeploymentBodyBytes;
  routes.push_back(std::move(create));

  auto list = read_route({"GET", "/deployment", "getDeployments", "Deployment", "Deployments, one per BPMN document"},
                         list_deployments_handler(), "CamundaDeploymentList");
  add_list_query(list, {{"id", "string", false, "Only the deployment with this id"},
                        {"name", "string", false, "Only deployments of this name (the process key)"},
                        {"nameLike", "string", false, "Names containing this text ('%' wildcards)"}});
  routes.push_back(std::move(list));
  auto count = read_route({"GET", "/deployment/count", "getDeploymentsCount", "Deployment",
                           "The number of deployments the filters select"},
                          count_deployments_handler(), "CamundaCount");
  count.query = {{"id", "string", false, "As in the list"},
                 {"name", "string", false, "As in the list"},
                 {"nameLike", "string", false, "As in the list"}};
  routes.push_back(std::move(count));
  routes.push_back(read_route({"GET", "/deployment/:id", "getDeployment", "Deployment", "One deployment"},
                              get_deployment_handler(), "CamundaDeployment", {404}));
}

void add_definition_routes(std::vector<RouteDescriptor>& routes) {
  const std::vector<http_api::QueryParamDoc> filters = {
      {"processDefinitionId", "string", false, "Only the definition with this id"},
      {"key", "string", false, "Only definitions of this key (BPMN process id)"},
      {"keyLike", "string", false, "Keys containing this text ('%' wildcards)"},
      {"deploymentId", "string", false, "Only definitions of this deployment"},
      {"version", "integer", false, "Only this version"},
      {"latestVersion", "boolean", false, "true: only the latest version of each key"}};
  auto list = read_route({"GET", "/process-definition", "getProcessDefinitions", "Process Definition",
                          "Process definitions, every version of every key"},
                         list_definitions_handler(), "CamundaProcessDefinitionList");
  add_list_query(list, filters);
  routes.push_back(std::move(list));
  auto count = read_route({"GET", "/process-definition/count", "getProcessDefinitionsCount", "Process Definition",
                           "The number of definitions the filters select"},
                          count_definitions_handler(), "CamundaCount", {400});
  count.query = filters;
  routes.push_back(std::move(count));

  for (bool by_key : {false, true}) {
    const std::string at = by_key ? "/process-definition/key/:key" : "/process-definition/:id";
    const std::string suffix = by_key ? "ByKey" : "";
    const std::string one = by_key ? "The latest version of a key" : "One process definition";
    const std::string xml = "getProcessDefinitionBpmn20Xml" + suffix;
    const std::string get = "getProcessDefinition" + suffix;
    const std::string start = "startProcessInstance" + suffix;
    routes.push_back(read_route({"GET", at.c_str(), get.c_str(), "Process Definition", one.c_str()},
                                get_definition_handler(by_key, DefinitionView::definition), "CamundaProcessDefinition", {404}));
    const std::string xml_path = at + "/xml";
    routes.push_back(read_route({"GET", xml_path.c_str(), xml.c_str(), "Process Definition", "Its BPMN document"},
                                get_definition_handler(by_key, DefinitionView::bpmn_xml), "CamundaProcessDefinitionXml", {404}));
    const std::string start_path = at + "/start";
    auto start_route = make_route(kEngineRestBase,
                                  {"POST", start_path.c_str(), start.c_str(), "Process Definition",
                                   "Starts an instance; its variables become the instance's input token"},
                                  start_instance_handler(by_key), "CamundaProcessInstance");
    start_route.request_schema = "CamundaStartProcessInstance";
    start_route.error_statuses = {400, 404};
    routes.push_back(std::move(start_route));
  }
}

}  // namespace

std::vector<RouteDescriptor> camunda_rest_routes() {
  std::vector<RouteDescriptor> routes;
  add_general_routes(routes);
  add_deployment_routes(routes);
  add_definition_routes(routes);
  return routes;
}

}  // namespace processhost::plugins::camunda_rest
