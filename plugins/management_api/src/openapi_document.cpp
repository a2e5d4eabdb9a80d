#include "openapi_document.hpp"

#include "plugin_common/http_api/openapi.hpp"

namespace processhost::plugins::management_api {
namespace {

constexpr std::string_view kManagementSchemas = R"json({
  "ProcessModel": {"type": "object", "required": ["id", "xml", "startEvents", "endEvents"], "properties": {
    "id": {"type": "string"},
    "xml": {"type": "string", "description": "The BPMN document of the deployed version"},
    "startEvents": {"type": "array", "items": {"$ref": "#/components/schemas/ProcessModelEvent"}},
    "endEvents": {"type": "array", "items": {"$ref": "#/components/schemas/ProcessModelEvent"}}}},
  "UpdateProcessDefinitionsRequestPayload": {"type": "object", "required": ["xml"], "properties": {
    "xml": {"type": "string", "description": "A BPMN document with exactly one process, named as in the URL"},
    "overwriteExisting": {"type": "boolean", "description": "Replace a deployed model of that name (default false: 409)"}}}
})json";

}  // namespace

std::string build_openapi_document(const std::vector<RouteDescriptor>& routes, std::string_view version) {
  return http_api::build_openapi_document(
      http_api::route_docs(routes),
      {.title = "ProcessHost Management API",
       .description = "Wire-compatible with the ProcessEngine Management API v13 for the routes listed here. "
                      "Errors are {\"message\", \"additionalInformation\"}.",
       .version = version,
       .components = http_api::contract_components(),
       .extra_schemas = kManagementSchemas,
       .claim_note = " The claim can_manage_process_instances passes every check."});
}

}  // namespace processhost::plugins::management_api
