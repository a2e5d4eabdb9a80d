#pragma once
// Result<T>: the data-plane error vocabulary. Likely failures (bad input, not found,
// forbidden, conflict, a store that is down) are values, never exceptions.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

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

// What the engine decided went wrong, for the refusals an API words in its own way. The
// engine names the kind and its ids (ErrorSubject); each API plugin maps every kind to its
// status and wording in one table, so no API repeats the engine's checks. Errors of
// plugins (stores, identity) and the engine's other errors keep `unspecified`: their status
// and message are what callers show.
enum class ErrorKind : unsigned char {
  unspecified,
  process_model_not_found,       // subject.id: the process model
  process_model_not_executable,  // subject.id: the process model
  start_event_not_found,         // subject.id: the start event asked for
  start_event_not_accessible,    // subject.id: the start event asked for, in a lane the caller lacks
  no_accessible_start_event,     // subject.id: the process model
  several_start_events,          // subject.id: the process model; candidates: the accessible start events
  end_event_not_found,           // subject.id: the end event asked for
  task_not_waiting,              // subject.id: the flow node instance; element_type, instance, correlation
  process_instance_not_found,    // subject.id: the process instance
  external_task_not_found,       // subject.id: the external task
  external_task_finished,        // subject.id: the external task
  external_task_locked,          // subject.id: the external task, locked by another worker
  process_model_not_accessible,  // subject.id: the process model, of which the caller may see no part
  process_instance_not_running,  // subject.id: the process instance, which has already ended
};
// One past the last kind, for tables indexed by kind.
inline constexpr std::size_t kErrorKindCount = static_cast<std::size_t>(ErrorKind::process_instance_not_running) + 1;

// The ids a typed error is about; which fields are set depends on the kind.
// Members default to empty, so a subject names only what its kind needs: {.id = ...}.
struct ErrorSubject {
  std::string id = {};
  std::string element_type = {};  // task_not_waiting: "UserTask", "ManualTask", "EmptyActivity"
  std::string process_instance_id = {};
  std::string correlation_id = {};
  std::vector<std::string> candidates = {};
};

struct Error {
  // The status for callers that show the error as it is; an API maps typed kinds itself.
  ErrorStatus status = ErrorStatus::internal;
  std::string message;
  // Serialized JSON for the response's "additionalInformation"; empty means absent.
  std::string additional_information;
  // BPMN error code (string) when the error is a BPMN error thrown by a process.
  std::optional<std::string> bpmn_code;
  // BPMN error name, when the error is a BPMN error.
  std::optional<std::string> bpmn_name;
  ErrorKind kind = ErrorKind::unspecified;
  // What a typed error is about; null for `unspecified`. Shared, so that the many Results
  // that never fail stay small (and errors copy cheaply along callbacks).
  std::shared_ptr<const ErrorSubject> about;

  int http_status() const { return static_cast<int>(status); }
  const ErrorSubject& subject() const {
    static const ErrorSubject kNothing;
    return about ? *about : kNothing;
  }
};

inline Error make_error(ErrorStatus status, std::string message, std::string additional_information = {}) {
  Error error;
  error.status = status;
  error.message = std::move(message);
  error.additional_information = std::move(additional_information);
  return error;
}

// A typed error: the kind and its subject for APIs, status and message for everyone else.
inline Error make_error(ErrorKind kind, ErrorSubject subject, ErrorStatus status, std::string message) {
  Error error = make_error(status, std::move(message));
  error.kind = kind;
  error.about = std::make_shared<const ErrorSubject>(std::move(subject));
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
