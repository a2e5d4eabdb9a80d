#pragma once
// Turns a request's Authorization header into an Identity, with the rules of the APIs:
// header missing -> 401 "No auth token provided!", several values (repeated header or a
// comma in the value) -> 400, anything the identity service rejects -> its error (401).
// Without an identity service every request runs as the anonymous identity.

#include <optional>
#include <string_view>

#include "processhost/result.hpp"
#include "processhost/services/http.hpp"
#include "processhost/services/identity.hpp"

namespace processhost::plugins::http_api {

inline constexpr std::string_view kNoAuthTokenMessage = "No auth token provided!";
inline constexpr std::string_view kMultipleAuthValuesMessage =
    "Multiple values in the Authorization header are not allowed; send exactly one 'Bearer <token>'.";
inline constexpr std::string_view kMissingClaimMessage = "Identity does not have the requested claim!";

// Thread-safe and non-blocking as the identity service is. identity_service may be null.
Result<Identity> authenticate(const IdentityService* identity_service, const HttpRequest& request);

// 403 naming the claim in additionalInformation when the identity lacks it.
std::optional<Error> check_claim(const Identity& identity, std::string_view claim);

}  // namespace processhost::plugins::http_api
