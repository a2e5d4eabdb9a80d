#pragma once
// The checks every API route runs before its handler: the Authorization header rules, the
// route's claim and offset/limit. Pure apart from the identity service's verification.

#include <string_view>

#include "plugin_common/http_api/openapi.hpp"
#include "processhost/paging.hpp"
#include "processhost/result.hpp"
#include "processhost/services/http.hpp"
#include "processhost/services/identity.hpp"

namespace processhost::plugins::http_api {

struct Admission {
  Identity identity;  // default-constructed for unauthenticated routes
  PageRequest page;   // paged routes only
};

// identity_service may be null (open mode: the anonymous identity). super_claim, when not
// empty, passes the route's claim check as well (the Management API's super-admin claim).
Result<Admission> admit(const IdentityService* identity_service, const HttpRequest& request, const RouteDoc& route,
                        std::string_view super_claim = {});

}  // namespace processhost::plugins::http_api
