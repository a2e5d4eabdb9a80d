#pragma once
// The Consumer API's route table and the handlers only it has (external tasks).

#include <vector>

#include "plugin_common/http_api/route_descriptor.hpp"
#include "processhost/services/engine.hpp"

namespace processhost::plugins::consumer_api {

using http_api::RouteDescriptor;
using http_api::RouteHandler;

inline constexpr const char* kConsumerApiBase = "/api/consumer/v1";
inline constexpr const char* kExternalTaskApiBase = "/api/external_task/v1";

// The complete table, in the order of the reference's route table.
std::vector<RouteDescriptor> consumer_api_routes();

RouteHandler fetch_and_lock_handler();
RouteHandler extend_lock_handler();
RouteHandler complete_external_task_handler(ExternalTaskOutcome::Kind kind);

}  // namespace processhost::plugins::consumer_api
