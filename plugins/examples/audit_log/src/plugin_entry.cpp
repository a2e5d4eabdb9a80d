// The audit_log plugin's entry symbol: the descriptor the host checks before anything else.
#include "audit_log_plugin.hpp"
#include "processhost/plugin.hpp"
#include "processhost/services/engine.hpp"

namespace processhost::plugins::audit_log {
namespace {

// The host validates the plugin's config against this schema before configure().
constexpr const char* kConfigSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "path": {"type": "string", "minLength": 1},
    "includePayload": {"type": "boolean"},
    "kinds": {"type": "array", "items": {"type": "string", "minLength": 1}}
  }
})json";

}  // namespace

// PROCESSHOST_PLUGIN_VERSION is this project's VERSION (processhost_add_plugin defines it).
PROCESSHOST_PLUGIN(.name = "audit_log",
                   .version = PROCESSHOST_PLUGIN_VERSION,
                   .requirements = service_ids<EngineService>,
                   .config_schema = kConfigSchema,
                   .create = &create_plugin<AuditLogPlugin>)

}  // namespace processhost::plugins::audit_log
