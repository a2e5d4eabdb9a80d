// Task, event and trigger routes: which query each route makes, the list JSON and its
// totalCount rule, finish bodies.

#include <limits>
#include <map>

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
  task.user_task.form_fields = {{"TaskWasSuccessful", "boolean", std::nullopt, std::nullopt, std::nullopt, {}, {}}};
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
      {"a", "enum", R"("Pick one")", R"("x")", R"("dropdown")", {{"x", "Ex"}, {"y", "Why"}}, {}},
      {"b", "custom_type", std::nullopt, "42", std::nullopt, {}, {}},
      {"c", "long", std::nullopt, std::nullopt, std::nullopt, {}, {}},
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

TEST_F(TaskRoutes, TypedListsCountReturnedItems) {
  PagedList<WaitingTask> list;
  list.items = {simple_task(TaskKind::manual_task, "M1")};
  list.total_count = 9;
  std::string manual_body;
  list_tasks("/manual_tasks/own?limit=1", list, &manual_body);
  EXPECT_EQ(manual_body,
            R"({"manualTasks":[{"flowNodeType":"bpmn:ManualTask","id":"M1","name":"M1 name","flowNodeInstanceId":"fni-M1",)"
            R"("correlationId":"c","processModelId":"m","processInstanceId":"pi","tokenPayload":{"x":1}}],"totalCount":1})");
}

// Answers each per-kind query like the engine: pages the kind's tasks, counts before paging.
class MixedTaskRoutes : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    tasks_[task_kind_bit(TaskKind::empty_activity)] = {simple_task(TaskKind::empty_activity, "E1"),
                                                       simple_task(TaskKind::empty_activity, "E2")};
    tasks_[task_kind_bit(TaskKind::manual_task)] = {simple_task(TaskKind::manual_task, "M1")};
    tasks_[task_kind_bit(TaskKind::user_task)] = {user_task(), user_task()};
    ON_CALL(engine_, waiting_tasks(_, _, _)).WillByDefault([this](const Identity&, TaskQuery query, auto done) {
      queries_.push_back(query);
      const auto& all = tasks_[query.kinds];
      PagedList<WaitingTask> page;
      page.total_count = all.size();
      for (std::size_t i = query.page.offset; i < all.size(); ++i) {
        if (query.page.limit != 0 && page.items.size() == query.page.limit) break;
        page.items.push_back(all[i]);
      }
      done(page);
    });
  }
  std::vector<std::string> ids(const std::string& path) {
    auto response = get(path);
    EXPECT_EQ(response->response().status, 200);
    auto body = body_json(*response);
    total_ = body["totalCount"].GetUint();
    std::vector<std::string> result;
    for (const auto& task : body["tasks"].GetArray()) result.emplace_back(task["id"].GetString());
    return result;
  }
  std::map<unsigned, std::vector<WaitingTask>> tasks_;
  std::vector<TaskQuery> queries_;
  std::size_t total_ = 0;
};

TEST_F(MixedTaskRoutes, OrderIsEmptyActivitiesManualTasksUserTasksAcrossPages) {
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids("/suspended_tasks"), (Ids{"E1", "E2", "M1", "UserTask_1", "UserTask_1"}));
  EXPECT_EQ(total_, 5u);
  EXPECT_EQ(ids("/suspended_tasks?limit=1"), (Ids{"E1"}));
  EXPECT_EQ(total_, 5u);
  EXPECT_EQ(ids("/suspended_tasks?offset=1&limit=2"), (Ids{"E2", "M1"}));
  EXPECT_EQ(ids("/suspended_tasks?offset=2&limit=2"), (Ids{"M1", "UserTask_1"}));
  EXPECT_EQ(ids("/suspended_tasks?offset=3"), (Ids{"UserTask_1", "UserTask_1"}));
  EXPECT_EQ(ids("/suspended_tasks?offset=9"), Ids{});
  EXPECT_EQ(total_, 5u);
}

TEST_F(MixedTaskRoutes, EachRouteQueriesEveryKindWithItsFilters) {
  const struct {
    std::string path;
    std::optional<std::string> model, instance, correlation;
  } cases[] = {
      {"/suspended_tasks", {}, {}, {}},
      {"/process_models/m/tasks", "m", {}, {}},
      {"/process_instances/pi/tasks", {}, "pi", {}},
      {"/correlations/c/tasks", {}, {}, "c"},
      {"/process_models/m/correlations/c/tasks", "m", {}, "c"},
  };
  for (const auto& c : cases) {
    queries_.clear();
    ids(c.path + "?offset=1&limit=2");
    ASSERT_EQ(queries_.size(), 3u) << c.path;
    const unsigned kinds[] = {4, 2, 1};
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(queries_[i].kinds, kinds[i]) << c.path;
      EXPECT_EQ(queries_[i].process_model_id, c.model) << c.path;
      EXPECT_EQ(queries_[i].process_instance_id, c.instance) << c.path;
      EXPECT_EQ(queries_[i].correlation_id, c.correlation) << c.path;
      EXPECT_FALSE(queries_[i].own_only);
    }
    EXPECT_EQ(queries_[0].page.offset, 1u);
    EXPECT_EQ(queries_[0].page.limit, 2u);
    EXPECT_EQ(queries_[1].page.offset, 0u);  // E2 was taken from the empty activities
    EXPECT_EQ(queries_[1].page.limit, 1u);
    EXPECT_EQ(queries_[2].page.limit, 0u);  // page full: count only
    EXPECT_EQ(queries_[2].page.offset, std::numeric_limits<std::size_t>::max());
  }
}

TEST_F(MixedTaskRoutes, AnEngineErrorOnAnyKindIsTheAnswer) {
  EXPECT_CALL(engine_, waiting_tasks(_, _, _))
      .WillOnce(InvokeArgument<2>(Result<PagedList<WaitingTask>>(PagedList<WaitingTask>{})))
      .WillOnce(InvokeArgument<2>(Result<PagedList<WaitingTask>>(make_error(ErrorStatus::unavailable, "store down"))));
  auto response = get("/suspended_tasks");
  EXPECT_EQ(response->response().status, 503);
  EXPECT_EQ(response->response().body, R"({"message":"store down"})");
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

// What the engine answers a finish of a task that does not wait.
Result<Ok> not_waiting(const FinishTaskRequest& request) {
  return make_error(ErrorKind::task_not_waiting,
                    {request.flow_node_instance_id, std::string(task_kind_name(request.kind)),
                     request.process_instance_id, request.correlation_id, {}},
                    ErrorStatus::not_found, "task " + request.flow_node_instance_id + " is not waiting");
}

TEST_F(TaskRoutes, FinishNotWaitingTaskIs404WithTheReferenceMessage) {
  const std::string message = "ProcessInstance 'pi' in Correlation 'c' does not have a UserTask with id 'f'";
  EXPECT_CALL(engine_, finish_task(_, _, _))
      .WillOnce([](const Identity&, FinishTaskRequest request, Callback<Ok> done) { done(not_waiting(request)); });
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

TEST_F(TaskRoutes, FinishNotWaitingNamesTheTaskKind) {
  EXPECT_CALL(engine_, finish_task(_, _, _))
      .WillRepeatedly([](const Identity&, FinishTaskRequest request, Callback<Ok> done) { done(not_waiting(request)); });
  EXPECT_EQ(post("/processes/p/correlations/c/manual_tasks/m/finish")->response().body,
            R"({"message":"ProcessInstance 'p' in Correlation 'c' does not have a ManualTask with id 'm'"})");
  EXPECT_EQ(post("/processes/p/correlations/c/empty_activities/e/finish")->response().body,
            R"({"message":"ProcessInstance 'p' in Correlation 'c' does not have an EmptyActivity with id 'e'"})");
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
