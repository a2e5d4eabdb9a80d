#pragma once
// JSON <-> typed shapes of the Consumer API. Readers are strict where the contract is
// (a required field missing or of the wrong type is an ErrorKind::protocol error naming
// the field) and lenient where it is not (unknown fields are ignored). Writers omit empty
// optionals. Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "processhost/client/client_error.hpp"
#include "processhost/client/types.hpp"

namespace processhost::client::json {

ClientResult<ApplicationInfo> read_application_info(std::string_view text);
ClientResult<ProcessModel> read_process_model(std::string_view text);
ClientResult<ProcessModelList> read_process_model_list(std::string_view text);
ClientResult<ProcessStartResponse> read_process_start_response(std::string_view text);
ClientResult<ProcessInstanceList> read_process_instance_list(std::string_view text);
ClientResult<CorrelationResultList> read_correlation_result_list(std::string_view text);
ClientResult<EventList> read_event_list(std::string_view text);
ClientResult<UserTaskList> read_user_task_list(std::string_view text);
ClientResult<ManualTaskList> read_manual_task_list(std::string_view text);
ClientResult<EmptyActivityList> read_empty_activity_list(std::string_view text);
ClientResult<TaskList> read_task_list(std::string_view text);
ClientResult<std::vector<ExternalTask>> read_external_tasks(std::string_view text);
ClientResult<LoginResult> read_login_result(std::string_view text);
ClientResult<HostPlugins> read_host_plugins(std::string_view text);
// Any valid JSON value, normalised (re-serialized compactly).
ClientResult<JsonText> read_any(std::string_view text);

// The error body {"message", "additionalInformation"} of a status >= 400. A body that is
// not such JSON becomes the message as is (trimmed), or the reason when empty.
ClientError read_http_error(int status, std::string_view reason, std::string_view body);

// Writers that embed JsonText fail with ErrorKind::protocol when such a field is not valid
// JSON (or, for formFields, not a JSON object: the host would answer 400).
ClientResult<std::string> write_process_start_request(const ProcessStartRequest& request);
ClientResult<std::string> write_user_task_result(const UserTaskResult& result);
std::string write_login_request(const Credentials& credentials);
std::string write_fetch_and_lock(const FetchAndLockRequest& request);
std::string write_extend_lock(const ExtendLockRequest& request);
std::string write_bpmn_error(const BpmnErrorRequest& request);
ClientResult<std::string> write_service_error(const ServiceErrorRequest& request);
ClientResult<std::string> write_finish_external_task(const FinishExternalTaskRequest& request);
// A message/signal trigger body: the payload as is, or "{}" when absent.
ClientResult<std::string> write_trigger_payload(const std::optional<JsonText>& payload);

// Compact form of a JSON text (same value, no insignificant whitespace); text itself when
// it does not parse.
std::string compact(std::string_view text);

}  // namespace processhost::client::json
