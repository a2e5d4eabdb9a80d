#pragma once
// Checks a username and password and issues a token: the work behind POST /iam/login,
// without HTTP.

#include <string>
#include <string_view>

#include "password_hasher.hpp"
#include "processhost/json.hpp"
#include "processhost/result.hpp"
#include "token_service.hpp"
#include "user_directory.hpp"

namespace processhost::plugins::iam {

inline constexpr const char* kInvalidCredentialsMessage = "Invalid username or password.";
// Longer inputs are refused before hashing, so a huge password cannot buy extra CPU time.
inline constexpr std::size_t kMaxCredentialBytes = 1024;

struct LoginRequest {
  std::string username;
  std::string password;
};

struct LoginResult {
  IssuedToken token;
  std::string user_id;
};

// Parses {"username": "...", "password": "..."}. Errors: 400 naming what is wrong.
Result<LoginRequest> parse_login_request(std::string_view body, const JsonLimits& limits = {});

// The response body: {"token", "userId", "expiresAt"} with expiresAt as ISO-8601 UTC.
std::string login_response_json(const LoginResult& result);

// Thread-safe (const, over immutable parts). login() is slow by design (one Argon2id
// verification): call it from a worker thread, never from an I/O thread.
class LoginService {
 public:
  // The three parts must outlive this object.
  LoginService(const UserDirectory& users, const PasswordHasher& hasher, const TokenService& tokens);

  // Errors: 401 kInvalidCredentialsMessage for an unknown user and for a wrong password
  // alike (both cost one verification); 500 when the token cannot be made.
  Result<LoginResult> login(const LoginRequest& request) const;

 private:
  const UserDirectory& users_;
  const PasswordHasher& hasher_;
  const TokenService& tokens_;
};

}  // namespace processhost::plugins::iam
