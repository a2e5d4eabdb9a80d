// The consumer_api plugin's entry symbol.

#include <exception>

#include "consumer_api_plugin.hpp"
#include "processhost/plugin.hpp"
#include "processhost/services/engine.hpp"

namespace processhost::plugins::consumer_api {
namespace {

const char* const kRequirements[] = {"processhost.engine/1", nullptr};
const char* const kProvides[] = {nullptr};
constexpr const char* kConfigSchema = R"json({"type": "object", "additionalProperties": false, "properties": {}})json";

Plugin* create(HostContext& /*context*/) { return new ConsumerApiPlugin(PROCESSHOST_VERSION); }

void destroy(Plugin* plugin) noexcept { delete plugin; }

const PluginDescriptor kDescriptor{
    kPluginApiVersion, PROCESSHOST_ABI_TAG, "consumer_api", PROCESSHOST_VERSION, kProvides, kRequirements,
    kConfigSchema,     &create,             &destroy,
};

}  // namespace
}  // namespace processhost::plugins::consumer_api

PROCESSHOST_PLUGIN(processhost::plugins::consumer_api::kDescriptor)
