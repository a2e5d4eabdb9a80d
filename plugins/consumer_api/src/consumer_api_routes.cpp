#include <string>
#include <utility>

#include "consumer_api_routes.hpp"
#include "plugin_common/http_api/handlers.hpp"
#include "plugin_common/http_api/route_groups.hpp"

namespace processhost::plugins::consumer_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

namespace {

RouteDescriptor route(const Row& row, RouteHandler handler, std::string response_schema = {}) {
  return make_route(kConsumerApiBase, row, std::move(handler), std::move(response_schema));
}

void add_model_routes(std::vector<RouteDescriptor>& routes) {
  auto info = route({"GET", "/info", "getApplicationInfo", "AppInfo", "Name and version of the application"},
                    application_info_handler(), "ApplicationInfo");
  info.authenticated = false;
  routes.push_back(std::move(info));
  routes.push_back(openapi_route(kConsumerApiBase));

  routes.push_back(claim(paged(route({"GET", "/process_models", "getProcessModels", "ProcessModel",
                                      "Process models with the start and end events the caller may access"},
                                     list_process_models_handler(), "ProcessModelList")),
                         claims::kReadProcessModel));
  auto by_id = claim(route({"GET", "/process_models/:process_model_id", "getProcessModelById", "ProcessModel",
                            "One process model"},
                           get_process_model_handler(), "ProcessModel"),
                     claims::kReadProcessModel);
  by_id.error_statuses = {404};
  routes.push_back(std::move(by_id));
  auto by_instance = claim(route({"GET", "/process_instance/:process_instance_id/process_model",
                                  "getProcessModelByProcessInstanceId", "ProcessModel",
                                  "The process model a process instance runs (note the singular path)"},
                                 process_model_by_instance_handler(), "ProcessModel"),
                           claims::kReadProcessModel);
  by_instance.error_statuses = {404};
  routes.push_back(std::move(by_instance));

  routes.push_back(claim(start_route(kConsumerApiBase), claims::kReadProcessModel));

  routes.push_back(paged(route({"GET", "/process_instances/own", "getOwnProcessInstances", "ProcessModel",
                                "Running process instances the caller started"},
                               own_process_instances_handler(), "ProcessInstanceList")));
  routes.push_back(route({"GET", "/correlations/:correlation_id/process_models/:process_model_id/results",
                          "getProcessResultForCorrelation", "Result",
                          "The end event results of a process model's instances in a correlation"},
                         correlation_results_handler(), "CorrelationResultList"));
}


void add_external_task_routes(std::vector<RouteDescriptor>& routes, const char* base, bool deprecated) {
  const std::string prefix = deprecated ? "deprecated_" : "";
  std::vector<RouteDescriptor> area;
  auto fetch = route({"POST", "/fetch_and_lock", "fetchAndLockExternalTasks", "ExternalTask",
                      "Locks up to maxTasks tasks of a topic for a worker, waiting up to longPollingTimeout ms"},
                     fetch_and_lock_handler(), "ExternalTaskArray");
  fetch.request_schema = "FetchAndLockRequestPayload";
  fetch.request_required = true;
  fetch.error_statuses = {400};
  area.push_back(std::move(fetch));
  area.push_back(no_content(route({"POST", "/task/:external_task_id/extend_lock", "extendExternalTaskLock",
                                   "ExternalTask", "Extends the worker's lock on a task"},
                                  extend_lock_handler()),
                            "ExtendLockRequestPayload", true, {400, 404, 410, 423}));
  area.push_back(no_content(route({"POST", "/task/:external_task_id/handle_bpmn_error", "handleExternalTaskBpmnError",
                                   "ExternalTask", "Ends a task with a BPMN error the process can catch"},
                                  complete_external_task_handler(ExternalTaskOutcome::Kind::bpmn_error)),
                            "HandleBpmnErrorRequestPayload", true, {400, 404, 410, 423}));
  area.push_back(no_content(
      route({"POST", "/task/:external_task_id/handle_service_error", "handleExternalTaskServiceError", "ExternalTask",
             "Ends a task with a technical error: the process instance fails"},
            complete_external_task_handler(ExternalTaskOutcome::Kind::service_error)),
      "HandleServiceErrorRequestPayload", true, {400, 404, 410, 423}));
  area.push_back(no_content(route({"POST", "/task/:external_task_id/finish", "finishExternalTask", "ExternalTask",
                                   "Finishes a task with the worker's result"},
                                  complete_external_task_handler(ExternalTaskOutcome::Kind::finish)),
                            "FinishExternalTaskRequestPayload", true, {400, 404, 410, 423}));
  for (auto& descriptor : area) {
    descriptor.pattern = std::string(base) + descriptor.pattern.substr(std::string(kConsumerApiBase).size());
    descriptor.operation_id = prefix + descriptor.operation_id;
    descriptor.deprecated = deprecated;
    descriptor.required_claim = std::string(claims::kAccessExternalTasks);
    routes.push_back(std::move(descriptor));
  }
}

}  // namespace

std::vector<RouteDescriptor> consumer_api_routes() {
  std::vector<RouteDescriptor> routes;
  add_model_routes(routes);
  add_event_routes(routes, kConsumerApiBase, "events");
  add_task_areas(routes, kConsumerApiBase, kAllTaskKinds);
  add_external_task_routes(routes, kConsumerApiBase, false);
  add_external_task_routes(routes, kExternalTaskApiBase, true);
  return routes;
}

}  // namespace processhost::plugins::consumer_api
