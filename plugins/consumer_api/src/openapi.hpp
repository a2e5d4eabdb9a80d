#pragma once
// The OpenAPI 3 document of exactly the routes in the table: one operation per route
// descriptor, with its path and query parameters, body, and every status it answers.

#include <string>
#include <string_view>
#include <vector>

#include "route_descriptor.hpp"

namespace processhost::plugins::consumer_api {

// Control plane; throws std::logic_error when a descriptor names an unknown schema.
std::string build_openapi_document(const std::vector<RouteDescriptor>& routes, std::string_view version);

// "/a/:b/c" -> "/a/{b}/c"; the names of the parameters in order.
std::string openapi_path(std::string_view pattern);
std::vector<std::string> path_parameters(std::string_view pattern);

}  // namespace processhost::plugins::consumer_api
