#pragma once
// Answering /engine-rest requests: Camunda's exception body for errors, and the stored
// definitions numbered as Camunda versions for the handlers that need them.

#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "camunda_json.hpp"
#include "definition_versions.hpp"
#include "plugin_common/http_api/api_state.hpp"
#include "processhost/services/http.hpp"

namespace processhost::plugins::camunda_rest {

inline void respond_error(Responder& responder, const Error& error) {
  responder.respond(HttpResponse::json(error.http_status(), exception_json(error)));
}

inline void respond_json(Responder& responder, std::string body) {
  responder.respond(HttpResponse::json(200, std::move(body)));
}

// Runs then(versions, responder) with every stored definition numbered (definition_versions.hpp), or
// answers the store's error. then runs on a store thread and must not block.
template <class Then>
void with_versions(const http_api::ApiStatePtr& state, std::shared_ptr<Responder> responder, Then then) {
  state->store->load_definitions([responder = std::move(responder),
                                  then = std::move(then)](Result<std::vector<ProcessDefinitionRecord>> records) mutable {
    if (!records.ok()) return respond_error(*responder, records.error());
    try {
      then(number_versions(std::move(records.value())), responder);
    } catch (const std::exception& exception) {
      respond_error(*responder, make_error(ErrorStatus::internal, std::string("Internal error: ") + exception.what()));
    }
  });
}

}  // namespace processhost::plugins::camunda_rest
