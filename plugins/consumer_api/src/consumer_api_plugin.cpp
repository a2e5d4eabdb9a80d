#include "consumer_api_plugin.hpp"

#include <memory>
#include <utility>

#include "openapi_schemas.hpp"
#include "consumer_api_routes.hpp"
#include "plugin_common/http_api/route_dispatch.hpp"

namespace processhost::plugins::consumer_api {

using namespace http_api;  // NOLINT(google-build-using-namespace): the shared API code

ConsumerApiPlugin::ConsumerApiPlugin(std::string version) : state_(std::make_shared<ApiState>()) {
  state_->name = "Consumer API";
  state_->waits = std::make_shared<http_api::WaitRegistry>(state_->name);
  state_->version = std::move(version);
}

ConsumerApiPlugin::~ConsumerApiPlugin() { stop(); }

void ConsumerApiPlugin::configure(HostContext& context) {
  auto routes = consumer_api_routes();
  state_->openapi_document = build_openapi_document(routes, state_->version);
  for (auto& route : routes) {
    auto descriptor = std::make_shared<const RouteDescriptor>(std::move(route));
    context.http().add_route(descriptor->method, descriptor->pattern, make_http_handler(state_, descriptor));
  }
  context.logger().info("registered " + std::to_string(routes.size()) + " routes under /api/consumer/v1 and " +
                        "/api/external_task/v1");
}

void ConsumerApiPlugin::start(HostContext& context) {
  state_->engine = &context.services().require<EngineService>();
  state_->identity = context.services().find<IdentityService>();
  if (state_->identity == nullptr) {
    context.logger().warn(
        "authentication is off: no identity service (processhost.identity/1) is loaded, so every Consumer API "
        "request runs as the anonymous identity holding every claim. Load the iam plugin to require tokens.");
  }
  state_->serving.store(true);
}

void ConsumerApiPlugin::stop() noexcept {
  state_->serving.store(false);
  state_->waits->close();
}

}  // namespace processhost::plugins::consumer_api
