#pragma once
// The route handlers the API plugins share, one factory per kind of route. Each validates what the dispatcher
// has not (path and body), calls the engine and answers from the engine's callback.

#include <optional>

#include "plugin_common/http_api/json_mapping.hpp"
#include "plugin_common/http_api/route_descriptor.hpp"
#include "processhost/services/engine.hpp"

namespace processhost::plugins::http_api {

RouteHandler application_info_handler();
RouteHandler openapi_handler();

RouteHandler list_process_models_handler();
RouteHandler get_process_model_handler();
RouteHandler process_model_by_instance_handler();
RouteHandler start_process_handler();
RouteHandler own_process_instances_handler();
RouteHandler correlation_results_handler();

// Which path parameters narrow a list query.
struct ListFilter {
  bool process_model = false;
  bool process_instance = false;
  bool correlation = false;
  bool own = false;
};
RouteHandler list_events_handler(ListFilter filter);
RouteHandler trigger_event_handler(EventKind kind);

RouteHandler list_tasks_handler(TaskListKind kind, ListFilter filter);
RouteHandler finish_task_handler(TaskKind kind);

}  // namespace processhost::plugins::http_api
