#include "openapi_document.hpp"

#include "plugin_common/http_api/openapi.hpp"

namespace processhost::plugins::consumer_api {

std::string build_openapi_document(const std::vector<RouteDescriptor>& routes, std::string_view version) {
  return http_api::build_openapi_document(
      http_api::route_docs(routes), {.title = "ProcessHost Consumer API",
             .description = "Wire-compatible with the ProcessEngine Consumer API v10. Errors are "
                            "{\"message\", \"additionalInformation\"}.",
             .version = version,
             .components = http_api::contract_components(),
             .extra_schemas = "",
             .claim_note = ""});
}

}  // namespace processhost::plugins::consumer_api
