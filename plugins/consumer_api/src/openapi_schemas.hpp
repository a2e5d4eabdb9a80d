#pragma once
// The JSON schemas of the Consumer API's contract types (reference 3.2), as the
// "components" object of the OpenAPI document. Route descriptors name them.

#include <string>
#include <string_view>
#include <vector>

#include "consumer_api_routes.hpp"

namespace processhost::plugins::consumer_api {

// A complete JSON object: {"schemas": {...}, "securitySchemes": {...}}.
std::string_view openapi_components();

// The Consumer API's OpenAPI document of exactly these routes. Control plane; throws
// std::logic_error when a route names an unknown schema.
std::string build_openapi_document(const std::vector<RouteDescriptor>& routes, std::string_view version);

}  // namespace processhost::plugins::consumer_api
