#include "camunda_rest_plugin.hpp"

#include <utility>

#include "camunda_rest_routes.hpp"
#include "openapi_document.hpp"
#include "processhost/services/identity.hpp"

namespace processhost::plugins::camunda_rest {

CamundaRestPlugin::CamundaRestPlugin(std::string version)
    : ApiPlugin({.name = "Camunda REST API",
                 .super_claim = std::string(claims::kManageProcessInstances),
                 .bases = kEngineRestBase,
                 .routes = &camunda_rest_routes,
                 .openapi = &build_openapi_document},
                std::move(version)) {}

}  // namespace processhost::plugins::camunda_rest
