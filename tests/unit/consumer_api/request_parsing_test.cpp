// Query and body parsing, independent of routes.

#include <gtest/gtest.h>

#include "plugin_common/http_api/request_parsing.hpp"

namespace processhost::plugins::http_api {
namespace {

HttpRequest with_query(std::vector<std::pair<std::string, std::string>> query) {
  HttpRequest request;
  request.query = std::move(query);
  return request;
}

TEST(RequestParsing, PageDefaultsToZero) {
  auto page = parse_page(with_query({}));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->offset, 0u);
  EXPECT_EQ(page->limit, 0u);
}

TEST(RequestParsing, PageAcceptsNonNegativeIntegers) {
  auto page = parse_page(with_query({{"offset", "10"}, {"limit", "0"}}));
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->offset, 10u);
}

TEST(RequestParsing, PageRejectsEverythingElseNamingTheParameter) {
  for (const char* value : {"-1", "+1", "1e3", " 1", "0x10", "abc", ""}) {
    auto page = parse_page(with_query({{"limit", value}}));
    ASSERT_FALSE(page.ok()) << value;
    EXPECT_EQ(page.error().status, ErrorStatus::bad_request);
    EXPECT_NE(page.error().message.find("'limit'"), std::string::npos);
  }
}

TEST(RequestParsing, StartQuery) {
  auto query = parse_start_query(with_query({{"start_callback_type", "2"}, {"start_event_id", "S"}}));
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->callback_type, StartCallbackType::on_process_finished);
  EXPECT_EQ(query->start_event_id, "S");
  EXPECT_FALSE(query->end_event_id);
  auto missing_end = parse_start_query(with_query({{"start_callback_type", "3"}}));
  ASSERT_FALSE(missing_end.ok());
  EXPECT_EQ(missing_end.error().message,
            "Must provide an EndEventId, when using callback type 'CallbackOnEndEventReached'!");
}

TEST(RequestParsing, StartBodyAcceptsNullsAndAnyInputValues) {
  auto body = parse_start_body(R"({"correlationId":null,"inputValues":[1,"two"]})");
  ASSERT_TRUE(body.ok());
  EXPECT_FALSE(body->correlation_id);
  EXPECT_EQ(body->input_values, R"([1,"two"])");
  auto blank = parse_start_body("  \n");
  ASSERT_TRUE(blank.ok());
  EXPECT_FALSE(blank->input_values);
}

TEST(RequestParsing, MalformedJsonCarriesTheParserMessageAndOffset) {
  auto body = parse_start_body(R"({"a": tru})");
  ASSERT_FALSE(body.ok());
  EXPECT_EQ(body.error().status, ErrorStatus::bad_request);
  EXPECT_NE(body.error().message.find("Invalid value. at offset "), std::string::npos) << body.error().message;
}

TEST(RequestParsing, UserTaskResult) {
  EXPECT_EQ(parse_user_task_result(R"({"formFields":{"a":1},"other":2})").value(), R"({"a":1})");
  EXPECT_EQ(parse_user_task_result("").value(), "{}");
  EXPECT_FALSE(parse_user_task_result(R"({"formFields":"a"})").ok());
  EXPECT_FALSE(parse_user_task_result(R"("text")").ok());
}

TEST(RequestParsing, OptionalJson) {
  EXPECT_FALSE(parse_optional_json("").value());
  EXPECT_EQ(parse_optional_json(" [1, 2] ").value(), "[1,2]");
  EXPECT_FALSE(parse_optional_json("[1,").ok());
}

TEST(RequestParsing, ServiceErrorDetailsDefaultToNull) {
  auto outcome = parse_service_error(R"({"workerId":"w","errorMessage":"m"})");
  ASSERT_TRUE(outcome.ok());
  EXPECT_EQ(outcome->error_details, "null");
  EXPECT_EQ(outcome->error_code, "");
}

}  // namespace
}  // namespace processhost::plugins::http_api
