// The consumer_api plugin's entry symbol.

#include "consumer_api_plugin.hpp"
#include "processhost/plugin.hpp"
#include "processhost/services/engine.hpp"

namespace processhost::plugins::consumer_api {
namespace {

constexpr const char* kConfigSchema = R"json({"type": "object", "additionalProperties": false, "properties": {}})json";

Plugin* create(HostContext& /*context*/) { return new ConsumerApiPlugin(PROCESSHOST_PLUGIN_VERSION); }

}  // namespace

PROCESSHOST_PLUGIN(.name = "consumer_api",
                   .version = PROCESSHOST_PLUGIN_VERSION,
                   .requirements = service_ids<EngineService>,
                   .config_schema = kConfigSchema,
                   .create = &create)

}  // namespace processhost::plugins::consumer_api
