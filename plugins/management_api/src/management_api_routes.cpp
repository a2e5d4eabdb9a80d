#include "management_api_routes.hpp"

#include <string>
#include <utility>

#include "plugin_common/http_api/handlers.hpp"
#include "plugin_common/http_api/route_groups.hpp"

namespace processhost::plugins::management_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

namespace {

void add_model_routes(std::vector<RouteDescriptor>& routes) {
  routes.push_back(openapi_route(kManagementApiBase));

  routes.push_back(paged(make_route(kManagementApiBase,
                                    {"GET", "/process_models", "getProcessModels", "ProcessModel",
                                     "Process models with their BPMN document and the events the caller may access"},
                                    list_process_models_with_xml_handler(), "ProcessModelList")));
  auto by_id = make_route(kManagementApiBase,
                          {"GET", "/process_models/:process_model_id", "getProcessModelById", "ProcessModel",
                           "One process model with its BPMN document"},
                          get_process_model_with_xml_handler(), "ProcessModel");
  by_id.error_statuses = {404};
  routes.push_back(std::move(by_id));

  auto update = claim(no_content(make_route(kManagementApiBase,
                                            {"POST", "/process_models/:process_definitions_name/update",
                                             "updateProcessDefinitionsByName", "ProcessModel",
                                             "Deploys a BPMN document whose one process is named as in the URL"},
                                            update_process_definitions_handler()),
                                 "UpdateProcessDefinitionsRequestPayload", true, {400, 409, 422}),
                      kWriteProcessModelClaim);
  update.options.max_body_bytes = kMaxDeployBodyBytes;
  routes.push_back(std::move(update));

  routes.push_back(start_route(kManagementApiBase));
}

}  // namespace

std::vector<RouteDescriptor> management_api_routes() {
  std::vector<RouteDescriptor> routes;
  add_model_routes(routes);
  add_event_routes(routes, kManagementApiBase, "events/waiting");
  add_task_areas(routes, kManagementApiBase, task_kind_bit(TaskKind::empty_activity));
  for (auto& descriptor : routes) {
    if (descriptor.authenticated && descriptor.required_claim.empty()) {
      descriptor.required_claim = std::string(claims::kReadProcessModel);
    }
  }
  return routes;
}

}  // namespace processhost::plugins::management_api
