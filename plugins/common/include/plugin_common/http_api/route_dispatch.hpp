#pragma once
// Wraps a route's handler into the host's HttpHandler: 503 unless serving, the auth
// header rules, the route's claim, offset/limit parsing, and a 500 for anything thrown.

#include <memory>

#include "plugin_common/http_api/api_state.hpp"
#include "plugin_common/http_api/route_descriptor.hpp"
#include "processhost/services/http.hpp"

namespace processhost::plugins::http_api {

HttpHandler make_http_handler(ApiStatePtr state, std::shared_ptr<const RouteDescriptor> route);

// True while the API serves; otherwise answers 503 and returns false. Checked when a
// request arrives, and again where a handler goes on after an asynchronous step that may
// have outlived stop().
bool answer_unless_serving(const ApiState& state, Responder& responder);

}  // namespace processhost::plugins::http_api
