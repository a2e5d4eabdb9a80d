// The management_api plugin's entry symbol.

#include "management_api_plugin.hpp"
#include "processhost/plugin.hpp"
#include "processhost/services/engine.hpp"

namespace processhost::plugins::management_api {

ManagementApiPlugin::ManagementApiPlugin() : ManagementApiPlugin(PROCESSHOST_PLUGIN_VERSION) {}

PROCESSHOST_PLUGIN(.name = "management_api",
                   .version = PROCESSHOST_PLUGIN_VERSION,
                   .requirements = service_ids<EngineService>,
                   .config_schema = http_api::kNoConfigSchema,
                   .create = &create_plugin<ManagementApiPlugin>)

}  // namespace processhost::plugins::management_api
