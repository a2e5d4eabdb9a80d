#include "plugin_common/http_api/admission.hpp"

#include <utility>

#include "plugin_common/http_api/authenticator.hpp"
#include "plugin_common/http_api/request_parsing.hpp"

namespace processhost::plugins::http_api {

Result<Admission> admit(const IdentityService* identity_service, const HttpRequest& request, const RouteDoc& route,
                        std::string_view super_claim) {
  Admission admission;
  if (route.authenticated) {
    auto identity = authenticate(identity_service, request);
    if (!identity.ok()) return std::move(identity).take_error();
    admission.identity = std::move(identity.value());
    const bool super = !super_claim.empty() && admission.identity.has_claim(super_claim);
    if (!route.required_claim.empty() && !super) {
      if (auto error = check_claim(admission.identity, route.required_claim)) return std::move(*error);
    }
  }
  if (route.paged) {
    auto page = parse_page(request);
    if (!page.ok()) return std::move(page).take_error();
    admission.page = page.value();
  }
  return admission;
}

}  // namespace processhost::plugins::http_api
