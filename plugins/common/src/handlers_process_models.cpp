#include <algorithm>
#include <string>
#include <utility>

#include "plugin_common/http_api/respond.hpp"
#include "plugin_common/http_api/handlers.hpp"
#include "plugin_common/http_api/json_mapping.hpp"
#include "processhost/json.hpp"
#include "plugin_common/http_api/request_parsing.hpp"

namespace processhost::plugins::http_api {

RouteHandler application_info_handler() {
  return [](RouteCall& call) {
    call.responder->respond(HttpResponse::json(200, application_info_json("processhost", call.state->version)));
  };
}

RouteHandler openapi_handler() {
  return [](RouteCall& call) { call.responder->respond(HttpResponse::json(200, call.state->openapi_document)); };
}

RouteHandler list_process_models_handler() {
  return [](RouteCall& call) {
    call.state->engine->list_process_models(
        call.identity, call.page,
        respond_json<PagedList<ProcessModelInfo>>(call.responder, [](const auto& list) {
          return process_model_list_json(list);
        }));
  };
}

RouteHandler get_process_model_handler() {
  return [](RouteCall& call) {
    call.state->engine->get_process_model(
        call.identity, std::string(call.request.param("process_model_id")),
        respond_json<ProcessModelInfo>(call.responder, [](const auto& model) { return process_model_json(model); }));
  };
}

RouteHandler process_model_by_instance_handler() {
  return [](RouteCall& call) {
    call.state->engine->get_process_model_by_instance(
        call.identity, std::string(call.request.param("process_instance_id")),
        respond_json<ProcessModelInfo>(call.responder, [](const auto& model) { return process_model_json(model); }));
  };
}

namespace {

bool contains_node(const std::vector<FlowNodeInfo>& nodes, const std::string& id) {
  return std::any_of(nodes.begin(), nodes.end(), [&](const FlowNodeInfo& node) { return node.id == id; });
}

// Checks the request against the model as the caller sees it (accessible events only) and
// fills in the start event when the model has just one. The messages are the API's own.
std::optional<Error> complete_start_request(const ProcessModelInfo& model, StartRequest& request) {
  if (!model.executable) {
    return make_error(ErrorStatus::bad_request, "The process model '" + model.id + "' is not executable!");
  }
  if (request.start_event_id) {
    if (!contains_node(model.start_events, *request.start_event_id)) {
      return make_error(ErrorStatus::not_found, "StartEvent with ID '" + *request.start_event_id + "' not found!");
    }
  } else if (model.start_events.size() == 1) {
    request.start_event_id = model.start_events.front().id;
  } else if (model.start_events.empty()) {
    return make_error(ErrorStatus::forbidden, "Access denied.",
                      "{\"reason\":" + json_quote("No start event of process model '" + model.id +
                                                  "' is accessible to this identity.") +
                          "}");
  } else {
    std::string ids = "[";
    for (const auto& node : model.start_events) ids += (ids.size() > 1 ? "," : "") + json_quote(node.id);
    ids += "]";
    return make_error(ErrorStatus::bad_request,
                      "The process model '" + model.id +
                          "' has more than one start event: use the query parameter start_event_id to pick one.",
                      "{\"startEventIds\":" + ids + "}");
  }
  if (request.callback_type == StartCallbackType::on_end_event_reached &&
      !contains_node(model.end_events, *request.end_event_id)) {
    return make_error(ErrorStatus::not_found, "EndEvent with ID '" + *request.end_event_id + "' not found!");
  }
  return std::nullopt;
}

void start_checked(const ApiStatePtr& state, const Identity& identity, StartRequest request,
                   const std::shared_ptr<Responder>& responder) {
  auto waits = state->waits;
  auto wait_id = waits->add(responder);
  if (!wait_id) {
    responder->respond(HttpResponse::error(ErrorStatus::unavailable, "The " + state->name + " is shutting down."));
    return;
  }
  const std::uint64_t id = *wait_id;
  // A client that leaves drops the wait; the process itself goes on.
  responder->on_cancel([waits, id] { waits->cancel(id); });
  auto reply = respond_json<StartResult>(responder, [](const auto& result) { return start_result_json(result); });
  auto handle = state->engine->start(identity, std::move(request), [waits, id, reply](Result<StartResult> result) {
    if (waits->finish(id)) reply(std::move(result));
  });
  waits->attach(id, std::move(handle));
}

}  // namespace

RouteHandler start_process_handler() {
  return [](RouteCall& call) {
    auto query = parse_start_query(call.request);
    if (!query.ok()) return call.responder->respond(HttpResponse::error(query.error()));
    auto body = parse_start_body(call.request.body, call.request.json_limits);
    if (!body.ok()) return call.responder->respond(HttpResponse::error(body.error()));
    StartRequest request;
    request.process_model_id = std::string(call.request.param("process_model_id"));
    request.start_event_id = std::move(query.value().start_event_id);
    request.end_event_id = std::move(query.value().end_event_id);
    request.callback_type = query.value().callback_type;
    request.correlation_id = std::move(body.value().correlation_id);
    request.caller_id = std::move(body.value().caller_id);
    request.input_values = std::move(body.value().input_values);
    auto state = call.state;
    auto responder = call.responder;
    auto identity = call.identity;
    const std::string model_id = request.process_model_id;
    state->engine->get_process_model(
        call.identity, model_id,
        [state, responder, identity, request = std::move(request)](Result<ProcessModelInfo> model) mutable {
          try {
            if (!model.ok()) return responder->respond(HttpResponse::error(model.error()));
            if (auto error = complete_start_request(model.value(), request)) {
              return responder->respond(HttpResponse::error(*error));
            }
            if (!state->serving.load()) {
              return responder->respond(
                  HttpResponse::error(ErrorStatus::unavailable, "The " + state->name + " is shutting down."));
            }
            start_checked(state, identity, std::move(request), responder);
          } catch (const std::exception& exception) {
            respond_exception(*responder, exception);
          }
        });
  };
}

RouteHandler own_process_instances_handler() {
  return [](RouteCall& call) {
    call.state->engine->own_process_instances(
        call.identity, call.page,
        respond_json<PagedList<ProcessInstanceInfo>>(call.responder, [](const auto& list) {
          return process_instance_list_json(list);
        }));
  };
}

RouteHandler correlation_results_handler() {
  return [](RouteCall& call) {
    call.state->engine->correlation_results(
        call.identity, std::string(call.request.param("correlation_id")),
        std::string(call.request.param("process_model_id")),
        respond_json<std::vector<CorrelationResult>>(call.responder, [](const auto& results) {
          return correlation_result_list_json(results);
        }));
  };
}

}  // namespace processhost::plugins::http_api
