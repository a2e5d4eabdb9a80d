#include "plugin_common/http_api/openapi.hpp"

namespace processhost::plugins::http_api {

std::string_view contract_components() {
  return R"json({
  "securitySchemes": {
    "bearerAuth": {"type": "http", "scheme": "bearer",
      "description": "Authorization: Bearer <token>, verified by the identity service. Without an identity service the API is open."}
  },
  "schemas": {
    "Error": {"type": "object", "required": ["message"], "properties": {
      "message": {"type": "string"},
      "additionalInformation": {"description": "Details, e.g. the missing claim or the startEventIds to choose from"}}},
    "ApplicationInfo": {"type": "object", "required": ["name", "version"], "properties": {
      "name": {"type": "string"}, "version": {"type": "string"}}},
    "OpenApiDocument": {"type": "object", "description": "This document"},
    "EmptyObject": {"type": "object", "description": "Ignored; clients send {}"},
    "ProcessModelEvent": {"type": "object", "required": ["id", "bpmnType", "processModelId"], "properties": {
      "id": {"type": "string"},
      "eventName": {"type": "string", "description": "BPMN name of the event; absent when it has none"},
      "bpmnType": {"type": "string", "enum": ["bpmn:StartEvent", "bpmn:EndEvent"]},
      "processModelId": {"type": "string"}}},
    "ProcessModel": {"type": "object", "required": ["id", "startEvents", "endEvents"], "properties": {
      "id": {"type": "string"},
      "startEvents": {"type": "array", "items": {"$ref": "#/components/schemas/ProcessModelEvent"}},
      "endEvents": {"type": "array", "items": {"$ref": "#/components/schemas/ProcessModelEvent"}}}},
    "ProcessModelList": {"type": "object", "required": ["processModels", "totalCount"], "properties": {
      "processModels": {"type": "array", "items": {"$ref": "#/components/schemas/ProcessModel"}},
      "totalCount": {"type": "integer", "description": "Matching models before offset/limit"}}},
    "ProcessStartRequestPayload": {"type": "object", "properties": {
      "correlationId": {"type": "string", "description": "A fresh UUID v4 when absent"},
      "callerId": {"type": "string", "description": "Parent process instance id"},
      "inputValues": {"description": "Initial token payload; {} when absent"}}},
    "ProcessStartResponsePayload": {"type": "object", "required": ["correlationId", "processInstanceId"], "properties": {
      "correlationId": {"type": "string"},
      "processInstanceId": {"type": "string"},
      "endEventId": {"type": "string", "description": "start_callback_type 2 and 3"},
      "tokenPayload": {"description": "start_callback_type 2 and 3: the payload at the end event"}}},
    "Identity": {"type": "object", "required": ["userId", "token"], "properties": {
      "userId": {"type": "string"},
      "token": {"type": "string", "description": "Always empty: tokens are never echoed"}}},
    "ProcessInstance": {"type": "object", "required": ["id", "owner", "correlationId", "processModelId"], "properties": {
      "id": {"type": "string"},
      "owner": {"$ref": "#/components/schemas/Identity"},
      "correlationId": {"type": "string"},
      "processModelId": {"type": "string"},
      "parentProcessInstanceId": {"type": "string"}}},
    "ProcessInstanceList": {"type": "object", "required": ["processInstances", "totalCount"], "properties": {
      "processInstances": {"type": "array", "items": {"$ref": "#/components/schemas/ProcessInstance"}},
      "totalCount": {"type": "integer", "description": "Matching instances before offset/limit"}}},
    "CorrelationResult": {"type": "object", "required": ["correlationId", "endEventId", "tokenPayload"], "properties": {
      "correlationId": {"type": "string"},
      "endEventId": {"type": "string"},
      "tokenPayload": {"description": "The payload the end event was reached with"}}},
    "CorrelationResultList": {"type": "object", "required": ["correlationResults", "totalCount"], "properties": {
      "correlationResults": {"type": "array", "items": {"$ref": "#/components/schemas/CorrelationResult"}},
      "totalCount": {"type": "integer", "description": "Number of results"}}},
    "Event": {"type": "object",
      "required": ["id", "eventName", "bpmnType", "eventType", "flowNodeInstanceId", "correlationId", "processModelId", "processInstanceId"],
      "properties": {
        "id": {"type": "string"},
        "eventName": {"type": "string", "description": "The message or signal name to trigger it with"},
        "bpmnType": {"type": "string"},
        "eventType": {"type": "string", "enum": ["messageEvent", "signalEvent", "terminateEvent", "timerEvent", "errorEvent"]},
        "flowNodeInstanceId": {"type": "string"},
        "correlationId": {"type": "string"},
        "processModelId": {"type": "string"},
        "processInstanceId": {"type": "string"}}},
    "EventList": {"type": "object", "required": ["events", "totalCount"], "properties": {
      "events": {"type": "array", "items": {"$ref": "#/components/schemas/Event"}},
      "totalCount": {"type": "integer", "description": "Number of events returned"}}},
    "EventTriggerPayload": {"description": "Any JSON value; a waiting catch event takes its currentToken property as its result"},
    "UserTaskFormFieldEnumValue": {"type": "object", "required": ["id", "name"], "properties": {
      "id": {"type": "string"}, "name": {"type": "string"}}},
    "UserTaskFormField": {"type": "object", "required": ["id"], "properties": {
      "id": {"type": "string"},
      "type": {"type": "string", "enum": ["boolean", "date", "enum", "long", "number", "string"],
        "description": "Absent when the model uses another (custom) type"},
      "label": {"description": "Evaluated expression; usually a string"},
      "defaultValue": {"description": "Evaluated expression"},
      "preferredControl": {"description": "Evaluated expression; usually a string"},
      "enumValues": {"type": "array", "items": {"$ref": "#/components/schemas/UserTaskFormFieldEnumValue"}}}},
    "UserTaskConfig": {"type": "object", "required": ["formFields"], "properties": {
      "formFields": {"type": "array", "items": {"$ref": "#/components/schemas/UserTaskFormField"}},
      "preferredControl": {"type": "string"},
      "description": {"type": "string"},
      "finishedMessage": {"type": "string"}}},
    "UserTask": {"type": "object",
      "required": ["flowNodeType", "id", "name", "flowNodeInstanceId", "correlationId", "processModelId", "processInstanceId", "data", "tokenPayload"],
      "properties": {
        "flowNodeType": {"type": "string", "enum": ["bpmn:UserTask"]},
        "id": {"type": "string", "description": "BPMN id of the task"},
        "name": {"type": "string"},
        "flowNodeInstanceId": {"type": "string", "description": "Use this id to finish the task"},
        "correlationId": {"type": "string"},
        "processModelId": {"type": "string"},
        "processInstanceId": {"type": "string"},
        "data": {"$ref": "#/components/schemas/UserTaskConfig"},
        "camunda": {"type": "object", "description": "ProcessHost addition, present when the model sets any: camunda:assignee (string), candidateUsers and candidateGroups (arrays of strings), dueDate, followUpDate, priority, evaluated; information only, lanes remain the access control",
          "properties": {"assignee": {}, "candidateUsers": {"type": "array"}, "candidateGroups": {"type": "array"}, "dueDate": {}, "followUpDate": {}, "priority": {}}},
        "tokenPayload": {"description": "The payload the task was suspended with"}}},
    "UserTaskList": {"type": "object", "required": ["userTasks", "totalCount"], "properties": {
      "userTasks": {"type": "array", "items": {"$ref": "#/components/schemas/UserTask"}},
      "totalCount": {"type": "integer", "description": "Number of tasks returned"}}},
    "UserTaskResult": {"type": "object", "properties": {
      "formFields": {"type": "object", "additionalProperties": true, "description": "Field id to value; {} when absent"}}},
    "ManualTask": {"type": "object",
      "required": ["flowNodeType", "id", "name", "flowNodeInstanceId", "correlationId", "processModelId", "processInstanceId", "tokenPayload"],
      "properties": {
        "flowNodeType": {"type": "string", "enum": ["bpmn:ManualTask"]},
        "id": {"type": "string"}, "name": {"type": "string"}, "flowNodeInstanceId": {"type": "string"},
        "correlationId": {"type": "string"}, "processModelId": {"type": "string"}, "processInstanceId": {"type": "string"},
        "tokenPayload": {}}},
    "ManualTaskList": {"type": "object", "required": ["manualTasks", "totalCount"], "properties": {
      "manualTasks": {"type": "array", "items": {"$ref": "#/components/schemas/ManualTask"}},
      "totalCount": {"type": "integer", "description": "Number of tasks returned"}}},
    "EmptyActivity": {"type": "object",
      "required": ["flowNodeType", "id", "name", "flowNodeInstanceId", "correlationId", "processModelId", "processInstanceId", "tokenPayload"],
      "properties": {
        "flowNodeType": {"type": "string", "enum": ["bpmn:Task"]},
        "id": {"type": "string"}, "name": {"type": "string"}, "flowNodeInstanceId": {"type": "string"},
        "correlationId": {"type": "string"}, "processModelId": {"type": "string"}, "processInstanceId": {"type": "string"},
        "tokenPayload": {}}},
    "EmptyActivityList": {"type": "object", "required": ["emptyActivities", "totalCount"], "properties": {
      "emptyActivities": {"type": "array", "items": {"$ref": "#/components/schemas/EmptyActivity"}},
      "totalCount": {"type": "integer", "description": "Number of activities returned"}}},
    "TaskList": {"type": "object", "required": ["tasks", "totalCount"], "properties": {
      "tasks": {"type": "array", "description": "Empty activities, then manual tasks, then user tasks", "items": {"oneOf": [
        {"$ref": "#/components/schemas/EmptyActivity"}, {"$ref": "#/components/schemas/ManualTask"},
        {"$ref": "#/components/schemas/UserTask"}]}},
      "totalCount": {"type": "integer", "description": "Matching tasks before offset/limit"}}},
    "FetchAndLockRequestPayload": {"type": "object", "required": ["workerId", "topicName", "lockDuration"], "properties": {
      "workerId": {"type": "string"},
      "topicName": {"type": "string"},
      "maxTasks": {"type": "integer", "minimum": 1, "default": 1},
      "longPollingTimeout": {"type": "integer", "minimum": 0, "default": 0, "description": "Milliseconds to wait for a task"},
      "lockDuration": {"type": "integer", "minimum": 0, "description": "Milliseconds"}}},
    "ExternalTask": {"type": "object",
      "required": ["id", "workerId", "topic", "flowNodeInstanceId", "correlationId", "processModelId", "processInstanceId", "payload", "lockExpirationTime", "state"],
      "properties": {
        "id": {"type": "string"}, "workerId": {"type": "string"}, "topic": {"type": "string"},
        "flowNodeInstanceId": {"type": "string"}, "correlationId": {"type": "string"},
        "processModelId": {"type": "string"}, "processInstanceId": {"type": "string"},
        "payload": {"description": "The token payload the task was reached with"},
        "lockExpirationTime": {"type": "string", "format": "date-time"},
        "state": {"type": "string", "enum": ["pending", "finished"]},
        "finishedAt": {"type": "string", "format": "date-time"},
        "result": {}, "error": {},
        "createdAt": {"type": "string", "format": "date-time"}}},
    "ExternalTaskArray": {"type": "array", "items": {"$ref": "#/components/schemas/ExternalTask"}},
    "ExtendLockRequestPayload": {"type": "object", "required": ["workerId", "additionalDuration"], "properties": {
      "workerId": {"type": "string"},
      "additionalDuration": {"type": "integer", "minimum": 0, "description": "Milliseconds"}}},
    "HandleBpmnErrorRequestPayload": {"type": "object", "required": ["workerId", "errorCode"], "properties": {
      "workerId": {"type": "string"}, "errorCode": {"type": "string"}, "errorMessage": {"type": "string"}}},
    "HandleServiceErrorRequestPayload": {"type": "object", "required": ["workerId", "errorMessage"], "properties": {
      "workerId": {"type": "string"}, "errorMessage": {"type": "string"}, "errorDetails": {},
      "errorCode": {"type": "string"}}},
    "FinishExternalTaskRequestPayload": {"type": "object", "required": ["workerId"], "properties": {
      "workerId": {"type": "string"}, "result": {"description": "The task's result; {} when absent"}}}
  }
})json";
}

}  // namespace processhost::plugins::http_api
