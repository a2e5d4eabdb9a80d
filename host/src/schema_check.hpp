#pragma once
// JSON schema validation with messages a user can act on: the JSON pointer of the bad
// value and what was expected ("/http/port: expected integer, got string").

#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace processhost::host {

// Validates document against schema_text (a JSON schema, draft 4 as RapidJSON supports).
// Returns nullopt when valid, else one line "<pointer>: <what was expected>".
// Throws std::invalid_argument when schema_text is not valid JSON.
std::optional<std::string> check_against_schema(const rapidjson::Value& document, std::string_view schema_text);

// The JSON type name of a value: "object", "array", "string", "integer", "number", "boolean", "null".
std::string_view json_type_name(const rapidjson::Value& value);

}  // namespace processhost::host
