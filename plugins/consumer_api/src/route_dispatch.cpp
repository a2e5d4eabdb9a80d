#include "route_dispatch.hpp"

#include <exception>
#include <string>
#include <utility>

#include "authenticator.hpp"
#include "request_parsing.hpp"

namespace processhost::plugins::consumer_api {

HttpHandler make_http_handler(ApiStatePtr state, std::shared_ptr<const RouteDescriptor> route) {
  return [state = std::move(state), route = std::move(route)](HttpRequest request,
                                                              std::shared_ptr<Responder> responder) {
    try {
      if (!state->serving.load()) {
        responder->respond(HttpResponse::error(ErrorStatus::unavailable,
                                               "The Consumer API is not serving: the host is starting or stopping."));
        return;
      }
      RouteCall call{state, std::move(request), responder, Identity{}, PageRequest{}};
      if (route->authenticated) {
        auto identity = authenticate(state->identity, call.request);
        if (!identity.ok()) {
          responder->respond(HttpResponse::error(identity.error()));
          return;
        }
        call.identity = std::move(identity.value());
        if (!route->required_claim.empty()) {
          if (auto error = check_claim(call.identity, route->required_claim)) {
            responder->respond(HttpResponse::error(*error));
            return;
          }
        }
      }
      if (route->paged) {
        auto page = parse_page(call.request);
        if (!page.ok()) {
          responder->respond(HttpResponse::error(page.error()));
          return;
        }
        call.page = page.value();
      }
      route->handler(call);
    } catch (const std::exception& exception) {
      responder->respond(HttpResponse::error(ErrorStatus::internal, std::string("Internal error: ") + exception.what()));
    }
  };
}

}  // namespace processhost::plugins::consumer_api
