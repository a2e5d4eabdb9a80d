#pragma once
// The Management API's route table (contracts 13, base /api/management/v1: the routes the
// engine service can serve) and the handlers only it has.

#include <cstddef>
#include <string_view>
#include <vector>

#include "plugin_common/http_api/route_descriptor.hpp"

namespace processhost::plugins::management_api {

using http_api::RouteDescriptor;
using http_api::RouteHandler;

inline constexpr const char* kManagementApiBase = "/api/management/v1";
// Largest deploy request (the update route): BPMN documents with their diagrams outgrow the
// host's default body limit; one JSON string of the body may be as long.
inline constexpr std::size_t kMaxDeployBodyBytes = 16 * 1024 * 1024;

// Claims of the original Management API. The super-admin claim passes every check; reading
// covers every route that does not deploy, trigger or need its own claim.
inline constexpr std::string_view kSuperAdminClaim = claims::kManageProcessInstances;
inline constexpr std::string_view kWriteProcessModelClaim = "can_write_process_model";

// The complete table. Every route but /swagger requires a claim.
std::vector<RouteDescriptor> management_api_routes();

// ProcessModel / ProcessModelList with each model's BPMN document ("xml").
RouteHandler list_process_models_with_xml_handler();
RouteHandler get_process_model_with_xml_handler();
// POST .../:process_definitions_name/update with UpdateProcessDefinitionsRequestPayload.
RouteHandler update_process_definitions_handler();

}  // namespace processhost::plugins::management_api
