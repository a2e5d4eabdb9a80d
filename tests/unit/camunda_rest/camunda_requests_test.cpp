// Reading /engine-rest requests: start bodies, list queries and deployment forms.

#include "camunda_requests.hpp"

#include <gtest/gtest.h>

namespace processhost::plugins::camunda_rest {
namespace {

HttpRequest with_query(std::vector<std::pair<std::string, std::string>> query) {
  HttpRequest request;
  request.query = std::move(query);
  return request;
}

TEST(StartInstance, TurnsTypedVariablesIntoTheInputToken) {
  auto body = parse_start_instance(
      R"({"variables":{"amount":{"value":1200,"type":"Integer"},"approved":{"value":true,"type":"Boolean"},
          "order":{"value":"{\"items\":[1,2]}","type":"Json"},"missing":{"type":"String"}},
          "businessKey":"order-17"})",
      {});
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_EQ(body.value().input_values, R"({"amount":1200,"approved":true,"order":{"items":[1,2]},"missing":null})");
  EXPECT_EQ(body.value().business_key.value(), "order-17");
  EXPECT_FALSE(body.value().variables.has_value());
}

TEST(StartInstance, EchoesTheVariablesWhenAskedAndAcceptsAnEmptyBody) {
  auto echoed = parse_start_instance(R"({"variables":{"a":{"value":"x"}},"withVariablesInReturn":true})", {});
  ASSERT_TRUE(echoed.ok());
  EXPECT_EQ(echoed.value().variables.value(), R"({"a":{"value":"x"}})");
  auto empty = parse_start_instance("", {});
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty.value().input_values, "{}");
  EXPECT_FALSE(empty.value().business_key.has_value());
}

TEST(StartInstance, RefusesWhatItCannotHonour) {
  const struct {
    const char* body;
    const char* message_part;
  } cases[] = {
      {"[1]", "must be a JSON object"},
      {"{", "not valid JSON"},
      {R"({"variables":[1]})", "'variables' must be an object"},
      {R"({"variables":{"a":5}})", "Variable 'a' must be an object"},
      {R"({"variables":{"a":{"value":"{oops","type":"Json"}}})", "Variable 'a' of type Json"},
      {R"({"businessKey":5})", "'businessKey' must be a string"},
      {R"({"startInstructions":[{"type":"startBeforeActivity"}]})", "'startInstructions' is not supported"},
      {R"({"skipCustomListeners":true})", "'skipCustomListeners' is not supported"},
  };
  for (const auto& [text, message_part] : cases) {
    auto body = parse_start_instance(text, {});
    ASSERT_FALSE(body.ok()) << text;
    EXPECT_EQ(body.error().status, ErrorStatus::bad_request);
    EXPECT_NE(body.error().message.find(message_part), std::string::npos) << body.error().message;
  }
  EXPECT_TRUE(parse_start_instance(R"({"skipCustomListeners":false,"caseInstanceId":null})", {}).ok());
}

TEST(ListQuery, ReadsPagingAndSorting) {
  auto query = parse_list_query(
      with_query({{"firstResult", "2"}, {"maxResults", "5"}, {"sortBy", "name"}, {"sortOrder", "desc"}}),
      {"id", "name"});
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query.value().first_result, 2U);
  EXPECT_EQ(query.value().max_results.value(), 5U);
  EXPECT_EQ(query.value().sort_by, "name");
  EXPECT_TRUE(query.value().descending);
  EXPECT_EQ(page_of(std::vector<int>{1, 2, 3, 4, 5, 6, 7, 8}, query.value()), (std::vector<int>{3, 4, 5, 6, 7}));
  EXPECT_TRUE(page_of(std::vector<int>{1}, query.value()).empty());
}

TEST(ListQuery, RefusesBadParameters) {
  for (const auto& query : std::vector<std::vector<std::pair<std::string, std::string>>>{
           {{"firstResult", "-1"}}, {{"maxResults", "x"}}, {{"sortBy", "name"}},
           {{"sortBy", "owner"}, {"sortOrder", "asc"}}, {{"sortBy", "id"}, {"sortOrder", "up"}}}) {
    auto parsed = parse_list_query(with_query(query), {"id", "name"});
    ASSERT_FALSE(parsed.ok()) << query.front().first;
    EXPECT_EQ(parsed.error().status, ErrorStatus::bad_request);
  }
  EXPECT_FALSE(parse_bool_param(with_query({{"latestVersion", "yes"}}), "latestVersion").ok());
  EXPECT_TRUE(parse_bool_param(with_query({{"latestVersion", "true"}}), "latestVersion").value().value());
  EXPECT_FALSE(parse_bool_param(with_query({}), "latestVersion").value().has_value());
}

TEST(LikeFilter, MatchesAsSqlLikeDoes) {
  EXPECT_TRUE(like("invoice_approval", "invoice%"));
  EXPECT_TRUE(like("invoice_approval", "%approval"));
  EXPECT_TRUE(like("invoice_approval", "%ice_app%"));
  EXPECT_TRUE(like("invoice", "invoic_"));
  EXPECT_TRUE(like("%xb", "%b"));
  EXPECT_TRUE(like("", "%"));
  EXPECT_TRUE(like("abcabd", "%abd"));
  EXPECT_FALSE(like("invoice", "order%"));
  EXPECT_FALSE(like("invoice", "invoice_"));
  EXPECT_FALSE(like("invoice", "nvoice"));
  EXPECT_FALSE(like(std::string(10000, 'a'), std::string(50, '%') + "b"));
}

FormPart field(std::string name, std::string value) { return {std::move(name), std::nullopt, "", std::move(value)}; }
FormPart file(std::string name, std::string filename, std::string data) {
  return {std::move(name), std::move(filename), "application/octet-stream", std::move(data)};
}

TEST(DeploymentForm, TakesCamundaModelersFieldsAndOneBpmnFile) {
  auto form = read_deployment_form({field("deployment-name", "order"), field("deployment-source", "Camunda Modeler"),
                                    field("deploy-changed-only", "true"), field("tenant-id", ""),
                                    file("order.bpmn", "order.bpmn", "<definitions/>")});
  ASSERT_TRUE(form.ok()) << form.error().message;
  EXPECT_EQ(form.value().resource_name, "order.bpmn");
  EXPECT_EQ(form.value().xml, "<definitions/>");
  // curl -F data=@file sends a file part whose name is not the file name.
  auto curl = read_deployment_form({file("data", "diagram_1.bpmn", "<x/>")});
  ASSERT_TRUE(curl.ok());
  EXPECT_EQ(curl.value().resource_name, "diagram_1.bpmn");
}

TEST(DeploymentForm, RefusesTenantsSeveralResourcesAndOtherFiles) {
  const struct {
    std::vector<FormPart> parts;
    const char* message_part;
  } cases[] = {
      {{field("tenant-id", "t1"), file("a.bpmn", "a.bpmn", "<x/>")}, "no tenants"},
      {{field("deployment-activation-time", "2030-01-01T00:00:00.000+0000"), file("a.bpmn", "a.bpmn", "<x/>")},
       "activates a deployment at once"},
      {{field("deployment-name", "x")}, "contains no resource"},
      {{file("a.bpmn", "a.bpmn", "<x/>"), file("b.bpmn", "b.bpmn", "<y/>")}, "one BPMN document per deployment"},
      {{file("form.form", "form.form", "{}")}, "'form.form' is not one"},
  };
  for (const auto& [parts, message_part] : cases) {
    auto form = read_deployment_form(parts);
    ASSERT_FALSE(form.ok()) << message_part;
    EXPECT_EQ(form.error().status, ErrorStatus::bad_request);
    EXPECT_NE(form.error().message.find(message_part), std::string::npos) << form.error().message;
  }
}

}  // namespace
}  // namespace processhost::plugins::camunda_rest
