#include <string>
#include <utility>

#include "handler_support.hpp"
#include "handlers.hpp"
#include "json_mapping.hpp"
#include "request_parsing.hpp"

namespace processhost::plugins::consumer_api {
namespace {

std::optional<std::string> param_if(bool wanted, const HttpRequest& request, std::string_view name) {
  if (!wanted) return std::nullopt;
  return std::string(request.param(name));
}

unsigned task_kinds(TaskListKind kind) {
  switch (kind) {
    case TaskListKind::user_tasks:
      return task_kind_bit(TaskKind::user_task);
    case TaskListKind::manual_tasks:
      return task_kind_bit(TaskKind::manual_task);
    case TaskListKind::empty_activities:
      return task_kind_bit(TaskKind::empty_activity);
    case TaskListKind::mixed:
      break;
  }
  return kAllTaskKinds;
}

std::string_view instance_param(TaskKind kind) {
  switch (kind) {
    case TaskKind::user_task:
      return "user_task_instance_id";
    case TaskKind::manual_task:
      return "manual_task_instance_id";
    case TaskKind::empty_activity:
      return "empty_activity_instance_id";
  }
  return "";
}

}  // namespace

RouteHandler list_events_handler(ListFilter filter) {
  return [filter](RouteCall& call) {
    EventQuery query;
    query.process_model_id = param_if(filter.process_model, call.request, "process_model_id");
    query.correlation_id = param_if(filter.correlation, call.request, "correlation_id");
    query.page = call.page;
    call.state->engine->waiting_events(
        call.identity, std::move(query),
        respond_json<PagedList<WaitingEvent>>(call.responder, [](const auto& list) { return event_list_json(list); }));
  };
}

RouteHandler trigger_event_handler(EventKind kind) {
  return [kind](RouteCall& call) {
    auto payload = parse_optional_json(call.request.body);
    if (!payload.ok()) return call.responder->respond(HttpResponse::error(payload.error()));
    call.state->engine->trigger(call.identity, kind, std::string(call.request.param("event_name")),
                                std::move(payload.value()), respond_no_content(call.responder));
  };
}

RouteHandler list_tasks_handler(TaskListKind kind, ListFilter filter) {
  return [kind, filter](RouteCall& call) {
    TaskQuery query;
    query.kinds = task_kinds(kind);
    query.process_model_id = param_if(filter.process_model, call.request, "process_model_id");
    query.process_instance_id = param_if(filter.process_instance, call.request, "process_instance_id");
    query.correlation_id = param_if(filter.correlation, call.request, "correlation_id");
    query.own_only = filter.own;
    query.page = call.page;
    call.state->engine->waiting_tasks(
        call.identity, std::move(query),
        respond_json<PagedList<WaitingTask>>(call.responder, [kind](const auto& list) {
          return task_list_json(kind, list);
        }));
  };
}

RouteHandler finish_task_handler(TaskKind kind) {
  return [kind](RouteCall& call) {
    FinishTaskRequest request;
    request.kind = kind;
    request.process_instance_id = std::string(call.request.param("process_instance_id"));
    request.correlation_id = std::string(call.request.param("correlation_id"));
    request.flow_node_instance_id = std::string(call.request.param(instance_param(kind)));
    // Manual tasks and empty activities take no result: their body is ignored.
    if (kind == TaskKind::user_task) {
      auto result = parse_user_task_result(call.request.body);
      if (!result.ok()) return call.responder->respond(HttpResponse::error(result.error()));
      request.result = std::move(result.value());
    }
    call.state->engine->finish_task(call.identity, std::move(request), respond_no_content(call.responder));
  };
}

}  // namespace processhost::plugins::consumer_api
