#pragma once
// Sends one call and turns a status >= 400 into an ErrorKind::http value. Internal.

#include "processhost/client/client_error.hpp"
#include "processhost/client/http_transport.hpp"
#include "processhost/client/types.hpp"

namespace processhost::client::detail {

// Adds "Authorization: Bearer <token>" unless the identity is anonymous or null.
HttpCall make_call(std::string method, std::string target, const Identity* identity, std::string body = {});

ClientResult<HttpReply> send_checked(HttpTransport& transport, const HttpCall& call);

}  // namespace processhost::client::detail
