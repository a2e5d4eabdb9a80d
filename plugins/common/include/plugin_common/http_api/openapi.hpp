#pragma once
// What an HTTP API plugin's route table says about each route, and the OpenAPI 3 document
// of exactly those routes: one operation per route, with its path and query parameters,
// body, and every status it answers. The same rows register the routes with the host's
// router, so the document cannot drift from what is served.

#include <string>
#include <string_view>
#include <vector>

namespace processhost::plugins::http_api {

struct QueryParamDoc {
  std::string name;
  std::string type;  // OpenAPI type: "string", "integer", "boolean"
  bool required = false;
  std::string description;
};

// The description of one route; the plugin's descriptor adds its handler.
struct RouteDoc {
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
  std::string request_media_type = "application/json";
  bool request_required = false;
  int success_status = 200;
  std::string response_schema;      // components/schemas name; empty = no body (204)
  std::vector<int> error_statuses;  // route-specific statuses; auth and 500/503 are added
};

// Every status the route can answer with, sorted: success, route-specific, auth, 500/503.
std::vector<int> route_statuses(const RouteDoc& route);

struct OpenApiInfo {
  std::string_view title;
  std::string_view description;
  std::string_view version;
  // A complete JSON object {"schemas": {...}, "securitySchemes": {...}}; must hold "Error".
  std::string_view components;
  // A JSON object of schemas added to (or replacing those of) components.schemas; may be empty.
  std::string_view extra_schemas;
  // Extra text for the claim line of an operation (e.g. a claim that passes every check).
  std::string_view claim_note;
};

// The JSON schemas of the contract types the Consumer API (reference 3.2) and the Management
// API share, as the "components" object: {"schemas": {...}, "securitySchemes": {...}}.
std::string_view contract_components();

// Control plane; throws std::logic_error when a route names a schema the components lack.
std::string build_openapi_document(const std::vector<const RouteDoc*>& routes, const OpenApiInfo& info);

// "/a/:b/c" -> "/a/{b}/c"; the names of the parameters in order.
std::string openapi_path(std::string_view pattern);
std::vector<std::string> path_parameters(std::string_view pattern);

}  // namespace processhost::plugins::http_api
