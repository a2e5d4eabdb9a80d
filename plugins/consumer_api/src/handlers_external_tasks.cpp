#include <string>
#include <utility>

#include "plugin_common/http_api/respond.hpp"
#include "consumer_api_routes.hpp"
#include "plugin_common/http_api/handlers.hpp"
#include "plugin_common/http_api/json_mapping.hpp"
#include "plugin_common/http_api/request_parsing.hpp"

namespace processhost::plugins::consumer_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

RouteHandler fetch_and_lock_handler() {
  return [](RouteCall& call) {
    auto request = parse_fetch_and_lock(call.request.body, call.request.json_limits);
    if (!request.ok()) return call.responder->respond(HttpResponse::error(request.error()));
    auto waits = call.state->waits;
    auto wait_id = waits->add(call.responder);
    if (!wait_id) {
      return call.responder->respond(
          HttpResponse::error(ErrorStatus::unavailable, "The Consumer API is shutting down."));
    }
    const std::uint64_t id = *wait_id;
    // A worker that disconnects while polling must not get tasks locked for it.
    call.responder->on_cancel([waits, id] { waits->cancel(id); });
    auto reply = respond_json<std::vector<ExternalTask>>(call.responder, [](const auto& tasks) {
      return external_task_array_json(tasks);
    });
    auto handle = call.state->engine->fetch_and_lock(
        call.identity, std::move(request.value()),
        [waits, id, reply](Result<std::vector<ExternalTask>> tasks) {
          if (waits->finish(id)) reply(std::move(tasks));
        });
    waits->attach(id, std::move(handle));
  };
}

RouteHandler extend_lock_handler() {
  return [](RouteCall& call) {
    auto body = parse_extend_lock(call.request.body, call.request.json_limits);
    if (!body.ok()) return call.responder->respond(HttpResponse::error(body.error()));
    call.state->engine->extend_lock(call.identity, std::string(call.request.param("external_task_id")),
                                    std::move(body.value().worker_id), body.value().additional_duration_ms,
                                    respond_no_content(call.responder));
  };
}

RouteHandler complete_external_task_handler(ExternalTaskOutcome::Kind kind) {
  return [kind](RouteCall& call) {
    Result<ExternalTaskOutcome> outcome = kind == ExternalTaskOutcome::Kind::finish
                                              ? parse_external_task_finish(call.request.body, call.request.json_limits)
                                          : kind == ExternalTaskOutcome::Kind::bpmn_error
                                              ? parse_bpmn_error(call.request.body, call.request.json_limits)
                                              : parse_service_error(call.request.body, call.request.json_limits);
    if (!outcome.ok()) return call.responder->respond(HttpResponse::error(outcome.error()));
    call.state->engine->complete_external_task(call.identity, std::string(call.request.param("external_task_id")),
                                               std::move(outcome.value()), respond_no_content(call.responder));
  };
}

}  // namespace processhost::plugins::consumer_api
