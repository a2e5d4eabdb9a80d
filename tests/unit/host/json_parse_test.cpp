#include <string>

#include <gtest/gtest.h>

#include "processhost/json.hpp"

namespace processhost {
namespace {

std::optional<JsonError> parse(const std::string& text, const JsonLimits& limits = {}) {
  rapidjson::Document document;
  return json_parse(text, document, limits);
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonParse, ParsesAValidDocument) {
  rapidjson::Document document;
  ASSERT_EQ(json_parse(R"({"a": [1, "x", null, true, 2.5], "b": {"c": "\u00e9"}})", document), std::nullopt);
  EXPECT_EQ(document["a"].Size(), 5u);
  EXPECT_STREQ(document["b"]["c"].GetString(), "\xc3\xa9");
}

TEST(JsonParse, SyntaxErrorHasOffsetAndNoLimit) {
  rapidjson::Document document;
  document.SetObject();
  const auto error = json_parse("{\"a\": }", document);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->message, "Invalid value. at offset 6");
  EXPECT_EQ(error->limit, "");
  EXPECT_EQ(error->additional_information(), R"({"offset":6})");
  EXPECT_TRUE(document.IsNull());
}

TEST(JsonParse, DepthUpToTheLimitPassesOneMoreIsRefused) {
  EXPECT_EQ(parse(nested_arrays(64)), std::nullopt);
  const auto error = parse(nested_arrays(65));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->limit, "maxJsonDepth");
  EXPECT_EQ(error->max, 64u);
  EXPECT_EQ(error->additional_information(), R"({"limit":"maxJsonDepth","max":64,"offset":64})");
  JsonLimits limits;
  limits.max_depth = 3;
  EXPECT_EQ(parse(R"({"a": [{}]})", limits), std::nullopt);
  ASSERT_TRUE(parse(R"({"a": [{"b": []}]})", limits));
  EXPECT_EQ(parse(R"({"a": [{"b": []}]})", limits)->limit, "maxJsonDepth");
}

TEST(JsonParse, AMillionOpenBracketsAreRefusedWithoutRecursion) {
  const auto error = parse(std::string(1000000, '['));
  ASSERT_TRUE(error);
  EXPECT_EQ(error->limit, "maxJsonDepth");
  // Even without a depth limit the iterative parser must not exhaust the stack.
  JsonLimits unlimited;
  unlimited.max_depth = SIZE_MAX;
  const auto deep = parse(std::string(1000000, '['), unlimited);
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->limit, "");
  EXPECT_EQ(parse(nested_arrays(1000000), unlimited), std::nullopt);
}

TEST(JsonParse, InvalidUtf8IsRefused) {
  const auto raw = parse("{\"a\": \"\xff\xfe\"}");
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->limit, "validUtf8");
  // An overlong encoding of '/' and a truncated sequence.
  EXPECT_EQ(parse("[\"\xc0\xaf\"]")->limit, "validUtf8");
  EXPECT_EQ(parse("[\"\xe2\x82\"]")->limit, "validUtf8");
  // Escapes that decode to a lone surrogate are not characters either.
  const auto lone = parse(R"(["\uDC00"])");
  ASSERT_TRUE(lone);
  EXPECT_EQ(lone->limit, "validUtf8");
  EXPECT_EQ(parse(R"({"\uDC00": 1})")->limit, "validUtf8");
  EXPECT_EQ(parse(R"(["\uD83D\uDE00"])"), std::nullopt);
}

TEST(JsonParse, NulIsRefusedUnlessAllowed) {
  const auto value = parse(R"({"a": "x\u0000y"})");
  ASSERT_TRUE(value);
  EXPECT_EQ(value->limit, "noNul");
  EXPECT_EQ(value->additional_information(), R"({"limit":"noNul","offset":16})");
  EXPECT_EQ(parse(R"({"a\u0000": 1})")->limit, "noNul");
  rapidjson::Document document;
  ASSERT_EQ(json_parse(R"(["x\u0000y"])", document, JsonLimits::for_stored_data()), std::nullopt);
  EXPECT_EQ(document[0].GetStringLength(), 3u);
}

TEST(JsonParse, StringLengthLimitCountsBytesOfValuesAndNames) {
  JsonLimits limits;
  limits.max_string_bytes = 4;
  EXPECT_EQ(parse(R"({"abcd": "wxyz"})", limits), std::nullopt);
  EXPECT_EQ(parse(R"({"abcde": 1})", limits)->limit, "maxJsonStringBytes");
  const auto value = parse(R"(["abc\u00e9"])", limits);  // 5 bytes once decoded
  ASSERT_TRUE(value);
  EXPECT_EQ(value->limit, "maxJsonStringBytes");
  EXPECT_EQ(value->max, 4u);
}

TEST(JsonParse, MemberAndElementCountsAreLimitedPerContainer) {
  JsonLimits limits;
  limits.max_members = 2;
  EXPECT_EQ(parse(R"({"a": [1, 2], "b": {"c": [3, 4]}})", limits), std::nullopt);
  EXPECT_EQ(parse(R"([1, 2, 3])", limits)->limit, "maxJsonMembers");
  EXPECT_EQ(parse(R"({"a": 1, "b": 2, "c": 3})", limits)->limit, "maxJsonMembers");
  EXPECT_EQ(parse(R"([[1], [2], []])", limits)->limit, "maxJsonMembers");
}

TEST(JsonParse, DefaultsAreTheDocumentedOnes) {
  const JsonLimits limits;
  EXPECT_EQ(limits.max_depth, 64u);
  EXPECT_EQ(limits.max_string_bytes, 1048576u);
  EXPECT_EQ(limits.max_members, 10000u);
  EXPECT_TRUE(limits.refuse_nul);
}

TEST(JsonParse, ByteOrderMarkIsSkippedAsBefore) { EXPECT_EQ(parse("\xef\xbb\xbf{}"), std::nullopt); }

TEST(JsonValidate, SameLimitsWithoutADocument) {
  EXPECT_EQ(json_validate(R"({"a": [1]})"), std::nullopt);
  EXPECT_EQ(json_validate(nested_arrays(65))->limit, "maxJsonDepth");
  EXPECT_EQ(json_validate(R"(["\u0000"])")->limit, "noNul");
  EXPECT_EQ(json_validate("[1,")->limit, "");
}

}  // namespace
}  // namespace processhost
