#pragma once
// Result<T>: the data-plane error vocabulary. Likely failures (bad input, not found,
// forbidden, conflict, a store that is down) are values, never exceptions.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace processhost {

// HTTP-like status of an error. The Consumer API maps it to the response status as is.
enum class ErrorStatus : int {
  bad_request = 400,
  unauthorized = 401,
  forbidden = 403,
  not_found = 404,
  request_timeout = 408,
  conflict = 409,
  gone = 410,
  payload_too_large = 413,
  unprocessable = 422,
  locked = 423,
  too_many_requests = 429,
  request_header_fields_too_large = 431,
  internal = 500,
  unavailable = 503,
};

struct Error {
  ErrorStatus status = ErrorStatus::internal;
  std::string message;
  // Serialized JSON for the response's "additionalInformation"; empty means absent.
  std::string additional_information;
  // BPMN error code (string) when the error is a BPMN error thrown by a process.
  std::optional<std::string> bpmn_code;
  // BPMN error name, when the error is a BPMN error.
  std::optional<std::string> bpmn_name;

  int http_status() const { return static_cast<int>(status); }
};

inline Error make_error(ErrorStatus status, std::string message, std::string additional_information = {}) {
  Error error;
  error.status = status;
  error.message = std::move(message);
  error.additional_information = std::move(additional_information);
  return error;
}

// E is the error type: Error on the data plane; the client library uses its own
// ClientError with the same template.
template <class T, class E = Error>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  Result(E error) : state_(std::in_place_index<1>, std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const E& error() const { return std::get<1>(state_); }
  E&& take_error() && { return std::get<1>(std::move(state_)); }

 private:
  std::variant<T, E> state_;
};

// Result of an operation that yields nothing on success.
struct Ok {};
using Status = Result<Ok>;

}  // namespace processhost
