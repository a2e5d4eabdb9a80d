#include "processhost/client/client_error.hpp"

namespace processhost::client {

namespace {

const char* kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::transport:
      return "transport error";
    case ErrorKind::timeout:
      return "timeout";
    case ErrorKind::http:
      return "HTTP error";
    case ErrorKind::protocol:
      return "unexpected answer";
    case ErrorKind::unsupported:
      return "not supported by the host";
  }
  return "error";
}

}  // namespace

std::string ClientError::describe() const {
  std::string text = kind_name(kind);
  if (status != 0) text += " " + std::to_string(status);
  text += ": " + message;
  if (!additional_information.empty()) text += " (additionalInformation: " + additional_information + ")";
  return text;
}

ClientError make_client_error(ErrorKind kind, std::string message, int status) {
  ClientError error;
  error.kind = kind;
  error.status = status;
  error.message = std::move(message);
  return error;
}

}  // namespace processhost::client
