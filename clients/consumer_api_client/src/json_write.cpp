// Writers and the error-body decoder of json_mapping.hpp.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <utility>

#include "json_reader.hpp"
#include "processhost/client/json_mapping.hpp"

namespace processhost::client::json {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// Builds one JSON object; JsonText members are parsed first so that only valid JSON is sent.
class ObjectWriter {
 public:
  ObjectWriter() : writer_(buffer_) { writer_.StartObject(); }

  ObjectWriter& string(const char* name, std::string_view value) {
    writer_.Key(name);
    writer_.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
    return *this;
  }
  ObjectWriter& optional_string(const char* name, const std::optional<std::string>& value) {
    return value ? string(name, *value) : *this;
  }
  ObjectWriter& integer(const char* name, long long value) {
    writer_.Key(name);
    writer_.Int64(value);
    return *this;
  }
  // Embeds a JSON text; records an error when it does not parse.
  ObjectWriter& raw(const char* name, std::string_view json_text) {
    rapidjson::Document document;
    document.Parse(json_text.data(), json_text.size());
    if (document.HasParseError()) {
      if (!error_) error_ = std::string("'") + name + "' is not valid JSON";
      return *this;
    }
    writer_.Key(name);
    document.Accept(writer_);
    return *this;
  }
  ObjectWriter& optional_raw(const char* name, const std::optional<JsonText>& value) {
    return value ? raw(name, *value) : *this;
  }

  std::string text() {
    writer_.EndObject();
    return std::string(buffer_.GetString(), buffer_.GetSize());
  }
  ClientResult<std::string> result() {
    if (error_) return make_client_error(ErrorKind::protocol, *error_);
    return text();
  }

 private:
  rapidjson::StringBuffer buffer_;
  Writer writer_;
  std::optional<std::string> error_;
};

std::string trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

}  // namespace

ClientError read_http_error(int status, std::string_view reason, std::string_view body) {
  ClientError error = make_client_error(ErrorKind::http, {}, status);
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (!document.HasParseError() && document.IsObject()) {
    auto message = document.FindMember("message");
    if (message != document.MemberEnd() && message->value.IsString()) {
      error.message.assign(message->value.GetString(), message->value.GetStringLength());
      auto info = document.FindMember("additionalInformation");
      if (info != document.MemberEnd()) error.additional_information = detail::serialize(info->value);
      return error;
    }
  }
  error.message = trim(body);
  if (error.message.empty()) error.message = std::string(reason);
  return error;
}

ClientResult<std::string> write_process_start_request(const ProcessStartRequest& request) {
  ObjectWriter writer;
  writer.optional_string("correlationId", request.correlation_id)
      .optional_string("callerId", request.caller_id)
      .optional_raw("inputValues", request.input_values);
  return writer.result();
}

ClientResult<std::string> write_user_task_result(const UserTaskResult& result) {
  rapidjson::Document fields;
  fields.Parse(result.form_fields.data(), result.form_fields.size());
  if (fields.HasParseError() || !fields.IsObject()) {
    return make_client_error(ErrorKind::protocol, "formFields must be a JSON object, got: " + result.form_fields);
  }
  ObjectWriter writer;
  writer.raw("formFields", result.form_fields);
  return writer.result();
}

std::string write_login_request(const Credentials& credentials) {
  return ObjectWriter().string("username", credentials.username).string("password", credentials.password).text();
}

std::string write_fetch_and_lock(const FetchAndLockRequest& request) {
  return ObjectWriter()
      .string("workerId", request.worker_id)
      .string("topicName", request.topic_name)
      .integer("maxTasks", static_cast<long long>(request.max_tasks))
      .integer("longPollingTimeout", request.long_polling_timeout_ms)
      .integer("lockDuration", request.lock_duration_ms)
      .text();
}

std::string write_extend_lock(const ExtendLockRequest& request) {
  return ObjectWriter()
      .string("workerId", request.worker_id)
      .integer("additionalDuration", request.additional_duration_ms)
      .text();
}

std::string write_bpmn_error(const BpmnErrorRequest& request) {
  return ObjectWriter()
      .string("workerId", request.worker_id)
      .string("errorCode", request.error_code)
      .string("errorMessage", request.error_message)
      .text();
}

ClientResult<std::string> write_service_error(const ServiceErrorRequest& request) {
  ObjectWriter writer;
  writer.string("workerId", request.worker_id)
      .string("errorMessage", request.error_message)
      .raw("errorDetails", request.error_details)
      .optional_string("errorCode", request.error_code);
  return writer.result();
}

ClientResult<std::string> write_finish_external_task(const FinishExternalTaskRequest& request) {
  ObjectWriter writer;
  writer.string("workerId", request.worker_id).raw("result", request.result);
  return writer.result();
}

ClientResult<std::string> write_trigger_payload(const std::optional<JsonText>& payload) {
  if (!payload) return std::string("{}");
  auto text = read_any(*payload);
  if (!text) return make_client_error(ErrorKind::protocol, "the trigger payload is not valid JSON");
  return std::move(text).value();
}

std::string compact(std::string_view text) {
  auto result = read_any(text);
  return result ? std::move(result).value() : std::string(text);
}

}  // namespace processhost::client::json
