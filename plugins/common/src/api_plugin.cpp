#include "plugin_common/http_api/api_plugin.hpp"

#include <memory>
#include <utility>

#include "plugin_common/http_api/route_dispatch.hpp"

namespace processhost::plugins::http_api {

ApiPlugin::ApiPlugin(ApiDefinition definition, std::string version)
    : definition_(std::move(definition)), state_(std::make_shared<ApiState>()) {
  state_->name = definition_.name;
  state_->super_claim = definition_.super_claim;
  state_->waits = std::make_shared<WaitRegistry>(state_->name);
  state_->version = std::move(version);
}

ApiPlugin::~ApiPlugin() { stop(); }

void ApiPlugin::configure(HostContext& context) {
  auto routes = definition_.routes();
  state_->openapi_document = definition_.openapi(routes, state_->version);
  for (auto& route : routes) {
    auto descriptor = std::make_shared<const RouteDescriptor>(std::move(route));
    context.http().add_route(descriptor->method, descriptor->pattern, make_http_handler(state_, descriptor),
                             descriptor->options);
  }
  context.logger().info("registered " + std::to_string(routes.size()) + " routes under " + definition_.bases);
}

void ApiPlugin::start(HostContext& context) {
  state_->engine = &context.services().require<EngineService>();
  state_->store = context.services().find<Store>();
  state_->identity = context.services().find<IdentityService>();
  if (state_->identity == nullptr) {
    context.logger().warn("authentication is off: no identity service (processhost.identity/1) is loaded, so every " +
                          definition_.name +
                          " request runs as the anonymous identity holding every claim. Load the iam plugin to "
                          "require tokens.");
  }
  state_->serving.store(true);
}

void ApiPlugin::stop() noexcept {
  state_->serving.store(false);
  state_->waits->close();
}

}  // namespace processhost::plugins::http_api
