#include "plugin_common/http_api/route_dispatch.hpp"

#include <exception>
#include <string>
#include <utility>

#include "plugin_common/http_api/admission.hpp"

namespace processhost::plugins::http_api {

HttpHandler make_http_handler(ApiStatePtr state, std::shared_ptr<const RouteDescriptor> route) {
  return [state = std::move(state), route = std::move(route)](HttpRequest request,
                                                              std::shared_ptr<Responder> responder) {
    try {
      if (!state->serving.load()) {
        responder->respond(HttpResponse::error(ErrorStatus::unavailable, "The " + state->name +
                                                                            " is not serving: the host is starting or stopping."));
        return;
      }
      auto admission = admit(state->identity, request, *route, state->super_claim);
      if (!admission.ok()) {
        responder->respond(HttpResponse::error(admission.error()));
        return;
      }
      RouteCall call{state, std::move(request), responder, std::move(admission.value().identity),
                     admission.value().page};
      route->handler(call);
    } catch (const std::exception& exception) {
      responder->respond(HttpResponse::error(ErrorStatus::internal, std::string("Internal error: ") + exception.what()));
    }
  };
}

}  // namespace processhost::plugins::http_api
