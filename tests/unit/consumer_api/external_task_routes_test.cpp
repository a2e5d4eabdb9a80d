// External task routes under both prefixes: bodies, engine calls, JSON, long polling.

#include "api_fixture.hpp"

namespace processhost::plugins::consumer_api::testing {
namespace {

using ::testing::_;
using ::testing::DoAll;
using ::testing::InvokeArgument;
using ::testing::Return;
using ::testing::SaveArg;

class ExternalTaskRoutes : public ApiFixture {
 protected:
  std::shared_ptr<WaitingResponder> post_at(const std::string& base, const std::string& path, const std::string& body) {
    auto responder = context_.router.dispatch("POST", base + path, body);
    EXPECT_NE(responder, nullptr) << base << path;
    return responder;
  }
};

ExternalTask locked_task() {
  ExternalTask task;
  task.id = "et-1";
  task.worker_id = "w";
  task.topic = "invoice";
  task.flow_node_instance_id = "fni";
  task.correlation_id = "c";
  task.process_model_id = "m";
  task.process_instance_id = "pi";
  task.payload = R"({"amount":3})";
  task.lock_expiration_ms = 1583748000123;  // 2020-03-09T10:00:00.123Z
  task.state = ExternalTaskState::pending;
  task.created_at_ms = 1583747940000;
  return task;
}

TEST_F(ExternalTaskRoutes, FetchAndLockParsesTheBodyAndAnswersTheTaskArray) {
  for (const std::string base : {"/api/consumer/v1", "/api/external_task/v1"}) {
    FetchAndLockRequest seen;
    EXPECT_CALL(engine_, fetch_and_lock(_, _, _))
        .WillOnce(DoAll(SaveArg<1>(&seen),
                        InvokeArgument<2>(Result<std::vector<ExternalTask>>(std::vector<ExternalTask>{locked_task()})),
                        Return(CancelHandle())));
    auto response = post_at(base, "/fetch_and_lock",
                            R"({"workerId":"w","topicName":"invoice","maxTasks":5,"longPollingTimeout":2000,)"
                            R"("lockDuration":30000})");
    EXPECT_EQ(response->response().status, 200) << base;
    EXPECT_EQ(seen.worker_id, "w");
    EXPECT_EQ(seen.topic, "invoice");
    EXPECT_EQ(seen.max_tasks, 5u);
    EXPECT_EQ(seen.long_polling_timeout_ms, 2000);
    EXPECT_EQ(seen.lock_duration_ms, 30000);
    EXPECT_EQ(response->response().body,
              R"([{"id":"et-1","workerId":"w","topic":"invoice","flowNodeInstanceId":"fni","correlationId":"c",)"
              R"("processModelId":"m","processInstanceId":"pi","payload":{"amount":3},)"
              R"("lockExpirationTime":"2020-03-09T10:00:00.123Z","state":"pending","createdAt":"2020-03-09T09:59:00.000Z"}])");
    ::testing::Mock::VerifyAndClearExpectations(&engine_);
  }
}

TEST_F(ExternalTaskRoutes, FetchAndLockDefaultsAndValidation) {
  FetchAndLockRequest seen;
  EXPECT_CALL(engine_, fetch_and_lock(_, _, _))
      .WillOnce(DoAll(SaveArg<1>(&seen),
                      InvokeArgument<2>(Result<std::vector<ExternalTask>>(std::vector<ExternalTask>{})),
                      Return(CancelHandle())));
  auto ok = post("/fetch_and_lock", R"({"workerId":"w","topicName":"t","lockDuration":1000.0})");
  EXPECT_EQ(ok->response().body, "[]");
  EXPECT_EQ(seen.max_tasks, 1u);
  EXPECT_EQ(seen.long_polling_timeout_ms, 0);
  EXPECT_EQ(seen.lock_duration_ms, 1000);
  ::testing::Mock::VerifyAndClearExpectations(&engine_);

  EXPECT_CALL(engine_, fetch_and_lock(_, _, _)).Times(0);
  const std::pair<const char*, const char*> cases[] = {
      {R"({"topicName":"t","lockDuration":1})", "'workerId' is required"},
      {R"({"workerId":"w","lockDuration":1})", "'topicName' is required"},
      {R"({"workerId":"w","topicName":"t"})", "'lockDuration' is required"},
      {R"({"workerId":"w","topicName":"t","lockDuration":-5})", "'lockDuration' must be a non-negative integer."},
      {R"({"workerId":"w","topicName":"t","lockDuration":"10"})", "'lockDuration' must be a non-negative integer."},
      {R"({"workerId":"w","topicName":"t","lockDuration":1,"maxTasks":0})", "'maxTasks' must be at least 1."},
      {R"({"workerId":7,"topicName":"t","lockDuration":1})", "'workerId' must be a string."},
      {R"([])", "FetchAndLockRequestPayload must be a JSON object."},
      {"", "The request body is not valid JSON"},
  };
  for (const auto& [body, message] : cases) {
    auto response = post("/fetch_and_lock", body);
    EXPECT_EQ(response->response().status, 400) << body;
    EXPECT_NE(response->response().body.find(message), std::string::npos) << response->response().body;
  }
}

TEST_F(ExternalTaskRoutes, LongPollingIsCancelledWhenTheWorkerLeaves) {
  auto handle = std::make_shared<MockCancellation>();
  Callback<std::vector<ExternalTask>> done;
  EXPECT_CALL(engine_, fetch_and_lock(_, _, _)).WillOnce(DoAll(SaveArg<2>(&done), Return(handle)));
  EXPECT_CALL(*handle, cancel()).Times(1);
  auto response = post("/fetch_and_lock", R"({"workerId":"w","topicName":"t","lockDuration":1,"longPollingTimeout":60000})");
  EXPECT_FALSE(response->responded());
  response->cancel();
  done(std::vector<ExternalTask>{locked_task()});
  EXPECT_EQ(response->respond_calls(), 0);
}

TEST_F(ExternalTaskRoutes, ExtendLockPassesWorkerAndDuration) {
  EXPECT_CALL(engine_, extend_lock(_, "et-1", "w", 5000, _)).WillOnce(InvokeArgument<4>(Result<Ok>(Ok{})));
  auto response = post("/task/et-1/extend_lock", R"({"workerId":"w","additionalDuration":5000})");
  EXPECT_EQ(response->response().status, 204);
  auto bad = post("/task/et-1/extend_lock", R"({"workerId":"w"})");
  EXPECT_EQ(bad->response().status, 400);
}

TEST_F(ExternalTaskRoutes, OutcomesReachTheEngine) {
  ExternalTaskOutcome seen;
  EXPECT_CALL(engine_, complete_external_task(_, "et-1", _, _))
      .WillRepeatedly(DoAll(SaveArg<2>(&seen), InvokeArgument<3>(Result<Ok>(Ok{}))));

  EXPECT_EQ(post("/task/et-1/finish", R"({"workerId":"w","result":{"paid":true}})")->response().status, 204);
  EXPECT_EQ(seen.kind, ExternalTaskOutcome::Kind::finish);
  EXPECT_EQ(seen.worker_id, "w");
  EXPECT_EQ(seen.result, R"({"paid":true})");

  EXPECT_EQ(post("/task/et-1/handle_bpmn_error", R"({"workerId":"w","errorCode":"E1","errorMessage":"bad"})")
                ->response()
                .status,
            204);
  EXPECT_EQ(seen.kind, ExternalTaskOutcome::Kind::bpmn_error);
  EXPECT_EQ(seen.error_code, "E1");
  EXPECT_EQ(seen.error_message, "bad");

  EXPECT_EQ(post("/task/et-1/handle_service_error",
                 R"({"workerId":"w","errorMessage":"down","errorDetails":{"host":"x"},"errorCode":"503"})")
                ->response()
                .status,
            204);
  EXPECT_EQ(seen.kind, ExternalTaskOutcome::Kind::service_error);
  EXPECT_EQ(seen.error_message, "down");
  EXPECT_EQ(seen.error_details, R"({"host":"x"})");
  EXPECT_EQ(seen.error_code, "503");
}

TEST_F(ExternalTaskRoutes, OutcomeBodiesAreValidated) {
  EXPECT_CALL(engine_, complete_external_task(_, _, _, _)).Times(0);
  EXPECT_EQ(post("/task/et/finish", R"({"result":1})")->response().status, 400);
  EXPECT_EQ(post("/task/et/handle_bpmn_error", R"({"workerId":"w"})")->response().status, 400);
  EXPECT_EQ(post("/task/et/handle_service_error", R"({"workerId":"w","errorMessage":5})")->response().status, 400);
}

TEST_F(ExternalTaskRoutes, EngineStatusesPassThrough) {
  for (auto status : {ErrorStatus::not_found, ErrorStatus::gone, ErrorStatus::locked}) {
    EXPECT_CALL(engine_, complete_external_task(_, _, _, _))
        .WillOnce(InvokeArgument<3>(Result<Ok>(make_error(status, "no"))));
    auto response = post("/task/et/finish", R"({"workerId":"w"})");
    EXPECT_EQ(response->response().status, static_cast<int>(status));
    ::testing::Mock::VerifyAndClearExpectations(&engine_);
  }
}

}  // namespace
}  // namespace processhost::plugins::consumer_api::testing
