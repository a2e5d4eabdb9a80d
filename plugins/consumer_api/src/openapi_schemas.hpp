#pragma once
// The JSON schemas of the Consumer API's contract types (reference 3.2), as the
// "components" object of the OpenAPI document. Route descriptors name them.

#include <string_view>

namespace processhost::plugins::consumer_api {

// A complete JSON object: {"schemas": {...}, "securitySchemes": {...}}.
std::string_view openapi_components();

}  // namespace processhost::plugins::consumer_api
