// The Camunda 7 shapes /engine-rest answers with, parsed back and checked field by field.

#include "camunda_json.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

namespace processhost::plugins::camunda_rest {
namespace {

rapidjson::Document parse(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.c_str());
  EXPECT_FALSE(document.HasParseError()) << text;
  return document;
}

DefinitionVersion order_v2() {
  return {"order", 2, "0123456789abcdef0123456789abcdef", 1'764'670'457'042, "<definitions/>", true};
}

TEST(CamundaJson, WritesCamundasDateFormatInUtc) {
  EXPECT_EQ(camunda_time(1'764'670'457'042), "2025-12-02T10:14:17.042+0000");
  EXPECT_EQ(camunda_time(0), "1970-01-01T00:00:00.000+0000");
}

TEST(CamundaJson, DescribesADeploymentWithItsDefinition) {
  auto json = parse(deployment_with_definitions_json(order_v2()));
  EXPECT_STREQ(json["id"].GetString(), "0123456789abcdef0123456789abcdef");
  EXPECT_STREQ(json["name"].GetString(), "order");
  EXPECT_TRUE(json["tenantId"].IsNull());
  EXPECT_STREQ(json["deploymentTime"].GetString(), "2025-12-02T10:14:17.042+0000");
  const auto& definition = json["deployedProcessDefinitions"]["order:2:0123456789abcdef"];
  EXPECT_STREQ(definition["key"].GetString(), "order");
  EXPECT_EQ(definition["version"].GetInt(), 2);
  EXPECT_STREQ(definition["deploymentId"].GetString(), "0123456789abcdef0123456789abcdef");
  EXPECT_STREQ(definition["resource"].GetString(), "order.bpmn");
  EXPECT_FALSE(definition["suspended"].GetBool());
  EXPECT_TRUE(json["deployedDecisionDefinitions"].IsNull());
}

TEST(CamundaJson, ListsAndTheXmlOfADefinition) {
  const auto version = order_v2();
  auto list = parse(definition_list_json({&version, &version}));
  ASSERT_TRUE(list.IsArray());
  EXPECT_EQ(list.Size(), 2U);
  EXPECT_STREQ(list[1]["id"].GetString(), "order:2:0123456789abcdef");
  auto xml = parse(definition_xml_json(version));
  EXPECT_STREQ(xml["bpmn20Xml"].GetString(), "<definitions/>");
  EXPECT_EQ(parse(count_json(7))["count"].GetInt(), 7);
  EXPECT_EQ(parse(deployment_list_json({})).Size(), 0U);
}

TEST(CamundaJson, DescribesAStartedInstance) {
  auto json = parse(process_instance_json({"pi-1", "order:2:0123456789abcdef", "order-17", R"({"a":{"value":1}})"}));
  EXPECT_STREQ(json["id"].GetString(), "pi-1");
  EXPECT_STREQ(json["definitionId"].GetString(), "order:2:0123456789abcdef");
  EXPECT_STREQ(json["businessKey"].GetString(), "order-17");
  EXPECT_FALSE(json["ended"].GetBool());
  EXPECT_EQ(json["variables"]["a"]["value"].GetInt(), 1);
  auto without = parse(process_instance_json({"pi-2", "d", std::nullopt, std::nullopt}));
  EXPECT_TRUE(without["businessKey"].IsNull());
  EXPECT_FALSE(without.HasMember("variables"));
}

TEST(CamundaJson, NamesExceptionsAsCamundaDoes) {
  auto not_found = parse(exception_json(make_error(ErrorStatus::not_found, "No matching definition with id x")));
  EXPECT_STREQ(not_found["type"].GetString(), "InvalidRequestException");
  EXPECT_STREQ(not_found["message"].GetString(), "No matching definition with id x");
  EXPECT_STREQ(parse(exception_json(make_error(ErrorStatus::forbidden, "no")))["type"].GetString(),
               "AuthorizationException");
  EXPECT_STREQ(parse(exception_json(make_error(ErrorStatus::unavailable, "down")))["type"].GetString(),
               "RestException");
}

TEST(CamundaJson, ListsEveryBpmnProblemInAParseException) {
  const auto error = make_error(ErrorStatus::unprocessable, "order.bpmn: invalid process model (and 1 more)",
                                R"([{"elementId":"Task_1","message":"no outgoing flow"},)"
                                R"({"elementId":"","message":"no start event"}])");
  auto json = parse(parse_exception_json(error, "order.bpmn"));
  EXPECT_STREQ(json["type"].GetString(), "ParseException");
  const auto& errors = json["details"]["order.bpmn"]["errors"];
  ASSERT_EQ(errors.Size(), 2U);
  EXPECT_STREQ(errors[0]["message"].GetString(), "no outgoing flow");
  EXPECT_STREQ(errors[0]["mainElementId"].GetString(), "Task_1");
  EXPECT_STREQ(errors[0]["elementIds"][0].GetString(), "Task_1");
  EXPECT_EQ(errors[1]["elementIds"].Size(), 0U);
  EXPECT_EQ(json["details"]["order.bpmn"]["warnings"].Size(), 0U);
}

}  // namespace
}  // namespace processhost::plugins::camunda_rest
