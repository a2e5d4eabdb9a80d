#include <gtest/gtest.h>

#include "schema_check.hpp"

namespace processhost::host {
namespace {

std::optional<std::string> check(const char* json, const char* schema) {
  rapidjson::Document document;
  document.Parse(json);
  return check_against_schema(document, schema);
}

TEST(SchemaCheck, ValidDocument) {
  EXPECT_EQ(check(R"({"a": 1})", R"({"type": "object", "properties": {"a": {"type": "integer"}}})"), std::nullopt);
}

TEST(SchemaCheck, NestedPointerAndTypes) {
  const char* schema = R"({"type": "object", "properties": {"list": {"type": "array", "items": {"type": "object",
      "properties": {"id": {"type": "string"}}}}}})";
  EXPECT_EQ(check(R"({"list": [{"id": "x"}, {"id": true}]})", schema), "/list/1/id: expected string, got boolean");
  EXPECT_EQ(check(R"({"list": [{"id": null}]})", schema), "/list/0/id: expected string, got null");
  EXPECT_EQ(check(R"({"list": [{"id": 1.5}]})", schema), "/list/0/id: expected string, got number");
}

TEST(SchemaCheck, LengthsAndItemCounts) {
  EXPECT_EQ(check(R"({"s": ""})", R"({"properties": {"s": {"type": "string", "minLength": 1}}})"),
            "/s: expected a string of at least 1 characters");
  EXPECT_EQ(check(R"({"l": []})", R"({"properties": {"l": {"type": "array", "minItems": 1}}})"),
            "/l: expected at least 1 items");
}

TEST(SchemaCheck, BrokenSchemaThrows) {
  rapidjson::Document document;
  document.Parse("{}");
  EXPECT_THROW(check_against_schema(document, "{not json"), std::invalid_argument);
}

}  // namespace
}  // namespace processhost::host
