// Process models, starting (all callback types), the sample's user task round trip,
// results and own instances, against the real host in open mode.

#include "open_host_fixture.hpp"

namespace processhost::consumer_api_integration {


namespace {

using ProcessFlow = OpenHost;

TEST_F(ProcessFlow, ModelListCountsBeforePaging) {
  // The five models of model_files(): the open host's anonymous caller sees every one.
  auto all = json(get(port(), "/process_models"));
  ASSERT_TRUE(all["processModels"].IsArray());
  EXPECT_EQ(all["processModels"].Size(), 5u);
  EXPECT_EQ(all["totalCount"].GetUint(), 5u);
  EXPECT_EQ(keys(all), (std::vector<std::string>{"processModels", "totalCount"}));

  auto page = json(get(port(), "/process_models?offset=1&limit=2"));
  EXPECT_EQ(page["processModels"].Size(), 2u);
  EXPECT_EQ(page["totalCount"].GetUint(), 5u);
  EXPECT_EQ(compact(page["processModels"][0]), compact(all["processModels"][1]));

  auto past_end = json(get(port(), "/process_models?offset=100"));
  EXPECT_EQ(past_end["processModels"].Size(), 0u);
  EXPECT_EQ(past_end["totalCount"].GetUint(), 5u);

  auto no_limit = json(get(port(), "/process_models?offset=2&limit=0"));
  EXPECT_EQ(no_limit["processModels"].Size(), 3u);

  for (const char* bad : {"offset=-1", "limit=x", "offset=1.0"}) {
    auto reply = get(port(), std::string("/process_models?") + bad);
    EXPECT_EQ(reply.status, 400) << bad;
    EXPECT_EQ(keys(json(reply)), std::vector<std::string>{"message"});
  }
}

TEST_F(ProcessFlow, SampleModelShape) {
  auto reply = get(port(), "/process_models/sample_process");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("content-type"), "application/json");
  EXPECT_EQ(reply.body,
            R"({"id":"sample_process","startEvents":[{"id":"StartEvent_1","eventName":"Start Process",)"
            R"("bpmnType":"bpmn:StartEvent","processModelId":"sample_process"}],"endEvents":[{"id":"EndEvent_Success",)"
            R"("eventName":"Return token","bpmnType":"bpmn:EndEvent","processModelId":"sample_process"}]})");
}

TEST_F(ProcessFlow, UnknownModelIs404) {
  auto reply = get(port(), "/process_models/no_such_model");
  EXPECT_EQ(reply.status, 404);
  EXPECT_TRUE(json(reply)["message"].IsString());
  EXPECT_EQ(post(port(), "/process_models/no_such_model/start").status, 404);
}

// A start repeated with its Idempotency-Key answers the instance the first created; another
// key starts another; a type 2 repetition after the end answers the end.
TEST_F(ProcessFlow, AStartRepeatedWithItsIdempotencyKeyAnswersTheSameInstance) {
  const std::string start = "/process_models/sample_process/start?start_callback_type=1";
  const Headers key = {{"Idempotency-Key", "idem-flow-1"}};
  auto first = post(port(), start, R"({"correlationId":"idem-a","inputValues":{}})", key);
  ASSERT_EQ(first.status, 200) << first.body;
  auto again = post(port(), start, R"({"correlationId":"idem-b","inputValues":{}})", key);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(again.body, first.body) << "the same instance and correlation";
  EXPECT_STREQ(json(again)["correlationId"].GetString(), "idem-a");
  auto other = post(port(), start, R"({"correlationId":"idem-c","inputValues":{}})", {{"Idempotency-Key", "idem-flow-2"}});
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_NE(json(other)["processInstanceId"].GetString(), std::string(json(first)["processInstanceId"].GetString()));
  auto instances = json(wait_for_items(port(), "/process_models/sample_process/correlations/idem-a/user_tasks", "userTasks", 1));
  EXPECT_EQ(instances["userTasks"].Size(), 1u) << "one instance for the two starts";
  EXPECT_EQ(get(port(), "/process_models/sample_process/correlations/idem-b/user_tasks").body.find("flowNodeInstanceId"),
            std::string::npos)
      << "the repetition's own correlation started nothing";

  // The end of a finished instance, for a repeated start that waits for it (type 2).
  const auto& task = instances["userTasks"][0];
  const std::string instance = task["processInstanceId"].GetString();
  ASSERT_EQ(post(port(), "/processes/" + instance + "/correlations/idem-a/usertasks/" +
                             task["flowNodeInstanceId"].GetString() + "/finish",
                 R"({"formFields":{"TaskWasSuccessful":true}})")
                .status,
            204);
  auto ended = post(port(), "/process_models/sample_process/start?start_callback_type=2", "{}", key);
  ASSERT_EQ(ended.status, 200) << ended.body;
  auto body = json(ended);
  EXPECT_EQ(std::string(body["processInstanceId"].GetString()), instance);
  EXPECT_STREQ(body["endEventId"].GetString(), "EndEvent_Success");

  for (const char* bad : {"", "has space", "tab\tkey"}) {
    auto refused = post(port(), start, "{}", {{"Idempotency-Key", bad}});
    EXPECT_EQ(refused.status, 400) << "'" << bad << "': " << refused.body;
    EXPECT_TRUE(json(refused)["message"].IsString());
  }
  EXPECT_EQ(post(port(), start, "{}", {{"Idempotency-Key", std::string(201, 'k')}}).status, 400);
}

TEST_F(ProcessFlow, SampleRoundTripAsTheOriginalClientDoesIt) {
  auto start = post(port(), "/process_models/sample_process/start?start_callback_type=1&offset=0&limit=0",
                    R"({"correlationId":"flow-sample","inputValues":{}})");
  ASSERT_EQ(start.status, 200) << start.body;
  auto started = json(start);
  EXPECT_EQ(keys(started), (std::vector<std::string>{"correlationId", "processInstanceId"}));
  EXPECT_STREQ(started["correlationId"].GetString(), "flow-sample");
  const std::string instance = started["processInstanceId"].GetString();

  auto tasks = json(wait_for_items(port(), "/process_models/sample_process/correlations/flow-sample/user_tasks",
                                   "userTasks", 1));
  ASSERT_EQ(tasks["userTasks"].Size(), 1u);
  const auto& task = tasks["userTasks"][0];
  EXPECT_EQ(keys(task), (std::vector<std::string>{"flowNodeType", "id", "name", "flowNodeInstanceId", "correlationId",
                                                  "processModelId", "processInstanceId", "data", "tokenPayload"}));
  EXPECT_STREQ(task["flowNodeType"].GetString(), "bpmn:UserTask");
  EXPECT_STREQ(task["id"].GetString(), "UserTask_1");
  EXPECT_STREQ(task["name"].GetString(), "Wait for the user to do something");
  EXPECT_STREQ(task["processInstanceId"].GetString(), instance.c_str());
  EXPECT_EQ(compact(task["data"]), R"({"formFields":[{"id":"TaskWasSuccessful","type":"boolean"}]})");
  EXPECT_EQ(tasks["totalCount"].GetUint(), 1u);
  const std::string task_instance = task["flowNodeInstanceId"].GetString();

  const std::string finish = "/processes/" + instance + "/correlations/flow-sample/usertasks/" + task_instance + "/finish";
  auto finished = post(port(), finish, R"({"formFields":{"TaskWasSuccessful":true}})");
  EXPECT_EQ(finished.status, 204) << finished.body;
  EXPECT_TRUE(finished.body.empty());
  auto again = post(port(), finish, R"({"formFields":{"TaskWasSuccessful":true}})");
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(json(again)["message"].GetString(), "ProcessInstance '" + instance +
                                                    "' in Correlation 'flow-sample' does not have a UserTask with id '" +
                                                    task_instance + "'");

  HttpReply results;
  ASSERT_TRUE(eventually([&] {
    results = get(port(), "/correlations/flow-sample/process_models/sample_process/results");
    return results.status == 200 && json(results)["totalCount"].GetUint() == 1;
  }));
  EXPECT_EQ(results.body,
            R"({"correlationResults":[{"correlationId":"flow-sample","endEventId":"EndEvent_Success",)"
            R"("tokenPayload":{"form_fields":{"TaskWasSuccessful":true}}}],"totalCount":1})");
}

TEST_F(ProcessFlow, StartWaitsForTheEndWithCallbackType2And3) {
  auto finished = post(port(), "/process_models/capi_starts/start?start_callback_type=2&start_event_id=Start_A");
  ASSERT_EQ(finished.status, 200) << finished.body;
  auto body = json(finished);
  EXPECT_EQ(keys(body), (std::vector<std::string>{"correlationId", "processInstanceId", "endEventId", "tokenPayload"}));
  EXPECT_STREQ(body["endEventId"].GetString(), "End_A");
  ASSERT_TRUE(body["tokenPayload"].IsObject()) << finished.body;
  EXPECT_EQ(body["tokenPayload"]["sum"].GetInt(), 3);

  auto reached = post(port(), "/process_models/capi_starts/start?start_callback_type=3&start_event_id=Start_A"
                              "&end_event_id=End_A",
                      R"({"correlationId":"flow-type3"})");
  ASSERT_EQ(reached.status, 200) << reached.body;
  EXPECT_STREQ(json(reached)["correlationId"].GetString(), "flow-type3");
  EXPECT_STREQ(json(reached)["endEventId"].GetString(), "End_A");
}

TEST_F(ProcessFlow, TerminationWhileWaitingIs500) {
  auto reply = post(port(), "/process_models/capi_starts/start?start_callback_type=2&start_event_id=Start_B");
  EXPECT_EQ(reply.status, 500) << reply.body;
  EXPECT_TRUE(json(reply)["message"].IsString());
}

TEST_F(ProcessFlow, StartParameterErrors) {
  auto several = post(port(), "/process_models/capi_starts/start");
  EXPECT_EQ(several.status, 400);
  EXPECT_EQ(compact(json(several)["additionalInformation"]), R"({"startEventIds":["Start_A","Start_B"]})");

  auto unknown_start = post(port(), "/process_models/capi_starts/start?start_event_id=Nope");
  EXPECT_EQ(unknown_start.status, 404);
  EXPECT_EQ(unknown_start.body, R"({"message":"StartEvent with ID 'Nope' not found!"})");

  auto no_end = post(port(), "/process_models/capi_starts/start?start_callback_type=3&start_event_id=Start_A");
  EXPECT_EQ(no_end.status, 400);
  auto unknown_end =
      post(port(), "/process_models/capi_starts/start?start_callback_type=3&start_event_id=Start_A&end_event_id=X");
  EXPECT_EQ(unknown_end.status, 404);
  EXPECT_EQ(unknown_end.body, R"({"message":"EndEvent with ID 'X' not found!"})");

  EXPECT_EQ(post(port(), "/process_models/sample_process/start?start_callback_type=5").status, 400);

  auto wrong_type = post(port(), "/process_models/sample_process/start", R"({"correlationId":42})");
  EXPECT_EQ(wrong_type.status, 400);
  EXPECT_NE(wrong_type.body.find("correlationId"), std::string::npos);
  auto array = post(port(), "/process_models/sample_process/start", "[]");
  EXPECT_EQ(array.status, 400);
  auto malformed = post(port(), "/process_models/sample_process/start", R"({"correlationId":)");
  EXPECT_EQ(malformed.status, 400);
  EXPECT_NE(json(malformed)["message"].GetString(), std::string());
}

TEST_F(ProcessFlow, StartWithoutBodyGetsAFreshCorrelation) {
  auto reply = processhost::testing::http_request(port(), "POST", kBase + "/process_models/sample_process/start");
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(std::string(json(reply)["correlationId"].GetString()).size(), 36u);
}

TEST_F(ProcessFlow, ModelByInstanceAndOwnInstances) {
  auto start = json(post(port(), "/process_models/sample_process/start", R"({"correlationId":"flow-own"})"));
  const std::string instance = start["processInstanceId"].GetString();
  auto model = get(port(), "/process_instance/" + instance + "/process_model/");
  ASSERT_EQ(model.status, 200) << model.body;
  EXPECT_STREQ(json(model)["id"].GetString(), "sample_process");
  EXPECT_EQ(get(port(), "/process_instance/no-such-instance/process_model").status, 404);

  auto own = json(get(port(), "/process_instances/own"));
  ASSERT_TRUE(own["processInstances"].IsArray());
  bool found = false;
  for (const auto& item : own["processInstances"].GetArray()) {
    if (std::string(item["id"].GetString()) != instance) continue;
    found = true;
    EXPECT_EQ(compact(item), R"({"id":")" + instance +
                                 R"(","owner":{"userId":"anonymous","token":""},"correlationId":"flow-own",)"
                                 R"("processModelId":"sample_process"})");
  }
  EXPECT_TRUE(found);
  // Only running instances are the caller's own, as in the original: one that finished is not.
  auto ended = post(port(), "/process_models/capi_starts/start?start_callback_type=2&start_event_id=Start_A",
                    R"({"correlationId":"flow-own-ended"})");
  ASSERT_EQ(ended.status, 200) << ended.body;
  const std::string ended_instance = json(ended)["processInstanceId"].GetString();
  for (const auto& item : json(get(port(), "/process_instances/own"))["processInstances"].GetArray()) {
    EXPECT_NE(std::string(item["id"].GetString()), ended_instance);
  }
  own = json(get(port(), "/process_instances/own"));
  const auto total = own["totalCount"].GetUint();
  auto paged = json(get(port(), "/process_instances/own?limit=1"));
  EXPECT_EQ(paged["processInstances"].Size(), 1u);
  EXPECT_EQ(paged["totalCount"].GetUint(), total);
}

TEST_F(ProcessFlow, UnknownIdsGiveEmptyResults) {
  EXPECT_EQ(get(port(), "/correlations/none/process_models/sample_process/results").body,
            R"({"correlationResults":[],"totalCount":0})");
  EXPECT_EQ(get(port(), "/correlations/none/user_tasks").body, R"({"userTasks":[],"totalCount":0})");
  EXPECT_EQ(get(port(), "/process_instances/none/manual_tasks").body, R"({"manualTasks":[],"totalCount":0})");
  EXPECT_EQ(get(port(), "/process_models/none/empty_activities").body, R"({"emptyActivities":[],"totalCount":0})");
  EXPECT_EQ(get(port(), "/correlations/none/tasks").body, R"({"tasks":[],"totalCount":0})");
  EXPECT_EQ(get(port(), "/correlations/none/events").body, R"({"events":[],"totalCount":0})");
}

}  // namespace
}  // namespace processhost::consumer_api_integration
