#pragma once
// Turning engine completions into API responses. The callbacks built here capture only the
// responder (and what the mapping needs), never the plugin, so they are safe to run on
// an engine thread after the plugin stopped.

#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "plugin_common/http_api/error_mapping.hpp"
#include "processhost/services/engine.hpp"
#include "processhost/services/http.hpp"

namespace processhost::plugins::http_api {

// Runs work that answers through the responder; an exception it throws becomes a 500. The
// one place the API catches: around a route's handler, and around each engine completion
// (which runs on an engine thread that must not see the API's exceptions).
template <class Work>
void respond_guarded(Responder& responder, Work&& work) {
  try {
    std::forward<Work>(work)();
  } catch (const std::exception& exception) {
    responder.respond(HttpResponse::error(ErrorStatus::internal, std::string("Internal error: ") + exception.what()));
  }
}

// 200 with to_json(value), or the error as the API words it.
template <class T, class ToJson>
Callback<T> respond_json(std::shared_ptr<Responder> responder, ToJson to_json) {
  return [responder = std::move(responder), to_json = std::move(to_json)](Result<T> result) {
    respond_guarded(*responder, [&] {
      if (!result.ok()) return responder->respond(error_response(result.error()));
      responder->respond(HttpResponse::json(200, to_json(result.value())));
    });
  };
}

// 204, or the error as the API words it.
inline Callback<Ok> respond_no_content(std::shared_ptr<Responder> responder) {
  return [responder = std::move(responder)](Result<Ok> result) {
    respond_guarded(*responder, [&] {
      responder->respond(result.ok() ? HttpResponse::no_content() : error_response(result.error()));
    });
  };
}

}  // namespace processhost::plugins::http_api
