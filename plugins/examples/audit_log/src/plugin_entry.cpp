// The audit_log plugin's entry symbol: the descriptor the host checks before anything else.
#include "audit_log_plugin.hpp"
#include "processhost/plugin.hpp"

#ifndef AUDIT_LOG_VERSION
#define AUDIT_LOG_VERSION "0.1.0"
#endif

namespace processhost::plugins::audit_log {
namespace {

const char* const kProvides[] = {nullptr};
const char* const kRequirements[] = {"processhost.engine/1", nullptr};
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

Plugin* create(HostContext& /*context*/) {
  return new AuditLogPlugin();
}

void destroy(Plugin* plugin) noexcept {
  delete plugin;
}

const PluginDescriptor kDescriptor{
    kPluginApiVersion, PROCESSHOST_ABI_TAG, "audit_log", AUDIT_LOG_VERSION, kProvides, kRequirements,
    kConfigSchema,     &create,             &destroy,
};

}  // namespace
}  // namespace processhost::plugins::audit_log

PROCESSHOST_PLUGIN(processhost::plugins::audit_log::kDescriptor)
