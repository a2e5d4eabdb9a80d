// The camunda_rest plugin's entry symbol.

#include "camunda_rest_plugin.hpp"
#include "processhost/plugin.hpp"
#include "processhost/services/engine.hpp"
#include "processhost/services/store.hpp"

namespace processhost::plugins::camunda_rest {

CamundaRestPlugin::CamundaRestPlugin() : CamundaRestPlugin(PROCESSHOST_PLUGIN_VERSION) {}

PROCESSHOST_PLUGIN(.name = "camunda_rest",
                   .version = PROCESSHOST_PLUGIN_VERSION,
                   .requirements = service_ids<EngineService, Store>,
                   .config_schema = http_api::kNoConfigSchema,
                   .create = &create_plugin<CamundaRestPlugin>)

}  // namespace processhost::plugins::camunda_rest
