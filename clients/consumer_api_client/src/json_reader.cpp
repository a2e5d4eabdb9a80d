#include "json_reader.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace processhost::client::json::detail {

namespace {

[[noreturn]] void fail(std::string_view shape, std::string message) {
  throw ShapeError(std::string(shape) + ": " + message);
}

}  // namespace

std::string serialize(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

void parse(std::string_view text, rapidjson::Document& document, std::string_view shape) {
  document.Parse(text.data(), text.size());
  if (document.HasParseError()) {
    fail(shape, std::string("body is not JSON (") + rapidjson::GetParseError_En(document.GetParseError()) +
                    " at offset " + std::to_string(document.GetErrorOffset()) + ")");
  }
}

const rapidjson::Value& require_object(const rapidjson::Value& value, std::string_view shape) {
  if (!value.IsObject()) fail(shape, "expected a JSON object");
  return value;
}

const rapidjson::Value& require_member(const rapidjson::Value& object, const char* name, std::string_view shape) {
  require_object(object, shape);
  auto member = object.FindMember(name);
  if (member == object.MemberEnd()) fail(shape, std::string("field '") + name + "' is missing");
  return member->value;
}

const rapidjson::Value& require_array(const rapidjson::Value& object, const char* name, std::string_view shape) {
  const auto& value = require_member(object, name, shape);
  if (!value.IsArray()) fail(shape, std::string("field '") + name + "' is not an array");
  return value;
}

std::string require_string(const rapidjson::Value& object, const char* name, std::string_view shape) {
  const auto& value = require_member(object, name, shape);
  if (!value.IsString()) fail(shape, std::string("field '") + name + "' is not a string");
  return std::string(value.GetString(), value.GetStringLength());
}

std::optional<std::string> optional_string(const rapidjson::Value& object, const char* name, std::string_view shape) {
  require_object(object, shape);
  auto member = object.FindMember(name);
  if (member == object.MemberEnd() || member->value.IsNull()) return std::nullopt;
  if (!member->value.IsString()) fail(shape, std::string("field '") + name + "' is not a string");
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

std::optional<JsonText> optional_raw(const rapidjson::Value& object, const char* name) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd()) return std::nullopt;
  return serialize(member->value);
}

JsonText raw_or_null(const rapidjson::Value& object, const char* name) {
  return optional_raw(object, name).value_or("null");
}

std::size_t count_or(const rapidjson::Value& object, const char* name, std::size_t fallback, std::string_view shape) {
  auto member = object.FindMember(name);
  if (member == object.MemberEnd()) return fallback;
  if (!member->value.IsUint64()) fail(shape, std::string("field '") + name + "' is not a non-negative integer");
  return static_cast<std::size_t>(member->value.GetUint64());
}

}  // namespace processhost::client::json::detail
