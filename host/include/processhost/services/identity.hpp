#pragma once
// Identity service: turns an Authorization header value into a verified identity.

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "processhost/result.hpp"

namespace processhost {

struct Identity {
  std::string user_id;
  std::string token;                // the raw token as presented (never logged)
  std::vector<std::string> claims;  // claim names: lane names and can_* claims
  bool super_user = false;          // passes every claim check (anonymous open mode, god token)

  bool has_claim(std::string_view claim) const {
    return super_user || std::find(claims.begin(), claims.end(), claim) != claims.end();
  }
};

// The identity used when no identity service is loaded: holds every claim.
inline Identity anonymous_identity() {
  Identity identity;
  identity.user_id = "anonymous";
  identity.super_user = true;
  return identity;
}

namespace claims {
inline constexpr std::string_view kManageProcessInstances = "can_manage_process_instances";
inline constexpr std::string_view kReadProcessModel = "can_read_process_model";
inline constexpr std::string_view kTriggerMessages = "can_trigger_messages";
inline constexpr std::string_view kTriggerSignals = "can_trigger_signals";
inline constexpr std::string_view kAccessExternalTasks = "can_access_external_tasks";
}  // namespace claims

// Thread-safe, non-blocking (verification is local: signature, algorithm, issuer, expiry).
class IdentityService {
 public:
  static constexpr std::string_view kServiceId = "processhost.identity/1";
  virtual ~IdentityService() = default;

  // header_value is the whole Authorization header value, e.g. "Bearer eyJ...".
  // Errors: 401 unauthorized (missing, malformed, unverifiable, expired token).
  virtual Result<Identity> authenticate(std::string_view header_value) const = 0;
};

}  // namespace processhost
