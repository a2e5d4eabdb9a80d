#pragma once
// Issues and verifies the JWTs that /iam/login hands out (HS256 through libjwt).
// Verification pins the algorithm and checks signature, issuer, expiry and issue time;
// a token that fails any check is refused, never decoded "as is".

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "processhost/result.hpp"
#include "user_directory.hpp"

namespace processhost::plugins::iam {

// Tokens longer than this are refused before any parsing.
inline constexpr std::size_t kMaxTokenBytes = 8192;

struct IssuedToken {
  std::string token;
  std::int64_t expires_at = 0;  // seconds since the Unix epoch
};

struct VerifiedToken {
  std::string subject;   // "sub": the user id
  std::string username;  // "name"
  std::vector<std::string> claims;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
};

struct TokenSettings {
  std::string issuer;
  std::string secret;                         // signs and verifies
  std::vector<std::string> previous_secrets;  // verify only
  std::chrono::seconds lifetime{8 * 60 * 60};
  std::chrono::seconds leeway{30};
};

// Thread-safe: all methods are const and share no mutable state.
class TokenService {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  explicit TokenService(TokenSettings settings, Clock clock = &std::chrono::system_clock::now);

  // Errors: 500 when the token cannot be encoded (out of memory).
  Result<IssuedToken> issue(const User& user) const;
  // token is the bare JWT (no "Bearer "). Errors: 401 with a message saying which check
  // failed (malformed, signature, algorithm, issuer, expired, not yet valid, subject, claims).
  Result<VerifiedToken> verify(std::string_view token) const;

 private:
  TokenSettings settings_;
  Clock clock_;
};

}  // namespace processhost::plugins::iam
