#include "plugin_common/http_api/route_dispatch.hpp"

#include <string>
#include <utility>

#include "plugin_common/http_api/admission.hpp"
#include "plugin_common/http_api/respond.hpp"

namespace processhost::plugins::http_api {

bool answer_unless_serving(const ApiState& state, Responder& responder) {
  if (state.serving.load()) return true;
  responder.respond(HttpResponse::error(ErrorStatus::unavailable,
                                        "The " + state.name + " is not serving: the host is starting or stopping."));
  return false;
}

HttpHandler make_http_handler(ApiStatePtr state, std::shared_ptr<const RouteDescriptor> route) {
  return [state = std::move(state), route = std::move(route)](HttpRequest request,
                                                              std::shared_ptr<Responder> responder) {
    respond_guarded(*responder, [&] {
      if (!answer_unless_serving(*state, *responder)) return;
      auto admission = admit(state->identity, request, *route, state->super_claim);
      if (!admission.ok()) return responder->respond(HttpResponse::error(admission.error()));
      RouteCall call{state, std::move(request), responder, std::move(admission.value().identity),
                     admission.value().page};
      route->handler(call);
    });
  };
}

}  // namespace processhost::plugins::http_api
