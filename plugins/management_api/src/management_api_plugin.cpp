#include "management_api_plugin.hpp"

#include <string>
#include <utility>

#include "management_api_routes.hpp"
#include "openapi_document.hpp"

namespace processhost::plugins::management_api {

ManagementApiPlugin::ManagementApiPlugin(std::string version)
    : ApiPlugin({.name = "Management API",
                 .super_claim = std::string(kSuperAdminClaim),
                 .bases = kManagementApiBase,
                 .routes = &management_api_routes,
                 .openapi = &build_openapi_document},
                std::move(version)) {}

ManagementApiPlugin::~ManagementApiPlugin() { stop(); }

void ManagementApiPlugin::start(HostContext& context) {
  ApiPlugin::start(context);
  notifications_.start(context, *state()->engine, state()->identity);
}

void ManagementApiPlugin::stop() noexcept {
  notifications_.stop();
  ApiPlugin::stop();
}

}  // namespace processhost::plugins::management_api
