#pragma once
// The Consumer API's OpenAPI document, from its route table and the contract schemas
// (plugin_common/http_api/openapi.hpp, contract_components()).

#include <string>
#include <string_view>
#include <vector>

#include "consumer_api_routes.hpp"

namespace processhost::plugins::consumer_api {

// The Consumer API's OpenAPI document of exactly these routes. Control plane; throws
// std::logic_error when a route names an unknown schema.
std::string build_openapi_document(const std::vector<RouteDescriptor>& routes, std::string_view version);

}  // namespace processhost::plugins::consumer_api
