#pragma once
// Parsing and validation of query parameters and JSON bodies. Every function is pure
// and answers bad input with a 400 Error whose message names the field and what it
// must be; malformed JSON gets the parser's message with the offset, and a body beyond
// limits (the request's json_limits, passed in) names the limit in additionalInformation.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "processhost/json.hpp"
#include "processhost/result.hpp"
#include "processhost/services/engine.hpp"
#include "processhost/services/http.hpp"

namespace processhost::plugins::http_api {

// offset/limit: absent = 0; otherwise non-negative decimal integers.
Result<PageRequest> parse_page(const HttpRequest& request);

struct StartQuery {
  StartCallbackType callback_type = StartCallbackType::on_instance_created;
  std::optional<std::string> start_event_id;
  std::optional<std::string> end_event_id;
};
// start_callback_type 1/2/3 (default 1); end_event_id required for 3.
Result<StartQuery> parse_start_query(const HttpRequest& request);

struct StartBody {
  std::optional<std::string> correlation_id;
  std::optional<std::string> caller_id;
  std::optional<JsonText> input_values;
};
// ProcessStartRequestPayload; an empty body is the empty payload.
Result<StartBody> parse_start_body(std::string_view body, const JsonLimits& limits = {});

struct UpdateProcessDefinitionsBody {
  std::string xml;
  bool overwrite_existing = false;
};
// Management API: UpdateProcessDefinitionsRequestPayload {"xml", "overwriteExisting"?}; xml
// required and non-empty, overwriteExisting a boolean (default false).
Result<UpdateProcessDefinitionsBody> parse_update_process_definitions(std::string_view body,
                                                                      const JsonLimits& limits = {});

// UserTaskResult; returns the formFields object as text ("{}" when absent or empty body).
Result<JsonText> parse_user_task_result(std::string_view body, const JsonLimits& limits = {});

// Any JSON value; nullopt for an empty body.
Result<std::optional<JsonText>> parse_optional_json(std::string_view body, const JsonLimits& limits = {});

Result<FetchAndLockRequest> parse_fetch_and_lock(std::string_view body, const JsonLimits& limits = {});

struct ExtendLockBody {
  std::string worker_id;
  std::int64_t additional_duration_ms = 0;
};
Result<ExtendLockBody> parse_extend_lock(std::string_view body, const JsonLimits& limits = {});

Result<ExternalTaskOutcome> parse_external_task_finish(std::string_view body, const JsonLimits& limits = {});
Result<ExternalTaskOutcome> parse_bpmn_error(std::string_view body, const JsonLimits& limits = {});
Result<ExternalTaskOutcome> parse_service_error(std::string_view body, const JsonLimits& limits = {});

}  // namespace processhost::plugins::http_api
