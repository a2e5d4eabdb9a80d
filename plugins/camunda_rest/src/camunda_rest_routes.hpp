#pragma once
// The /engine-rest route table: the subset of Camunda 7's REST API that Camunda Modeler's
// deploy and start buttons and simple scripts use (docs/camunda-rest.md), and its handlers.

#include <vector>

#include "plugin_common/http_api/route_descriptor.hpp"

namespace processhost::plugins::camunda_rest {

using http_api::RouteDescriptor;
using http_api::RouteHandler;

inline constexpr const char* kEngineRestBase = "/engine-rest";
// The Camunda 7 REST API version whose shapes /engine-rest follows (GET /version).
inline constexpr const char* kCamundaRestVersion = "7.20.0";
// Largest deployment body: a BPMN document with its diagram, in a multipart form.
inline constexpr std::size_t kMaxDeploymentBodyBytes = 16 * 1024 * 1024;

std::vector<RouteDescriptor> camunda_rest_routes();

// deployment_handlers.cpp
RouteHandler create_deployment_handler();
RouteHandler list_deployments_handler();
RouteHandler count_deployments_handler();
RouteHandler get_deployment_handler();

// definition_handlers.cpp
RouteHandler list_definitions_handler();
RouteHandler count_definitions_handler();
enum class DefinitionView { definition, bpmn_xml };
RouteHandler get_definition_handler(bool by_key, DefinitionView view);

// start_handlers.cpp
RouteHandler start_instance_handler(bool by_key);

}  // namespace processhost::plugins::camunda_rest
