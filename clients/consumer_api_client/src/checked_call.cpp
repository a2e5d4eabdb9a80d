#include "checked_call.hpp"

#include <utility>

#include "processhost/client/json_mapping.hpp"

namespace processhost::client::detail {

HttpCall make_call(std::string method, std::string target, const Identity* identity, std::string body) {
  HttpCall call;
  call.method = std::move(method);
  call.target = std::move(target);
  call.body = std::move(body);
  if (identity != nullptr && !identity->anonymous()) {
    call.headers.emplace_back("Authorization", "Bearer " + identity->token);
  }
  return call;
}

ClientResult<HttpReply> send_checked(HttpTransport& transport, const HttpCall& call) {
  auto reply = transport.send(call);
  if (!reply) return reply;
  if (reply->status >= 400) return json::read_http_error(reply->status, reply->reason, reply->body);
  if (reply->status < 200 || reply->status >= 300) {
    return make_client_error(ErrorKind::protocol,
                             call.method + " " + call.target + " answered with unexpected status " +
                                 std::to_string(reply->status),
                             reply->status);
  }
  return reply;
}

}  // namespace processhost::client::detail
