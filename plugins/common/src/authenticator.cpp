#include "plugin_common/http_api/authenticator.hpp"

#include <string>

#include "processhost/json.hpp"

namespace processhost::plugins::http_api {

Result<Identity> authenticate(const IdentityService* identity_service, const HttpRequest& request) {
  if (identity_service == nullptr) return anonymous_identity();
  const std::size_t count = request.header_count("authorization");
  if (count == 0) return make_error(ErrorStatus::unauthorized, std::string(kNoAuthTokenMessage));
  const std::string_view value = *request.header("authorization");
  if (count > 1 || value.find(',') != std::string_view::npos) {
    return make_error(ErrorStatus::bad_request, std::string(kMultipleAuthValuesMessage));
  }
  if (value.empty()) return make_error(ErrorStatus::unauthorized, std::string(kNoAuthTokenMessage));
  auto identity = identity_service->authenticate(value);
  if (!identity.ok()) {
    Error error = std::move(identity).take_error();
    // Whatever the service could not verify is not trusted: never let it become a 5xx or 2xx.
    if (error.status != ErrorStatus::bad_request && error.status != ErrorStatus::unauthorized) {
      error.status = ErrorStatus::unauthorized;
    }
    return error;
  }
  return identity;
}

std::optional<Error> check_claim(const Identity& identity, std::string_view claim) {
  if (identity.has_claim(claim)) return std::nullopt;
  return make_error(ErrorStatus::forbidden, std::string(kMissingClaimMessage),
                    "{\"claim\":" + json_quote(claim) + ",\"userId\":" + json_quote(identity.user_id) + "}");
}

}  // namespace processhost::plugins::http_api
