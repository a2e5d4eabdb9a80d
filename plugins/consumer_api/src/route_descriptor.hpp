#pragma once
// One row of the Consumer API's route table. The same rows register the routes with the
// host's router and generate the OpenAPI document, so the two cannot drift apart.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "api_state.hpp"
#include "processhost/services/engine.hpp"
#include "processhost/services/http.hpp"
#include "processhost/services/identity.hpp"

namespace processhost::plugins::consumer_api {

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

struct QueryParamDoc {
  std::string name;
  std::string type;  // OpenAPI type: "string", "integer"
  bool required = false;
  std::string description;
};

struct RouteDescriptor {
  std::string method;   // "GET", "POST"
  std::string pattern;  // full path with ":name" parameters
  std::string operation_id;
  std::string tag;
  std::string summary;
  bool authenticated = true;
  bool paged = false;  // accepts offset/limit
  bool deprecated = false;
  std::string required_claim;  // checked before the handler runs; empty = none
  std::vector<QueryParamDoc> query;
  std::string request_schema;  // components/schemas name; empty = no body
  bool request_required = false;
  int success_status = 200;
  std::string response_schema;  // components/schemas name; empty = no body (204)
  std::vector<int> error_statuses;  // route-specific statuses; auth and 500/503 are added
  RouteHandler handler;
};

inline constexpr const char* kConsumerApiBase = "/api/consumer/v1";
inline constexpr const char* kExternalTaskApiBase = "/api/external_task/v1";

// The complete table, in the order of the reference's route table.
std::vector<RouteDescriptor> consumer_api_routes();

// Every status the route can answer with, sorted: success, route-specific, auth, 500/503.
std::vector<int> route_statuses(const RouteDescriptor& route);

}  // namespace processhost::plugins::consumer_api
