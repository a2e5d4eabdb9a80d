#include <algorithm>
#include <iterator>
#include <limits>
#include <string>
#include <utility>

#include "plugin_common/http_api/respond.hpp"
#include "plugin_common/http_api/handlers.hpp"
#include "plugin_common/http_api/json_mapping.hpp"
#include "plugin_common/http_api/request_parsing.hpp"

namespace processhost::plugins::http_api {
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

// A mixed task list is ordered by kind (empty activities, manual tasks, user tasks) before
// paging. The engine pages each kind in its own index, so the list is assembled from one
// query per kind, carrying the offset and limit over: the engine never loads more than a page.
struct MixedListRequest {
  ApiStatePtr state;
  Identity identity;
  TaskQuery query;
  std::shared_ptr<Responder> responder;
  std::size_t next_kind = 0;
  std::size_t offset = 0;
  std::size_t limit = 0;  // still wanted; meaningful when limited
  bool limited = false;
  PagedList<WaitingTask> list;
};

constexpr TaskKind kMixedOrder[] = {TaskKind::empty_activity, TaskKind::manual_task, TaskKind::user_task};

void query_next_kind(const std::shared_ptr<MixedListRequest>& request) {
  while (request->next_kind < std::size(kMixedOrder) &&
         (request->query.kinds & task_kind_bit(kMixedOrder[request->next_kind])) == 0) {
    ++request->next_kind;
  }
  if (request->next_kind == std::size(kMixedOrder)) {
    request->responder->respond(HttpResponse::json(200, task_list_json(TaskListKind::mixed, request->list)));
    return;
  }
  TaskQuery query = request->query;
  query.kinds = task_kind_bit(kMixedOrder[request->next_kind]);
  // With the page already full, only the count of this kind is needed: ask past its end.
  const bool count_only = request->limited && request->limit == 0;
  query.page.offset = count_only ? std::numeric_limits<std::size_t>::max() : request->offset;
  query.page.limit = request->limited ? request->limit : 0;
  ++request->next_kind;
  request->state->engine->waiting_tasks(request->identity, std::move(query), [request](Result<PagedList<WaitingTask>> result) {
    respond_guarded(*request->responder, [&] {
      if (!result.ok()) return request->responder->respond(error_response(result.error()));
      auto& page = result.value();
      const std::size_t total = page.total_count;
      request->list.total_count += total;
      request->offset = request->offset > total ? request->offset - total : 0;
      if (request->limited) request->limit -= std::min(request->limit, page.items.size());
      for (auto& task : page.items) request->list.items.push_back(std::move(task));
      query_next_kind(request);
    });
  });
}

}  // namespace

RouteHandler list_events_handler(ListFilter filter) {
  return [filter](RouteCall& call) {
    EventQuery query;
    query.process_model_id = param_if(filter.process_model, call.request, "process_model_id");
    query.correlation_id = param_if(filter.correlation, call.request, "correlation_id");
    query.page = call.page;
    query.page.count_total = false;  // an EventList's totalCount is its items (docs/api.md, "Paging")
    call.state->engine->waiting_events(
        call.identity, std::move(query),
        respond_json<PagedList<WaitingEvent>>(call.responder, [](const auto& list) { return event_list_json(list); }));
  };
}

RouteHandler trigger_event_handler(EventKind kind) {
  return [kind](RouteCall& call) {
    auto payload = parse_optional_json(call.request.body, call.request.json_limits);
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
    if (kind == TaskListKind::mixed) {
      auto request = std::make_shared<MixedListRequest>();
      request->state = call.state;
      request->identity = call.identity;
      request->query = std::move(query);
      request->responder = call.responder;
      request->offset = call.page.offset;
      request->limit = call.page.limit;
      request->limited = call.page.limit > 0;
      return query_next_kind(request);
    }
    // A UserTaskList's (ManualTaskList's, EmptyActivityList's) totalCount is its items.
    query.page.count_total = false;
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
      auto result = parse_user_task_result(call.request.body, call.request.json_limits);
      if (!result.ok()) return call.responder->respond(HttpResponse::error(result.error()));
      request.result = std::move(result.value());
    }
    call.state->engine->finish_task(call.identity, std::move(request), respond_no_content(call.responder));
  };
}

}  // namespace processhost::plugins::http_api
