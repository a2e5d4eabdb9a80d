#pragma once
// JSON comparisons the conformance cases ask for.

#include <rapidjson/document.h>

#include <string>

namespace processhost::conformance {

// Deep equality; numbers compare by value (1 == 1.0).
bool json_equal(const rapidjson::Value& expected, const rapidjson::Value& actual);
// Every member of expected is in actual and matches (recursively); other values equal.
bool json_contains(const rapidjson::Value& expected, const rapidjson::Value& actual);
std::string json_text(const rapidjson::Value& value);

}  // namespace processhost::conformance
