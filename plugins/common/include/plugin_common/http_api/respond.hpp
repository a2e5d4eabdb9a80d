#pragma once
// Turning engine completions into API responses. The callbacks built here capture only the
// responder (and what the mapping needs), never the plugin, so they are safe to run on
// an engine thread after the plugin stopped.

#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "processhost/services/engine.hpp"
#include "processhost/services/http.hpp"

namespace processhost::plugins::http_api {

inline void respond_exception(Responder& responder, const std::exception& exception) {
  responder.respond(HttpResponse::error(ErrorStatus::internal, std::string("Internal error: ") + exception.what()));
}

// 200 with to_json(value), or the engine's error as it is.
template <class T, class ToJson>
Callback<T> respond_json(std::shared_ptr<Responder> responder, ToJson to_json) {
  return [responder = std::move(responder), to_json = std::move(to_json)](Result<T> result) {
    try {
      if (!result.ok()) {
        responder->respond(HttpResponse::error(result.error()));
        return;
      }
      responder->respond(HttpResponse::json(200, to_json(result.value())));
    } catch (const std::exception& exception) {
      respond_exception(*responder, exception);
    }
  };
}

// 204, or the engine's error as it is.
inline Callback<Ok> respond_no_content(std::shared_ptr<Responder> responder) {
  return [responder = std::move(responder)](Result<Ok> result) {
    responder->respond(result.ok() ? HttpResponse::no_content() : HttpResponse::error(result.error()));
  };
}

}  // namespace processhost::plugins::http_api
