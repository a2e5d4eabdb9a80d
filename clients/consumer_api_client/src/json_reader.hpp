#pragma once
// Field access on RapidJSON values for the readers of json_mapping. Internal: a missing or
// mistyped field throws ShapeError, which the public read_* functions turn into one
// ErrorKind::protocol value naming the shape and the field.

#include <rapidjson/document.h>

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "processhost/client/client_error.hpp"
#include "processhost/client/types.hpp"

namespace processhost::client::json::detail {

class ShapeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string serialize(const rapidjson::Value& value);

// Parses text; throws ShapeError with the parse error and offset.
void parse(std::string_view text, rapidjson::Document& document, std::string_view shape);

const rapidjson::Value& require_object(const rapidjson::Value& value, std::string_view shape);
const rapidjson::Value& require_member(const rapidjson::Value& object, const char* name, std::string_view shape);
const rapidjson::Value& require_array(const rapidjson::Value& object, const char* name, std::string_view shape);

std::string require_string(const rapidjson::Value& object, const char* name, std::string_view shape);
// Absent or null -> nullopt; any other non-string -> ShapeError.
std::optional<std::string> optional_string(const rapidjson::Value& object, const char* name, std::string_view shape);
// Absent -> nullopt; else the value serialized (null included).
std::optional<JsonText> optional_raw(const rapidjson::Value& object, const char* name);
// Absent -> "null".
JsonText raw_or_null(const rapidjson::Value& object, const char* name);
// totalCount: absent -> fallback (the number of items); present must be a non-negative integer.
std::size_t count_or(const rapidjson::Value& object, const char* name, std::size_t fallback, std::string_view shape);

// Runs read(document) on the parsed text; ShapeError becomes a protocol ClientError.
template <class T, class Read>
ClientResult<T> read_document(std::string_view text, std::string_view shape, Read read) {
  try {
    rapidjson::Document document;
    parse(text, document, shape);
    return ClientResult<T>(read(static_cast<const rapidjson::Value&>(document)));
  } catch (const ShapeError& error) {
    return make_client_error(ErrorKind::protocol, error.what());
  }
}

}  // namespace processhost::client::json::detail
