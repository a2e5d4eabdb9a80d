#include <gtest/gtest.h>

#include <variant>

#include "processhost/client/json_mapping.hpp"

namespace processhost::client {
namespace {

TEST(JsonMapping, ReadsTheSampleUserTaskListOfTheReference) {
  auto list = json::read_user_task_list(R"({"userTasks":[{"flowNodeType":"bpmn:UserTask","id":"UserTask_1",
      "flowNodeInstanceId":"fni-1","name":"Wait for the user to do something","correlationId":"cid-1",
      "processModelId":"sample_process","processInstanceId":"pi-1",
      "data":{"formFields":[{"id":"TaskWasSuccessful","type":"boolean"}]},"tokenPayload":{}}],"totalCount":1})");
  ASSERT_TRUE(list) << list.error().describe();
  ASSERT_EQ(list->user_tasks.size(), 1u);
  const UserTask& task = list->user_tasks[0];
  EXPECT_EQ(task.flow_node_type, "bpmn:UserTask");
  EXPECT_EQ(task.id, "UserTask_1");
  EXPECT_EQ(task.flow_node_instance_id, "fni-1");
  EXPECT_EQ(task.name, "Wait for the user to do something");
  EXPECT_EQ(task.correlation_id, "cid-1");
  EXPECT_EQ(task.process_model_id, "sample_process");
  EXPECT_EQ(task.process_instance_id, "pi-1");
  EXPECT_EQ(task.token_payload, "{}");
  ASSERT_EQ(task.data.form_fields.size(), 1u);
  EXPECT_EQ(task.data.form_fields[0].id, "TaskWasSuccessful");
  EXPECT_EQ(task.data.form_fields[0].type, std::optional<std::string>("boolean"));
  EXPECT_FALSE(task.data.form_fields[0].label.has_value());
  EXPECT_EQ(list->total_count, 1u);
}

TEST(JsonMapping, ReadsFormFieldDetailsAsJsonValues) {
  auto list = json::read_user_task_list(R"({"userTasks":[{"id":"T","flowNodeInstanceId":"f","correlationId":"c",
      "processModelId":"m","processInstanceId":"p","data":{"formFields":[{"id":"choice","type":"enum",
      "label":"Pick one","defaultValue":2,"enumValues":[{"id":"a","name":"A"},{"id":"b","name":"B"}]}],
      "preferredControl":"confirm","description":"d","finishedMessage":"done"}}],"totalCount":1})");
  ASSERT_TRUE(list) << list.error().describe();
  const auto& field = list->user_tasks[0].data.form_fields[0];
  EXPECT_EQ(field.label, std::optional<std::string>("\"Pick one\""));
  EXPECT_EQ(field.default_value, std::optional<std::string>("2"));
  ASSERT_EQ(field.enum_values.size(), 2u);
  EXPECT_EQ(field.enum_values[1].id, "b");
  EXPECT_EQ(field.enum_values[1].name, "B");
  EXPECT_EQ(list->user_tasks[0].data.preferred_control, std::optional<std::string>("confirm"));
  EXPECT_EQ(list->user_tasks[0].data.finished_message, std::optional<std::string>("done"));
  EXPECT_EQ(list->user_tasks[0].token_payload, "null");
}

TEST(JsonMapping, ReadsTheSampleCorrelationResult) {
  auto list = json::read_correlation_result_list(
      R"({"correlationResults":[{"correlationId":"cid","endEventId":"EndEvent_Success",
          "tokenPayload":{"form_fields":{"TaskWasSuccessful":true}}}],"totalCount":1})");
  ASSERT_TRUE(list) << list.error().describe();
  ASSERT_EQ(list->correlation_results.size(), 1u);
  EXPECT_EQ(list->correlation_results[0].correlation_id, "cid");
  EXPECT_EQ(list->correlation_results[0].end_event_id, "EndEvent_Success");
  EXPECT_EQ(list->correlation_results[0].token_payload, R"({"form_fields":{"TaskWasSuccessful":true}})");
  EXPECT_EQ(list->total_count, 1u);
}

TEST(JsonMapping, ReadsStartResponsesOfEveryCallbackType) {
  auto created = json::read_process_start_response(R"({"correlationId":"c","processInstanceId":"p"})");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->correlation_id, "c");
  EXPECT_EQ(created->process_instance_id, std::optional<std::string>("p"));
  EXPECT_FALSE(created->end_event_id);
  EXPECT_FALSE(created->token_payload);

  auto finished = json::read_process_start_response(
      R"({"correlationId":"c","processInstanceId":"p","endEventId":"End","tokenPayload":[1,2]})");
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->end_event_id, std::optional<std::string>("End"));
  EXPECT_EQ(finished->token_payload, std::optional<std::string>("[1,2]"));
}

TEST(JsonMapping, ReadsProcessModelsWithTheirEvents) {
  auto list = json::read_process_model_list(R"({"processModels":[{"id":"sample_process",
      "startEvents":[{"id":"StartEvent_1","eventName":"Start Process","bpmnType":"bpmn:StartEvent",
      "processModelId":"sample_process"}],"endEvents":[{"id":"EndEvent_Success","eventName":"Return token",
      "bpmnType":"bpmn:EndEvent","processModelId":"sample_process"}]}],"totalCount":3})");
  ASSERT_TRUE(list) << list.error().describe();
  ASSERT_EQ(list->process_models.size(), 1u);
  EXPECT_EQ(list->total_count, 3u);
  EXPECT_EQ(list->process_models[0].start_events[0].id, "StartEvent_1");
  EXPECT_EQ(list->process_models[0].start_events[0].event_name, "Start Process");
  EXPECT_EQ(list->process_models[0].end_events[0].bpmn_type, "bpmn:EndEvent");
}

TEST(JsonMapping, ReadsMixedTaskListsByFlowNodeType) {
  auto list = json::read_task_list(R"({"tasks":[
      {"flowNodeType":"bpmn:Task","id":"E","flowNodeInstanceId":"1","correlationId":"c","processModelId":"m","processInstanceId":"p"},
      {"flowNodeType":"bpmn:ManualTask","id":"M","flowNodeInstanceId":"2","correlationId":"c","processModelId":"m","processInstanceId":"p"},
      {"flowNodeType":"bpmn:UserTask","id":"U","flowNodeInstanceId":"3","correlationId":"c","processModelId":"m","processInstanceId":"p",
       "data":{"formFields":[]}}],"totalCount":3})");
  ASSERT_TRUE(list) << list.error().describe();
  ASSERT_EQ(list->tasks.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<Task>(list->tasks[0]));
  EXPECT_EQ(std::get<Task>(list->tasks[1]).flow_node_type, "bpmn:ManualTask");
  ASSERT_TRUE(std::holds_alternative<UserTask>(list->tasks[2]));
  EXPECT_EQ(std::get<UserTask>(list->tasks[2]).id, "U");
}

TEST(JsonMapping, ReadsEventsInstancesAndExternalTasks) {
  auto events = json::read_event_list(R"({"events":[{"id":"Catch","eventName":"msg","bpmnType":"bpmn:IntermediateCatchEvent",
      "eventType":"messageEvent","flowNodeInstanceId":"f","correlationId":"c","processModelId":"m","processInstanceId":"p"}],"totalCount":1})");
  ASSERT_TRUE(events) << events.error().describe();
  EXPECT_EQ(events->events[0].event_type, std::optional<std::string>("messageEvent"));
  EXPECT_EQ(events->events[0].flow_node_instance_id, std::optional<std::string>("f"));

  auto instances = json::read_process_instance_list(R"({"processInstances":[{"id":"p","owner":{"token":"t","userId":"u"},
      "correlationId":"c","processModelId":"m","parentProcessInstanceId":"parent"}],"totalCount":1})");
  ASSERT_TRUE(instances) << instances.error().describe();
  EXPECT_EQ(instances->process_instances[0].owner.user_id, "u");
  EXPECT_EQ(instances->process_instances[0].parent_process_instance_id, std::optional<std::string>("parent"));

  auto external = json::read_external_tasks(R"([{"id":"x","workerId":"w","topic":"t","flowNodeInstanceId":"f",
      "correlationId":"c","processModelId":"m","processInstanceId":"p","identity":{"userId":"u"},"payload":{"a":1},
      "lockExpirationTime":"2020-01-01T00:00:00Z","state":"pending"}])");
  ASSERT_TRUE(external) << external.error().describe();
  ASSERT_EQ(external->size(), 1u);
  EXPECT_EQ((*external)[0].payload, R"({"a":1})");
  EXPECT_EQ((*external)[0].lock_expiration_time, R"("2020-01-01T00:00:00Z")");
  EXPECT_FALSE((*external)[0].result);
}

TEST(JsonMapping, ReadsHostPluginsAndLogin) {
  auto host = json::read_host_plugins(R"({"host":{"name":"ProcessHost","version":"0.1.0"},"plugins":[
      {"name":"iam","version":"0.1.0","library":"/x/iam.so","provides":["processhost.identity/1"],"requires":[]}]})");
  ASSERT_TRUE(host) << host.error().describe();
  EXPECT_EQ(host->host_name, "ProcessHost");
  ASSERT_EQ(host->plugins.size(), 1u);
  EXPECT_EQ(host->plugins[0].provides, std::vector<std::string>{"processhost.identity/1"});

  auto login = json::read_login_result(R"({"token":"abc","userId":"sampleUser","expiresAt":"2026-01-01T00:00:00Z"})");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->identity.token, "abc");
  EXPECT_EQ(login->identity.user_id, "sampleUser");
  EXPECT_EQ(login->expires_at, std::optional<std::string>("\"2026-01-01T00:00:00Z\""));
}

TEST(JsonMapping, MissingOrMistypedFieldsAreProtocolErrorsNamingTheField) {
  auto missing = json::read_correlation_result_list(R"({"correlationResults":[{"correlationId":"c"}]})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::protocol);
  EXPECT_EQ(missing.error().message, "CorrelationResult: field 'endEventId' is missing");

  auto mistyped = json::read_process_start_response(R"({"correlationId":7})");
  ASSERT_FALSE(mistyped);
  EXPECT_EQ(mistyped.error().message, "ProcessStartResponsePayload: field 'correlationId' is not a string");

  auto not_json = json::read_user_task_list("<html>");
  ASSERT_FALSE(not_json);
  EXPECT_EQ(not_json.error().kind, ErrorKind::protocol);
  EXPECT_NE(not_json.error().message.find("UserTaskList: body is not JSON"), std::string::npos);

  auto bad_count = json::read_user_task_list(R"({"userTasks":[],"totalCount":-1})");
  ASSERT_FALSE(bad_count);
  EXPECT_EQ(bad_count.error().message, "UserTaskList: field 'totalCount' is not a non-negative integer");
}

TEST(JsonMapping, DecodesJsonErrorBodies) {
  auto error = json::read_http_error(404, "Not Found",
                                     R"({"message":"ProcessModel 'x' not found","additionalInformation":{"id":"x"}})");
  EXPECT_EQ(error.kind, ErrorKind::http);
  EXPECT_EQ(error.status, 404);
  EXPECT_EQ(error.message, "ProcessModel 'x' not found");
  EXPECT_EQ(error.additional_information, R"({"id":"x"})");
  EXPECT_EQ(error.describe(), R"(HTTP error 404: ProcessModel 'x' not found (additionalInformation: {"id":"x"}))");
}

TEST(JsonMapping, DecodesPlainTextAndEmptyErrorBodies) {
  auto text = json::read_http_error(500, "Internal Server Error", "  boom\n");
  EXPECT_EQ(text.message, "boom");
  EXPECT_TRUE(text.additional_information.empty());
  auto empty = json::read_http_error(503, "Service Unavailable", "");
  EXPECT_EQ(empty.message, "Service Unavailable");
  EXPECT_EQ(empty.status, 503);
}

TEST(JsonMapping, WritesStartRequestsWithoutEmptyOptionals) {
  ProcessStartRequest request;
  auto empty = json::write_process_start_request(request);
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, "{}");
  request.correlation_id = "cid";
  request.input_values = R"({ "a" : [1, 2] })";
  auto full = json::write_process_start_request(request);
  ASSERT_TRUE(full);
  EXPECT_EQ(*full, R"({"correlationId":"cid","inputValues":{"a":[1,2]}})");
  request.input_values = "{broken";
  auto broken = json::write_process_start_request(request);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().message, "'inputValues' is not valid JSON");
}

TEST(JsonMapping, WritesUserTaskResultsOnlyForObjects) {
  auto ok = json::write_user_task_result(UserTaskResult{R"({"TaskWasSuccessful":true})"});
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, R"({"formFields":{"TaskWasSuccessful":true}})");
  auto array = json::write_user_task_result(UserTaskResult{"[1]"});
  ASSERT_FALSE(array);
  EXPECT_EQ(array.error().kind, ErrorKind::protocol);
}

TEST(JsonMapping, WritesExternalTaskBodies) {
  EXPECT_EQ(json::write_fetch_and_lock({"w", "topic", 5, 1000, 30000}),
            R"({"workerId":"w","topicName":"topic","maxTasks":5,"longPollingTimeout":1000,"lockDuration":30000})");
  EXPECT_EQ(json::write_extend_lock({"w", 500}), R"({"workerId":"w","additionalDuration":500})");
  EXPECT_EQ(json::write_bpmn_error({"w", "E1", "bad"}), R"({"workerId":"w","errorCode":"E1","errorMessage":"bad"})");
  auto service = json::write_service_error({"w", "down", R"({"x":1})", std::nullopt});
  ASSERT_TRUE(service);
  EXPECT_EQ(*service, R"({"workerId":"w","errorMessage":"down","errorDetails":{"x":1}})");
  auto finish = json::write_finish_external_task({"w", R"({"ok":true})"});
  ASSERT_TRUE(finish);
  EXPECT_EQ(*finish, R"({"workerId":"w","result":{"ok":true}})");
  EXPECT_EQ(json::write_login_request({"sampleUser", "pa\"ss"}), R"({"username":"sampleUser","password":"pa\"ss"})");
}

}  // namespace
}  // namespace processhost::client
