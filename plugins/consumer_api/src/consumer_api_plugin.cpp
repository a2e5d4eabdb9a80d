#include "consumer_api_plugin.hpp"

#include <string>
#include <utility>

#include "consumer_api_routes.hpp"
#include "openapi_document.hpp"

namespace processhost::plugins::consumer_api {

ConsumerApiPlugin::ConsumerApiPlugin(std::string version)
    : ApiPlugin({.name = "Consumer API",
                 .super_claim = "",
                 .bases = std::string(kConsumerApiBase) + " and " + kExternalTaskApiBase,
                 .routes = &consumer_api_routes,
                 .openapi = &build_openapi_document},
                std::move(version)) {}

ConsumerApiPlugin::~ConsumerApiPlugin() { stop(); }

void ConsumerApiPlugin::configure(HostContext& context) {
  ApiPlugin::configure(context);
  notifications_.add_routes(context, state());
}

void ConsumerApiPlugin::start(HostContext& context) {
  ApiPlugin::start(context);
  notifications_.start(context, *state()->engine, state()->identity);
}

void ConsumerApiPlugin::stop() noexcept {
  notifications_.stop();
  ApiPlugin::stop();
}

}  // namespace processhost::plugins::consumer_api
