// The consumer_api plugin's entry symbol.

#include "consumer_api_plugin.hpp"
#include "processhost/plugin.hpp"
#include "processhost/services/engine.hpp"

namespace processhost::plugins::consumer_api {

ConsumerApiPlugin::ConsumerApiPlugin() : ConsumerApiPlugin(PROCESSHOST_PLUGIN_VERSION) {}

PROCESSHOST_PLUGIN(.name = "consumer_api",
                   .version = PROCESSHOST_PLUGIN_VERSION,
                   .requirements = service_ids<EngineService>,
                   .config_schema = http_api::kNoConfigSchema,
                   .create = &create_plugin<ConsumerApiPlugin>)

}  // namespace processhost::plugins::consumer_api
