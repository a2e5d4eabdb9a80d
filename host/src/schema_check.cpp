#include "schema_check.hpp"

#include <stdexcept>

#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include "processhost/json.hpp"

namespace processhost::host {
namespace {

std::string pointer_text(const rapidjson::Pointer& pointer) {
  rapidjson::StringBuffer buffer;
  pointer.Stringify(buffer);
  std::string text(buffer.GetString(), buffer.GetSize());
  return text.empty() ? "/" : text;
}

std::string join_names(const rapidjson::Value& names) {
  std::string joined;
  for (const auto& name : names.GetArray()) {
    if (!joined.empty()) joined += ", ";
    joined += name.IsString() ? std::string(name.GetString()) : json_to_string(name);
  }
  return joined;
}

std::string expected_type(const rapidjson::Value& schema) {
  const auto found = schema.FindMember("type");
  if (found == schema.MemberEnd()) return "another type";
  if (found->value.IsString()) return found->value.GetString();
  std::string names;
  for (const auto& name : found->value.GetArray()) {
    if (!names.empty()) names += " or ";
    names += name.GetString();
  }
  return names;
}

std::string unknown_keys(const rapidjson::Value& schema, const rapidjson::Value& object) {
  const auto properties = schema.FindMember("properties");
  std::string unknown;
  std::string allowed;
  if (properties != schema.MemberEnd() && properties->value.IsObject()) {
    for (const auto& member : properties->value.GetObject()) {
      if (!allowed.empty()) allowed += ", ";
      allowed += member.name.GetString();
    }
  }
  if (object.IsObject()) {
    for (const auto& member : object.GetObject()) {
      const bool known = properties != schema.MemberEnd() && properties->value.IsObject() &&
                         properties->value.HasMember(member.name);
      if (!known) {
        if (!unknown.empty()) unknown += ", ";
        unknown += "'" + std::string(member.name.GetString()) + "'";
      }
    }
  }
  return "unknown key " + unknown + " (allowed: " + allowed + ")";
}

std::string missing_keys(const rapidjson::Value& schema, const rapidjson::Value& object) {
  std::string missing;
  const auto required = schema.FindMember("required");
  if (required != schema.MemberEnd() && required->value.IsArray()) {
    for (const auto& name : required->value.GetArray()) {
      if (object.IsObject() && object.HasMember(name)) continue;
      if (!missing.empty()) missing += ", ";
      missing += "'" + std::string(name.GetString()) + "'";
    }
  }
  return "missing required key " + missing;
}

std::string schema_number(const rapidjson::Value& schema, const char* key) {
  const auto found = schema.FindMember(key);
  return found == schema.MemberEnd() ? "?" : json_to_string(found->value);
}

std::string describe(std::string_view keyword, const rapidjson::Value& schema, const rapidjson::Value& value) {
  const std::string got = std::string(json_type_name(value));
  if (keyword == "type") return "expected " + expected_type(schema) + ", got " + got;
  if (keyword == "additionalProperties") return unknown_keys(schema, value);
  if (keyword == "required") return missing_keys(schema, value);
  if (keyword == "minimum") return "expected a number >= " + schema_number(schema, "minimum") + ", got " + json_to_string(value);
  if (keyword == "maximum") return "expected a number <= " + schema_number(schema, "maximum") + ", got " + json_to_string(value);
  if (keyword == "minLength") return "expected a string of at least " + schema_number(schema, "minLength") + " characters";
  if (keyword == "maxLength") return "expected a string of at most " + schema_number(schema, "maxLength") + " characters";
  if (keyword == "minItems") return "expected at least " + schema_number(schema, "minItems") + " items";
  if (keyword == "maxItems") return "expected at most " + schema_number(schema, "maxItems") + " items";
  if (keyword == "enum") {
    const auto values = schema.FindMember("enum");
    return "expected one of " + (values != schema.MemberEnd() ? join_names(values->value) : std::string("?")) +
           ", got " + json_to_string(value);
  }
  if (keyword == "pattern") {
    return "expected a string matching " + schema_number(schema, "pattern") + ", got " + json_to_string(value);
  }
  return "does not satisfy the schema's '" + std::string(keyword) + "'";
}

}  // namespace

std::string_view json_type_name(const rapidjson::Value& value) {
  if (value.IsObject()) return "object";
  if (value.IsArray()) return "array";
  if (value.IsString()) return "string";
  if (value.IsBool()) return "boolean";
  if (value.IsNull()) return "null";
  if (value.IsInt64() || value.IsUint64()) return "integer";
  return "number";
}

std::optional<std::string> check_against_schema(const rapidjson::Value& document, std::string_view schema_text) {
  rapidjson::Document schema_json;
  if (auto error = json_parse(schema_text, schema_json)) {
    throw std::invalid_argument("the JSON schema is not valid JSON: " + error->message);
  }
  rapidjson::SchemaDocument schema(schema_json);
  rapidjson::SchemaValidator validator(schema);
  if (document.Accept(validator)) return std::nullopt;

  const std::string keyword = validator.GetInvalidSchemaKeyword();
  const rapidjson::Pointer document_pointer = validator.GetInvalidDocumentPointer();
  const rapidjson::Pointer schema_pointer = validator.GetInvalidSchemaPointer();
  rapidjson::Pointer reported_pointer = document_pointer;
  // RapidJSON points at the unknown member itself; the user needs the object and the key.
  if (keyword == "additionalProperties" && document_pointer.GetTokenCount() > 0) {
    reported_pointer = rapidjson::Pointer(document_pointer.GetTokens(), document_pointer.GetTokenCount() - 1);
  }
  const rapidjson::Value* value = reported_pointer.Get(document);
  const rapidjson::Value* sub_schema = schema_pointer.Get(schema_json);
  static const rapidjson::Value kEmpty(rapidjson::kObjectType);
  if (sub_schema == nullptr) sub_schema = schema_pointer.GetTokenCount() == 0 ? &schema_json : &kEmpty;
  if (value == nullptr) value = &document;
  return pointer_text(reported_pointer) + ": " + describe(keyword, *sub_schema, *value);
}

}  // namespace processhost::host
