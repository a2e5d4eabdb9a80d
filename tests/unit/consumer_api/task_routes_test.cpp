// Task, event and trigger routes: which query each route makes, the list JSON and its
// totalCount rule, finish bodies.

#include "api_fixture.hpp"

namespace processhost::plugins::consumer_api::testing {
namespace {

using ::testing::_;
using ::testing::DoAll;
using ::testing::InvokeArgument;
using ::testing::SaveArg;

WaitingTask user_task() {
  WaitingTask task;
  task.kind = TaskKind::user_task;
  task.flow_node_id = "UserTask_1";
  task.name = "Wait for the user to do something";
  task.flow_node_instance_id = "fni-1";
  task.correlation_id = "c-1";
  task.process_model_id = "sample_process";
  task.process_instance_id = "pi-1";
  task.token_payload = "{}";
  task.user_task.form_fields = {{"TaskWasSuccessful", "boolean", std::nullopt, std::nullopt, std::nullopt, {}}};
  return task;
}

WaitingTask simple_task(TaskKind kind, std::string id) {
  WaitingTask task;
  task.kind = kind;
  task.flow_node_id = id;
  task.name = id + " name";
  task.flow_node_instance_id = "fni-" + id;
  task.correlation_id = "c";
  task.process_model_id = "m";
  task.process_instance_id = "pi";
  task.token_payload = R"({"x":1})";
  return task;
}

class TaskRoutes : public ApiFixture {
 protected:
  // Calls path, answering the task query with list; returns the query the engine saw.
  TaskQuery list_tasks(const std::string& path, PagedList<WaitingTask> list, std::string* body) {
    TaskQuery query;
    EXPECT_CALL(engine_, waiting_tasks(_, _, _))
        .WillOnce(DoAll(SaveArg<1>(&query), InvokeArgument<2>(Result<PagedList<WaitingTask>>(list))));
    auto response = get(path);
    EXPECT_EQ(response->response().status, 200) << path;
    *body = response->response().body;
    ::testing::Mock::VerifyAndClearExpectations(&engine_);
    return query;
  }
};

TEST_F(TaskRoutes, UserTaskJsonMatchesTheReferenceExample) {
  PagedList<WaitingTask> list;
  list.items = {user_task()};
  list.total_count = 1;
  std::string body;
  list_tasks("/process_models/sample_process/correlations/c-1/user_tasks", list, &body);
  EXPECT_EQ(body,
            R"({"userTasks":[{"flowNodeType":"bpmn:UserTask","id":"UserTask_1",)"
            R"("name":"Wait for the user to do something","flowNodeInstanceId":"fni-1","correlationId":"c-1",)"
            R"("processModelId":"sample_process","processInstanceId":"pi-1",)"
            R"("data":{"formFields":[{"id":"TaskWasSuccessful","type":"boolean"}]},"tokenPayload":{}}],"totalCount":1})");
}

TEST_F(TaskRoutes, FormFieldsCarryOptionalPartsAndDropUnknownTypes) {
  auto task = user_task();
  task.user_task.form_fields = {
      {"a", "enum", R"("Pick one")", R"("x")", R"("dropdown")", {{"x", "Ex"}, {"y", "Why"}}},
      {"b", "custom_type", std::nullopt, "42", std::nullopt, {}},
      {"c", "long", std::nullopt, std::nullopt, std::nullopt, {}},
  };
  task.user_task.preferred_control = "confirm";
  task.user_task.description = "Check it";
  task.user_task.finished_message = "Thanks";
  PagedList<WaitingTask> list;
  list.items = {task};
  std::string body;
  list_tasks("/user_tasks/own", list, &body);
  EXPECT_NE(body.find(R"("formFields":[{"id":"a","type":"enum","label":"Pick one","defaultValue":"x",)"
                      R"("preferredControl":"dropdown","enumValues":[{"id":"x","name":"Ex"},{"id":"y","name":"Why"}]},)"
                      R"({"id":"b","defaultValue":42},{"id":"c","type":"long"}],)"
                      R"("preferredControl":"confirm","description":"Check it","finishedMessage":"Thanks"})"),
            std::string::npos)
      << body;
}

TEST_F(TaskRoutes, EachListRouteMakesItsQuery) {
  const struct {
    std::string path;
    unsigned kinds;
    std::optional<std::string> model, instance, correlation;
    bool own;
    std::string wrapper;
  } cases[] = {
      {"/process_models/m/user_tasks", 1, "m", {}, {}, false, "userTasks"},
      {"/process_instances/pi/user_tasks", 1, {}, "pi", {}, false, "userTasks"},
      {"/correlations/c/user_tasks", 1, {}, {}, "c", false, "userTasks"},
      {"/process_models/m/correlations/c/user_tasks", 1, "m", {}, "c", false, "userTasks"},
      {"/user_tasks/own", 1, {}, {}, {}, true, "userTasks"},
      {"/process_models/m/manual_tasks", 2, "m", {}, {}, false, "manualTasks"},
      {"/process_instances/pi/manual_tasks", 2, {}, "pi", {}, false, "manualTasks"},
      {"/correlations/c/manual_tasks", 2, {}, {}, "c", false, "manualTasks"},
      {"/process_models/m/correlations/c/manual_tasks", 2, "m", {}, "c", false, "manualTasks"},
      {"/manual_tasks/own", 2, {}, {}, {}, true, "manualTasks"},
      {"/process_models/m/empty_activities", 4, "m", {}, {}, false, "emptyActivities"},
      {"/process_instances/pi/empty_activities", 4, {}, "pi", {}, false, "emptyActivities"},
      {"/correlations/c/empty_activities", 4, {}, {}, "c", false, "emptyActivities"},
      {"/process_models/m/correlations/c/empty_activities", 4, "m", {}, "c", false, "emptyActivities"},
      {"/empty_activities/own", 4, {}, {}, {}, true, "emptyActivities"},
      {"/suspended_tasks", 7, {}, {}, {}, false, "tasks"},
      {"/process_models/m/tasks", 7, "m", {}, {}, false, "tasks"},
      {"/process_instances/pi/tasks", 7, {}, "pi", {}, false, "tasks"},
      {"/correlations/c/tasks", 7, {}, {}, "c", false, "tasks"},
      {"/process_models/m/correlations/c/tasks", 7, "m", {}, "c", false, "tasks"},
  };
  for (const auto& c : cases) {
    std::string body;
    auto query = list_tasks(c.path + "?offset=2&limit=3", {}, &body);
    EXPECT_EQ(query.kinds, c.kinds) << c.path;
    EXPECT_EQ(query.process_model_id, c.model) << c.path;
    EXPECT_EQ(query.process_instance_id, c.instance) << c.path;
    EXPECT_EQ(query.correlation_id, c.correlation) << c.path;
    EXPECT_EQ(query.own_only, c.own) << c.path;
    EXPECT_EQ(query.page.offset, 2u) << c.path;
    EXPECT_EQ(query.page.limit, 3u) << c.path;
    EXPECT_EQ(body, "{\"" + c.wrapper + "\":[],\"totalCount\":0}") << c.path;
  }
}

TEST_F(TaskRoutes, TypedListsCountReturnedItemsMixedListsCountBeforePaging) {
  PagedList<WaitingTask> list;
  list.items = {simple_task(TaskKind::manual_task, "M1")};
  list.total_count = 9;
  std::string manual_body;
  list_tasks("/manual_tasks/own?limit=1", list, &manual_body);
  EXPECT_EQ(manual_body,
            R"({"manualTasks":[{"flowNodeType":"bpmn:ManualTask","id":"M1","name":"M1 name","flowNodeInstanceId":"fni-M1",)"
            R"("correlationId":"c","processModelId":"m","processInstanceId":"pi","tokenPayload":{"x":1}}],"totalCount":1})");
  std::string mixed_body;
  list_tasks("/suspended_tasks?limit=1", list, &mixed_body);
  EXPECT_NE(mixed_body.find(R"("totalCount":9})"), std::string::npos);
}

TEST_F(TaskRoutes, MixedListsOrderEmptyActivitiesManualTasksUserTasks) {
  PagedList<WaitingTask> list;
  list.items = {user_task(), simple_task(TaskKind::manual_task, "M"), simple_task(TaskKind::empty_activity, "E")};
  list.total_count = 3;
  std::string body;
  list_tasks("/suspended_tasks", list, &body);
  const auto e = body.find(R"("flowNodeType":"bpmn:Task")");
  const auto m = body.find(R"("flowNodeType":"bpmn:ManualTask")");
  const auto u = body.find(R"("flowNodeType":"bpmn:UserTask")");
  ASSERT_NE(e, std::string::npos);
  EXPECT_LT(e, m);
  EXPECT_LT(m, u);
}

TEST_F(TaskRoutes, FinishUserTaskPassesFormFields) {
  FinishTaskRequest seen;
  EXPECT_CALL(engine_, finish_task(_, _, _)).WillOnce(DoAll(SaveArg<1>(&seen), InvokeArgument<2>(Result<Ok>(Ok{}))));
  auto response = post("/processes/pi-1/correlations/c-1/usertasks/fni-1/finish",
                       R"({"formFields":{"TaskWasSuccessful":true}})");
  EXPECT_EQ(response->response().status, 204);
  EXPECT_TRUE(response->response().body.empty());
  EXPECT_EQ(seen.kind, TaskKind::user_task);
  EXPECT_EQ(seen.process_instance_id, "pi-1");
  EXPECT_EQ(seen.correlation_id, "c-1");
  EXPECT_EQ(seen.flow_node_instance_id, "fni-1");
  EXPECT_EQ(seen.result, R"({"TaskWasSuccessful":true})");
}

TEST_F(TaskRoutes, FinishUserTaskWithoutBodyOrFormFieldsSendsEmptyObject) {
  for (const char* body : {"", "{}", R"({"formFields":null})"}) {
    FinishTaskRequest seen;
    EXPECT_CALL(engine_, finish_task(_, _, _))
        .WillOnce(DoAll(SaveArg<1>(&seen), InvokeArgument<2>(Result<Ok>(Ok{}))));
    auto response = post("/processes/pi/correlations/c/usertasks/f/finish", body);
    EXPECT_EQ(response->response().status, 204) << body;
    EXPECT_EQ(seen.result, "{}") << body;
    ::testing::Mock::VerifyAndClearExpectations(&engine_);
  }
}

TEST_F(TaskRoutes, FinishUserTaskRejectsFormFieldsThatAreNotAnObject) {
  EXPECT_CALL(engine_, finish_task(_, _, _)).Times(0);
  for (const char* body : {R"({"formFields":"yes"})", R"({"formFields":[1]})", R"({"formFields":3})"}) {
    auto response = post("/processes/pi/correlations/c/usertasks/f/finish", body);
    EXPECT_EQ(response->response().status, 400) << body;
    EXPECT_EQ(response->response().body, R"({"message":"The UserTask's FormFields are not an object."})");
  }
  auto array = post("/processes/pi/correlations/c/usertasks/f/finish", "[]");
  EXPECT_EQ(array->response().status, 400);
  EXPECT_EQ(array->response().body, R"({"message":"UserTaskResult must be a JSON object."})");
  auto broken = post("/processes/pi/correlations/c/usertasks/f/finish", "{nope");
  EXPECT_EQ(broken->response().status, 400);
  EXPECT_NE(broken->response().body.find("not valid JSON"), std::string::npos);
}

TEST_F(TaskRoutes, FinishNotWaitingTaskIs404WithTheEnginesMessage) {
  const std::string message = "ProcessInstance 'pi' in Correlation 'c' does not have a UserTask with id 'f'";
  EXPECT_CALL(engine_, finish_task(_, _, _))
      .WillOnce(InvokeArgument<2>(Result<Ok>(make_error(ErrorStatus::not_found, message))));
  auto response = post("/processes/pi/correlations/c/usertasks/f/finish", "{}");
  EXPECT_EQ(response->response().status, 404);
  EXPECT_EQ(response->response().body, "{\"message\":\"" + message + "\"}");
}

TEST_F(TaskRoutes, FinishManualTaskAndEmptyActivityIgnoreTheBody) {
  const std::pair<std::string, TaskKind> cases[] = {
      {"/processes/pi/correlations/c/manual_tasks/f/finish", TaskKind::manual_task},
      {"/processes/pi/correlations/c/empty_activities/f/finish", TaskKind::empty_activity},
  };
  for (const auto& [path, kind] : cases) {
    FinishTaskRequest seen;
    EXPECT_CALL(engine_, finish_task(_, _, _))
        .WillOnce(DoAll(SaveArg<1>(&seen), InvokeArgument<2>(Result<Ok>(Ok{}))));
    auto response = post(path, "not json at all");
    EXPECT_EQ(response->response().status, 204) << path;
    EXPECT_EQ(seen.kind, kind);
    EXPECT_EQ(seen.flow_node_instance_id, "f");
    EXPECT_EQ(seen.result, "{}");
    ::testing::Mock::VerifyAndClearExpectations(&engine_);
  }
}

TEST_F(TaskRoutes, LaneFailureOnFinishIs403) {
  EXPECT_CALL(engine_, finish_task(_, _, _))
      .WillOnce(InvokeArgument<2>(Result<Ok>(make_error(ErrorStatus::forbidden, "Access denied."))));
  EXPECT_EQ(post("/processes/pi/correlations/c/manual_tasks/f/finish")->response().status, 403);
}

TEST_F(TaskRoutes, EventListsQueryAndCountReturnedEvents) {
  const struct {
    std::string path;
    std::optional<std::string> model, correlation;
  } cases[] = {
      {"/process_models/m/events", "m", {}},
      {"/correlations/c/events", {}, "c"},
      {"/process_models/m/correlations/c/events", "m", "c"},
  };
  PagedList<WaitingEvent> list;
  list.items = {{"Catch_1", "Wait for it", "bpmn:IntermediateCatchEvent", "messageEvent", "go", "fni", "c", "m", "pi"}};
  list.total_count = 4;
  for (const auto& c : cases) {
    EventQuery query;
    EXPECT_CALL(engine_, waiting_events(_, _, _))
        .WillOnce(DoAll(SaveArg<1>(&query), InvokeArgument<2>(Result<PagedList<WaitingEvent>>(list))));
    auto response = get(c.path + "?limit=1");
    EXPECT_EQ(query.process_model_id, c.model);
    EXPECT_EQ(query.correlation_id, c.correlation);
    EXPECT_EQ(query.page.limit, 1u);
    EXPECT_EQ(response->response().body,
              R"({"events":[{"id":"Catch_1","eventName":"go","bpmnType":"bpmn:IntermediateCatchEvent",)"
              R"("eventType":"messageEvent","flowNodeInstanceId":"fni","correlationId":"c","processModelId":"m",)"
              R"("processInstanceId":"pi"}],"totalCount":1})");
    ::testing::Mock::VerifyAndClearExpectations(&engine_);
  }
}

TEST_F(TaskRoutes, TriggersPassKindNameAndOptionalPayload) {
  std::optional<JsonText> payload;
  EXPECT_CALL(engine_, trigger(_, EventKind::message, "order_received", _, _))
      .WillOnce(DoAll(SaveArg<3>(&payload), InvokeArgument<4>(Result<Ok>(Ok{}))));
  auto message = post("/message/order_received/trigger", R"({"currentToken":{"n":1}})");
  EXPECT_EQ(message->response().status, 204);
  EXPECT_EQ(payload, R"({"currentToken":{"n":1}})");

  EXPECT_CALL(engine_, trigger(_, EventKind::signal, "stop", _, _))
      .WillOnce(DoAll(SaveArg<3>(&payload), InvokeArgument<4>(Result<Ok>(Ok{}))));
  auto signal = post("/signal/stop/trigger");
  EXPECT_EQ(signal->response().status, 204);
  EXPECT_FALSE(payload);
}

TEST_F(TaskRoutes, TriggerWithMalformedBodyIs400) {
  EXPECT_CALL(engine_, trigger(_, _, _, _, _)).Times(0);
  auto response = post("/message/x/trigger", "{\"a\":");
  EXPECT_EQ(response->response().status, 400);
}

}  // namespace
}  // namespace processhost::plugins::consumer_api::testing
