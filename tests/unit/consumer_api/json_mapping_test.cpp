// JSON mapping details not covered through the routes: dates, form field types, raw values.

#include <gtest/gtest.h>

#include "plugin_common/http_api/json_mapping.hpp"

namespace processhost::plugins::http_api {
namespace {

TEST(JsonMapping, Iso8601MatchesJavaScriptDateJson) {
  EXPECT_EQ(iso8601_utc(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_utc(1583748000123), "2020-03-09T10:00:00.123Z");
  EXPECT_EQ(iso8601_utc(951782400000), "2000-02-29T00:00:00.000Z");
}

TEST(JsonMapping, OnlyTheApiFormFieldTypesAreKept) {
  for (const char* type : {"boolean", "date", "enum", "long", "number", "string"}) {
    EXPECT_TRUE(is_api_form_field_type(type)) << type;
  }
  for (const char* type : {"", "custom", "Boolean", "int", "text"}) EXPECT_FALSE(is_api_form_field_type(type)) << type;
}

TEST(JsonMapping, FormFieldConstraintsAreListedWhenTheModelHasThem) {
  WaitingTask task;
  task.flow_node_id = "t";
  FormField amount;
  amount.id = "amount";
  amount.type = "long";
  amount.validation = {{"required", ""}, {"min", "1"}};
  FormField note;
  note.id = "note";
  note.type = "string";
  task.user_task.form_fields = {amount, note};
  PagedList<WaitingTask> list;
  list.items = {task};
  list.total_count = 1;
  const auto json = task_list_json(TaskListKind::user_tasks, list);
  EXPECT_NE(json.find(R"({"id":"amount","type":"long","validation":[{"name":"required","config":null},)"
                      R"({"name":"min","config":"1"}]})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"({"id":"note","type":"string"})"), std::string::npos) << json;
}

TEST(JsonMapping, ExternalTaskOptionalFields) {
  ExternalTask task;
  task.id = "t";
  task.payload = "";
  task.state = ExternalTaskState::finished;
  task.finished_at_ms = 1000;
  task.result = R"({"r":1})";
  task.error = R"({"message":"x"})";
  EXPECT_EQ(external_task_array_json({task}),
            R"([{"id":"t","workerId":"","topic":"","flowNodeInstanceId":"","correlationId":"","processModelId":"",)"
            R"("processInstanceId":"","payload":null,"lockExpirationTime":"1970-01-01T00:00:00.000Z",)"
            R"("state":"finished","finishedAt":"1970-01-01T00:00:01.000Z","result":{"r":1},"error":{"message":"x"}}])");
}

TEST(JsonMapping, StartResultPayloadMayBeAnyJsonValue) {
  EXPECT_EQ(start_result_json(StartResult{"c", "pi", "E", "42"}),
            R"({"correlationId":"c","processInstanceId":"pi","endEventId":"E","tokenPayload":42})");
  EXPECT_EQ(start_result_json(StartResult{"c", "pi", "E", "\"done\""}),
            R"({"correlationId":"c","processInstanceId":"pi","endEventId":"E","tokenPayload":"done"})");
}

TEST(JsonMapping, StringsAreEscaped) {
  ProcessModelInfo model;
  model.id = "a\"b\\c\n";
  EXPECT_EQ(process_model_json(model), R"({"id":"a\"b\\c\n","startEvents":[],"endEvents":[]})");
}

TEST(JsonMapping, ApplicationInfo) {
  EXPECT_EQ(application_info_json("processhost", "1.2.3"), R"({"name":"processhost","version":"1.2.3"})");
}

}  // namespace
}  // namespace processhost::plugins::http_api
