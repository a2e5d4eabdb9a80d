#pragma once
// The Management API's OpenAPI document, from its route table and the contract schemas it
// shares with the Consumer API; ProcessModel gains "xml", and the update payload is added.

#include <string>
#include <string_view>
#include <vector>

#include "management_api_routes.hpp"

namespace processhost::plugins::management_api {

// Control plane; throws std::logic_error when a route names an unknown schema.
std::string build_openapi_document(const std::vector<RouteDescriptor>& routes, std::string_view version);

}  // namespace processhost::plugins::management_api
