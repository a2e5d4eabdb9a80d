#pragma once
// The OpenAPI document of /engine-rest, built from its route table.

#include <string>
#include <string_view>
#include <vector>

#include "plugin_common/http_api/route_descriptor.hpp"

namespace processhost::plugins::camunda_rest {

std::string build_openapi_document(const std::vector<http_api::RouteDescriptor>& routes, std::string_view version);

}  // namespace processhost::plugins::camunda_rest
