// User tasks, manual tasks, empty activities, mixed task lists, events and triggers.

#include "open_host_fixture.hpp"

namespace processhost::consumer_api_integration {
namespace {

struct AssignmentModels {
  static std::vector<std::string> files() { return {model_file("capi_assignment")}; }
};

using TasksAndEvents = OpenHost;
using Events = SuiteHost<EventModels>;
using AssignedTasks = SuiteHost<AssignmentModels>;

std::string start_in(std::uint16_t port, const std::string& model, const std::string& correlation) {
  auto reply = post(port, "/process_models/" + model + "/start", R"({"correlationId":")" + correlation + R"("})");
  EXPECT_EQ(reply.status, 200) << reply.body;
  return json(reply)["processInstanceId"].GetString();
}

const rapidjson::Value* find_by_id(const rapidjson::Value& list, const char* id) {
  for (const auto& item : list.GetArray()) {
    if (std::string(item["id"].GetString()) == id) return &item;
  }
  return nullptr;
}

TEST_F(TasksAndEvents, EveryTaskQueryFindsTheWaitingTasks) {
  const std::string instance = start_in(port(), "capi_tasks", "tasks-1");
  auto mixed = json(wait_for_items(port(), "/correlations/tasks-1/tasks", "tasks", 3));
  ASSERT_EQ(mixed["tasks"].Size(), 3u);
  EXPECT_EQ(mixed["totalCount"].GetUint(), 3u);
  EXPECT_STREQ(mixed["tasks"][0]["flowNodeType"].GetString(), "bpmn:Task");
  EXPECT_STREQ(mixed["tasks"][1]["flowNodeType"].GetString(), "bpmn:ManualTask");
  EXPECT_STREQ(mixed["tasks"][2]["flowNodeType"].GetString(), "bpmn:UserTask");

  const std::string pm = "/process_models/capi_tasks";
  const std::string pi = "/process_instances/" + instance;
  const std::string cid = "/correlations/tasks-1";
  const struct {
    std::string segment;
    const char* wrapper;
    const char* id;
  } kinds[] = {{"user_tasks", "userTasks", "User_Task"},
               {"manual_tasks", "manualTasks", "Manual_Task"},
               {"empty_activities", "emptyActivities", "Empty_Task"}};
  for (const auto& kind : kinds) {
    for (const std::string& prefix : {pm, pi, cid, pm + cid, std::string()}) {
      const std::string path = prefix.empty() ? "/" + kind.segment + "/own" : prefix + "/" + kind.segment;
      auto reply = get(port(), path);
      ASSERT_EQ(reply.status, 200) << path;
      auto list = json(reply);
      EXPECT_EQ(keys(list), (std::vector<std::string>{kind.wrapper, "totalCount"})) << path;
      EXPECT_NE(find_by_id(list[kind.wrapper], kind.id), nullptr) << path << ": " << reply.body;
      EXPECT_EQ(list["totalCount"].GetUint(), list[kind.wrapper].Size()) << path;
    }
  }
  for (const std::string& path : {pm + "/tasks", pi + "/tasks", pm + cid + "/tasks", std::string("/suspended_tasks")}) {
    auto list = json(get(port(), path));
    EXPECT_GE(list["tasks"].Size(), 3u) << path;
  }

  auto first = json(get(port(), cid + "/tasks?limit=1"));
  EXPECT_EQ(first["tasks"].Size(), 1u);
  EXPECT_EQ(first["totalCount"].GetUint(), 3u);
  auto skipped = json(get(port(), cid + "/tasks?offset=2"));
  EXPECT_EQ(skipped["tasks"].Size(), 1u);
  EXPECT_STREQ(skipped["tasks"][0]["flowNodeType"].GetString(), "bpmn:UserTask");
  auto typed = json(get(port(), cid + "/user_tasks?offset=1"));
  EXPECT_EQ(typed["userTasks"].Size(), 0u);
  EXPECT_EQ(typed["totalCount"].GetUint(), 0u);
}

TEST_F(TasksAndEvents, UserTaskFormFieldsAndFinishingEveryKind) {
  const std::string instance = start_in(port(), "capi_tasks", "tasks-2");
  auto mixed = json(wait_for_items(port(), "/correlations/tasks-2/tasks", "tasks", 3));
  ASSERT_EQ(mixed["tasks"].Size(), 3u);
  const auto& user = mixed["tasks"][2];
  const auto& fields = user["data"]["formFields"];
  ASSERT_EQ(fields.Size(), 3u) << compact(user);
  EXPECT_STREQ(fields[0]["id"].GetString(), "approved");
  EXPECT_STREQ(fields[0]["type"].GetString(), "boolean");
  EXPECT_STREQ(fields[0]["label"].GetString(), "Approved?");
  EXPECT_TRUE(fields[0].HasMember("defaultValue"));
  EXPECT_STREQ(fields[1]["type"].GetString(), "enum");
  EXPECT_EQ(compact(fields[1]["enumValues"]), R"([{"id":"red","name":"Red"},{"id":"blue","name":"Blue"}])");
  EXPECT_FALSE(fields[2].HasMember("type")) << "custom types are dropped";
  EXPECT_STREQ(fields[2]["label"].GetString(), "Custom");
  EXPECT_EQ(std::string(user["data"]["description"].GetString()), "Please check");

  auto instance_id = [&](int index) { return std::string(mixed["tasks"][index]["flowNodeInstanceId"].GetString()); };
  const std::string base = "/processes/" + instance + "/correlations/tasks-2/";
  EXPECT_EQ(post(port(), base + "empty_activities/" + instance_id(0) + "/finish").status, 204);
  EXPECT_EQ(post(port(), base + "manual_tasks/" + instance_id(1) + "/finish", "").status, 204);
  EXPECT_EQ(post(port(), base + "manual_tasks/" + instance_id(1) + "/finish").status, 404);
  EXPECT_EQ(post(port(), base + "usertasks/" + instance_id(2) + "/finish", R"({"formFields":"nope"})").status, 400);
  EXPECT_EQ(post(port(), "/processes/" + instance + "/correlations/wrong/usertasks/" + instance_id(2) + "/finish").status,
            404);
  EXPECT_EQ(post(port(), base + "usertasks/" + instance_id(2) + "/finish", R"({"formFields":{"approved":true}})").status,
            204);
  ASSERT_TRUE(eventually([&] {
    auto results = json(get(port(), "/correlations/tasks-2/process_models/capi_tasks/results"));
    return results["totalCount"].GetUint() == 1 &&
           std::string(results["correlationResults"][0]["endEventId"].GetString()) == "End_Tasks";
  }));
  EXPECT_EQ(json(get(port(), "/correlations/tasks-2/tasks"))["totalCount"].GetUint(), 0u);
}

// camunda:assignee and the other assignment attributes are listed, evaluated, under "camunda"
// (a ProcessHost addition); input parameters feed the form, output parameters the result.
TEST_F(AssignedTasks, UserTaskListsItsAssignmentAndRunsItsInputOutput) {
  auto started = post(port(), "/process_models/capi_assignment/start",
                      R"({"correlationId":"assign-1","inputValues":{"owner":"carol","day":20}})");
  ASSERT_EQ(started.status, 200) << started.body;
  auto list = json(wait_for_items(port(), "/correlations/assign-1/user_tasks", "userTasks", 1));
  ASSERT_EQ(list["userTasks"].Size(), 1u);
  const auto& task = list["userTasks"][0];
  ASSERT_TRUE(task.HasMember("camunda")) << compact(task);
  EXPECT_EQ(compact(task["camunda"]),
            R"({"assignee":"carol","candidateUsers":["ann","bob"],"candidateGroups":["sales"],)"
            R"("dueDate":"2026-12-24T12:00:00Z","followUpDate":"2026-12-20","priority":70})");
  EXPECT_STREQ(task["data"]["formFields"][0]["defaultValue"].GetString(), "for carol");
  const std::string instance = json(started)["processInstanceId"].GetString();
  EXPECT_EQ(post(port(), "/processes/" + instance + "/correlations/assign-1/usertasks/" +
                             task["flowNodeInstanceId"].GetString() + "/finish",
                 R"({"formFields":{"note":"done"}})")
                .status,
            204);
  ASSERT_TRUE(eventually([&] {
    auto results = json(get(port(), "/correlations/assign-1/process_models/capi_assignment/results"));
    return results["totalCount"].GetUint() == 1;
  }));
  auto results = json(get(port(), "/correlations/assign-1/process_models/capi_assignment/results"));
  EXPECT_EQ(compact(results["correlationResults"][0]["tokenPayload"]),
            R"({"form_fields":{"note":"done"},"reviewedBy":"carol"})");
}

TEST_F(Events, AreListedAndTriggeredByName) {
  start_in(port(), "capi_events", "events-1");
  auto by_correlation = wait_for_items(port(), "/correlations/events-1/events", "events", 1);
  auto list = json(by_correlation);
  ASSERT_EQ(list["events"].Size(), 1u) << by_correlation.body;
  const auto& event = list["events"][0];
  EXPECT_EQ(keys(event), (std::vector<std::string>{"id", "eventName", "bpmnType", "eventType", "flowNodeInstanceId",
                                                   "correlationId", "processModelId", "processInstanceId"}));
  EXPECT_STREQ(event["id"].GetString(), "Catch_Message");
  EXPECT_STREQ(event["eventName"].GetString(), "capi_message");
  EXPECT_STREQ(event["bpmnType"].GetString(), "bpmn:IntermediateCatchEvent");
  EXPECT_STREQ(event["eventType"].GetString(), "messageEvent");
  EXPECT_EQ(list["totalCount"].GetUint(), 1u);
  EXPECT_GE(json(get(port(), "/process_models/capi_events/events"))["events"].Size(), 1u);
  EXPECT_EQ(json(get(port(), "/process_models/capi_events/correlations/events-1/events"))["events"].Size(), 1u);
  EXPECT_EQ(json(get(port(), "/process_models/sample_process/correlations/events-1/events"))["events"].Size(), 0u);

  EXPECT_EQ(post(port(), "/message/capi_message/trigger", R"({"currentToken":{"m":1}})").status, 204);
  ASSERT_TRUE(eventually([&] {
    auto events = json(get(port(), "/correlations/events-1/events"));
    return events["events"].Size() == 1 && std::string(events["events"][0]["eventType"].GetString()) == "signalEvent";
  }));
  EXPECT_EQ(post(port(), "/signal/capi_signal/trigger", "").status, 204);
  ASSERT_TRUE(eventually([&] {
    return json(get(port(), "/correlations/events-1/process_models/capi_events/results"))["totalCount"].GetUint() == 1;
  }));
  EXPECT_EQ(post(port(), "/message/nobody_waits/trigger").status, 204);
  EXPECT_EQ(post(port(), "/signal/x/trigger", "{broken").status, 400);
}

}  // namespace
}  // namespace processhost::consumer_api_integration
