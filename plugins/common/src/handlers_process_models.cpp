#include <algorithm>
#include <cstdint>
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

// Long enough for a UUID or a client's own request ids, short enough to bound the key table.
constexpr std::size_t kMaxIdempotencyKeyLength = 200;

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
    if (auto key = call.request.header("idempotency-key")) {
      // Printable ASCII, as HTTP header values are; it is stored with the instance it starts.
      const bool printable = std::all_of(key->begin(), key->end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
      if (key->empty() || key->size() > kMaxIdempotencyKeyLength || !printable) {
        return call.responder->respond(HttpResponse::error(
            ErrorStatus::bad_request, "Idempotency-Key must be 1 to " + std::to_string(kMaxIdempotencyKeyLength) +
                                          " printable ASCII characters without spaces"));
      }
      request.idempotency_key = std::string(*key);
    }
    auto waits = call.state->waits;
    auto wait_id = waits->add(call.responder);
    if (!wait_id) {
      return call.responder->respond(
          HttpResponse::error(ErrorStatus::unavailable, "The " + call.state->name + " is shutting down."));
    }
    const std::uint64_t id = *wait_id;
    // A client that leaves drops the wait; the process itself goes on.
    call.responder->on_cancel([waits, id] { waits->cancel(id); });
    auto reply = respond_json<StartResult>(call.responder, [](const auto& result) { return start_result_json(result); });
    // The engine decides whether the model, its start and end events allow the start.
    auto handle = call.state->engine->start(call.identity, std::move(request),
                                            [waits, id, reply](Result<StartResult> result) {
                                              if (waits->finish(id)) reply(std::move(result));
                                            });
    waits->attach(id, std::move(handle));
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
