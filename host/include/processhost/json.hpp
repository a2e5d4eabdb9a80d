#pragma once
// Small shared JSON vocabulary. Across the plugin boundary JSON travels as text
// (JsonText: always one complete, valid JSON value); inside a component it is RapidJSON.

#include <rapidjson/document.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "processhost/detail/json_limit_handler.hpp"

namespace processhost {

// Serialized JSON: one complete value ("{}", "null", "\"text\"", ...).
using JsonText = std::string;

inline std::string json_to_string(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Quotes and escapes a string as a JSON string literal.
inline std::string json_quote(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

// Limits for parsing JSON that arrives from outside the host. Each field names the host
// config key that sets it (docs/configuration.md, `http`); the defaults are the host's.
struct JsonLimits {
  std::size_t max_depth = 64;                  // maxJsonDepth: open objects and arrays at once
  std::size_t max_string_bytes = 1024 * 1024;  // maxJsonStringBytes: one string or member name
  std::size_t max_members = 10000;             // maxJsonMembers: members of one object, elements of one array
  bool refuse_nul = true;                      // U+0000 in a string: PostgreSQL cannot store it

  // For JSON the host wrote itself and reads back (stored state, tokens it built): no size
  // limits, NUL kept as stored, and a depth well above any request's (maxJsonDepth is at
  // most 1000) plus the engine's own wrapping, so that only a corrupt record is refused.
  static JsonLimits for_stored_data() { return {4096, SIZE_MAX, SIZE_MAX, false}; }
};

// Why json_parse refused a text.
struct JsonError {
  std::string message;  // one line, with the offset: what a 400 answer says
  std::size_t offset = 0;
  // The limit that was broken ("maxJsonDepth", "maxJsonStringBytes", "maxJsonMembers",
  // "validUtf8", "noNul"); empty for a syntax error. max: the configured value of a size limit.
  std::string limit;
  std::size_t max = 0;

  // {"limit": ..., "max": ..., "offset": ...} (limit and max only for a breach): the
  // additionalInformation of the 400 answer.
  std::string additional_information() const {
    std::string text = "{";
    if (!limit.empty()) {
      text += "\"limit\":" + json_quote(limit) + ",";
      if (max != 0) text += "\"max\":" + std::to_string(max) + ",";
    }
    return text + "\"offset\":" + std::to_string(offset) + "}";
  }
};

namespace detail {

// Runs one parse of text into handler under limits; the shared core of json_parse and
// json_validate.
template <class Handler>
std::optional<JsonError> json_read(std::string_view text, Handler& handler, const JsonLimits& limits) {
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  JsonLimitHandler<Handler, JsonLimits> filter(handler, limits);
  rapidjson::MemoryStream bytes(text.data(), text.size());
  // As Document::Parse does: a leading UTF-8 byte order mark is skipped.
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> input(bytes);
  rapidjson::Reader reader;
  const rapidjson::ParseResult result = reader.Parse<kFlags>(input, filter);
  if (!result.IsError()) return std::nullopt;
  JsonError error;
  error.offset = result.Offset();
  const JsonBreach& breach = filter.breach();
  if (breach.limit.empty()) {
    error.message =
        std::string(rapidjson::GetParseError_En(result.Code())) + " at offset " + std::to_string(error.offset);
    if (result.Code() == rapidjson::kParseErrorStringInvalidEncoding) error.limit = "validUtf8";
    return error;
  }
  error.message = breach.what + " (" + breach.limit + (breach.max != 0 ? " " + std::to_string(breach.max) : "") +
                  ") at offset " + std::to_string(error.offset);
  error.limit = breach.limit;
  error.max = breach.max;
  return error;
}

}  // namespace detail

// The one entry point for parsing JSON in the host and its plugins. The parse is iterative
// (no recursion, so no depth can exhaust the stack), checks that the text is UTF-8, and
// stops at the first breach of limits. On failure document is null.
// Thread-safe for distinct documents; no exceptions.
inline std::optional<JsonError> json_parse(std::string_view text, rapidjson::Document& document,
                                           const JsonLimits& limits = {}) {
  std::optional<JsonError> error;
  auto generate = [&](rapidjson::Document& handler) {
    error = detail::json_read(text, handler, limits);
    return !error;
  };
  document.SetNull();
  document.Populate(generate);
  return error;
}

// json_parse without building a document: for checking text that is passed on as text.
inline std::optional<JsonError> json_validate(std::string_view text, const JsonLimits& limits = {}) {
  rapidjson::BaseReaderHandler<> ignore;
  return detail::json_read(text, ignore, limits);
}

}  // namespace processhost
