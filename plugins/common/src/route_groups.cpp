#include "plugin_common/http_api/route_groups.hpp"

#include <string>
#include <utility>

#include "plugin_common/http_api/handlers.hpp"

namespace processhost::plugins::http_api {
namespace {

struct TaskArea {
  TaskListKind list_kind;
  TaskKind task_kind;
  const char* segment;         // path segment of the lists
  const char* finish_segment;  // path segment of the finish route
  const char* instance_param;
  const char* noun;      // operation id noun, plural
  const char* singular;  // operation id noun of the finish route
  const char* tag;
  const char* list_schema;
  const char* finish_schema;
};

void add_task_area(std::vector<RouteDescriptor>& routes, std::string_view base, const TaskArea& area, bool own_list) {
  const auto route = [base](const Row& row, RouteHandler handler, std::string schema = {}) {
    return make_route(base, row, std::move(handler), std::move(schema));
  };
  const std::string segment = area.segment;
  const std::string noun = area.noun;
  const struct {
    std::string path;
    std::string operation;
    std::string summary;
    ListFilter filter;
  } lists[] = {
      {"/process_models/:process_model_id/" + segment,
       "get" + noun + "ForProcessModel",
       "Waiting " + std::string(area.tag) + "s of a process model",
       {.process_model = true}},
      {"/process_instances/:process_instance_id/" + segment,
       "get" + noun + "ForProcessInstance",
       "Waiting " + std::string(area.tag) + "s of a process instance",
       {.process_instance = true}},
      {"/correlations/:correlation_id/" + segment,
       "get" + noun + "ForCorrelation",
       "Waiting " + std::string(area.tag) + "s of a correlation",
       {.correlation = true}},
      {"/process_models/:process_model_id/correlations/:correlation_id/" + segment,
       "get" + noun + "ForProcessModelInCorrelation",
       "Waiting " + std::string(area.tag) + "s of a process model in a correlation",
       {.process_model = true, .correlation = true}},
      {"/" + segment + "/own",
       "getOwn" + noun,
       "Waiting " + std::string(area.tag) + "s of instances the caller started",
       {.own = true}},
  };
  for (const auto& list : lists) {
    if (list.filter.own && !own_list) continue;
    routes.push_back(paged(route({"GET", list.path.c_str(), list.operation.c_str(), area.tag, list.summary.c_str()},
                                 list_tasks_handler(area.list_kind, list.filter), area.list_schema)));
  }
  const std::string finish_path = "/processes/:process_instance_id/correlations/:correlation_id/" +
                                  std::string(area.finish_segment) + "/:" + area.instance_param + "/finish";
  const std::string finish_operation = "finish" + std::string(area.singular);
  const std::string finish_summary = "Finishes a waiting " + std::string(area.tag);
  routes.push_back(
      no_content(route({"POST", finish_path.c_str(), finish_operation.c_str(), area.tag, finish_summary.c_str()},
                       finish_task_handler(area.task_kind)),
                 area.finish_schema, false, {400, 403, 404}));
}

void add_mixed_task_routes(std::vector<RouteDescriptor>& routes, std::string_view base) {
  const struct {
    const char* path;
    const char* operation;
    const char* summary;
    ListFilter filter;
  } lists[] = {
      {"/suspended_tasks", "getAllSuspendedTasks", "Every waiting task the caller may see", {}},
      {"/process_models/:process_model_id/tasks",
       "getTasksForProcessModel",
       "Waiting tasks of a process model",
       {.process_model = true}},
      {"/process_instances/:process_instance_id/tasks",
       "getTasksForProcessInstance",
       "Waiting tasks of a process instance",
       {.process_instance = true}},
      {"/correlations/:correlation_id/tasks",
       "getTasksForCorrelation",
       "Waiting tasks of a correlation",
       {.correlation = true}},
      {"/process_models/:process_model_id/correlations/:correlation_id/tasks",
       "getTasksForProcessModelInCorrelation",
       "Waiting tasks of a process model in a correlation",
       {.process_model = true, .correlation = true}},
  };
  for (const auto& list : lists) {
    routes.push_back(paged(make_route(base, {"GET", list.path, list.operation, "Tasks", list.summary},
                                      list_tasks_handler(TaskListKind::mixed, list.filter), "TaskList")));
  }
}

}  // namespace

RouteDescriptor make_route(std::string_view base, const Row& row, RouteHandler handler, std::string response_schema) {
  RouteDescriptor descriptor;
  descriptor.method = row.method;
  descriptor.pattern = std::string(base) + row.path;
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

RouteDescriptor openapi_route(std::string_view base) {
  auto swagger = make_route(base, {"GET", "/swagger", "getOpenApiDocument", "AppInfo", "This OpenAPI document"},
                            openapi_handler(), "OpenApiDocument");
  swagger.authenticated = false;
  return swagger;
}

RouteDescriptor start_route(std::string_view base) {
  auto start = make_route(base,
                          {"POST", "/process_models/:process_model_id/start", "startProcessInstance", "ProcessModel",
                           "Starts a process instance and answers when the callback type says"},
                          start_process_handler(), "ProcessStartResponsePayload");
  start.query = {
      {"start_callback_type", "integer", false,
       "1 = answer once the instance is created (default), 2 = once the process finished, "
       "3 = once the end event end_event_id is reached"},
      {"start_event_id", "string", false, "The start event; optional when the model has exactly one"},
      {"end_event_id", "string", false, "The end event to wait for; required with start_callback_type 3"},
  };
  start.request_schema = "ProcessStartRequestPayload";
  start.error_statuses = {400, 404};
  return start;
}

void add_event_routes(std::vector<RouteDescriptor>& routes, std::string_view base, std::string_view events_segment) {
  const std::string events(events_segment);
  const auto route = [base](const Row& row, RouteHandler handler, std::string schema = {}) {
    return make_route(base, row, std::move(handler), std::move(schema));
  };
  routes.push_back(paged(route({"GET", ("/process_models/:process_model_id/" + events).c_str(),
                                "getEventsForProcessModel", "Event", "Events waiting in instances of a process model"},
                               list_events_handler({.process_model = true}), "EventList")));
  routes.push_back(paged(route({"GET", ("/correlations/:correlation_id/" + events).c_str(), "getEventsForCorrelation",
                                "Event", "Events waiting in a correlation"},
                               list_events_handler({.correlation = true}), "EventList")));
  routes.push_back(
      paged(route({"GET", ("/process_models/:process_model_id/correlations/:correlation_id/" + events).c_str(),
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

void add_task_areas(std::vector<RouteDescriptor>& routes, std::string_view base, unsigned own_lists) {
  const bool own_user = (own_lists & task_kind_bit(TaskKind::user_task)) != 0;
  const bool own_manual = (own_lists & task_kind_bit(TaskKind::manual_task)) != 0;
  const bool own_empty = (own_lists & task_kind_bit(TaskKind::empty_activity)) != 0;
  add_task_area(routes, base,
                {TaskListKind::user_tasks, TaskKind::user_task, "user_tasks", "usertasks", "user_task_instance_id",
                 "UserTasks", "UserTask", "UserTask", "UserTaskList", "UserTaskResult"},
                own_user);
  add_task_area(routes, base,
                {TaskListKind::manual_tasks, TaskKind::manual_task, "manual_tasks", "manual_tasks",
                 "manual_task_instance_id", "ManualTasks", "ManualTask", "ManualTask", "ManualTaskList", "EmptyObject"},
                own_manual);
  add_task_area(routes, base,
                {TaskListKind::empty_activities, TaskKind::empty_activity, "empty_activities", "empty_activities",
                 "empty_activity_instance_id", "EmptyActivities", "EmptyActivity", "EmptyActivity", "EmptyActivityList",
                 "EmptyObject"},
                own_empty);
  add_mixed_task_routes(routes, base);
}

}  // namespace processhost::plugins::http_api
