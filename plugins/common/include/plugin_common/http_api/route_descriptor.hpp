#pragma once
// One row of an API plugin's route table. The same rows register the routes with the
// host's router and generate the OpenAPI document, so the two cannot drift apart.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "plugin_common/http_api/api_state.hpp"
#include "plugin_common/http_api/openapi.hpp"
#include "processhost/services/engine.hpp"
#include "processhost/services/http.hpp"
#include "processhost/services/identity.hpp"

namespace processhost::plugins::http_api {

// One request on its way through a route: authenticated, paging parsed.
struct RouteCall {
  ApiStatePtr state;
  HttpRequest request;
  std::shared_ptr<Responder> responder;
  Identity identity;
  PageRequest page;  // paged routes only
};

// Runs on an I/O thread; must not block. Answers through call.responder, now or later.
using RouteHandler = std::function<void(RouteCall& call)>;

// A route of the table: its description (path, claim, paging, OpenAPI) and its handler.
struct RouteDescriptor : RouteDoc {
  RouteHandler handler;
  RouteOptions options;  // the host's defaults unless the route needs more (a deploy's body)
};

// The descriptions of a table, for build_openapi_document; valid while routes is.
inline std::vector<const RouteDoc*> route_docs(const std::vector<RouteDescriptor>& routes) {
  std::vector<const RouteDoc*> docs;
  docs.reserve(routes.size());
  for (const auto& route : routes) docs.push_back(&route);
  return docs;
}

}  // namespace processhost::plugins::http_api
