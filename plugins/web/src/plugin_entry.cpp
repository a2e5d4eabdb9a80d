// The web plugin's entry symbol.
#include "processhost/plugin.hpp"
#include "web_plugin.hpp"

namespace processhost::plugins::web {
namespace {

constexpr const char* kConfigSchema = R"json({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "assets": {"type": "string", "minLength": 1}
  }
})json";

}  // namespace

// It needs no service: the app reaches the engine through the other plugins' HTTP routes.
PROCESSHOST_PLUGIN(.name = "web",
                   .version = PROCESSHOST_PLUGIN_VERSION,
                   .config_schema = kConfigSchema,
                   .create = &create_plugin<WebPlugin>)

}  // namespace processhost::plugins::web
