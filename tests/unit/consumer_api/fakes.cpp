#include "fakes.hpp"

namespace processhost::plugins::consumer_api::testing {

Result<Identity> FakeIdentityService::authenticate(std::string_view header_value) const {
  constexpr std::string_view kPrefix = "Bearer ";
  if (header_value.substr(0, kPrefix.size()) != kPrefix) {
    return make_error(ErrorStatus::unauthorized, "The Authorization header must be 'Bearer <token>'.");
  }
  auto found = tokens.find(std::string(header_value.substr(kPrefix.size())));
  if (found == tokens.end()) return make_error(ErrorStatus::unauthorized, "The token could not be verified.");
  return found->second;
}

}  // namespace processhost::plugins::consumer_api::testing
