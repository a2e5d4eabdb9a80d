#include "openapi_document.hpp"

#include "plugin_common/http_api/openapi.hpp"

namespace processhost::plugins::camunda_rest {
namespace {

// Camunda 7's DTOs as /engine-rest fills them; fields ProcessHost has no notion of are null.
constexpr std::string_view kCamundaSchemas = R"json({
  "CamundaVersion": {"type": "object", "required": ["version"], "properties": {"version": {"type": "string"}}},
  "CamundaEngineList": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}}}},
  "CamundaCount": {"type": "object", "required": ["count"], "properties": {"count": {"type": "integer"}}},
  "CamundaDeployment": {"type": "object", "required": ["id", "name", "deploymentTime"], "properties": {
    "links": {"type": "array", "items": {"type": "object"}},
    "id": {"type": "string", "description": "The content hash of the deployed BPMN document"},
    "name": {"type": "string", "description": "The key of the deployed process"},
    "source": {"type": "string", "nullable": true},
    "tenantId": {"type": "string", "nullable": true},
    "deploymentTime": {"type": "string", "description": "yyyy-MM-dd'T'HH:mm:ss.SSSZ, UTC"}}},
  "CamundaDeploymentList": {"type": "array", "items": {"$ref": "#/components/schemas/CamundaDeployment"}},
  "CamundaDeploymentWithDefinitions": {"allOf": [{"$ref": "#/components/schemas/CamundaDeployment"}, {
    "type": "object", "properties": {
      "deployedProcessDefinitions": {"type": "object",
        "additionalProperties": {"$ref": "#/components/schemas/CamundaProcessDefinition"}},
      "deployedCaseDefinitions": {"nullable": true},
      "deployedDecisionDefinitions": {"nullable": true},
      "deployedDecisionRequirementsDefinitions": {"nullable": true}}}]},
  "CamundaDeploymentForm": {"type": "object", "properties": {
    "deployment-name": {"type": "string"},
    "deployment-source": {"type": "string"},
    "deploy-changed-only": {"type": "boolean", "description": "Always the case: identical content is deployed once"},
    "enable-duplicate-filtering": {"type": "boolean"},
    "tenant-id": {"type": "string", "description": "Refused when not empty"},
    "data": {"type": "string", "format": "binary",
             "description": "The BPMN document; any part name, one document per deployment"}}},
  "CamundaProcessDefinition": {"type": "object", "required": ["id", "key", "version", "deploymentId"], "properties": {
    "id": {"type": "string", "description": "key:version:first 16 hex digits of the content hash"},
    "key": {"type": "string"},
    "category": {"type": "string", "nullable": true},
    "description": {"type": "string", "nullable": true},
    "name": {"type": "string", "nullable": true},
    "version": {"type": "integer", "description": "1, 2, ... in deployment order per key"},
    "resource": {"type": "string"},
    "deploymentId": {"type": "string"},
    "diagram": {"type": "string", "nullable": true},
    "suspended": {"type": "boolean"},
    "tenantId": {"type": "string", "nullable": true},
    "versionTag": {"type": "string", "nullable": true},
    "historyTimeToLive": {"type": "integer", "nullable": true},
    "startableInTasklist": {"type": "boolean"}}},
  "CamundaProcessDefinitionList": {"type": "array",
                                   "items": {"$ref": "#/components/schemas/CamundaProcessDefinition"}},
  "CamundaProcessDefinitionXml": {"type": "object", "required": ["id", "bpmn20Xml"], "properties": {
    "id": {"type": "string"}, "bpmn20Xml": {"type": "string"}}},
  "CamundaStartProcessInstance": {"type": "object", "properties": {
    "variables": {"type": "object", "description": "name -> {value, type, valueInfo}; the values form the input token",
                  "additionalProperties": {"type": "object", "properties": {
                    "value": {}, "type": {"type": "string"}, "valueInfo": {"type": "object"}}}},
    "businessKey": {"type": "string", "description": "Becomes the instance's correlation id"},
    "withVariablesInReturn": {"type": "boolean"}}},
  "CamundaProcessInstance": {"type": "object", "required": ["id", "definitionId"], "properties": {
    "links": {"type": "array", "items": {"type": "object"}},
    "id": {"type": "string"},
    "definitionId": {"type": "string"},
    "businessKey": {"type": "string", "nullable": true},
    "caseInstanceId": {"type": "string", "nullable": true},
    "ended": {"type": "boolean"},
    "suspended": {"type": "boolean"},
    "tenantId": {"type": "string", "nullable": true},
    "variables": {"type": "object", "description": "With withVariablesInReturn: the variables as sent"}}}
})json";

}  // namespace

std::string build_openapi_document(const std::vector<http_api::RouteDescriptor>& routes, std::string_view version) {
  return http_api::build_openapi_document(
      http_api::route_docs(routes),
      {.title = "ProcessHost Camunda 7 REST subset",
       .description = "The /engine-rest routes Camunda Modeler uses to deploy and start, in Camunda 7's shapes. "
                      "Errors are {\"type\", \"message\"}; a deployment's BPMN problems come as a ParseException "
                      "with details per resource.",
       .version = version,
       .components = http_api::contract_components(),
       .extra_schemas = kCamundaSchemas,
       .claim_note = " The claim can_manage_process_instances passes every check."});
}

}  // namespace processhost::plugins::camunda_rest
