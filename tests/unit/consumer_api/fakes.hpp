#pragma once
// Fakes of the host side for the Consumer API's unit tests: the shared fake host
// (processhost/test/fake_host.hpp) and an identity service with a fixed token table.

#include <map>
#include <string>
#include <string_view>

#include "processhost/services/identity.hpp"
#include "processhost/test/fake_host.hpp"

namespace processhost::plugins::consumer_api::testing {

using processhost::testing::FakeHostContext;
using processhost::testing::WaitingResponder;

// Tokens map to identities; "Bearer <token>" is required.
class FakeIdentityService : public IdentityService {
 public:
  Result<Identity> authenticate(std::string_view header_value) const override;
  std::map<std::string, Identity> tokens;
};

}  // namespace processhost::plugins::consumer_api::testing
