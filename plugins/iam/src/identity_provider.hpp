#pragma once
// processhost.identity/1 backed by this plugin's tokens: "Bearer <jwt>" -> Identity.

#include "processhost/services/identity.hpp"
#include "token_service.hpp"

namespace processhost::plugins::iam {

// The original sample's demo token, base64("dummy_token"). Accepted only when the
// config's allowGodToken is true.
inline constexpr std::string_view kGodToken = "ZHVtbXlfdG9rZW4=";
inline constexpr std::string_view kGodTokenUserId = "dummy_token";

// Thread-safe, non-blocking: verification is local (HMAC, JSON, clock).
class IdentityProvider final : public IdentityService {
 public:
  // tokens must outlive this object.
  IdentityProvider(const TokenService& tokens, bool allow_god_token);

  // 401 for: no value, another scheme than Bearer (any case), no token, the god token
  // when not allowed, and every token the TokenService refuses. The identity's claims are
  // the verified token's claims.
  Result<Identity> authenticate(std::string_view header_value) const override;

 private:
  const TokenService& tokens_;
  bool allow_god_token_;
};

}  // namespace processhost::plugins::iam
