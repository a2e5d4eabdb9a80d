#include "openapi_document.hpp"

#include "model_versions.hpp"
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
    "overwriteExisting": {"type": "boolean", "description": "Replace a deployed model of that name (default false: 409)"}}},
  "OwnerIdentity": {"type": "object", "required": ["userId"], "properties": {"userId": {"type": "string"}},
                    "description": "Whose identity; the token is never kept, so never shown"},
  "CronjobList": {"type": "object", "required": ["cronjobs", "totalCount"], "properties": {
    "cronjobs": {"type": "array", "items": {"type": "object",
      "required": ["processModelId", "startEventId", "crontab", "nextExecution"], "properties": {
      "processModelId": {"type": "string"}, "startEventId": {"type": "string"},
      "crontab": {"type": "string", "description": "6 fields, seconds first"},
      "nextExecution": {"type": "string", "format": "date-time", "nullable": true}}}},
    "totalCount": {"type": "integer"}}},
  "CronjobHistoryList": {"type": "object", "required": ["cronjobHistories", "totalCount"], "properties": {
    "cronjobHistories": {"type": "array", "items": {"type": "object",
      "required": ["processModelId", "startEventId", "crontab", "executedAt"], "properties": {
      "processModelId": {"type": "string"}, "startEventId": {"type": "string"}, "crontab": {"type": "string"},
      "executedAt": {"type": "string", "format": "date-time"},
      "processInstanceId": {"type": "string", "description": "The instance the execution started"}}}},
    "totalCount": {"type": "integer"}}},
  "FlowNodeRuntimeInformation": {"type": "object", "required": ["processModelId", "flowNodeId",
      "arithmeticMeanRuntimeInMs", "firstQuartileRuntimeInMs", "medianRuntimeInMs", "thirdQuartileRuntimeInMs",
      "minRuntimeInMs", "maxRuntimeInMs"], "properties": {
    "processModelId": {"type": "string"}, "flowNodeId": {"type": "string"},
    "arithmeticMeanRuntimeInMs": {"type": "number"}, "firstQuartileRuntimeInMs": {"type": "number"},
    "medianRuntimeInMs": {"type": "number"}, "thirdQuartileRuntimeInMs": {"type": "number"},
    "minRuntimeInMs": {"type": "number"}, "maxRuntimeInMs": {"type": "number"}}},
  "FlowNodeRuntimeInformationList": {"type": "object", "required": ["flowNodeRuntimeInformation", "totalCount"],
    "properties": {
    "flowNodeRuntimeInformation": {"type": "array", "items": {"$ref": "#/components/schemas/FlowNodeRuntimeInformation"}},
    "totalCount": {"type": "integer"}}},
  "LogEntryList": {"type": "object", "required": ["logEntries", "totalCount"], "properties": {
    "logEntries": {"type": "array", "items": {"type": "object", "properties": {
      "timeStamp": {"type": "string", "format": "date-time"}, "correlationId": {"type": "string"},
      "processModelId": {"type": "string"}, "processInstanceId": {"type": "string"},
      "flowNodeInstanceId": {"type": "string"}, "flowNodeId": {"type": "string"},
      "logLevel": {"type": "string", "enum": ["debug", "info", "warn", "error"]}, "message": {"type": "string"},
      "measuredAt": {"type": "string", "enum": ["onFlowNodeEnter", "onFlowNodeExit", "onFlowNodeError", "onFlowNodeSuspend"]},
      "tokenPayload": {}, "error": {}}}},
    "totalCount": {"type": "integer"}}},
  "ProcessInstance": {"type": "object", "required": ["correlationId", "processModelId", "processInstanceId", "hash", "xml",
                                                     "state", "identity", "createdAt"], "properties": {
    "correlationId": {"type": "string"},
    "processDefinitionName": {"type": "string"},
    "processModelId": {"type": "string"},
    "processInstanceId": {"type": "string"},
    "parentProcessInstanceId": {"type": "string"},
    "hash": {"type": "string", "description": "Content hash of the version the instance runs"},
    "xml": {"type": "string", "description": "The BPMN document of that version"},
    "state": {"type": "string", "enum": ["running", "finished", "error", "terminated"]},
    "error": {"description": "The error the instance ended with, or null"},
    "identity": {"$ref": "#/components/schemas/OwnerIdentity"},
    "createdAt": {"type": "string", "format": "date-time"},
    "finishedAt": {"type": "string", "format": "date-time"}}},
  "ProcessInstanceList": {"type": "object", "required": ["processInstances", "totalCount"], "properties": {
    "processInstances": {"type": "array", "items": {"$ref": "#/components/schemas/ProcessInstance"}},
    "totalCount": {"type": "integer"}}},
  "Correlation": {"type": "object", "required": ["id", "processInstances", "state", "createdAt"], "properties": {
    "id": {"type": "string"},
    "processInstances": {"type": "array", "items": {"$ref": "#/components/schemas/ProcessInstance"}},
    "state": {"type": "string", "enum": ["running", "finished", "error"],
              "description": "error when an instance failed or was terminated, else running while one runs"},
    "error": {"description": "The error of the failed instance, or null"},
    "createdAt": {"type": "string", "format": "date-time"}}},
  "CorrelationList": {"type": "object", "required": ["correlations", "totalCount"], "properties": {
    "correlations": {"type": "array", "items": {"$ref": "#/components/schemas/Correlation"}},
    "totalCount": {"type": "integer"}}},
  "ProcessToken": {"type": "object", "properties": {
    "processInstanceId": {"type": "string"}, "processModelId": {"type": "string"}, "correlationId": {"type": "string"},
    "flowNodeInstanceId": {"type": "string"}, "identity": {"$ref": "#/components/schemas/OwnerIdentity"},
    "createdAt": {"type": "string", "format": "date-time"}, "caller": {"type": "string"},
    "type": {"type": "string", "enum": ["onEnter", "onExit"]}, "payload": {}}},
  "FlowNodeInstance": {"type": "object", "required": ["id", "flowNodeId", "flowNodeType", "state", "tokens"], "properties": {
    "id": {"type": "string"}, "flowNodeId": {"type": "string"}, "flowNodeType": {"type": "string"},
    "eventType": {"type": "string"}, "correlationId": {"type": "string"}, "processModelId": {"type": "string"},
    "processInstanceId": {"type": "string"},
    "tokens": {"type": "array", "items": {"$ref": "#/components/schemas/ProcessToken"}},
    "state": {"type": "string", "enum": ["running", "suspended", "finished", "terminated", "error"]},
    "error": {}, "owner": {"$ref": "#/components/schemas/OwnerIdentity"},
    "previousFlowNodeInstanceId": {"type": "string"}}},
  "FlowNodeInstanceList": {"type": "object", "required": ["flowNodeInstances", "totalCount"], "properties": {
    "flowNodeInstances": {"type": "array", "items": {"$ref": "#/components/schemas/FlowNodeInstance"}},
    "totalCount": {"type": "integer"}}},
  "TokenHistoryEntry": {"type": "object", "properties": {
    "flowNodeId": {"type": "string"}, "flowNodeInstanceId": {"type": "string"},
    "previousFlowNodeInstanceId": {"type": "string"}, "processInstanceId": {"type": "string"},
    "processModelId": {"type": "string"}, "correlationId": {"type": "string"},
    "tokenEventType": {"type": "string", "enum": ["onEnter", "onExit"]},
    "identity": {"$ref": "#/components/schemas/OwnerIdentity"}, "createdAt": {"type": "string", "format": "date-time"},
    "caller": {"type": "string"}, "payload": {}}},
  "TokenHistoryEntryList": {"type": "object", "required": ["tokenHistoryEntries", "totalCount"], "properties": {
    "tokenHistoryEntries": {"type": "array", "items": {"$ref": "#/components/schemas/TokenHistoryEntry"}},
    "totalCount": {"type": "integer"}}},
  "ActiveToken": {"type": "object", "properties": {
    "processInstanceId": {"type": "string"}, "processModelId": {"type": "string"}, "correlationId": {"type": "string"},
    "flowNodeId": {"type": "string"}, "flowNodeInstanceId": {"type": "string"},
    "identity": {"$ref": "#/components/schemas/OwnerIdentity"}, "createdAt": {"type": "string", "format": "date-time"},
    "payload": {}}},
  "ActiveTokenList": {"type": "object", "required": ["activeTokens", "totalCount"], "properties": {
    "activeTokens": {"type": "array", "items": {"$ref": "#/components/schemas/ActiveToken"}},
    "totalCount": {"type": "integer"}}},
  "TokenHistoryGroup": {"type": "object", "description": "processInstanceId -> TokenHistoryEntryList",
                        "additionalProperties": {"$ref": "#/components/schemas/TokenHistoryEntryList"}}
})json";

}  // namespace

std::string build_openapi_document(const std::vector<RouteDescriptor>& routes, std::string_view version) {
  // The schemas of routes with their own files come first (model_versions.hpp).
  const std::string schemas = "{" + std::string(kModelVersionSchemas) + std::string(kManagementSchemas.substr(1));
  return http_api::build_openapi_document(
      http_api::route_docs(routes),
      {.title = "ProcessHost Management API",
       .description = "Wire-compatible with the ProcessEngine Management API v13 for the routes listed here. "
                      "Errors are {\"message\", \"additionalInformation\"}.",
       .version = version,
       .components = http_api::contract_components(),
       .extra_schemas = schemas,
       .claim_note = " The claim can_manage_process_instances passes every check."});
}

}  // namespace processhost::plugins::management_api
