#pragma once
// The one table where the engine's typed refusals (ErrorKind) become the API's status and
// wording: the reference's, which clients match on. The engine decides what went wrong;
// the API only says it in its words. Errors without a kind (store, identity, the engine's
// other errors) are answered with their own status and message.

#include <optional>

#include "processhost/result.hpp"
#include "processhost/services/http.hpp"

namespace processhost::plugins::http_api {

// The error as this API answers it.
Error api_error(const Error& error);

// The error response for an engine or store error.
inline HttpResponse error_response(const Error& error) { return HttpResponse::error(api_error(error)); }

// The status the table gives a kind; nullopt for `unspecified`, which keeps the error's own.
std::optional<ErrorStatus> mapped_status(ErrorKind kind);

}  // namespace processhost::plugins::http_api
