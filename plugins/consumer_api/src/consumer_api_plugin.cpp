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

}  // namespace processhost::plugins::consumer_api
