#include "management_api_routes.hpp"
#include "model_versions.hpp"

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
  routes.push_back(model_versions_route());

  auto update = claim(no_content(make_route(kManagementApiBase,
                                            {"POST", "/process_models/:process_definitions_name/update",
                                             "updateProcessDefinitionsByName", "ProcessModel",
                                             "Deploys a BPMN document whose one process is named as in the URL"},
                                            update_process_definitions_handler()),
                                 "UpdateProcessDefinitionsRequestPayload", true, {400, 409, 422}),
                      kWriteProcessModelClaim);
  update.options.max_body_bytes = kMaxDeployBodyBytes;
  routes.push_back(std::move(update));

  routes.push_back(claim(no_content(make_route(kManagementApiBase,
                                              {"GET", "/process_models/:process_model_id/delete",
                                               "deleteProcessDefinitionsByProcessModelId", "ProcessModel",
                                               "Deletes a deployed process model, every version; its instances go on"},
                                              delete_process_model_handler()),
                                    {}, false, {404}),
                         kDeleteProcessModelClaim));

  routes.push_back(start_route(kManagementApiBase));

  auto by_instance = make_route(kManagementApiBase,
                                {"GET", "/process_instance/:process_instance_id/process_model", "getProcessModelByProcessInstanceId",
                                 "ProcessModel", "The process model (the version it runs) of a process instance"},
                                process_model_by_instance_with_xml_handler(), "ProcessModel");
  by_instance.error_statuses = {404};
  routes.push_back(std::move(by_instance));
  auto start_events = make_route(kManagementApiBase,
                                 {"GET", "/process_models/:process_model_id/start_events", "getStartEventsForProcessModel",
                                  "ProcessModel", "The start events of a process model the caller may start at"},
                                 start_events_handler(), "EventList");
  start_events.error_statuses = {404};
  routes.push_back(std::move(start_events));
}

void add_instance_routes(std::vector<RouteDescriptor>& routes) {
  const auto route = [](const Row& row, RouteHandler handler, std::string schema) {
    return make_route(kManagementApiBase, row, std::move(handler), std::move(schema));
  };
  auto by_id = route({"GET", "/process_instances/:process_instance_id", "getProcessInstanceById", "ProcessInstance",
                      "One process instance with the BPMN document of its version"},
                     get_process_instance_handler(), "ProcessInstance");
  by_id.error_statuses = {404};
  routes.push_back(std::move(by_id));
  routes.push_back(claim(no_content(route({"POST", "/process_instance/:process_instance_id/terminate",
                                          "terminateProcessInstance", "ProcessInstance",
                                          "Ends a running process instance as terminated"},
                                         terminate_process_instance_handler(), {}),
                                   {}, false, {404, 409}),
                        kTerminateProcessClaim));
  routes.push_back(paged(route({"GET", "/process_instances/by_correlation/:correlation_id",
                                "getProcessInstancesForCorrelation", "ProcessInstance",
                                "The process instances of a correlation, oldest first"},
                               list_process_instances_handler(InstanceFilter::correlation), "ProcessInstanceList")));
  routes.push_back(paged(route({"GET", "/process_instances/by_process_model/:process_model_id",
                                "getProcessInstancesForProcessModel", "ProcessInstance",
                                "The process instances of a process model, oldest first"},
                               list_process_instances_handler(InstanceFilter::process_model), "ProcessInstanceList")));
  auto by_state = paged(route({"GET", "/process_instances/by_state/:process_instance_state",
                               "getProcessInstancesByState", "ProcessInstance",
                               "The process instances in a state: running, finished, error or terminated"},
                              list_process_instances_handler(InstanceFilter::state), "ProcessInstanceList"));
  by_state.error_statuses = {400};
  routes.push_back(std::move(by_state));

  auto flow_nodes = paged(route({"GET", "/process_instances/:process_instance_id/flow_node_instances",
                                 "getFlowNodeInstancesForProcessInstance", "FlowNodeInstance",
                                 "The flow node instances of a process instance, in the order they began"},
                                list_flow_node_instances_handler(), "FlowNodeInstanceList"));
  flow_nodes.error_statuses = {404};
  routes.push_back(std::move(flow_nodes));

  routes.push_back(route({"GET", "/process_instance/:process_instance_id/token_history", "getTokensForProcessInstance",
                          "TokenHistory", "The token history of a process instance"},
                         token_history_handler(TokenHistoryScope::instance), "TokenHistoryGroup"));
  routes.push_back(route({"GET", "/process_instance/:process_instance_id/flow_node/:flow_node_id/token_history",
                          "getTokensForFlowNodeByProcessInstanceId", "TokenHistory",
                          "The token history of one flow node of a process instance"},
                         token_history_handler(TokenHistoryScope::instance_flow_node), "TokenHistoryGroup"));
  routes.push_back(route({"GET", "/correlation/:correlation_id/process_model/:process_model_id/token_history",
                          "getTokensForCorrelationAndProcessModel", "TokenHistory",
                          "The token histories of a model's instances in a correlation, by instance"},
                         token_history_handler(TokenHistoryScope::correlation), "TokenHistoryGroup"));
  routes.push_back(paged(route(
      {"GET", "/correlation/:correlation_id/process_model/:process_model_id/flow_node/:flow_node_id/token_history",
       "getTokensForFlowNode", "TokenHistory", "The tokens one flow node saw in a model's instances of a correlation"},
      token_history_handler(TokenHistoryScope::correlation_flow_node), "TokenHistoryEntryList")));

  const struct {
    const char* path;
    const char* operation;
    const char* summary;
    ActiveTokenScope scope;
  } active[] = {
      {"/process_model/:process_model_id/active_tokens", "getActiveTokensForProcessModel",
       "The tokens waiting in a process model's instances", ActiveTokenScope::process_model},
      {"/correlation/:correlation_id/process_model/:process_model_id/active_tokens",
       "getActiveTokensForCorrelationAndProcessModel", "The tokens waiting in a model's instances of a correlation",
       ActiveTokenScope::correlation},
      {"/process_instance/:process_instance_id/active_tokens", "getActiveTokensForProcessInstance",
       "The tokens waiting in a process instance", ActiveTokenScope::process_instance},
      {"/token/flow_node/:flow_node_id/active_tokens", "getActiveTokensForFlowNode",
       "The tokens waiting at a flow node, in any model", ActiveTokenScope::flow_node},
  };
  for (const auto& list : active) {
    routes.push_back(paged(route({"GET", list.path, list.operation, "Kpi", list.summary},
                                 active_tokens_handler(list.scope), "ActiveTokenList")));
  }
}

}  // namespace

std::vector<RouteDescriptor> management_api_routes() {
  std::vector<RouteDescriptor> routes;
  add_model_routes(routes);
  add_instance_routes(routes);
  for (auto& route : correlation_routes()) routes.push_back(std::move(route));
  add_event_routes(routes, kManagementApiBase, "events/waiting");
  add_task_areas(routes, kManagementApiBase, task_kind_bit(TaskKind::empty_activity));
  add_history_routes(routes);
  for (auto& descriptor : routes) {
    if (descriptor.authenticated && descriptor.required_claim.empty()) {
      descriptor.required_claim = std::string(claims::kReadProcessModel);
    }
  }
  return routes;
}

}  // namespace processhost::plugins::management_api
