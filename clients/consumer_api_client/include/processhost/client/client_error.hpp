#pragma once
// Errors of the client library. Every call returns a ClientResult<T>: failures a caller
// must expect (host unreachable, timeout, 4xx/5xx answers, a body that does not match the
// contract) are values, never exceptions.

#include <string>

#include "processhost/result.hpp"

namespace processhost::client {

enum class ErrorKind {
  transport,    // could not resolve, connect, send or receive
  timeout,      // connect or request deadline passed
  http,         // the host answered with a status >= 400 (status, message, additional_information set)
  protocol,     // the host answered, but not with the shape the contract defines
  unsupported,  // the host lacks what the call needs (e.g. no Consumer API loaded)
};

struct ClientError {
  ErrorKind kind = ErrorKind::transport;
  int status = 0;  // HTTP status for ErrorKind::http (and protocol errors of a reply), else 0
  std::string message;
  // The error body's "additionalInformation" as JSON text; empty when absent.
  std::string additional_information;

  // One line for people: kind, status, message and additional information.
  std::string describe() const;
};

ClientError make_client_error(ErrorKind kind, std::string message, int status = 0);

// Ok value of calls that yield nothing (204 answers).
struct Done {};

// The SDK's Result with ClientError as its error type.
template <class T>
using ClientResult = processhost::Result<T, ClientError>;

using ClientStatus = ClientResult<Done>;

}  // namespace processhost::client
