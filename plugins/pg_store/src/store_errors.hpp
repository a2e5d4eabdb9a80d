#pragma once
// Maps database exceptions to the Store's error values.
//
// 503 "store unavailable: ..." when the server cannot be reached or dropped the
// connection (connection_lost is then true: the caller drops the connection), or is no
// primary (read-only, in recovery: not_primary is then true), 503 when a
// statement timed out, 409 for serialization failures and deadlocks (the engine retries),
// 500 for everything else.

#include <exception>
#include <string>

#include "processhost/result.hpp"

namespace processhost::plugins::pg_store {

struct StoreFailure {
  Error error;
  bool connection_lost = false;
  // The server refused the statement because it is not (or no longer) the primary: a
  // read-only server (SQLSTATE 25006), one in recovery or shutting down to a standby. The
  // statement changed nothing; on a new connection it may reach the primary.
  bool not_primary = false;
};

StoreFailure classify_store_exception(std::exception_ptr exception);

Error store_unavailable(const std::string& reason);

// libpq messages end with a newline; error messages and start-up errors stay on one line.
std::string one_line(std::string text);

}  // namespace processhost::plugins::pg_store
