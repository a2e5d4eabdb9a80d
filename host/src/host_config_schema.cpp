#include "host_config.hpp"

namespace processhost::host {

const char* host_config_schema() {
  return R"json({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "$schema": {"type": "string"},
    "http": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "host": {"type": "string", "minLength": 1},
        "port": {"type": "integer", "minimum": 0, "maximum": 65535},
        "maxBodyBytes": {"type": "integer", "minimum": 1},
        "bodyLimitBytes": {"type": "integer", "minimum": 1},
        "maxHeaderBytes": {"type": "integer", "minimum": 1024, "maximum": 1048576},
        "maxJsonDepth": {"type": "integer", "minimum": 1, "maximum": 1000},
        "maxJsonStringBytes": {"type": "integer", "minimum": 1},
        "maxJsonMembers": {"type": "integer", "minimum": 1},
        "readTimeoutMs": {"type": "integer", "minimum": 1, "maximum": 86400000},
        "writeTimeoutMs": {"type": "integer", "minimum": 1, "maximum": 86400000},
        "drainTimeoutMs": {"type": "integer", "minimum": 0, "maximum": 86400000},
        "threads": {"type": "integer", "minimum": 1, "maximum": 64},
        "pipelineLimit": {"type": "integer", "minimum": 1, "maximum": 64}
      }
    },
    "engine": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "workerThreads": {"type": "integer", "minimum": 1, "maximum": 256},
        "scriptBudgetMs": {"type": "integer", "minimum": 1, "maximum": 86400000},
        "scriptMemoryLimitMiB": {"type": "integer", "minimum": 1, "maximum": 4096},
        "maxScriptThreads": {"type": "integer", "minimum": 0, "maximum": 1024},
        "waitingCountIntervalMs": {"type": "integer", "minimum": 100, "maximum": 86400000},
        "historyTtlSeconds": {"type": "integer", "minimum": 0, "maximum": 3153600000},
        "historyCleanupIntervalMs": {"type": "integer", "minimum": 100, "maximum": 86400000},
        "historyCleanupBatch": {"type": "integer", "minimum": 1, "maximum": 10000},
        "historyCleanupPauseMs": {"type": "integer", "minimum": 0, "maximum": 3600000},
        "timerPollIntervalMs": {"type": "integer", "minimum": 0, "maximum": 3600000},
        "timerLeaseMs": {"type": "integer", "minimum": 100, "maximum": 3600000},
        "clusterRecheckIntervalMs": {"type": "integer", "minimum": 100, "maximum": 86400000}
      }
    },
    "notifications": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "pingIntervalMs": {"type": "integer", "minimum": 100, "maximum": 3600000},
        "pingTimeoutMs": {"type": "integer", "minimum": 100, "maximum": 3600000},
        "maxQueuedBytes": {"type": "integer", "minimum": 1024}
      }
    },
    "log": {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "level": {"enum": ["debug", "info", "warn", "error"]},
        "format": {"enum": ["text", "json"]}
      }
    },
    "processModels": {"type": "array", "items": {"type": "string", "minLength": 1}},
    "pluginDir": {"type": "string", "minLength": 1},
    "plugins": {
      "type": "array",
      "items": {
        "type": "object",
        "additionalProperties": false,
        "required": ["name"],
        "properties": {
          "name": {"type": "string", "pattern": "^[A-Za-z0-9_.-]+$"},
          "library": {"type": "string", "minLength": 1},
          "enabled": {"type": "boolean"},
          "config": {"type": ["object", "string"]}
        }
      }
    }
  }
})json";
}

}  // namespace processhost::host
