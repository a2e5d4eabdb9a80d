#include "processhost/client/iam_client.hpp"

#include "checked_call.hpp"
#include "processhost/client/json_mapping.hpp"

namespace processhost::client {

ClientResult<LoginResult> IamClient::login(const Credentials& credentials) {
  auto reply = detail::send_checked(
      transport_, detail::make_call("POST", std::string(kLoginPath), nullptr, json::write_login_request(credentials)));
  if (!reply) return std::move(reply).take_error();
  auto result = json::read_login_result(reply->body);
  if (result && result->identity.user_id.empty()) result->identity.user_id = credentials.username;
  return result;
}

}  // namespace processhost::client
