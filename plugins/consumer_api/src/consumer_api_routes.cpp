#include <string>
#include <utility>

#include "consumer_api_routes.hpp"
#include "plugin_common/http_api/handlers.hpp"

namespace processhost::plugins::consumer_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code
namespace {

struct Row {
  const char* method;
  const char* path;  // after the base path
  const char* operation_id;
  const char* tag;
  const char* summary;
};

RouteDescriptor route(const Row& row, RouteHandler handler, std::string response_schema = {}) {
  RouteDescriptor descriptor;
  descriptor.method = row.method;
  descriptor.pattern = std::string(kConsumerApiBase) + row.path;
  descriptor.operation_id = row.operation_id;
  descriptor.tag = row.tag;
  descriptor.summary = row.summary;
  descriptor.handler = std::move(handler);
  descriptor.response_schema = std::move(response_schema);
  return descriptor;
}

RouteDescriptor paged(RouteDescriptor descriptor) {
  descriptor.paged = true;
  return descriptor;
}

RouteDescriptor no_content(RouteDescriptor descriptor, std::string request_schema, bool request_required,
                           std::vector<int> errors) {
  descriptor.success_status = 204;
  descriptor.request_schema = std::move(request_schema);
  descriptor.request_required = request_required;
  descriptor.error_statuses = std::move(errors);
  return descriptor;
}

RouteDescriptor claim(RouteDescriptor descriptor, std::string_view claim_name) {
  descriptor.required_claim = std::string(claim_name);
  return descriptor;
}

void add_model_routes(std::vector<RouteDescriptor>& routes) {
  auto info = route({"GET", "/info", "getApplicationInfo", "AppInfo", "Name and version of the application"},
                    application_info_handler(), "ApplicationInfo");
  info.authenticated = false;
  routes.push_back(std::move(info));
  auto swagger = route({"GET", "/swagger", "getOpenApiDocument", "AppInfo", "This OpenAPI document"},
                       openapi_handler(), "OpenApiDocument");
  swagger.authenticated = false;
  routes.push_back(std::move(swagger));

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

  auto start = claim(route({"POST", "/process_models/:process_model_id/start", "startProcessInstance", "ProcessModel",
                            "Starts a process instance and answers when the callback type says"},
                           start_process_handler(), "ProcessStartResponsePayload"),
                     claims::kReadProcessModel);
  start.query = {
      {"start_callback_type", "integer", false,
       "1 = answer once the instance is created (default), 2 = once the process finished, "
       "3 = once the end event end_event_id is reached"},
      {"start_event_id", "string", false, "The start event; optional when the model has exactly one"},
      {"end_event_id", "string", false, "The end event to wait for; required with start_callback_type 3"},
  };
  start.request_schema = "ProcessStartRequestPayload";
  start.error_statuses = {400, 404};
  routes.push_back(std::move(start));

  routes.push_back(paged(route({"GET", "/process_instances/own", "getOwnProcessInstances", "ProcessModel",
                                "Running process instances the caller started"},
                               own_process_instances_handler(), "ProcessInstanceList")));
  routes.push_back(route({"GET", "/correlations/:correlation_id/process_models/:process_model_id/results",
                          "getProcessResultForCorrelation", "Result",
                          "The end event results of a process model's instances in a correlation"},
                         correlation_results_handler(), "CorrelationResultList"));
}

void add_event_routes(std::vector<RouteDescriptor>& routes) {
  routes.push_back(paged(route({"GET", "/process_models/:process_model_id/events", "getEventsForProcessModel", "Event",
                                "Events waiting in instances of a process model"},
                               list_events_handler({.process_model = true}), "EventList")));
  routes.push_back(paged(route({"GET", "/correlations/:correlation_id/events", "getEventsForCorrelation", "Event",
                                "Events waiting in a correlation"},
                               list_events_handler({.correlation = true}), "EventList")));
  routes.push_back(paged(route({"GET", "/process_models/:process_model_id/correlations/:correlation_id/events",
                                "getEventsForProcessModelInCorrelation", "Event",
                                "Events waiting in a process model's instances in a correlation"},
                               list_events_handler({.process_model = true, .correlation = true}), "EventList")));
  routes.push_back(claim(no_content(route({"POST", "/message/:event_name/trigger", "triggerMessageEvent", "Event",
                                           "Sends a message to every instance waiting for it"},
                                          trigger_event_handler(EventKind::message)),
                                    "EventTriggerPayload", false, {400}),
                         claims::kTriggerMessages));
  routes.push_back(claim(no_content(route({"POST", "/signal/:event_name/trigger", "triggerSignalEvent", "Event",
                                           "Sends a signal to every instance waiting for it"},
                                          trigger_event_handler(EventKind::signal)),
                                    "EventTriggerPayload", false, {400}),
                         claims::kTriggerSignals));
}

struct TaskArea {
  TaskListKind list_kind;
  TaskKind task_kind;
  const char* segment;         // path segment of the lists
  const char* finish_segment;  // path segment of the finish route
  const char* instance_param;
  const char* noun;            // operation id noun, plural
  const char* singular;        // operation id noun of the finish route
  const char* tag;
  const char* list_schema;
  const char* finish_schema;
};

void add_task_area(std::vector<RouteDescriptor>& routes, const TaskArea& area) {
  const std::string segment = area.segment;
  const std::string noun = area.noun;
  const struct {
    std::string path;
    std::string operation;
    std::string summary;
    ListFilter filter;
  } lists[] = {
      {"/process_models/:process_model_id/" + segment, "get" + noun + "ForProcessModel",
       "Waiting " + std::string(area.tag) + "s of a process model", {.process_model = true}},
      {"/process_instances/:process_instance_id/" + segment, "get" + noun + "ForProcessInstance",
       "Waiting " + std::string(area.tag) + "s of a process instance", {.process_instance = true}},
      {"/correlations/:correlation_id/" + segment, "get" + noun + "ForCorrelation",
       "Waiting " + std::string(area.tag) + "s of a correlation", {.correlation = true}},
      {"/process_models/:process_model_id/correlations/:correlation_id/" + segment,
       "get" + noun + "ForProcessModelInCorrelation",
       "Waiting " + std::string(area.tag) + "s of a process model in a correlation",
       {.process_model = true, .correlation = true}},
      {"/" + segment + "/own", "getOwn" + noun, "Waiting " + std::string(area.tag) + "s of instances the caller started",
       {.own = true}},
  };
  for (const auto& list : lists) {
    routes.push_back(paged(route({"GET", list.path.c_str(), list.operation.c_str(), area.tag, list.summary.c_str()},
                                 list_tasks_handler(area.list_kind, list.filter), area.list_schema)));
  }
  const std::string finish_path = "/processes/:process_instance_id/correlations/:correlation_id/" +
                                  std::string(area.finish_segment) + "/:" + area.instance_param + "/finish";
  const std::string finish_operation = "finish" + std::string(area.singular);
  const std::string finish_summary = "Finishes a waiting " + std::string(area.tag);
  routes.push_back(no_content(route({"POST", finish_path.c_str(), finish_operation.c_str(), area.tag,
                                     finish_summary.c_str()},
                                    finish_task_handler(area.task_kind)),
                              area.finish_schema, false, {400, 403, 404}));
}

void add_mixed_task_routes(std::vector<RouteDescriptor>& routes) {
  const struct {
    const char* path;
    const char* operation;
    const char* summary;
    ListFilter filter;
  } lists[] = {
      {"/suspended_tasks", "getAllSuspendedTasks", "Every waiting task the caller may see", {}},
      {"/process_models/:process_model_id/tasks", "getTasksForProcessModel", "Waiting tasks of a process model",
       {.process_model = true}},
      {"/process_instances/:process_instance_id/tasks", "getTasksForProcessInstance",
       "Waiting tasks of a process instance", {.process_instance = true}},
      {"/correlations/:correlation_id/tasks", "getTasksForCorrelation", "Waiting tasks of a correlation",
       {.correlation = true}},
      {"/process_models/:process_model_id/correlations/:correlation_id/tasks", "getTasksForProcessModelInCorrelation",
       "Waiting tasks of a process model in a correlation", {.process_model = true, .correlation = true}},
  };
  for (const auto& list : lists) {
    routes.push_back(paged(route({"GET", list.path, list.operation, "Tasks", list.summary},
                                 list_tasks_handler(TaskListKind::mixed, list.filter), "TaskList")));
  }
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
  add_event_routes(routes);
  add_task_area(routes, {TaskListKind::user_tasks, TaskKind::user_task, "user_tasks", "usertasks",
                         "user_task_instance_id", "UserTasks", "UserTask", "UserTask", "UserTaskList", "UserTaskResult"});
  add_task_area(routes, {TaskListKind::manual_tasks, TaskKind::manual_task, "manual_tasks", "manual_tasks",
                         "manual_task_instance_id", "ManualTasks", "ManualTask", "ManualTask", "ManualTaskList", "EmptyObject"});
  add_task_area(routes, {TaskListKind::empty_activities, TaskKind::empty_activity, "empty_activities",
                         "empty_activities", "empty_activity_instance_id", "EmptyActivities", "EmptyActivity", "EmptyActivity",
                         "EmptyActivityList", "EmptyObject"});
  add_mixed_task_routes(routes);
  add_external_task_routes(routes, kConsumerApiBase, false);
  add_external_task_routes(routes, kExternalTaskApiBase, true);
  return routes;
}

}  // namespace processhost::plugins::consumer_api
