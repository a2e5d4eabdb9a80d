#pragma once
// Wraps a route's handler into the host's HttpHandler: 503 unless serving, the auth
// header rules, the route's claim, offset/limit parsing, and a 500 for anything thrown.

#include <memory>

#include "plugin_common/http_api/api_state.hpp"
#include "plugin_common/http_api/route_descriptor.hpp"
#include "processhost/services/http.hpp"

namespace processhost::plugins::http_api {

HttpHandler make_http_handler(ApiStatePtr state, std::shared_ptr<const RouteDescriptor> route);

}  // namespace processhost::plugins::http_api
