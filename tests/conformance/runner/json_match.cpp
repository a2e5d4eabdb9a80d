#include "json_match.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace processhost::conformance {

bool json_equal(const rapidjson::Value& expected, const rapidjson::Value& actual) {
  if (expected.IsNumber() && actual.IsNumber()) return expected.GetDouble() == actual.GetDouble();
  if (expected.GetType() != actual.GetType()) return false;
  if (expected.IsObject()) {
    if (expected.MemberCount() != actual.MemberCount()) return false;
    for (const auto& member : expected.GetObject()) {
      auto found = actual.FindMember(member.name);
      if (found == actual.MemberEnd() || !json_equal(member.value, found->value)) return false;
    }
    return true;
  }
  if (expected.IsArray()) {
    if (expected.Size() != actual.Size()) return false;
    for (rapidjson::SizeType i = 0; i < expected.Size(); ++i) {
      if (!json_equal(expected[i], actual[i])) return false;
    }
    return true;
  }
  return expected == actual;
}

bool json_contains(const rapidjson::Value& expected, const rapidjson::Value& actual) {
  if (!expected.IsObject()) return json_equal(expected, actual);
  if (!actual.IsObject()) return false;
  for (const auto& member : expected.GetObject()) {
    auto found = actual.FindMember(member.name);
    if (found == actual.MemberEnd() || !json_contains(member.value, found->value)) return false;
  }
  return true;
}

std::string json_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return buffer.GetString();
}

}  // namespace processhost::conformance
