#include "plugin_common/http_api/request_parsing.hpp"

#include <charconv>
#include <cmath>
#include <limits>

namespace processhost::plugins::http_api {
namespace {

Error bad_request(std::string message) { return make_error(ErrorStatus::bad_request, std::move(message)); }

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A body json_parse refused: 400, naming the broken limit in additionalInformation.
Error invalid_body(const JsonError& error) {
  return make_error(ErrorStatus::bad_request, "The request body is not valid JSON: " + error.message,
                    error.additional_information());
}

// Parses body into document; the body must be a JSON object. type_name names the
// contract type in messages.
std::optional<Error> parse_object(std::string_view body, const JsonLimits& limits, rapidjson::Document& document,
                                  std::string_view type_name) {
  if (auto error = json_parse(body, document, limits)) return invalid_body(*error);
  if (!document.IsObject()) return bad_request(std::string(type_name) + " must be a JSON object.");
  return std::nullopt;
}

std::string field_message(std::string_view type_name, std::string_view field, std::string_view what) {
  return std::string(type_name) + ": '" + std::string(field) + "' " + std::string(what);
}

// Reads an optional string member; error when present but not a string.
Result<std::optional<std::string>> optional_string(const rapidjson::Value& object, const char* field,
                                                   std::string_view type_name) {
  auto member = object.FindMember(field);
  if (member == object.MemberEnd() || member->value.IsNull()) return std::optional<std::string>();
  if (!member->value.IsString()) return bad_request(field_message(type_name, field, "must be a string."));
  return std::optional<std::string>(std::string(member->value.GetString(), member->value.GetStringLength()));
}

Result<std::string> required_string(const rapidjson::Value& object, const char* field, std::string_view type_name) {
  auto value = optional_string(object, field, type_name);
  if (!value.ok()) return std::move(value).take_error();
  if (!value.value() || value.value()->empty()) {
    return bad_request(field_message(type_name, field, "is required and must be a non-empty string."));
  }
  return std::move(*value.value());
}

// A JSON number that is a whole, non-negative value (JavaScript clients send doubles).
Result<std::optional<std::int64_t>> optional_count(const rapidjson::Value& object, const char* field,
                                                   std::string_view type_name) {
  auto member = object.FindMember(field);
  if (member == object.MemberEnd() || member->value.IsNull()) return std::optional<std::int64_t>();
  const auto& value = member->value;
  const std::string what = "must be a non-negative integer.";
  if (value.IsInt64()) {
    if (value.GetInt64() < 0) return bad_request(field_message(type_name, field, what));
    return std::optional<std::int64_t>(value.GetInt64());
  }
  if (value.IsDouble()) {
    const double number = value.GetDouble();
    if (number < 0 || std::floor(number) != number || number > 9.0e15) {
      return bad_request(field_message(type_name, field, what));
    }
    return std::optional<std::int64_t>(static_cast<std::int64_t>(number));
  }
  return bad_request(field_message(type_name, field, what));
}

JsonText member_text(const rapidjson::Value& object, const char* field, JsonText fallback) {
  auto member = object.FindMember(field);
  if (member == object.MemberEnd()) return fallback;
  return json_to_string(member->value);
}

}  // namespace

Result<PageRequest> parse_page(const HttpRequest& request) {
  PageRequest page;
  for (const char* name : {"offset", "limit"}) {
    auto text = request.query_param(name);
    if (!text) continue;
    auto value = parse_unsigned(*text);
    if (!value || *value > std::numeric_limits<std::size_t>::max()) {
      return bad_request("The query parameter '" + std::string(name) + "' must be a non-negative integer, got '" +
                         std::string(*text) + "'.");
    }
    (std::string_view(name) == "offset" ? page.offset : page.limit) = static_cast<std::size_t>(*value);
  }
  return page;
}

Result<StartQuery> parse_start_query(const HttpRequest& request) {
  StartQuery query;
  if (auto type = request.query_param("start_callback_type")) {
    auto value = parse_unsigned(*type);
    if (!value || *value < 1 || *value > 3) {
      // The reference's wording first, then what to send instead.
      return bad_request(std::string(*type) +
                         " is not a valid return option! Use start_callback_type 1 (instance created), "
                         "2 (process finished) or 3 (end event reached).");
    }
    query.callback_type = static_cast<StartCallbackType>(*value);
  }
  if (auto id = request.query_param("start_event_id"); id && !id->empty()) query.start_event_id = std::string(*id);
  if (auto id = request.query_param("end_event_id"); id && !id->empty()) query.end_event_id = std::string(*id);
  if (query.callback_type == StartCallbackType::on_end_event_reached && !query.end_event_id) {
    return bad_request("Must provide an EndEventId, when using callback type 'CallbackOnEndEventReached'!");
  }
  return query;
}

Result<StartBody> parse_start_body(std::string_view body, const JsonLimits& limits) {
  StartBody result;
  if (is_blank(body)) return result;
  constexpr std::string_view kType = "ProcessStartRequestPayload";
  rapidjson::Document document;
  if (auto error = parse_object(body, limits, document, kType)) return *error;
  auto correlation_id = optional_string(document, "correlationId", kType);
  if (!correlation_id.ok()) return std::move(correlation_id).take_error();
  auto caller_id = optional_string(document, "callerId", kType);
  if (!caller_id.ok()) return std::move(caller_id).take_error();
  result.correlation_id = std::move(correlation_id.value());
  if (result.correlation_id && result.correlation_id->empty()) result.correlation_id.reset();
  result.caller_id = std::move(caller_id.value());
  if (auto input = document.FindMember("inputValues"); input != document.MemberEnd() && !input->value.IsNull()) {
    result.input_values = json_to_string(input->value);
  }
  return result;
}

Result<UpdateProcessDefinitionsBody> parse_update_process_definitions(std::string_view body,
                                                                      const JsonLimits& limits) {
  constexpr std::string_view kType = "UpdateProcessDefinitionsRequestPayload";
  rapidjson::Document document;
  if (auto error = parse_object(body, limits, document, kType)) return *error;
  auto xml = required_string(document, "xml", kType);
  if (!xml.ok()) return std::move(xml).take_error();
  UpdateProcessDefinitionsBody result;
  result.xml = std::move(xml.value());
  if (auto overwrite = document.FindMember("overwriteExisting");
      overwrite != document.MemberEnd() && !overwrite->value.IsNull()) {
    if (!overwrite->value.IsBool()) return bad_request(field_message(kType, "overwriteExisting", "must be a boolean."));
    result.overwrite_existing = overwrite->value.GetBool();
  }
  return result;
}

Result<JsonText> parse_user_task_result(std::string_view body, const JsonLimits& limits) {
  if (is_blank(body)) return JsonText("{}");
  rapidjson::Document document;
  if (auto error = parse_object(body, limits, document, "UserTaskResult")) return *error;
  auto fields = document.FindMember("formFields");
  if (fields == document.MemberEnd() || fields->value.IsNull()) return JsonText("{}");
  if (!fields->value.IsObject()) return bad_request("The UserTask's FormFields are not an object.");
  return json_to_string(fields->value);
}

Result<std::optional<JsonText>> parse_optional_json(std::string_view body, const JsonLimits& limits) {
  if (is_blank(body)) return std::optional<JsonText>();
  rapidjson::Document document;
  if (auto error = json_parse(body, document, limits)) return invalid_body(*error);
  return std::optional<JsonText>(json_to_string(document));
}

Result<FetchAndLockRequest> parse_fetch_and_lock(std::string_view body, const JsonLimits& limits) {
  constexpr std::string_view kType = "FetchAndLockRequestPayload";
  rapidjson::Document document;
  if (auto error = parse_object(body, limits, document, kType)) return *error;
  FetchAndLockRequest request;
  auto worker = required_string(document, "workerId", kType);
  if (!worker.ok()) return std::move(worker).take_error();
  auto topic = required_string(document, "topicName", kType);
  if (!topic.ok()) return std::move(topic).take_error();
  auto max_tasks = optional_count(document, "maxTasks", kType);
  if (!max_tasks.ok()) return std::move(max_tasks).take_error();
  auto polling = optional_count(document, "longPollingTimeout", kType);
  if (!polling.ok()) return std::move(polling).take_error();
  auto lock = optional_count(document, "lockDuration", kType);
  if (!lock.ok()) return std::move(lock).take_error();
  if (!lock.value()) return bad_request(field_message(kType, "lockDuration", "is required (milliseconds)."));
  if (max_tasks.value() && *max_tasks.value() < 1) {
    return bad_request(field_message(kType, "maxTasks", "must be at least 1."));
  }
  request.worker_id = std::move(worker.value());
  request.topic = std::move(topic.value());
  request.max_tasks = static_cast<std::size_t>(max_tasks.value().value_or(1));
  request.long_polling_timeout_ms = polling.value().value_or(0);
  request.lock_duration_ms = *lock.value();
  return request;
}

Result<ExtendLockBody> parse_extend_lock(std::string_view body, const JsonLimits& limits) {
  constexpr std::string_view kType = "ExtendLockRequestPayload";
  rapidjson::Document document;
  if (auto error = parse_object(body, limits, document, kType)) return *error;
  auto worker = required_string(document, "workerId", kType);
  if (!worker.ok()) return std::move(worker).take_error();
  auto duration = optional_count(document, "additionalDuration", kType);
  if (!duration.ok()) return std::move(duration).take_error();
  if (!duration.value()) return bad_request(field_message(kType, "additionalDuration", "is required (milliseconds)."));
  return ExtendLockBody{std::move(worker.value()), *duration.value()};
}

Result<ExternalTaskOutcome> parse_external_task_finish(std::string_view body, const JsonLimits& limits) {
  constexpr std::string_view kType = "FinishExternalTaskRequestPayload";
  rapidjson::Document document;
  if (auto error = parse_object(body, limits, document, kType)) return *error;
  auto worker = required_string(document, "workerId", kType);
  if (!worker.ok()) return std::move(worker).take_error();
  ExternalTaskOutcome outcome;
  outcome.kind = ExternalTaskOutcome::Kind::finish;
  outcome.worker_id = std::move(worker.value());
  outcome.result = member_text(document, "result", "{}");
  return outcome;
}

Result<ExternalTaskOutcome> parse_bpmn_error(std::string_view body, const JsonLimits& limits) {
  constexpr std::string_view kType = "HandleBpmnErrorRequestPayload";
  rapidjson::Document document;
  if (auto error = parse_object(body, limits, document, kType)) return *error;
  auto worker = required_string(document, "workerId", kType);
  if (!worker.ok()) return std::move(worker).take_error();
  auto code = required_string(document, "errorCode", kType);
  if (!code.ok()) return std::move(code).take_error();
  auto message = optional_string(document, "errorMessage", kType);
  if (!message.ok()) return std::move(message).take_error();
  ExternalTaskOutcome outcome;
  outcome.kind = ExternalTaskOutcome::Kind::bpmn_error;
  outcome.worker_id = std::move(worker.value());
  outcome.error_code = std::move(code.value());
  outcome.error_message = message.value().value_or("");
  return outcome;
}

Result<ExternalTaskOutcome> parse_service_error(std::string_view body, const JsonLimits& limits) {
  constexpr std::string_view kType = "HandleServiceErrorRequestPayload";
  rapidjson::Document document;
  if (auto error = parse_object(body, limits, document, kType)) return *error;
  auto worker = required_string(document, "workerId", kType);
  if (!worker.ok()) return std::move(worker).take_error();
  auto message = required_string(document, "errorMessage", kType);
  if (!message.ok()) return std::move(message).take_error();
  auto code = optional_string(document, "errorCode", kType);
  if (!code.ok()) return std::move(code).take_error();
  ExternalTaskOutcome outcome;
  outcome.kind = ExternalTaskOutcome::Kind::service_error;
  outcome.worker_id = std::move(worker.value());
  outcome.error_message = std::move(message.value());
  outcome.error_code = code.value().value_or("");
  outcome.error_details = member_text(document, "errorDetails", "null");
  return outcome;
}

}  // namespace processhost::plugins::http_api
