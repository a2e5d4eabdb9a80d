#pragma once
// Small shared JSON vocabulary. Across the plugin boundary JSON travels as text
// (JsonText: always one complete, valid JSON value); inside a component it is RapidJSON.

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>
#include <string_view>

namespace processhost {

// Serialized JSON: one complete value ("{}", "null", "\"text\"", ...).
using JsonText = std::string;

inline std::string json_to_string(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Parses text into document; on failure returns a message with the offset, else nullopt.
inline std::optional<std::string> json_parse(std::string_view text, rapidjson::Document& document) {
  document.Parse(text.data(), text.size());
  if (document.HasParseError()) {
    return std::string(rapidjson::GetParseError_En(document.GetParseError())) + " at offset " +
           std::to_string(document.GetErrorOffset());
  }
  return std::nullopt;
}

// Quotes and escapes a string as a JSON string literal.
inline std::string json_quote(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace processhost
