// Process model, start, own instances and result routes: parsing, engine calls, JSON.

#include "api_fixture.hpp"

namespace processhost::plugins::consumer_api::testing {
namespace {

using ::testing::_;
using ::testing::DoAll;
using ::testing::InvokeArgument;
using ::testing::Return;
using ::testing::SaveArg;

ProcessModelInfo sample_model() {
  ProcessModelInfo model;
  model.id = "sample_process";
  model.hash = "h1";
  model.start_events = {{"StartEvent_1", "Start Process", "bpmn:StartEvent", "sample_lane"}};
  model.end_events = {{"EndEvent_Success", "", "bpmn:EndEvent", "sample_lane"}};
  return model;
}

ProcessModelInfo two_start_model() {
  auto model = sample_model();
  model.start_events.push_back({"StartEvent_2", "Other", "bpmn:StartEvent", ""});
  return model;
}

class ProcessModelRoutes : public ApiFixture {
 protected:
  void expect_model(ProcessModelInfo model) {
    EXPECT_CALL(engine_, get_process_model(_, model.id, _))
        .WillOnce(InvokeArgument<2>(Result<ProcessModelInfo>(model)));
  }
  // Expects a start call, captures the request and answers with result.
  void expect_start(StartRequest* seen, Result<StartResult> result) {
    EXPECT_CALL(engine_, start(_, _, _))
        .WillOnce(DoAll(SaveArg<1>(seen), InvokeArgument<2>(result), Return(CancelHandle())));
  }
  // Expects a start call that the engine refuses with a typed error.
  void expect_refused_start(ErrorKind kind, ErrorSubject subject, ErrorStatus engine_status) {
    EXPECT_CALL(engine_, start(_, _, _))
        .WillOnce(DoAll(InvokeArgument<2>(Result<StartResult>(
                            make_error(kind, std::move(subject), engine_status, "the engine's own wording"))),
                        Return(CancelHandle())));
  }
};

TEST_F(ProcessModelRoutes, ListPassesPagingAndKeepsTotalCountBeforePaging) {
  PageRequest page;
  PagedList<ProcessModelInfo> list;
  list.items = {sample_model()};
  list.total_count = 5;
  EXPECT_CALL(engine_, list_process_models(_, _, _))
      .WillOnce(DoAll(SaveArg<1>(&page), InvokeArgument<2>(Result<PagedList<ProcessModelInfo>>(list))));
  auto response = get("/process_models?offset=3&limit=1");
  EXPECT_EQ(response->response().status, 200);
  EXPECT_EQ(page.offset, 3u);
  EXPECT_EQ(page.limit, 1u);
  EXPECT_EQ(response->response().body,
            R"({"processModels":[{"id":"sample_process","startEvents":[{"id":"StartEvent_1","eventName":"Start Process",)"
            R"("bpmnType":"bpmn:StartEvent","processModelId":"sample_process"}],"endEvents":[{"id":"EndEvent_Success",)"
            R"("bpmnType":"bpmn:EndEvent","processModelId":"sample_process"}]}],"totalCount":5})");
}

TEST_F(ProcessModelRoutes, InvalidPagingIs400AndSkipsTheEngine) {
  EXPECT_CALL(engine_, list_process_models(_, _, _)).Times(0);
  for (const char* query : {"offset=-1", "limit=abc", "offset=1.5", "limit=", "offset=99999999999999999999999"}) {
    auto response = get(std::string("/process_models?") + query);
    EXPECT_EQ(response->response().status, 400) << query;
    auto body = body_json(*response);
    EXPECT_NE(std::string(body["message"].GetString()).find("must be a non-negative integer"), std::string::npos);
  }
}

TEST_F(ProcessModelRoutes, NonExecutableModelHasEmptyEventLists) {
  auto model = sample_model();
  model.executable = false;
  expect_model(model);
  auto response = get("/process_models/sample_process");
  EXPECT_EQ(response->response().body, R"({"id":"sample_process","startEvents":[],"endEvents":[]})");
}

TEST_F(ProcessModelRoutes, ModelByInstanceUsesTheInstanceId) {
  EXPECT_CALL(engine_, get_process_model_by_instance(_, "pi-1", _))
      .WillOnce(InvokeArgument<2>(Result<ProcessModelInfo>(sample_model())));
  auto response = get("/process_instance/pi-1/process_model");
  EXPECT_EQ(response->response().status, 200);
  EXPECT_STREQ(body_json(*response)["id"].GetString(), "sample_process");
}

TEST_F(ProcessModelRoutes, UnknownModelIs404FromTheEngine) {
  EXPECT_CALL(engine_, get_process_model(_, "nope", _))
      .WillOnce(InvokeArgument<2>(
          Result<ProcessModelInfo>(make_error(ErrorStatus::not_found, "Process model 'nope' not found."))));
  auto response = get("/process_models/nope");
  EXPECT_EQ(response->response().status, 404);
  EXPECT_EQ(response->response().body, R"({"message":"Process model 'nope' not found."})");
}

TEST_F(ProcessModelRoutes, StartWithDefaultsLeavesTheStartEventToTheEngine) {
  StartRequest seen;
  expect_start(&seen, StartResult{"c-1", "pi-1", std::nullopt, std::nullopt});
  auto response = post("/process_models/sample_process/start");
  EXPECT_EQ(response->response().status, 200);
  EXPECT_EQ(response->response().body, R"({"correlationId":"c-1","processInstanceId":"pi-1"})");
  EXPECT_EQ(seen.process_model_id, "sample_process");
  EXPECT_FALSE(seen.start_event_id);
  EXPECT_EQ(seen.callback_type, StartCallbackType::on_instance_created);
  EXPECT_FALSE(seen.correlation_id);
  EXPECT_FALSE(seen.input_values);
}

TEST_F(ProcessModelRoutes, StartPassesTheBody) {
  StartRequest seen;
  expect_start(&seen, StartResult{"c-9", "pi-9", std::nullopt, std::nullopt});
  auto response = post("/process_models/sample_process/start?start_callback_type=1&start_event_id=StartEvent_1",
                       R"({"correlationId":"c-9","callerId":"parent","inputValues":{"a":[1,2]}})");
  EXPECT_EQ(response->response().status, 200);
  EXPECT_EQ(seen.correlation_id, "c-9");
  EXPECT_EQ(seen.caller_id, "parent");
  EXPECT_EQ(seen.input_values, R"({"a":[1,2]})");
}

TEST_F(ProcessModelRoutes, StartType2AnswersWithEndEventAndPayload) {
  StartRequest seen;
  expect_start(&seen, StartResult{"c", "pi", "EndEvent_Success", R"({"form_fields":{"ok":true}})"});
  auto response = post("/process_models/sample_process/start?start_callback_type=2");
  EXPECT_EQ(seen.callback_type, StartCallbackType::on_process_finished);
  EXPECT_EQ(response->response().body,
            R"({"correlationId":"c","processInstanceId":"pi","endEventId":"EndEvent_Success",)"
            R"("tokenPayload":{"form_fields":{"ok":true}}})");
}

TEST_F(ProcessModelRoutes, StartType3NeedsAKnownEndEvent) {
  auto missing = post("/process_models/sample_process/start?start_callback_type=3");
  EXPECT_EQ(missing->response().status, 400);
  expect_refused_start(ErrorKind::end_event_not_found, {.id = "Nope"}, ErrorStatus::not_found);
  auto unknown = post("/process_models/sample_process/start?start_callback_type=3&end_event_id=Nope");
  EXPECT_EQ(unknown->response().status, 404);
  EXPECT_EQ(unknown->response().body, R"({"message":"EndEvent with ID 'Nope' not found!"})");
  ::testing::Mock::VerifyAndClearExpectations(&engine_);
  StartRequest seen;
  expect_start(&seen, StartResult{"c", "pi", "EndEvent_Success", "{}"});
  auto ok = post("/process_models/sample_process/start?start_callback_type=3&end_event_id=EndEvent_Success");
  EXPECT_EQ(ok->response().status, 200);
  EXPECT_EQ(seen.end_event_id, "EndEvent_Success");
  EXPECT_EQ(seen.callback_type, StartCallbackType::on_end_event_reached);
}

TEST_F(ProcessModelRoutes, InvalidCallbackTypeIs400) {
  EXPECT_CALL(engine_, start(_, _, _)).Times(0);
  for (const char* type : {"0", "4", "5", "x", ""}) {
    auto response = post(std::string("/process_models/sample_process/start?start_callback_type=") + type);
    EXPECT_EQ(response->response().status, 400) << type;
    EXPECT_NE(response->response().body.find(R"({"message":")" + std::string(type) + " is not a valid return option!"),
              std::string::npos)
        << response->response().body;
  }
}

TEST_F(ProcessModelRoutes, UnknownStartEventIs404WithTheReferenceMessage) {
  expect_refused_start(ErrorKind::start_event_not_found, {.id = "Nope"}, ErrorStatus::not_found);
  auto response = post("/process_models/sample_process/start?start_event_id=Nope");
  EXPECT_EQ(response->response().status, 404);
  EXPECT_EQ(response->response().body, R"({"message":"StartEvent with ID 'Nope' not found!"})");
}

TEST_F(ProcessModelRoutes, StartEventInAForeignLaneIsNotFoundEither) {
  expect_refused_start(ErrorKind::start_event_not_accessible, {.id = "StartEvent_1"}, ErrorStatus::forbidden);
  auto response = post("/process_models/sample_process/start?start_event_id=StartEvent_1");
  EXPECT_EQ(response->response().status, 404);
  EXPECT_EQ(response->response().body, R"({"message":"StartEvent with ID 'StartEvent_1' not found!"})");
}

TEST_F(ProcessModelRoutes, SeveralStartEventsWithoutIdIs400ListingThem) {
  ErrorSubject subject{.id = "sample_process"};
  for (const auto& node : two_start_model().start_events) subject.candidates.push_back(node.id);
  expect_refused_start(ErrorKind::several_start_events, subject, ErrorStatus::bad_request);
  auto response = post("/process_models/sample_process/start");
  EXPECT_EQ(response->response().status, 400);
  auto body = body_json(*response);
  ASSERT_TRUE(body["additionalInformation"]["startEventIds"].IsArray());
  EXPECT_STREQ(body["additionalInformation"]["startEventIds"][1].GetString(), "StartEvent_2");
}

TEST_F(ProcessModelRoutes, NonExecutableModelCannotStart) {
  expect_refused_start(ErrorKind::process_model_not_executable, {.id = "sample_process"}, ErrorStatus::bad_request);
  auto response = post("/process_models/sample_process/start");
  EXPECT_EQ(response->response().status, 400);
  EXPECT_EQ(response->response().body, R"({"message":"The process model 'sample_process' is not executable!"})");
}

TEST_F(ProcessModelRoutes, NoAccessibleStartEventIs403) {
  expect_refused_start(ErrorKind::no_accessible_start_event, {.id = "sample_process"}, ErrorStatus::forbidden);
  auto response = post("/process_models/sample_process/start");
  EXPECT_EQ(response->response().status, 403);
  EXPECT_EQ(response->response().body,
            R"({"message":"Access denied.","additionalInformation":{"reason":"No start event of process model )"
            R"('sample_process' is accessible to this identity."}})");
}

TEST_F(ProcessModelRoutes, BadStartBodiesAre400NamingTheField) {
  EXPECT_CALL(engine_, start(_, _, _)).Times(0);
  const std::pair<const char*, const char*> cases[] = {
      {R"({"correlationId":5})", "'correlationId' must be a string."},
      {R"({"callerId":[]})", "'callerId' must be a string."},
      {R"([1,2])", "ProcessStartRequestPayload must be a JSON object."},
      {R"({"correlationId":)", "The request body is not valid JSON: "},
  };
  for (const auto& [body, message] : cases) {
    auto response = post("/process_models/sample_process/start", body);
    EXPECT_EQ(response->response().status, 400) << body;
    EXPECT_NE(response->response().body.find(message), std::string::npos) << response->response().body;
  }
}

TEST_F(ProcessModelRoutes, ProcessErrorWhileWaitingIs500WithItsMessage) {
  StartRequest seen;
  expect_start(&seen, Result<StartResult>(make_error(ErrorStatus::internal, "Process was terminated through "
                                                                            "TerminateEndEvent 'End_T'")));
  auto response = post("/process_models/sample_process/start?start_callback_type=2");
  EXPECT_EQ(response->response().status, 500);
  EXPECT_EQ(response->response().body, R"({"message":"Process was terminated through TerminateEndEvent 'End_T'"})");
}

TEST_F(ProcessModelRoutes, ClientDisconnectCancelsTheWaitAndNothingIsAnswered) {
  auto handle = std::make_shared<MockCancellation>();
  Callback<StartResult> done;
  EXPECT_CALL(engine_, start(_, _, _)).WillOnce(DoAll(SaveArg<2>(&done), Return(handle)));
  EXPECT_CALL(*handle, cancel()).Times(1);
  auto response = post("/process_models/sample_process/start?start_callback_type=2");
  EXPECT_FALSE(response->responded());
  EXPECT_EQ(plugin_->state()->waits->size(), 1u);
  response->cancel();
  EXPECT_EQ(plugin_->state()->waits->size(), 0u);
  done(StartResult{"c", "pi", "E", "{}"});  // a late engine answer is dropped
  EXPECT_EQ(response->respond_calls(), 0);
}

TEST_F(ProcessModelRoutes, StopAnswersWaitingStartsWith503) {
  auto handle = std::make_shared<MockCancellation>();
  Callback<StartResult> done;
  EXPECT_CALL(engine_, start(_, _, _)).WillOnce(DoAll(SaveArg<2>(&done), Return(handle)));
  EXPECT_CALL(*handle, cancel()).Times(1);
  auto response = post("/process_models/sample_process/start?start_callback_type=2");
  plugin_->stop();
  EXPECT_EQ(response->response().status, 503);
  done(StartResult{"c", "pi", "E", "{}"});
  EXPECT_EQ(response->respond_calls(), 1);
}

TEST_F(ProcessModelRoutes, OwnInstancesNeverEchoTokens) {
  PagedList<ProcessInstanceInfo> list;
  list.items = {{"pi-1", "alice", "c-1", "m", std::nullopt, ProcessInstanceState::running},
                {"pi-2", "alice", "c-1", "child", std::string("pi-1"), ProcessInstanceState::running}};
  list.total_count = 7;
  PageRequest page;
  EXPECT_CALL(engine_, own_process_instances(_, _, _))
      .WillOnce(DoAll(SaveArg<1>(&page), InvokeArgument<2>(Result<PagedList<ProcessInstanceInfo>>(list))));
  auto response = get("/process_instances/own?offset=0&limit=2");
  EXPECT_EQ(page.limit, 2u);
  EXPECT_EQ(response->response().body,
            R"({"processInstances":[{"id":"pi-1","owner":{"userId":"alice","token":""},"correlationId":"c-1",)"
            R"("processModelId":"m"},{"id":"pi-2","owner":{"userId":"alice","token":""},"correlationId":"c-1",)"
            R"("processModelId":"child","parentProcessInstanceId":"pi-1"}],"totalCount":7})");
}

TEST_F(ProcessModelRoutes, CorrelationResultsCountTheResults) {
  std::vector<CorrelationResult> results{{"c-1", "EndEvent_Success", R"({"form_fields":{"TaskWasSuccessful":true}})"}};
  EXPECT_CALL(engine_, correlation_results(_, "c-1", "sample_process", _))
      .WillOnce(InvokeArgument<3>(Result<std::vector<CorrelationResult>>(results)));
  auto response = get("/correlations/c-1/process_models/sample_process/results");
  EXPECT_EQ(response->response().body,
            R"({"correlationResults":[{"correlationId":"c-1","endEventId":"EndEvent_Success",)"
            R"("tokenPayload":{"form_fields":{"TaskWasSuccessful":true}}}],"totalCount":1})");
}

TEST_F(ProcessModelRoutes, UnknownCorrelationGivesAnEmptyResultList) {
  EXPECT_CALL(engine_, correlation_results(_, "none", "m", _))
      .WillOnce(InvokeArgument<3>(Result<std::vector<CorrelationResult>>(std::vector<CorrelationResult>{})));
  auto response = get("/correlations/none/process_models/m/results");
  EXPECT_EQ(response->response().status, 200);
  EXPECT_EQ(response->response().body, R"({"correlationResults":[],"totalCount":0})");
}

}  // namespace
}  // namespace processhost::plugins::consumer_api::testing
