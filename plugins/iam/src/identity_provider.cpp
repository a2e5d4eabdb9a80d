#include "identity_provider.hpp"

#include <cctype>

namespace processhost::plugins::iam {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_bearer(std::string_view scheme) {
  constexpr std::string_view kBearer = "bearer";
  if (scheme.size() != kBearer.size()) return false;
  for (std::size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(scheme[i])) != kBearer[i]) return false;
  }
  return true;
}

Error unauthorized(std::string message) { return make_error(ErrorStatus::unauthorized, std::move(message)); }

}  // namespace

IdentityProvider::IdentityProvider(const TokenService& tokens, bool allow_god_token)
    : tokens_(tokens), allow_god_token_(allow_god_token) {}

Result<Identity> IdentityProvider::authenticate(std::string_view header_value) const {
  auto value = trim(header_value);
  if (value.empty()) return unauthorized("No auth token provided!");
  auto space = value.find_first_of(" \t");
  if (space == std::string_view::npos || !is_bearer(value.substr(0, space))) {
    return unauthorized("The Authorization header must be \"Bearer <token>\".");
  }
  auto token = trim(value.substr(space + 1));
  if (token.empty()) return unauthorized("No auth token provided!");

  if (token == kGodToken) {
    if (!allow_god_token_) {
      return unauthorized("The demo token is disabled; log in at /iam/login (or set the iam plugin's allowGodToken).");
    }
    Identity identity;
    identity.user_id = std::string(kGodTokenUserId);
    identity.token = std::string(token);
    identity.super_user = true;
    return identity;
  }

  auto verified = tokens_.verify(token);
  if (!verified) return std::move(verified).take_error();
  Identity identity;
  identity.user_id = std::move(verified->subject);
  identity.token = std::string(token);
  identity.claims = std::move(verified->claims);
  return identity;
}

}  // namespace processhost::plugins::iam
