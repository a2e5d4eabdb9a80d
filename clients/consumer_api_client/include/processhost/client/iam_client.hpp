#pragma once
// Login against the host's IAM plugin: POST /iam/login {"username","password"} ->
// 200 {"token","userId","expiresAt"}. The Identity it yields is what Consumer API calls
// carry. Does not own the transport; thread-safety as the transport's.

#include "processhost/client/client_error.hpp"
#include "processhost/client/http_transport.hpp"
#include "processhost/client/types.hpp"

namespace processhost::client {

inline constexpr std::string_view kLoginPath = "/iam/login";

class IamClient {
 public:
  explicit IamClient(HttpTransport& transport) : transport_(transport) {}

  // Errors: ErrorKind::http 401 for wrong credentials, 404 when the host has no IAM.
  ClientResult<LoginResult> login(const Credentials& credentials);

 private:
  HttpTransport& transport_;
};

}  // namespace processhost::client
